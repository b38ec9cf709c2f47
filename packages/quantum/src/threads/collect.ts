/**
 * A synchronous full garbage collection in this thread, used by the pool to unmap a large state
 * as soon as a run ends: each worker_thread is its own V8 isolate and an idle one never collects,
 * so without this every pool thread keeps the last run's SharedArrayBuffer (up to 16 GiB) mapped
 * and the next large run is killed for lack of memory. `gc` is exposed for new contexts by V8's
 * --expose-gc (flags are per process; set here at run time), and backing stores are freed within
 * the collection (--no-concurrent-array-buffer-sweeping).
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** States at least this large are unmapped right away when a run ends (smaller ones wait for the GC). */
export const COLLECT_MIN_BYTES = 64 * 2 ** 20;

let gc: (() => void) | null | undefined;

/** Runs a full GC now; false when the runtime does not allow it. */
export function collectGarbage(): boolean {
  if (gc === undefined) {
    try {
      setFlagsFromString("--expose-gc");
      // Array buffers are freed during the collection, not later on a background thread.
      setFlagsFromString("--no-concurrent-array-buffer-sweeping");
      gc = runInNewContext("gc") as () => void;
      if (typeof gc !== "function") gc = null;
    } catch {
      gc = null;
    }
  }
  if (!gc) return false;
  gc();
  return true;
}
