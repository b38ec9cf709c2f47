/**
 * Kernel instructions: what a compiled program is made of. Plain data (numbers and typed arrays)
 * so a program can be posted to worker threads. Each kernel instruction sweeps an "outer index"
 * range [0, outerSize) that threads may split anywhere.
 */
import type { Condition } from "../ir/types.ts";

/** A dense 2x2 on qubit t; outer size N/2. */
export interface Mat1Instr {
  readonly kind: "mat1";
  readonly t: number;
  readonly m: Float64Array;
}
/** A dense 4x4 on (q0, q1), q0 the matrix LSB; outer size N/4. */
export interface Mat2Instr {
  readonly kind: "mat2";
  readonly q0: number;
  readonly q1: number;
  readonly m: Float64Array;
}
/** A controlled 2x2 on t; `bits` = sorted target and controls; outer size N >> bits.length. */
export interface Mat1cInstr {
  readonly kind: "mat1c";
  readonly t: number;
  readonly bits: Int32Array;
  readonly cmask: number;
  readonly m: Float64Array;
}
/** A dense 2^k matrix (optionally controlled); outer size N >> bits.length. */
export interface MatKInstr {
  readonly kind: "matk";
  readonly offs: Int32Array;
  readonly bits: Int32Array;
  readonly cmask: number;
  readonly m: Float64Array;
}
/** A diagonal over the qubits qs (d has 2^k interleaved entries); outer size N. */
export interface DiagInstr {
  readonly kind: "diag";
  readonly qs: Int32Array;
  readonly d: Float64Array;
  /** Gather tables (see kernels/diagonal.ts `gatherTables`), for k >= 2. */
  readonly gather: Int32Array;
}
/** Swaps the amplitude at offsets oa and ob (array units) of every base index; outer size N >> bits.length. */
export interface SwapInstr {
  readonly kind: "swap";
  readonly bits: Int32Array;
  readonly cmask: number;
  readonly oa: number;
  readonly ob: number;
}
/** A state sweep made by one kernel call. */
export type KernelInstr =
  Mat1Instr | Mat2Instr | Mat1cInstr | MatKInstr | DiagInstr | SwapInstr;

/** A kernel instruction as it appears in a program, with its condition and how many source ops it covers. */
export interface GateStep {
  readonly kind: "kernel";
  readonly instr: KernelInstr;
  readonly ops: number;
  readonly condition?: Condition;
}
/** A mid-circuit (or final, in trajectories) measurement. */
export interface MeasureStep {
  readonly kind: "measure";
  readonly qubit: number;
  readonly clbit: number;
  readonly condition?: Condition;
}
/** A reset to |0>. */
export interface ResetStep {
  readonly kind: "reset";
  readonly qubit: number;
  readonly condition?: Condition;
}
/** One step of a compiled program. */
export type Step = GateStep | MeasureStep | ResetStep;

/** The outer index range of a kernel instruction on n qubits (what threads split). */
export function outerSize(instr: KernelInstr, n: number): number {
  switch (instr.kind) {
    case "mat1":
      return 2 ** (n - 1);
    case "mat2":
      return 2 ** (n - 2);
    case "diag":
      return 2 ** n;
    default:
      return 2 ** (n - instr.bits.length);
  }
}
