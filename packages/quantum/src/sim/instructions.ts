/**
 * Kernel instructions: what a compiled program is made of. Plain data (numbers and typed arrays)
 * so a program can be posted to worker threads. Each kernel instruction sweeps an "outer index"
 * range [0, outerSize) that threads may split anywhere.
 */
import type { ClassicalExpr, Condition } from "../ir/types.ts";

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
  readonly offs: Float64Array;
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
/** A 2x2 on qubit t with real entries (ry, h, ...); outer size N/2. */
export interface Mat1RealInstr {
  readonly kind: "mat1r";
  readonly t: number;
  readonly m: Float64Array;
}
/** The rx shape [[c, i s], [i s, c]] on qubit t (c, s real); outer size N/2. */
export interface Mat1RxInstr {
  readonly kind: "mat1x";
  readonly t: number;
  readonly m: Float64Array;
}
/** Multiplies by (dr, di) the amplitudes with all bits of cmask set; `bits` = cmask's positions sorted; outer size N >> bits.length. */
export interface PhaseInstr {
  readonly kind: "phase";
  readonly bits: Int32Array;
  readonly cmask: number;
  readonly dr: number;
  readonly di: number;
}
/** A diagonal on 2-3 qubits qs with d[0] = 1 (d interleaved, 2^k entries); offs = matrixOffsets(qs); bits = qs sorted; outer size N >> k. */
export interface DiagGroupsInstr {
  readonly kind: "diagg";
  readonly qs: Int32Array;
  readonly bits: Int32Array;
  readonly offs: Float64Array;
  readonly d: Float64Array;
}
/**
 * A cache-blocked stage: `subs` applied chunk by chunk (one memory pass). A chunk is the 2^(low +
 * high.length) amplitudes sharing all other index bits; `subs` act on the chunk's local qubits
 * (qubit q < low stays q, high[j] becomes low + j). `hoff[j]` = array offset of the chunk's run j.
 * With no high qubits the subs keep their qubits and run in place. Outer size N >> (low + high.length).
 */
export interface BlockInstr {
  readonly kind: "block";
  readonly low: number;
  readonly high: Int32Array;
  readonly hoff: Float64Array;
  readonly subs: readonly KernelInstr[];
  /** Run the one-qubit 2x2s of gathered chunks with the WebAssembly SIMD kernels when available. */
  readonly simd?: boolean;
}
/** A state sweep made by one kernel call. */
export type KernelInstr =
  | Mat1Instr
  | Mat2Instr
  | Mat1cInstr
  | MatKInstr
  | DiagInstr
  | SwapInstr
  | Mat1RealInstr
  | Mat1RxInstr
  | PhaseInstr
  | DiagGroupsInstr
  | BlockInstr;

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
/**
 * A noise channel (trajectories): one Kraus operator is drawn per shot group. `weights` are the
 * branch probabilities of a mixed-unitary channel (then `kraus[k] / sqrt(weights[k])` is unitary);
 * without them the probabilities are computed from the state.
 */
export interface ChannelStep {
  readonly kind: "channel";
  readonly qubits: readonly number[];
  readonly kraus: readonly Float64Array[];
  readonly weights?: readonly number[];
  readonly condition?: undefined;
}
/** Run-time classical code: writes an expression of the shot's bits into bits. */
export interface ClassicalStep {
  readonly kind: "classical";
  readonly clbits: readonly number[];
  readonly value: ClassicalExpr;
  /** Store as the 64 bits of a double. */
  readonly float?: boolean;
  readonly condition?: Condition;
}
/** A jump target (no effect). */
export interface LabelStep {
  readonly kind: "label";
  readonly id: number;
}
/** Continues at step `target` (the step of label `to`), always or when `condition` holds. */
export interface JumpStep {
  readonly kind: "jump";
  readonly to: number;
  readonly target: number;
  readonly condition?: Condition;
}
/** One step of a compiled program. */
export type Step =
  | GateStep
  | MeasureStep
  | ResetStep
  | ClassicalStep
  | LabelStep
  | JumpStep
  | ChannelStep;

/** The outer index range of a kernel instruction on n qubits (what threads split). */
export function outerSize(instr: KernelInstr, n: number): number {
  switch (instr.kind) {
    case "mat1":
    case "mat1r":
    case "mat1x":
      return 2 ** (n - 1);
    case "mat2":
      return 2 ** (n - 2);
    case "diag":
      return 2 ** n;
    case "block":
      return 2 ** (n - instr.low - instr.high.length);
    default:
      return 2 ** (n - instr.bits.length);
  }
}
