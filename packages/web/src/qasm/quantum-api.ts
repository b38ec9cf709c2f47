/**
 * The one place the web app calls the OpenQASM compiler and exporters. It uses `compileQasm`,
 * `toQasm2`/`toQasm3` and `STANDARD_GATE_NAMES` of @stepfault/quantum when the package exports
 * them, and the small built-in fallback (mini-compile.ts, print.ts) while they have not landed.
 */
import * as quantum from "@stepfault/quantum";
import type {
  Circuit,
  CompileOptions,
  CompileResult,
} from "@stepfault/quantum";
import { GATE_SPECS } from "./gate-catalog.ts";
import { miniCompile } from "./mini-compile.ts";
import { printQasm } from "./print.ts";

/** The functions of @stepfault/quantum this app uses, each possibly not yet exported. */
interface QuantumFunctions {
  compileQasm: (source: string, options?: CompileOptions) => CompileResult;
  toQasm2: (circuit: Circuit) => unknown;
  toQasm3: (circuit: Circuit) => unknown;
  STANDARD_GATE_NAMES: readonly string[];
}

const lib = quantum as unknown as Partial<QuantumFunctions>;

/** Which compiler is in use: the real one from @stepfault/quantum, or the built-in fallback. */
export const compilerKind: "stepfault" | "fallback" =
  typeof lib.compileQasm === "function" ? "stepfault" : "fallback";

/** Compiles OpenQASM 2/3 source; never throws on user input. */
export function compileSource(source: string): CompileResult {
  if (typeof lib.compileQasm === "function") {
    try {
      return lib.compileQasm(source, {
        fileName: "main.qasm",
        maxOps: 200_000,
      });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return {
        ok: false,
        diagnostics: [
          {
            code: "COMPILER_CRASH",
            severity: "error",
            message: `the compiler failed: ${message}`,
            span: { line: 1, col: 1, endLine: 1, endCol: 2 },
          },
        ],
      };
    }
  }
  return miniCompile(source);
}

/** Prints a circuit as OpenQASM text of the given version. */
export function circuitToQasm(
  circuit: Circuit,
  version: "2.0" | "3.0",
): string {
  const fn = version === "2.0" ? lib.toQasm2 : lib.toQasm3;
  if (typeof fn === "function") {
    try {
      const out = fn(circuit);
      if (typeof out === "string") return out;
    } catch {
      // Fall through to the built-in printer (e.g. a gate the exporter cannot express).
    }
  }
  return printQasm(circuit, version);
}

/** Standard gate names for autocompletion. */
export function standardGateNames(): readonly string[] {
  const names = Array.isArray(lib.STANDARD_GATE_NAMES)
    ? lib.STANDARD_GATE_NAMES
    : [];
  return [...new Set([...names, ...GATE_SPECS.map((g) => g.qasm)])].sort();
}
