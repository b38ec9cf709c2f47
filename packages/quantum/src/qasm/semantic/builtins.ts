import type { Span } from "../../ir/types.ts";
import { QasmCodes } from "../codes.ts";
import type { EvalHost } from "./eval.ts";
import type { ConstValue } from "./scope.ts";

/** Named constants of OpenQASM 3 (OpenQASM 2 has only `pi`). */
export const CONSTANTS_V3: Record<string, number> = {
  pi: Math.PI,
  π: Math.PI,
  tau: 2 * Math.PI,
  τ: 2 * Math.PI,
  euler: Math.E,
  ℇ: Math.E,
};

type Fn = (a: readonly number[]) => number;

/** Built-in math functions; `v2` marks the ones OpenQASM 2 has. */
export const FUNCTIONS: Record<
  string,
  { readonly arity: number; readonly f: Fn; readonly v2?: boolean }
> = {
  sin: { arity: 1, f: ([x]) => Math.sin(x), v2: true },
  cos: { arity: 1, f: ([x]) => Math.cos(x), v2: true },
  tan: { arity: 1, f: ([x]) => Math.tan(x), v2: true },
  exp: { arity: 1, f: ([x]) => Math.exp(x), v2: true },
  ln: { arity: 1, f: ([x]) => Math.log(x), v2: true },
  sqrt: { arity: 1, f: ([x]) => Math.sqrt(x), v2: true },
  log: { arity: 1, f: ([x]) => Math.log(x) },
  arcsin: { arity: 1, f: ([x]) => Math.asin(x) },
  arccos: { arity: 1, f: ([x]) => Math.acos(x) },
  arctan: { arity: 1, f: ([x]) => Math.atan(x) },
  floor: { arity: 1, f: ([x]) => Math.floor(x) },
  ceiling: { arity: 1, f: ([x]) => Math.ceil(x) },
  ceil: { arity: 1, f: ([x]) => Math.ceil(x) },
  abs: { arity: 1, f: ([x]) => Math.abs(x) },
  pow: { arity: 2, f: ([a, b]) => Math.pow(a, b) },
  mod: { arity: 2, f: ([a, b]) => a - b * Math.floor(a / b) },
  popcount: { arity: 1, f: ([x]) => popcount(x) },
  rotl: { arity: 2, f: ([x]) => x },
  rotr: { arity: 2, f: ([x]) => x },
};

/** Functions whose result is an integer. */
export const INT_RESULT = new Set([
  "floor",
  "ceiling",
  "ceil",
  "popcount",
  "rotl",
  "rotr",
]);

function popcount(x: number): number {
  let n = 0;
  for (let v = Math.abs(Math.trunc(x)); v > 0; v = Math.floor(v / 2))
    n += v % 2;
  return n;
}

/** Integer-like classical types. */
export const isIntType = (t: string): boolean =>
  t === "int" || t === "uint" || t === "bit" || t === "bool";

/** An int or float constant. */
export const num = (v: number, isInt: boolean): ConstValue => ({
  t: isInt ? "int" : "float",
  v,
});

/** A bool constant. */
export const bool = (b: boolean): ConstValue => ({ t: "bool", v: b ? 1 : 0 });

/** Is this a known function name (for calls that are not subroutines)? */
export function isBuiltinFunction(name: string, v3: boolean): boolean {
  const f = FUNCTIONS[name];
  return f !== undefined && (v3 || f.v2 === true);
}

/** Converts a constant to a declared classical type (truncating, wrapping to bool, ...). */
export function castTo(
  h: EvalHost,
  type: string,
  x: ConstValue,
  span: Span,
): ConstValue {
  if (
    (x.t === "duration" || x.t === "stretch") &&
    type !== "duration" &&
    type !== "stretch"
  )
    h.fail(QasmCodes.TYPE_ERROR, `a duration is not a ${type}`, span);
  switch (type) {
    case "int":
    case "uint":
      if (!Number.isFinite(x.v))
        h.fail(QasmCodes.BAD_VALUE, `cannot convert ${x.v} to ${type}`, span);
      return { t: type, v: Math.trunc(x.v) };
    case "bool":
      return bool(x.v !== 0);
    case "bit":
      return { t: "bit", v: x.v !== 0 ? 1 : 0 };
    case "float":
      return { t: "float", v: x.v };
    case "angle":
      return { t: "angle", v: x.v };
    case "duration":
    case "stretch":
      if (x.t !== "duration" && x.t !== "stretch" && x.v !== 0)
        h.fail(
          QasmCodes.TYPE_ERROR,
          `a ${type} needs a duration such as 100ns, got a ${x.t}`,
          span,
        );
      return { t: "duration", v: x.v };
  }
  return h.fail(QasmCodes.UNSUPPORTED, `not supported yet: type ${type}`, span);
}
