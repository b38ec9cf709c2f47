/**
 * Compile once, bind many times: OpenQASM 3 `input`s become named circuit parameters (see
 * ir/parametric.ts), so a sweep over thousands of points parses and compiles the program once.
 */
import type { CompileOptions, Diagnostic } from "../ir/types.ts";
import type { ParametricCircuit } from "../ir/parametric.ts";
import { compileWithParams } from "./compile.ts";

/** Result of `compileParametric`. */
export type ParametricCompileResult =
  | {
      readonly ok: true;
      readonly program: ParametricCircuit;
      /** The parameters: the program's `input` names in declaration order. */
      readonly parameters: readonly string[];
      readonly diagnostics: readonly Diagnostic[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

/**
 * Compiles a program whose `input`s (those without a value in `options.inputs`) are circuit
 * parameters. They may appear in gate arguments, also inside gate definitions and under
 * `ctrl @` / `inv @` / `pow @`, in expressions of + - * / ** and the built-in functions; using one
 * where its value must be known at compile time (a loop bound, a condition, a classical variable)
 * is a `QASM_PARAMETER_USE` error. Bind values with `bindParameters` or evaluate with `estimate`.
 */
export function compileParametric(
  source: string,
  options: Omit<CompileOptions, "parametric"> = {},
): ParametricCompileResult {
  const { result, params } = compileWithParams(source, {
    ...options,
    parametric: true,
  });
  if (!result.ok) return result;
  const parameters = params?.names ?? [];
  return {
    ok: true,
    program: {
      circuit: result.circuit,
      parameters,
      sites: params?.sites ?? [],
    },
    parameters,
    diagnostics: result.diagnostics,
  };
}
