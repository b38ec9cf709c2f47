import type { Condition, Span } from "../../ir/types.ts";

import type { Expr, Stmt } from "../ast.ts";

import { QasmCodes, type QasmCode } from "../codes.ts";
import {
  CONSTANTS_V3,
  FUNCTIONS,
  INT_RESULT,
  bool,
  castTo,
  isIntType,
  num,
} from "./builtins.ts";
import { FLIP, negateCondition, toCondition } from "./conditions.ts";
import { rotate } from "../../ir/classical.ts";
import { evalIndex, range } from "./indexing.ts";
import {
  isRuntime,
  runtimeBinary,
  runtimeCall,
  runtimeCast,
  runtimeUnary,
  variableValue,
} from "./runtime.ts";
import { evalArrayLiteral, sizeOf } from "./arrays.ts";

import type { ConstValue, Scope, Value } from "./scope.ts";

/** Thrown after a diagnostic was reported, to abandon the current statement; never escapes compileQasm. */
export class SemanticAbort {
  readonly reason = "semantic-abort";
}

/** What the evaluator needs from the compiler. */
export interface EvalHost {
  /** `measure q` inside an expression: measures into fresh bits and returns them. */
  measureExpr(target: Expr, span: Span): Value;
  /** `durationof({ ... })`: checks the block; the ideal simulator's duration is 0. */
  durationOf(body: readonly Stmt[], span: Span): ConstValue;
  /** A call of an `extern`: a built-in implementation, else an error at the call. */
  callExtern(name: string, args: readonly Value[], span: Span): Value;
  readonly v3: boolean;
  readonly scope: Scope;
  /** Reports an error and abandons the statement. */
  fail(code: QasmCode, message: string, span: Span): never;
  /** A warning, once per source position. */
  warnOnce(code: QasmCode, message: string, span: Span): void;
  /** Calls a subroutine and returns its value. */
  callDef(name: string, args: readonly Expr[], span: Span): Value | undefined;
  /** The flat index of physical qubit `$k` (the program then uses physical qubits only). */
  physicalQubit(k: number, span: Span): number;
}

/** Evaluates an expression; measured bits and qubits come back as references, not numbers. */
export function evaluate(h: EvalHost, e: Expr): Value {
  switch (e.kind) {
    case "num":
      return e.isInt
        ? { t: "int", v: e.value, lit: true }
        : num(e.value, false);
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
      return evalCast(h, e);
    case "index":
      return evalIndex(h, e);
    case "measure":
      return h.measureExpr(e.target, e.span);
    case "string":
      return bitString(h, e.value, e.span);
    case "duration":
      return durationLiteral(e.value, e.unit);
    case "durationof":
      return h.durationOf(e.body, e.span);
    case "concat":
      return concat(h, e);
    case "set":
      return evalArrayLiteral(h, e);
    case "range":
      return h.fail(
        QasmCodes.TYPE_ERROR,
        "a range or set is not a value here",
        e.span,
      );
  }
}

const SECONDS: Record<string, number> = {
  s: 1,
  ms: 1e-3,
  us: 1e-6,
  µs: 1e-6,
  ns: 1e-9,
  dt: 1,
};

/** A duration literal: seconds (`dt` counts device ticks). */
function durationLiteral(value: number, unit: string): ConstValue {
  return { t: "duration", v: value * (SECONDS[unit] ?? 1) };
}

/** `"0101"`: a bit-string literal (most-significant bit first), as an unsigned integer. */
function bitString(h: EvalHost, text: string, span: Span): ConstValue {
  const clean = text.replace(/_/g, "");
  if (!/^[01]+$/.test(clean))
    return h.fail(
      QasmCodes.TYPE_ERROR,
      `"${text}" is not a bit string (only 0, 1 and _)`,
      span,
    );
  let v = 0;
  for (const ch of clean) v = v * 2 + (ch === "1" ? 1 : 0);
  return { t: "uint", v };
}

/** `a ++ b`: qubits (or bits) in order. */
function concat(h: EvalHost, e: Extract<Expr, { kind: "concat" }>): Value {
  const vs = e.parts.map((p) => evalOperand(h, p));
  if (vs.every((v) => v.t === "qubits"))
    return {
      t: "qubits",
      qubits: vs.flatMap((v) => (v.t === "qubits" ? v.qubits : [])),
      scalar: false,
    };
  if (vs.every((v) => v.t === "bits"))
    return {
      t: "bits",
      clbits: vs.flatMap((v) => (v.t === "bits" ? v.clbits : [])),
      scalar: false,
    };
  return h.fail(
    QasmCodes.TYPE_ERROR,
    "'++' joins registers of qubits (or of bits), all of one kind",
    e.span,
  );
}

function evalCast(h: EvalHost, e: Extract<Expr, { kind: "cast" }>): Value {
  const v = evaluate(h, e.arg);
  const width = e.type.width
    ? evalInt(h, e.type.width, "a type width")
    : undefined;
  if (isRuntime(v)) return runtimeCast(h, e.type.name, width, v, e.span);
  const x = constOf(h, v, e.arg.span);
  if (e.type.name === "duration" && x.t !== "duration")
    return h.fail(
      QasmCodes.TYPE_ERROR,
      `cannot convert a ${x.t} to duration`,
      e.span,
    );
  const out = castTo(h, e.type.name, x, e.span);
  if (
    width !== undefined &&
    (out.t === "int" || out.t === "uint") &&
    width < 53
  ) {
    const m = 2 ** width;
    let r = ((out.v % m) + m) % m;
    if (out.t === "int" && r >= m / 2) r -= m;
    return { t: out.t, v: r };
  }
  return out;
}

/** Evaluates a quantum or classical operand (`q`, `q[1]`, `c[0:2]`); an unknown name is an undefined register. */
export function evalOperand(h: EvalHost, e: Expr): Value {
  const base = e.kind === "index" ? e.target : e;
  if (e.kind === "id" && e.name.startsWith("$"))
    return physical(h, e.name, e.span);
  if (base.kind === "id" && h.scope.lookup(base.name) === undefined) {
    return h.fail(
      QasmCodes.UNDEFINED_REGISTER,
      `register '${base.name}' is not declared`,
      base.span,
    );
  }
  return evaluate(h, e);
}

/** `$k`: physical qubit k. */
function physical(h: EvalHost, name: string, span: Span): Value {
  const k = /^\$\d+$/.test(name) ? Number(name.slice(1)) : NaN;
  if (!Number.isSafeInteger(k))
    return h.fail(QasmCodes.SYNTAX, `'${name}' is not a physical qubit`, span);
  return { t: "qubits", qubits: [h.physicalQubit(k, span)], scalar: true };
}

/** Evaluates an expression that must be a compile-time constant. */
export function evalConst(h: EvalHost, e: Expr): ConstValue {
  return constOf(h, evaluate(h, e), e.span);
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
  if (name.startsWith("$")) return physical(h, name, span);
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
      if (sym.parameter !== undefined)
        return h.fail(
          QasmCodes.PARAMETER_USE,
          `input '${name}' is a circuit parameter: only gate arguments may use it (its value is bound at run time)`,
          span,
        );
      return sym.storage ? variableValue(sym) : sym.value;
    case "array":
      return sym.value;
    case "calias":
      return { t: "bits", clbits: sym.clbits, scalar: sym.scalar };
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
        `'${name}' is a ${sym.kind === "def" ? "subroutine" : sym.kind === "extern" ? "extern function" : "gate"}, not a value`,
        span,
      );
  }
}

function evalUnary(h: EvalHost, e: Extract<Expr, { kind: "unary" }>): Value {
  const v = evaluate(h, e.operand);
  if (
    (e.op === "!" || (e.op === "~" && v.t === "bits" && v.scalar)) &&
    (v.t === "bits" || v.t === "cond")
  ) {
    const c = toCondition(h, v, e.operand.span);
    return { t: "cond", cond: negateCondition(c) };
  }
  if (isRuntime(v)) return runtimeUnary(h, e.op, v, e.span);
  const x = constOf(h, v, e.operand.span);
  if (e.op === "-")
    return {
      t: x.t === "bool" || x.t === "bit" ? "int" : x.t,
      v: -x.v,
      ...(x.lit ? { lit: true } : {}),
    };
  if (e.op === "!") return bool(x.v === 0);
  if (e.op === "~" && (x.t === "bool" || x.t === "bit"))
    return { t: x.t, v: x.v === 0 ? 1 : 0 };
  if (e.op === "~") return { t: "int", v: ~x.v };
  return h.fail(QasmCodes.SYNTAX, `unknown operator ${e.op}`, e.span);
}

/** The compile-time constant `v` must be here. */
export function constOf(h: EvalHost, v: Value, span: Span): ConstValue {
  if (isRuntime(v)) {
    return h.fail(
      QasmCodes.NOT_CONSTANT,
      "this value depends on measurement results, but it must be known when the program is compiled",
      span,
    );
  }
  if (v.t === "array")
    return h.fail(QasmCodes.TYPE_ERROR, "an array is not a single value", span);
  if (v.t === "qubits")
    return h.fail(
      QasmCodes.TYPE_ERROR,
      "a qubit is not a classical value",
      span,
    );
  return v;
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
  if (isRuntime(a) || isRuntime(b)) return runtimeBinary(h, e.op, a, b, e.span);
  const x = constOf(h, a, e.left.span);
  const y = constOf(h, b, e.right.span);
  const timed = timeArithmetic(h, e.op, x, y, e.span);
  if (timed) return timed;
  const ints = isIntType(x.t) && isIntType(y.t);
  const lits = x.lit === true && y.lit === true;
  const lit = (v: ConstValue): ConstValue => (lits ? { ...v, lit: true } : v);
  switch (e.op) {
    case "+":
      return lit(num(x.v + y.v, ints));
    case "-":
      return lit(num(x.v - y.v, ints));
    case "*":
      return lit(num(x.v * y.v, ints));
    case "/":
      if (y.v === 0)
        h.fail(QasmCodes.DIVISION_BY_ZERO, "division by zero", e.span);
      return ints && h.v3 && !lits
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

/** Arithmetic with durations: duration ± duration, duration × number, duration ÷ number or duration. */
function timeArithmetic(
  h: EvalHost,
  op: string,
  x: ConstValue,
  y: ConstValue,
  span: Span,
): ConstValue | undefined {
  const tx = x.t === "duration" || x.t === "stretch";
  const ty = y.t === "duration" || y.t === "stretch";
  if (!tx && !ty) return undefined;
  const d = (v: number): ConstValue => ({ t: "duration", v });
  if ((op === "+" || op === "-") && tx && ty)
    return d(op === "+" ? x.v + y.v : x.v - y.v);
  if (op === "*" && tx !== ty) return d(x.v * y.v);
  if (op === "/" && tx && !ty) {
    if (y.v === 0) h.fail(QasmCodes.DIVISION_BY_ZERO, "division by zero", span);
    return d(x.v / y.v);
  }
  if (op === "/" && tx && ty)
    return { t: "float", v: y.v === 0 ? 0 : x.v / y.v };
  if (["==", "!=", "<", "<=", ">", ">="].includes(op) && tx && ty)
    return undefined;
  return h.fail(
    QasmCodes.TYPE_ERROR,
    `'${op}' cannot combine a ${x.t} and a ${y.t}`,
    span,
  );
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
  if (sym?.kind === "extern")
    return h.callExtern(
      e.name,
      e.args.map((a) => evaluate(h, a)),
      e.span,
    );
  if (e.name === "sizeof" && h.v3) return sizeOf(h, e);
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
  const values = e.args.map((a) => evaluate(h, a));
  if (values.some(isRuntime)) return runtimeCall(h, e.name, values, e.span);
  const args = values.map((v, i) => constOf(h, v, e.args[i].span));
  if (e.name === "rotl" || e.name === "rotr") {
    const w = args[0].t === "bit" ? 1 : 32;
    return num(
      rotate(args[0].v, e.name === "rotl" ? args[1].v : -args[1].v, w),
      true,
    );
  }
  if (e.name === "mod" && args[1].v === 0)
    h.fail(QasmCodes.DIVISION_BY_ZERO, "modulo by zero", e.span);
  const v = fn.f(args.map((a) => a.v));
  const intResult =
    INT_RESULT.has(e.name) ||
    (e.name === "mod" && args.every((a) => isIntType(a.t)));
  return num(v, intResult);
}
