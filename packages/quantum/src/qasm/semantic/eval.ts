import type { Condition, Span } from "../../ir/types.ts";
import type { Expr } from "../ast.ts";
import { QasmCodes, type QasmCode } from "../codes.ts";
import type { ConstValue, Scope, Value } from "./scope.ts";

/** Thrown after a diagnostic was reported, to abandon the current statement; never escapes compileQasm. */
export class SemanticAbort {
  readonly reason = "semantic-abort";
}

/** What the evaluator needs from the compiler. */
export interface EvalHost {
  readonly v3: boolean;
  readonly scope: Scope;
  /** Reports an error and abandons the statement. */
  fail(code: QasmCode, message: string, span: Span): never;
  /** Calls a subroutine and returns its value. */
  callDef(name: string, args: readonly Expr[], span: Span): Value | undefined;
}

const CONSTANTS_V3: Record<string, number> = {
  pi: Math.PI,
  π: Math.PI,
  tau: 2 * Math.PI,
  τ: 2 * Math.PI,
  euler: Math.E,
  ℇ: Math.E,
};

type Fn = (a: readonly number[]) => number;
const FUNCTIONS: Record<
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
};
const INT_RESULT = new Set(["floor", "ceiling", "ceil", "popcount"]);

function popcount(x: number): number {
  let n = 0;
  for (let v = Math.abs(Math.trunc(x)); v > 0; v = Math.floor(v / 2))
    n += v % 2;
  return n;
}

const isIntType = (t: string): boolean =>
  t === "int" || t === "uint" || t === "bit" || t === "bool";
const num = (v: number, isInt: boolean): ConstValue => ({
  t: isInt ? "int" : "float",
  v,
});
const bool = (b: boolean): ConstValue => ({ t: "bool", v: b ? 1 : 0 });

/** Is this a known function name (for calls that are not subroutines)? */
export function isBuiltinFunction(name: string, v3: boolean): boolean {
  const f = FUNCTIONS[name];
  return f !== undefined && (v3 || f.v2 === true);
}

/** Evaluates an expression; measured bits and qubits come back as references, not numbers. */
export function evaluate(h: EvalHost, e: Expr): Value {
  switch (e.kind) {
    case "num":
      return num(e.value, e.isInt);
    case "bool":
      return bool(e.value);
    case "id":
      return evalIdentifier(h, e.name, e.span);
    case "unary":
      return evalUnary(h, e);
    case "binary":
      return evalBinary(h, e);
    case "call":
      return evalCall(h, e);
    case "cast":
      return castTo(h, e.type.name, evalConst(h, e.arg), e.span);
    case "index":
      return evalIndex(h, e);
    case "measure":
      return h.fail(
        QasmCodes.UNSUPPORTED,
        "not supported yet: measure inside an expression",
        e.span,
      );
    case "string":
      return h.fail(
        QasmCodes.UNSUPPORTED,
        "not supported yet: bit-string literals",
        e.span,
      );
    case "range":
    case "set":
      return h.fail(
        QasmCodes.TYPE_ERROR,
        "a range or set is not a value here",
        e.span,
      );
  }
}

/** Evaluates a quantum or classical operand (`q`, `q[1]`, `c[0:2]`); an unknown name is an undefined register. */
export function evalOperand(h: EvalHost, e: Expr): Value {
  const base = e.kind === "index" ? e.target : e;
  if (base.kind === "id" && base.name.startsWith("$")) {
    return h.fail(
      QasmCodes.UNSUPPORTED,
      `not supported yet: physical qubits (${base.name})`,
      base.span,
    );
  }
  if (base.kind === "id" && h.scope.lookup(base.name) === undefined) {
    return h.fail(
      QasmCodes.UNDEFINED_REGISTER,
      `register '${base.name}' is not declared`,
      base.span,
    );
  }
  return evaluate(h, e);
}

/** Evaluates an expression that must be a compile-time constant. */
export function evalConst(h: EvalHost, e: Expr): ConstValue {
  const v = evaluate(h, e);
  if (v.t === "bits" || v.t === "cond") {
    return h.fail(
      QasmCodes.UNSUPPORTED,
      "not supported yet: computing with measured bits at run time",
      e.span,
    );
  }
  if (v.t === "qubits")
    return h.fail(
      QasmCodes.TYPE_ERROR,
      "a qubit is not a classical value",
      e.span,
    );
  return v;
}

/** Evaluates a finite real number (gate angles). */
export function evalNumber(h: EvalHost, e: Expr): number {
  const v = evalConst(h, e).v;
  if (!Number.isFinite(v))
    h.fail(QasmCodes.BAD_VALUE, "expression is not a finite number", e.span);
  return v;
}

/** Evaluates an integer (sizes, indices, loop bounds). */
export function evalInt(h: EvalHost, e: Expr, what: string): number {
  const v = evalConst(h, e);
  if (!Number.isInteger(v.v))
    h.fail(
      QasmCodes.TYPE_ERROR,
      `${what} must be an integer, got ${v.v}`,
      e.span,
    );
  return v.v;
}

function evalIdentifier(h: EvalHost, name: string, span: Span): Value {
  const sym = h.scope.lookup(name);
  if (sym === undefined) {
    if (name === "pi" || (h.v3 && Object.hasOwn(CONSTANTS_V3, name)))
      return num(CONSTANTS_V3[name], false);
    return h.fail(
      QasmCodes.UNDEFINED_VARIABLE,
      `'${name}' is not defined`,
      span,
    );
  }
  switch (sym.kind) {
    case "var":
      return sym.value;
    case "creg":
      return {
        t: "bits",
        clbits: range(sym.offset, sym.size),
        scalar: sym.scalar,
      };
    case "qreg":
      return {
        t: "qubits",
        qubits: range(sym.offset, sym.size),
        scalar: sym.scalar,
      };
    case "qarg":
      return { t: "qubits", qubits: sym.qubits, scalar: sym.scalar };
    default:
      return h.fail(
        QasmCodes.TYPE_ERROR,
        `'${name}' is a ${sym.kind === "def" ? "subroutine" : "gate"}, not a value`,
        span,
      );
  }
}

/** [offset, offset + size) as an array. */
export function range(offset: number, size: number): number[] {
  const out = new Array<number>(size);
  for (let i = 0; i < size; i++) out[i] = offset + i;
  return out;
}

function evalIndex(h: EvalHost, e: Extract<Expr, { kind: "index" }>): Value {
  const fast = fastRegisterIndex(h, e);
  if (fast !== undefined) return fast;
  const base = evaluate(h, e.target);
  if (base.t === "bits" || base.t === "qubits") {
    const items = base.t === "bits" ? base.clbits : base.qubits;
    const picked = selectIndices(
      h,
      items,
      e.index,
      e.span,
      base.t === "bits" ? "bit" : "qubit",
    );
    const scalar =
      e.index.length === 1 &&
      e.index[0].kind !== "range" &&
      e.index[0].kind !== "set";
    return base.t === "bits"
      ? { t: "bits", clbits: picked, scalar }
      : { t: "qubits", qubits: picked, scalar };
  }
  if (base.t === "cond")
    return h.fail(QasmCodes.TYPE_ERROR, "cannot index a condition", e.span);
  if (e.index.length !== 1 || !isIntType(base.t)) {
    return h.fail(
      QasmCodes.TYPE_ERROR,
      "only registers and integers can be indexed",
      e.span,
    );
  }
  const bit = evalInt(h, e.index[0], "a bit index");
  return { t: "bit", v: Math.floor(base.v / 2 ** bit) % 2 };
}

/** `q[3]` on a declared register without building the register's index list (the common case). */
function fastRegisterIndex(
  h: EvalHost,
  e: Extract<Expr, { kind: "index" }>,
): Value | undefined {
  if (
    e.target.kind !== "id" ||
    e.index.length !== 1 ||
    e.index[0].kind !== "num"
  )
    return undefined;
  const sym = h.scope.lookup(e.target.name);
  if (
    sym === undefined ||
    (sym.kind !== "qreg" && sym.kind !== "creg") ||
    sym.scalar
  )
    return undefined;
  const ix = e.index[0];
  if (!ix.isInt || ix.value >= sym.size) return undefined;
  const q = sym.offset + ix.value;
  return sym.kind === "qreg"
    ? { t: "qubits", qubits: [q], scalar: true }
    : { t: "bits", clbits: [q], scalar: true };
}

/** Applies `[i]`, `[a:b]`, `[a:s:b]`, `[{i, j}]` to a list of indices, checking bounds. */
export function selectIndices(
  h: EvalHost,
  items: readonly number[],
  index: readonly Expr[],
  span: Span,
  what: string,
): number[] {
  if (index.length !== 1)
    return h.fail(
      QasmCodes.UNSUPPORTED,
      "not supported yet: multi-dimensional indexing",
      span,
    );
  const ix = index[0];
  const n = items.length;
  const at = (i: number, s: Span): number => {
    const j = i < 0 && h.v3 ? n + i : i;
    if (j < 0 || j >= n)
      h.fail(
        QasmCodes.INDEX_OUT_OF_RANGE,
        `${what} index ${i} is out of range (size ${n})`,
        s,
      );
    return items[j];
  };
  if (ix.kind === "range") {
    const start = ix.start ? evalInt(h, ix.start, "a range start") : 0;
    const step = ix.step ? evalInt(h, ix.step, "a range step") : 1;
    const end = ix.end ? evalInt(h, ix.end, "a range end") : n - 1;
    if (step === 0)
      h.fail(QasmCodes.BAD_VALUE, "a range step cannot be zero", ix.span);
    const out: number[] = [];
    for (const i of rangeValues(start, step, end)) out.push(at(i, ix.span));
    return out;
  }
  if (ix.kind === "set")
    return ix.items.map((it) => at(evalInt(h, it, "an index"), it.span));
  return [at(evalInt(h, ix, "an index"), ix.span)];
}

/** The values of the inclusive range `[start:step:end]`. */
export function* rangeValues(
  start: number,
  step: number,
  end: number,
): Generator<number> {
  if (step > 0) for (let i = start; i <= end; i += step) yield i;
  else if (step < 0) for (let i = start; i >= end; i += step) yield i;
}

function evalUnary(h: EvalHost, e: Extract<Expr, { kind: "unary" }>): Value {
  const v = evaluate(h, e.operand);
  if (e.op === "!" && (v.t === "bits" || v.t === "cond")) {
    const c = toCondition(h, v, e.operand.span);
    return { t: "cond", cond: negateCondition(c) };
  }
  const x = constOf(h, v, e.operand.span);
  if (e.op === "-")
    return { t: x.t === "bool" || x.t === "bit" ? "int" : x.t, v: -x.v };
  if (e.op === "!") return bool(x.v === 0);
  if (e.op === "~") return { t: "int", v: ~x.v };
  return h.fail(QasmCodes.SYNTAX, `unknown operator ${e.op}`, e.span);
}

/** The negation of each comparison operator. */
export const NEGATE: Record<Condition["op"], Condition["op"]> = {
  "==": "!=",
  "!=": "==",
  "<": ">=",
  ">=": "<",
  ">": "<=",
  "<=": ">",
};
/** The negated condition; on a single bit, `== 1` becomes `== 0` (and vice versa). */
export function negateCondition(c: Condition): Condition {
  if (
    c.clbits.length === 1 &&
    (c.op === "==" || c.op === "!=") &&
    (c.value === 0 || c.value === 1)
  ) {
    return {
      ...c,
      op: "==",
      value: (c.op === "==") === (c.value === 1) ? 0 : 1,
    };
  }
  return { ...c, op: NEGATE[c.op] };
}
const FLIP: Record<Condition["op"], Condition["op"]> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  ">": "<",
  "<=": ">=",
  ">=": "<=",
};

function constOf(h: EvalHost, v: Value, span: Span): ConstValue {
  if (v.t === "bits" || v.t === "cond") {
    return h.fail(
      QasmCodes.UNSUPPORTED,
      "not supported yet: computing with measured bits at run time",
      span,
    );
  }
  if (v.t === "qubits")
    return h.fail(
      QasmCodes.TYPE_ERROR,
      "a qubit is not a classical value",
      span,
    );
  return v;
}

/** A measured bit or register used as a truth value: `c[0]` means c[0] == 1, `c` means c != 0. */
export function toCondition(h: EvalHost, v: Value, span: Span): Condition {
  if (v.t === "cond") return v.cond;
  if (v.t === "bits")
    return v.scalar || v.clbits.length === 1
      ? { clbits: v.clbits, op: "==", value: 1 }
      : { clbits: v.clbits, op: "!=", value: 0 };
  return h.fail(QasmCodes.TYPE_ERROR, "expected a condition", span);
}

function evalBinary(h: EvalHost, e: Extract<Expr, { kind: "binary" }>): Value {
  const a = evaluate(h, e.left);
  const b = evaluate(h, e.right);
  const cmp = e.op in FLIP;
  if (cmp && (a.t === "bits" || b.t === "bits")) {
    if (a.t === "bits" && b.t !== "bits")
      return {
        t: "cond",
        cond: {
          clbits: a.clbits,
          op: e.op as Condition["op"],
          value: condValue(h, b, e.right.span),
        },
      };
    if (b.t === "bits" && a.t !== "bits")
      return {
        t: "cond",
        cond: {
          clbits: b.clbits,
          op: FLIP[e.op as Condition["op"]],
          value: condValue(h, a, e.left.span),
        },
      };
  }
  const x = constOf(h, a, e.left.span);
  const y = constOf(h, b, e.right.span);
  const ints = isIntType(x.t) && isIntType(y.t);
  switch (e.op) {
    case "+":
      return num(x.v + y.v, ints);
    case "-":
      return num(x.v - y.v, ints);
    case "*":
      return num(x.v * y.v, ints);
    case "/":
      if (y.v === 0)
        h.fail(QasmCodes.DIVISION_BY_ZERO, "division by zero", e.span);
      return ints && h.v3
        ? num(Math.trunc(x.v / y.v), true)
        : num(x.v / y.v, false);
    case "%":
      if (y.v === 0)
        h.fail(QasmCodes.DIVISION_BY_ZERO, "modulo by zero", e.span);
      return num(x.v % y.v, ints);
    case "**": {
      if (x.v === 0 && y.v < 0)
        h.fail(QasmCodes.DIVISION_BY_ZERO, "zero to a negative power", e.span);
      return num(x.v ** y.v, ints && y.v >= 0);
    }
    case "==":
      return bool(x.v === y.v);
    case "!=":
      return bool(x.v !== y.v);
    case "<":
      return bool(x.v < y.v);
    case "<=":
      return bool(x.v <= y.v);
    case ">":
      return bool(x.v > y.v);
    case ">=":
      return bool(x.v >= y.v);
    case "&&":
      return bool(x.v !== 0 && y.v !== 0);
    case "||":
      return bool(x.v !== 0 || y.v !== 0);
    case "&":
      return num(x.v & y.v, true);
    case "|":
      return num(x.v | y.v, true);
    case "^":
      return num(x.v ^ y.v, true);
    case "<<":
      return num(x.v * 2 ** y.v, true);
    case ">>":
      return num(Math.floor(x.v / 2 ** y.v), true);
  }
  return h.fail(QasmCodes.SYNTAX, `unknown operator ${e.op}`, e.span);
}

function condValue(h: EvalHost, v: Value, span: Span): number {
  const c = constOf(h, v, span);
  if (!Number.isInteger(c.v) || c.v < 0)
    h.fail(
      QasmCodes.TYPE_ERROR,
      "a measured register can only be compared with a non-negative integer",
      span,
    );
  return c.v;
}

function evalCall(h: EvalHost, e: Extract<Expr, { kind: "call" }>): Value {
  const sym = h.scope.lookup(e.name);
  if (sym?.kind === "def") {
    const r = h.callDef(e.name, e.args, e.span);
    if (r === undefined)
      return h.fail(
        QasmCodes.TYPE_ERROR,
        `subroutine '${e.name}' returns no value`,
        e.span,
      );
    return r;
  }
  const fn = FUNCTIONS[e.name];
  if (fn === undefined || (!h.v3 && !fn.v2))
    return h.fail(
      QasmCodes.UNDEFINED_FUNCTION,
      `unknown function '${e.name}'`,
      e.span,
    );
  if (e.args.length !== fn.arity) {
    h.fail(
      QasmCodes.PARAM_COUNT,
      `${e.name} takes ${fn.arity} argument(s), got ${e.args.length}`,
      e.span,
    );
  }
  const args = e.args.map((a) => evalConst(h, a));
  if (e.name === "mod" && args[1].v === 0)
    h.fail(QasmCodes.DIVISION_BY_ZERO, "modulo by zero", e.span);
  const v = fn.f(args.map((a) => a.v));
  const intResult =
    INT_RESULT.has(e.name) ||
    (e.name === "mod" && args.every((a) => isIntType(a.t)));
  return num(v, intResult);
}

/** Converts a constant to a declared classical type (truncating, wrapping to bool, ...). */
export function castTo(
  h: EvalHost,
  type: string,
  x: ConstValue,
  span: Span,
): ConstValue {
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
  }
  return h.fail(QasmCodes.UNSUPPORTED, `not supported yet: type ${type}`, span);
}
