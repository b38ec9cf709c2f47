/**
 * Runs a static compiled program: simulated once and all shots sampled from the final distribution.
 * Also the run context, output and condition check shared with the branch-split dynamic runner
 * (branches.ts).
 */
import type { Circuit, Condition } from "../ir/types.ts";
import type { Rng } from "../math/rng.ts";
import { basisKey, countsKey } from "./counts.ts";
import type { SimEngine } from "./engine.ts";
import type { Step } from "./instructions.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { flipQubit, measureQubit, sampleIndices } from "./measure.ts";
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

class Runner {
  sweeps = 0;
  private done = 0;
  constructor(
    private readonly prog: Program,
    private readonly ctx: RunContext,
    private readonly totalSteps: number,
  ) {}

  /** Runs steps [from, to) on a; bits are this shot's classical bits. */
  run(
    a: Amplitudes,
    steps: readonly Step[],
    from: number,
    to: number,
    bits: Uint8Array,
  ): void {
    const n = this.prog.numQubits;
    for (let s = from; s < to; s++) {
      if (this.ctx.shouldStop?.()) throw new Cancelled();
      const st = steps[s];
      if (!st.condition || conditionHolds(st.condition, bits)) {
        if (st.kind === "kernel") {
          this.ctx.engine.sweep(a, st.instr, n);
          this.sweeps++;
        } else if (st.kind === "measure")
          bits[st.clbit] = measureQubit(a, st.qubit, this.ctx.rng);
        else if (measureQubit(a, st.qubit, this.ctx.rng) === 1)
          flipQubit(a, st.qubit);
      }
      this.done++;
      // Every 16 steps, or after each cache-blocked stage (one of them may cover hundreds of gates).
      const stage = st.kind === "kernel" && st.instr.kind === "block";
      if (this.ctx.onProgress && (stage || (this.done & 15) === 0))
        this.ctx.onProgress(Math.min(1, this.done / this.totalSteps));
    }
  }
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
  const runner = new Runner(prog, ctx, prog.steps.length);
  runner.run(
    a,
    prog.steps,
    0,
    prog.steps.length,
    new Uint8Array(prog.numClbits),
  );
  const counts: Record<string, number> = {};
  const samples = sampleIndices(a, shots, ctx.rng);
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
  ctx.onProgress?.(1);
  return { counts, state: a, sweeps: runner.sweeps };
}
