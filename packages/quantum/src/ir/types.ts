/**
 * The circuit IR: what the OpenQASM front end produces and what the simulator, the exporters and
 * the JSON form consume. Everything here is plain, immutable data.
 *
 * Conventions:
 * - Qubits and classical bits are flat global indices (registers map onto them by `offset`).
 * - Little-endian: qubit 0 is the least-significant bit of a basis-state index.
 * - A gate's `qubits` are its targets in the order of its definition (for `cx a, b` the gate is
 *   `x` with `controls: [a]` and `qubits: [b]`; see gates.ts for which names are stored as
 *   controlled forms). Its reference matrix acts on `qubits`, with `qubits[0]` as the
 *   least-significant bit of the matrix index.
 */

import type { Channel } from "./channels.ts";

/** A 1-based source position range. `endCol` is exclusive. */
export interface Span {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** A compiler message. `code` is stable (e.g. "QASM_UNDEFINED_GATE"); `message` is for people. */
export interface Diagnostic {
  readonly code: string;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly span: Span;
  /** The file the span refers to, when not the main source (includes). */
  readonly file?: string;
}

/** A named quantum or classical register mapped onto the flat bit indices [offset, offset+size). */
export interface Register {
  readonly name: string;
  readonly size: number;
  readonly offset: number;
}

/**
 * A classical condition on measured bits: the unsigned integer formed by `clbits` (clbits[0] is
 * the least-significant bit) compared with `value`.
 */
export interface Condition {
  readonly clbits: readonly number[];
  readonly op: "==" | "!=" | "<" | "<=" | ">" | ">=";
  readonly value: number;
}

/**
 * A unitary gate application. `name` is a key of the standard gate table (gates.ts) or
 * "unitary" (then `matrix` is required). `controls` are extra control qubits that must all be |1>
 * (negative controls are lowered by the compiler to X-conjugation). A "gphase" gate has no
 * targets: with no controls it multiplies the whole state by e^{i params[0]}.
 */
export interface GateOp {
  readonly kind: "gate";
  readonly name: string;
  readonly qubits: readonly number[];
  readonly params: readonly number[];
  readonly controls: readonly number[];
  /** Interleaved complex, row-major 2^k x 2^k matrix on `qubits`; only for name "unitary". */
  readonly matrix?: Float64Array;
  readonly condition?: Condition;
  readonly span?: Span;
}

/** Measures `qubit` in the computational basis into classical bit `clbit`. */
export interface MeasureOp {
  readonly kind: "measure";
  readonly qubit: number;
  readonly clbit: number;
  readonly condition?: Condition;
  readonly span?: Span;
}

/** Resets `qubit` to |0>. */
export interface ResetOp {
  readonly kind: "reset";
  readonly qubit: number;
  readonly condition?: Condition;
  readonly span?: Span;
}

/** A scheduling barrier: no effect on the state; fusion never crosses it. */
export interface BarrierOp {
  readonly kind: "barrier";
  readonly qubits: readonly number[];
  readonly span?: Span;
}

/** An `opaque` gate application: compiles, but cannot be simulated. */
export interface OpaqueOp {
  readonly kind: "opaque";
  readonly name: string;
  readonly qubits: readonly number[];
  readonly params: readonly number[];
  readonly condition?: Condition;
  readonly span?: Span;
}

/**
 * A noise channel applied to `qubits` (channel.numQubits of them; qubits[0] is the least-significant
 * bit of the Kraus matrices). From `#pragma braket noise ...` or a noise model.
 */
export interface NoiseOp {
  readonly kind: "noise";
  readonly channel: Channel;
  readonly qubits: readonly number[];
  readonly span?: Span;
}

export type Operation =
  | GateOp
  | MeasureOp
  | ResetOp
  | BarrierOp
  | OpaqueOp
  | ClassicalOp
  | LabelOp
  | JumpOp
  | NoiseOp;

/** The version of the JSON form written by `circuitToJson`. */
export const CIRCUIT_FORMAT_VERSION = 1;

/** A compiled, flat circuit. */
export interface Circuit {
  readonly numQubits: number;
  readonly numClbits: number;
  readonly qregs: readonly Register[];
  /** Classical registers in declaration order (the last-declared is leftmost in count keys). */
  readonly cregs: readonly Register[];
  readonly ops: readonly Operation[];
  /** Global phase in radians added by the program (e.g. top-level `gphase`), besides gate phases. */
  readonly globalPhase: number;
  /** Names and types of OpenQASM 3 `input` parameters, in declaration order. */
  readonly inputs: readonly { readonly name: string; readonly type: string }[];
  /** OpenQASM version the circuit was compiled from, when it came from source. */
  readonly sourceVersion?: "2.0" | "3.0";
}

/** Result of compiling a source: a circuit, or the errors (warnings travel either way). */
export type CompileResult =
  | {
      readonly ok: true;
      readonly circuit: Circuit;
      readonly diagnostics: readonly Diagnostic[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/** Options of `compileQasm`. */
export interface CompileOptions {
  /** Name of the main file, used in diagnostics and to resolve relative includes. */
  readonly fileName?: string;
  /**
   * Reads an included file (other than the built-in qelib1.inc / stdgates.inc). `path` is as
   * written in the source, `fromFile` the including file. Returns its text, or undefined when it
   * cannot be read. Without it, non-standard includes are an error.
   */
  readonly readInclude?: (
    path: string,
    fromFile: string | undefined,
  ) => string | undefined;
  /** Values for OpenQASM 3 `input` parameters. */
  readonly inputs?: Readonly<Record<string, number | boolean>>;
  /**
   * Inputs without a value in `inputs` become circuit parameters that gate arguments may use,
   * bound later without recompiling (see `compileParametric`).
   */
  readonly parametric?: boolean;
  /** Maximum number of unrolled operations before compilation stops with an error (default 10M). */
  readonly maxOps?: number;
}

// ---------------------------------------------------------------------------------------------
// Run-time classical computation: OpenQASM 3 programs that compute on measured values (casts,
// arithmetic, assignments to bits) and loop or branch on the results (`while` until success).
// Everything classical lives in the shot's classical bits (declared registers, plus bits the
// compiler allocates for run-time variables, which belong to no register and so never show in
// counts). These three op kinds only appear in such programs; all other circuits are unchanged.
// ---------------------------------------------------------------------------------------------

/** Binary operators of run-time classical expressions (comparisons and `&&`/`||` give 0 or 1). */
export type ClassicalBinaryOp =
  | "+"
  | "-"
  | "*"
  | "/"
  | "%"
  | "**"
  | "&"
  | "|"
  | "^"
  | "<<"
  | ">>"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "&&"
  | "||";

/** A run-time classical expression over the shot's classical bits; evaluates to a number. */
export type ClassicalExpr =
  | { readonly kind: "const"; readonly value: number }
  /**
   * The integer formed by `clbits` (clbits[0] least significant); two's complement when `signed`;
   * with `float`, the 64 bits of an IEEE-754 double (a float variable holding run-time values).
   */
  | {
      readonly kind: "bits";
      readonly clbits: readonly number[];
      readonly signed?: boolean;
      readonly float?: boolean;
    }
  /** `-x`, `!x`, or `~x` (on `width` bits when given: 2^width - 1 - x; else -x - 1). */
  | {
      readonly kind: "unary";
      readonly op: "-" | "!" | "~";
      readonly operand: ClassicalExpr;
      readonly width?: number;
    }
  /** `intDiv`: `/` truncates towards zero (integer operands). */
  | {
      readonly kind: "binary";
      readonly op: ClassicalBinaryOp;
      readonly left: ClassicalExpr;
      readonly right: ClassicalExpr;
      readonly intDiv?: boolean;
    }
  /** Built-in functions: popcount(x), rotl(x, k), rotr(x, k) on `width` bits, and the math functions. */
  | {
      readonly kind: "call";
      readonly name: string;
      readonly args: readonly ClassicalExpr[];
      readonly width?: number;
    };

/**
 * Writes `value` into `clbits` (clbits[0] least significant, two's complement, truncated); with
 * `float`, as the 64 bits of an IEEE-754 double.
 */
export interface ClassicalOp {
  readonly kind: "classical";
  readonly clbits: readonly number[];
  readonly value: ClassicalExpr;
  readonly float?: boolean;
  readonly condition?: Condition;
  readonly span?: Span;
}

/** A jump target (no effect). `id` is unique in the circuit. */
export interface LabelOp {
  readonly kind: "label";
  readonly id: number;
  readonly span?: Span;
}

/** Continues at the label `to` (always, or when `condition` holds). */
export interface JumpOp {
  readonly kind: "jump";
  readonly to: number;
  readonly condition?: Condition;
  readonly span?: Span;
}
