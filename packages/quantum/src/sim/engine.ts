/**
 * Where kernel sweeps run: the single-threaded engine below, or the worker pool of
 * `@stepfault/quantum/threads`, which supplies its own allocate/sweep over shared memory.
 */
import { type KernelInstr, outerSize } from "./instructions.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { applyInstr, makeScratch } from "./execute.ts";
import type { BackStage } from "./adjoint-steps.ts";

/** Allocates states and applies kernel instructions to them. */
export interface SimEngine {
  /** A zeroed state of 2^n amplitudes (interleaved, so 2^(n+1) numbers). */
  allocate(numQubits: number, precision: "double" | "single"): Amplitudes;
  /** Applies one instruction to the whole state. */
  sweep(a: Amplitudes, instr: KernelInstr, numQubits: number): void;
  /** The squared norm of a, bit-identical to `sumSquares(a)` (absent: the caller computes it). */
  sumSquares?(a: Amplitudes): number;
  /**
   * Runs every chunk of a backward stage of the adjoint gradient (gradient.ts `runStageChunks`)
   * over the threads and returns the per-chunk sums (absent: the caller runs them itself).
   */
  backwardStage?(
    stage: BackStage,
    phi: Amplitudes,
    lams: readonly Amplitudes[],
  ): Float64Array;
  /** Threads sharing each sweep (absent: 1). */
  readonly threads?: number;
}

/** The single-threaded engine: plain typed arrays, one kernel call per sweep. */
export function singleThreadEngine(): SimEngine {
  const scratch = makeScratch();
  return {
    allocate(n, precision) {
      const len = 2 * 2 ** n;
      return precision === "single"
        ? new Float32Array(len)
        : new Float64Array(len);
    },
    sweep(a, instr, n) {
      applyInstr(a, instr, 0, outerSize(instr, n), scratch);
    },
  };
}
