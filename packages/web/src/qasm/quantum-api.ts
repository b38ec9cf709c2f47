/**
 * The one place the web app calls the OpenQASM compiler and exporters of @stepfault/quantum, so
 * the browser checks and prints circuits exactly as the server and the CLI do.
 */
import {
  compileParametric,
  compileQasm,
  qasmVersion,
  STANDARD_GATE_NAMES,
  toQasm2,
  toQasm3,
} from "@stepfault/quantum";
import type { Circuit, CompileResult } from "@stepfault/quantum";

/** The version the compiler reads a text as (its OPENQASM line, else the rule for files without one). */
export const sourceVersion: (text: string) => "2.0" | "3.0" = qasmVersion;

/** Most operations the editor compiles before it gives up (the composer shows an overview far below this). */
const MAX_OPS = 500_000;

/**
 * Compiles OpenQASM 2/3 source; never throws (a compiler bug becomes a diagnostic). OpenQASM 3
 * `input`s need no value (`parametric`, as the server saves circuits): the editor accepts them and
 * the estimate panel sweeps them. `forRun` compiles as a run does, where every input needs a value.
 */
export function compileSource(
  source: string,
  { forRun = false }: { forRun?: boolean } = {},
): CompileResult {
  try {
    return compileQasm(source, {
      fileName: "main.qasm",
      maxOps: MAX_OPS,
      parametric: !forRun,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      ok: false,
      diagnostics: [
        {
          code: "COMPILER_CRASH",
          severity: "error",
          message: `internal compiler error: ${message}`,
          span: { line: 1, col: 1, endLine: 1, endCol: 2 },
        },
      ],
    };
  }
}

/** OpenQASM text of a circuit, or why this version cannot express it. */
export type PrintResult =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly message: string };

/** Prints a circuit as OpenQASM text of the given version. */
export function circuitToQasm(
  circuit: Circuit,
  version: "2.0" | "3.0",
): PrintResult {
  const result = version === "2.0" ? toQasm2(circuit) : toQasm3(circuit);
  if (result.ok) return { ok: true, text: result.source };
  return { ok: false, message: result.errors.map((e) => e.message).join("; ") };
}

/** Standard gate names for autocompletion, sorted. */
export function standardGateNames(): readonly string[] {
  return [...STANDARD_GATE_NAMES].sort();
}

/** The OpenQASM 3 `input`s of a program (declaration order) and its qubit count; null when it does not compile. */
export function programInputs(
  source: string,
): { inputs: readonly string[]; numQubits: number } | null {
  try {
    const r = compileParametric(source, {
      fileName: "main.qasm",
      maxOps: MAX_OPS,
    });
    return r.ok
      ? { inputs: r.program.parameters, numQubits: r.program.circuit.numQubits }
      : null;
  } catch {
    return null;
  }
}
