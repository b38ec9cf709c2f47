/**
 * The gates the web app knows by name: the composer palette, the printer and the fallback
 * compiler use this table. A QASM name maps onto the IR form (base gate + number of controls),
 * following the IR convention that `cx a, b` is gate `x` with `controls: [a]`.
 */

/** One OpenQASM gate name and the IR form it compiles to. */
export interface GateSpec {
  /** Name as written in OpenQASM (e.g. "cx"). */
  readonly qasm: string;
  /** IR gate name (e.g. "x" for "cx"). */
  readonly base: string;
  /** Number of leading control qubits in the QASM argument list. */
  readonly controls: number;
  /** Number of target qubits. */
  readonly targets: number;
  /** Number of real parameters. */
  readonly params: number;
  /** Whether Qiskit's qelib1.inc (OpenQASM 2) defines it. */
  readonly qasm2: boolean;
  /** Whether stdgates.inc (or the OpenQASM 3 builtins) defines it. */
  readonly qasm3: boolean;
}

const g = (
  qasm: string,
  base: string,
  controls: number,
  targets: number,
  params: number,
  where = "23",
): GateSpec => ({
  qasm,
  base,
  controls,
  targets,
  params,
  qasm2: where.includes("2"),
  qasm3: where.includes("3"),
});

/** Every standard gate name, in palette-friendly order. */
export const GATE_SPECS: readonly GateSpec[] = [
  g("id", "id", 0, 1, 0),
  g("x", "x", 0, 1, 0),
  g("y", "y", 0, 1, 0),
  g("z", "z", 0, 1, 0),
  g("h", "h", 0, 1, 0),
  g("s", "s", 0, 1, 0),
  g("sdg", "sdg", 0, 1, 0),
  g("t", "t", 0, 1, 0),
  g("tdg", "tdg", 0, 1, 0),
  g("sx", "sx", 0, 1, 0),
  g("sxdg", "sxdg", 0, 1, 0, "2"),
  g("rx", "rx", 0, 1, 1),
  g("ry", "ry", 0, 1, 1),
  g("rz", "rz", 0, 1, 1),
  g("p", "p", 0, 1, 1),
  g("u1", "u1", 0, 1, 1),
  g("u2", "u2", 0, 1, 2),
  g("u3", "u3", 0, 1, 3),
  g("u", "u", 0, 1, 3, "2"),
  g("U", "U", 0, 1, 3),
  g("cx", "x", 1, 1, 0),
  g("CX", "x", 1, 1, 0),
  g("cy", "y", 1, 1, 0),
  g("cz", "z", 1, 1, 0),
  g("ch", "h", 1, 1, 0),
  g("csx", "sx", 1, 1, 0, "2"),
  g("crx", "rx", 1, 1, 1),
  g("cry", "ry", 1, 1, 1),
  g("crz", "rz", 1, 1, 1),
  g("cp", "p", 1, 1, 1),
  g("cu1", "u1", 1, 1, 1, "2"),
  g("cu3", "u3", 1, 1, 3, "2"),
  g("swap", "swap", 0, 2, 0),
  g("ccx", "x", 2, 1, 0),
  g("cswap", "swap", 1, 2, 0),
  g("rxx", "rxx", 0, 2, 1, "2"),
  g("rzz", "rzz", 0, 2, 1, "2"),
];

const byQasm = new Map(GATE_SPECS.map((s) => [s.qasm, s]));

/** Looks up a gate by its OpenQASM name. */
export function gateByQasmName(name: string): GateSpec | undefined {
  return byQasm.get(name);
}

/** Finds a QASM name for IR gate `base` with `controls` controls that `version` knows, if any. */
export function qasmNameFor(
  base: string,
  controls: number,
  version: "2.0" | "3.0",
): string | undefined {
  return GATE_SPECS.find(
    (s) =>
      s.base === base &&
      s.controls === controls &&
      (version === "2.0" ? s.qasm2 : s.qasm3),
  )?.qasm;
}
