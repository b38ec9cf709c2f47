/**
 * The memory-bandwidth limit of `npm run bench`: one in-place read-modify-write sweep (x *= 0.999)
 * over a typed array the size of the state, timed as the best of two. It is measured twice, with a
 * plain JavaScript loop and with a WebAssembly SIMD loop over an array in wasm memory, and the faster
 * is the limit: on some machines the JavaScript loop is bound by the core, not by memory, and would
 * set a limit that the simulator beats.
 */
import {
  I32,
  PAGE,
  V128,
  moduleBytes,
  op,
  wasmApi,
} from "../src/sim/wasm/emit.ts";

/** Largest array a sweep allocates: 1 GiB. */
export const BANDWIDTH_PROBE_BYTES = 2 ** 30;

export interface BandwidthSweep {
  /** Time of one sweep over the state's bytes (scaled when the probe was smaller). */
  readonly ms: number;
  /** The plain JavaScript loop's time, scaled likewise. */
  readonly jsMs: number;
  /** The WebAssembly SIMD loop's time, scaled likewise (absent without WebAssembly SIMD). */
  readonly wasmMs?: number;
  /** Set when the sweep ran over fewer bytes than the state and was scaled linearly. */
  readonly scaledFromBytes?: number;
}

function bestOf2(sweep: () => void): number {
  let best = Infinity;
  for (let rep = 0; rep < 2; rep++) {
    const t = performance.now();
    sweep();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

// One function per precision, so each loop sees one array type.
function sweepF64(a: Float64Array): void {
  for (let i = 0; i < a.length; i++) a[i] = a[i] * 0.999;
}
function sweepF32(a: Float32Array): void {
  for (let i = 0; i < a.length; i++) a[i] = a[i] * 0.999;
}

/** rmw(p, end): v128 at [p, end) times the v128 at address 0, 64 bytes per iteration. */
function wasmSweep(
  bytes: number,
  single: boolean,
): { run: () => void } | undefined {
  const mul = single ? op.f32x4Mul : op.f64x2Mul;
  const step = (offset: number): number[] => [
    ...op.get(0),
    ...op.get(0),
    ...op.load(offset, 4),
    ...op.get(2),
    ...mul,
    ...op.store(offset, 4),
  ];
  const body = [
    ...op.i32(0),
    ...op.load(0, 4),
    ...op.set(2),
    ...op.block,
    ...op.loop,
    ...op.get(0),
    ...op.get(1),
    ...op.geU,
    ...op.brIf(1),
    ...step(0),
    ...step(16),
    ...step(32),
    ...step(48),
    ...op.get(0),
    ...op.i32(64),
    ...op.add,
    ...op.set(0),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  const pages = Math.ceil((bytes + 64) / PAGE);
  const wasm = wasmApi();
  if (!wasm) return undefined;
  try {
    const instance = new wasm.Instance(
      new wasm.Module(
        moduleBytes(pages, [
          { name: "rmw", params: [I32, I32], locals: [[1, V128]], body },
        ]),
      ),
    );
    const memory = instance.exports.m as { readonly buffer: ArrayBuffer };
    const rmw = instance.exports.rmw as (p: number, end: number) => void;
    if (single) new Float32Array(memory.buffer, 0, 4).fill(0.999);
    else new Float64Array(memory.buffer, 0, 2).fill(0.999);
    const data = single
      ? new Float32Array(memory.buffer, 64, bytes / 4)
      : new Float64Array(memory.buffer, 64, bytes / 8);
    data.fill(0.5);
    return { run: () => rmw(64, 64 + bytes) };
  } catch {
    return undefined; // no WebAssembly SIMD here: the JavaScript loop is the probe
  }
}

/**
 * One sweep over a state of n qubits in the given precision, in ms. Above 1 GiB (n >= 27 double,
 * n >= 28 single) the sweep runs over 1 GiB and the time is scaled linearly by the size ratio: a
 * second state-sized buffer does not fit beside a 16 GiB state, and 1 GiB is already ~30x the
 * last-level cache, so the time is linear in the size.
 */
export function bandwidthSweepMs(
  n: number,
  precision: "double" | "single",
): BandwidthSweep {
  const single = precision === "single";
  const stateBytes = 2 ** n * (single ? 8 : 16);
  const bytes = Math.min(stateBytes, BANDWIDTH_PROBE_BYTES);
  const scale = stateBytes / bytes;
  let jsMs: number;
  if (single) {
    const a = new Float32Array(bytes / 4).fill(0.5);
    jsMs = bestOf2(() => sweepF32(a));
  } else {
    const a = new Float64Array(bytes / 8).fill(0.5);
    jsMs = bestOf2(() => sweepF64(a));
  }
  const wasm = wasmSweep(bytes, single);
  const wasmMs = wasm ? bestOf2(wasm.run) : undefined;
  const ms = Math.min(jsMs, wasmMs ?? Infinity);
  return {
    ms: ms * scale,
    jsMs: jsMs * scale,
    ...(wasmMs !== undefined ? { wasmMs: wasmMs * scale } : {}),
    ...(scale > 1 ? { scaledFromBytes: bytes } : {}),
  };
}
