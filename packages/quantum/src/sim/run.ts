/**
 * Runs a static compiled program: simulated once and all shots sampled from the final distribution.
 * Also the run context, output and condition check shared with the branch-split dynamic runner
 * (branches.ts).
 */
import type { Circuit, Condition } from "../ir/types.ts";
import type { Rng } from "../math/rng.ts";
import { basisKey, countsKey } from "./counts.ts";
import type { SimEngine } from "./engine.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { sampleIndices } from "./measure.ts";
import type { Program } from "./program.ts";

/** Signals that `shouldStop` asked the run to end. */
export class Cancelled extends Error {}

/** What a run needs besides the program. */
export interface RunContext {
  readonly engine: SimEngine;
  readonly precision: "double" | "single";
  readonly rng: Rng;
  readonly onProgress?: (fraction: number) => void;
  readonly shouldStop?: () => boolean;
}

/** What a run produces. */
export interface RunOutput {
  readonly counts: Record<string, number>;
  readonly state?: Amplitudes;
  readonly sweeps: number;
  /** Most states alive at once (absent: 1). */
  readonly peakStates?: number;
  /** Time spent sampling the shots from the final state (static runs; dynamic runs sample as they go). */
  readonly sampleMs?: number;
}

/** Evaluates a classical condition on one shot's bits. */
export function conditionHolds(c: Condition, bits: Uint8Array): boolean {
  let v = 0;
  for (let i = c.clbits.length - 1; i >= 0; i--) v = v * 2 + bits[c.clbits[i]];
  switch (c.op) {
    case "==":
      return v === c.value;
    case "!=":
      return v !== c.value;
    case "<":
      return v < c.value;
    case "<=":
      return v <= c.value;
    case ">":
      return v > c.value;
    case ">=":
      return v >= c.value;
  }
}

/**
 * Runs the steps of a static program on a. A static program holds only unconditioned kernel steps:
 * its measurements are final (sampled afterwards), conditions make it dynamic, and a reset is either
 * dropped (fresh qubit) or makes it dynamic (see `isDynamic` and `compileProgram`).
 */
function runKernels(a: Amplitudes, prog: Program, ctx: RunContext): number {
  const n = prog.numQubits;
  const total = prog.steps.length;
  let sweeps = 0;
  for (let s = 0; s < total; s++) {
    if (ctx.shouldStop?.()) throw new Cancelled();
    const st = prog.steps[s];
    if (st.kind !== "kernel" || st.condition)
      throw new Error(`invariant: a ${st.kind} step in a static program`);
    ctx.engine.sweep(a, st.instr, n);
    sweeps++;
    // Every 16 steps, or after each cache-blocked stage (one of them may cover hundreds of gates).
    const done = s + 1;
    if (ctx.onProgress && (st.instr.kind === "block" || (done & 15) === 0))
      ctx.onProgress(Math.min(1, done / total));
  }
  return sweeps;
}

/** Simulates a static program once; samples `shots` from it. */
export function runStatic(
  circuit: Circuit,
  prog: Program,
  shots: number,
  ctx: RunContext,
): RunOutput {
  const a = ctx.engine.allocate(prog.numQubits, ctx.precision);
  a[0] = 1;
  const sweeps = runKernels(a, prog, ctx);
  const t0 = performance.now();
  const counts: Record<string, number> = {};
  const samples = sampleIndices(
    a,
    shots,
    ctx.rng,
    shots > 0 ? ctx.engine.sumSquares?.(a) : undefined,
  );
  const bits = new Uint8Array(prog.numClbits);
  for (const [index, c] of samples) {
    let key: string;
    if (prog.numClbits === 0) key = basisKey(index, prog.numQubits);
    else {
      bits.fill(0);
      for (const m of prog.finalMeasures)
        bits[m.clbit] = Math.floor(index / 2 ** m.qubit) % 2;
      key = countsKey(bits, circuit.cregs);
    }
    counts[key] = (counts[key] ?? 0) + c;
  }
  const sampleMs = performance.now() - t0;
  ctx.onProgress?.(1);
  return { counts, state: a, sweeps, sampleMs };
}
