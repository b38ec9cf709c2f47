/**
 * Compiles editor text for live diagnostics. Small, fast sources compile on the main thread;
 * once one compile takes longer than a frame budget (or the text is large), later compiles go
 * to a Web Worker so typing stays smooth. Stale results are dropped by the caller's id check.
 */
import type { CompileResult } from "@stepfault/quantum";
import { compileSource } from "../qasm/quantum-api.ts";

/** Compile time (ms) above which later compiles move to the worker. */
const SLOW_MS = 12;
/** Text length above which compiles always run in the worker. */
const LARGE_TEXT = 40_000;

/** A compiler front that may use a worker; `dispose` stops the worker. */
export interface CompileClient {
  compile(source: string): Promise<CompileResult>;
  /** Whether compiles currently run in a worker. */
  readonly usesWorker: boolean;
  dispose(): void;
}

/** Creates a compile client; without Worker support (tests, old browsers) it stays on the main thread. */
export function createCompileClient(): CompileClient {
  let worker: Worker | null = null;
  let slow = false;
  let nextId = 1;
  const pending = new Map<
    number,
    { source: string; resolve: (r: CompileResult) => void }
  >();

  const startWorker = (): Worker | null => {
    if (worker || typeof Worker === "undefined") return worker;
    try {
      worker = new Worker(new URL("./compile.worker.ts", import.meta.url), {
        type: "module",
      });
      worker.onmessage = (
        e: MessageEvent<{ id: number; result: CompileResult }>,
      ) => {
        pending.get(e.data.id)?.resolve(e.data.result);
        pending.delete(e.data.id);
      };
      worker.onerror = () => {
        worker?.terminate();
        worker = null;
        slow = false;
        // The worker failed to load or crashed: answer what it owed on the main thread.
        for (const [id, job] of pending) {
          pending.delete(id);
          job.resolve(compileSource(job.source));
        }
      };
    } catch {
      worker = null;
    }
    return worker;
  };

  return {
    get usesWorker() {
      return worker !== null;
    },
    compile(source: string): Promise<CompileResult> {
      const w = slow || source.length > LARGE_TEXT ? startWorker() : null;
      if (w) {
        const id = nextId++;
        return new Promise((resolve) => {
          pending.set(id, { source, resolve });
          w.postMessage({ id, source });
        });
      }
      const t0 = performance.now();
      const result = compileSource(source);
      if (performance.now() - t0 > SLOW_MS) slow = true;
      return Promise.resolve(result);
    },
    dispose() {
      worker?.terminate();
      worker = null;
      pending.clear();
    },
  };
}
