/**
 * The stable diagnostic codes of the OpenQASM front end, in one place. Codes never change
 * meaning once published; messages may be improved freely.
 */
export const QasmCodes = {
  /** A token or construct the grammar does not allow here. */
  SYNTAX: "QASM_SYNTAX",
  /** A statement is not terminated by `;`. */
  MISSING_SEMI: "QASM_MISSING_SEMI",
  /** A character that cannot start any token. */
  UNEXPECTED_CHAR: "QASM_UNEXPECTED_CHAR",
  /** A block comment that never ends. */
  UNTERMINATED_COMMENT: "QASM_UNTERMINATED_COMMENT",
  /** A string literal that is not closed on its line. */
  UNTERMINATED_STRING: "QASM_UNTERMINATED_STRING",
  /** An opening `(`, `[` or `{` without its closing partner, or a stray closer. */
  UNBALANCED: "QASM_UNBALANCED",
  /** An `OPENQASM` version other than 2.0 or 3. */
  BAD_VERSION: "QASM_BAD_VERSION",
  /** No `OPENQASM` line in a plainly 2.0 file (qelib1.inc, qreg/creg only): read as 2.0 (warning). */
  MISSING_VERSION: "QASM_MISSING_VERSION",
  /** An include that cannot be read. */
  BAD_INCLUDE: "QASM_BAD_INCLUDE",
  /** A call of a gate that is not defined. */
  UNDEFINED_GATE: "QASM_UNDEFINED_GATE",
  /** A gate that is defined later in the file than its first use. */
  GATE_BEFORE_DEFINITION: "QASM_GATE_BEFORE_DEFINITION",
  /** A register or qubit/bit name that is not declared. */
  UNDEFINED_REGISTER: "QASM_UNDEFINED_REGISTER",
  /** A classical identifier that is not declared. */
  UNDEFINED_VARIABLE: "QASM_UNDEFINED_VARIABLE",
  /** A subroutine (`def`) or function that is not defined. */
  UNDEFINED_FUNCTION: "QASM_UNDEFINED_FUNCTION",
  /** Wrong number of qubit arguments. */
  ARG_COUNT: "QASM_ARG_COUNT",
  /** Wrong number of classical parameters. */
  PARAM_COUNT: "QASM_PARAM_COUNT",
  /** An index outside its register. */
  INDEX_OUT_OF_RANGE: "QASM_INDEX_OUT_OF_RANGE",
  /** The same qubit passed twice to one gate. */
  DUPLICATE_QUBIT: "QASM_DUPLICATE_QUBIT",
  /** `measure a -> b` with registers of different sizes. */
  MEASURE_SIZE_MISMATCH: "QASM_MEASURE_SIZE_MISMATCH",
  /** Broadcast over registers of different sizes. */
  REGISTER_SIZE_MISMATCH: "QASM_REGISTER_SIZE_MISMATCH",
  /** A name declared twice in one scope, or a standard gate redefined. */
  REDEFINITION: "QASM_REDEFINITION",
  /** A register size that is not a positive integer. */
  BAD_SIZE: "QASM_BAD_SIZE",
  /** Division (or modulo) by zero in a constant expression. */
  DIVISION_BY_ZERO: "QASM_DIVISION_BY_ZERO",
  /** A value of the wrong type (e.g. a qubit where a number is expected). */
  TYPE_ERROR: "QASM_TYPE_ERROR",
  /** An expression that must be known at compile time is not. */
  NOT_CONSTANT: "QASM_NOT_CONSTANT",
  /** Assignment to a `const`, or to a loop variable or input. */
  CONST_ASSIGNMENT: "QASM_CONST_ASSIGNMENT",
  /** A value that is mathematically undefined (NaN, infinite). */
  BAD_VALUE: "QASM_BAD_VALUE",
  /** An `input` without a value in `options.inputs`. */
  MISSING_INPUT: "QASM_MISSING_INPUT",
  PARAMETER_USE: "QASM_PARAMETER_USE",
  /** A call of an `opaque` gate (compiles; cannot be simulated). Warning. */
  OPAQUE: "QASM_OPAQUE",
  /** A language feature this compiler does not lower yet. */
  UNSUPPORTED: "QASM_UNSUPPORTED",
  /** `options.maxOps` exceeded while unrolling. */
  TOO_MANY_OPS: "QASM_TOO_MANY_OPS",
  /** A loop ran more iterations than allowed at compile time. */
  LOOP_LIMIT: "QASM_LOOP_LIMIT",
  /** Subroutine or gate recursion too deep. */
  RECURSION_LIMIT: "QASM_RECURSION_LIMIT",
  /** `break`/`continue` outside a loop, `return` outside a subroutine. */
  BAD_CONTROL_FLOW: "QASM_BAD_CONTROL_FLOW",
  /** A noise pragma with an unknown channel, bad parameters, a non-CPTP Kraus set or wrong qubits. */
  BAD_NOISE: "QASM_BAD_NOISE",
  /** A call of an `extern` that has no implementation in the simulator. */
  EXTERN_UNAVAILABLE: "QASM_EXTERN_UNAVAILABLE",
  /** `defcalgrammar`, `cal` and `defcal` are skipped by the simulator (warning, once). */
  CALIBRATION_IGNORED: "QASM_CALIBRATION_IGNORED",
  /**
   * A mistake in a program that the compiler reads as the program plainly means, as lenient
   * reference tools do (an indexed gate argument, an undeclared register, `CX` without
   * stdgates.inc, ...). Warning; the message says what was assumed.
   */
  LENIENT: "QASM_LENIENT",
  /** A bug in the compiler itself, caught rather than thrown. */
  INTERNAL: "QASM_INTERNAL",
} as const;

/** One of the stable diagnostic codes. */
export type QasmCode = (typeof QasmCodes)[keyof typeof QasmCodes];
