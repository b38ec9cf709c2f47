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

/**
 * `compileParametric` for a sweep: when the program needs an input's value at compile time (a
 * loop bound, a condition) and `fixed` gives it one, that input is compiled in as a constant
 * (and is no longer a parameter).
 */
export function compileForSweep(
  source: string,
  options: Omit<CompileOptions, "parametric" | "inputs"> & {
    readonly fixed?: Readonly<Record<string, number | boolean>>;
  },
): ParametricCompileResult {
  const { fixed = {}, ...rest } = options;
  const first = compileParametric(source, rest);
  if (
    first.ok ||
    Object.keys(fixed).length === 0 ||
    !first.diagnostics.some((d) => d.code === "QASM_PARAMETER_USE")
  )
    return first;
  return compileParametric(source, { ...rest, inputs: fixed });
}

/** `sweepPoints` outcome; `error` names the bad key, `field` is its path (`sweep/theta`, `inputs/phi`). */
export type SweepPointsResult =
  | { readonly ok: true; readonly points: Record<string, number>[] }
  | { readonly ok: false; readonly error: string; readonly field: string };

/**
 * One record per point from swept columns (all the same length P; P = 1 without a sweep) and
 * values for the parameters not swept. A key that is not a parameter, columns of different
 * lengths, a non-finite value or a parameter with no value is an error naming it.
 */
export function sweepPoints(
  parameters: readonly string[],
  sweep: Readonly<Record<string, readonly number[]>> | undefined,
  values: Readonly<Record<string, number | boolean>> = {},
): SweepPointsResult {
  const inputs = `(inputs: ${parameters.join(", ") || "none"})`;
  let count: number | undefined;
  for (const [key, col] of Object.entries(sweep ?? {})) {
    if (!parameters.includes(key))
      return {
        ok: false,
        error: `sweep key '${key}' is not an input of the program ${inputs}`,
        field: `sweep/${key}`,
      };
    if (col.length === 0 || !col.every((v) => Number.isFinite(v)))
      return {
        ok: false,
        error: `sweep key '${key}' must be a non-empty array of finite numbers`,
        field: `sweep/${key}`,
      };
    if (count !== undefined && col.length !== count)
      return {
        ok: false,
        error: `sweep key '${key}' has ${col.length} values, the others ${count}: all arrays must have the same length`,
        field: `sweep/${key}`,
      };
    count = col.length;
  }
  for (const name of parameters)
    if (!(sweep && name in sweep) && !(name in values))
      return {
        ok: false,
        error: `no value for input '${name}': give it in the sweep or as an input value`,
        field: `inputs/${name}`,
      };
  const points = Array.from({ length: count ?? 1 }, (_, p) =>
    Object.fromEntries(
      parameters.map((name) => [
        name,
        sweep && name in sweep ? sweep[name][p] : Number(values[name]),
      ]),
    ),
  );
  return { ok: true, points };
}
