import type { Condition, Span } from "../../ir/types.ts";

import type { Expr } from "../ast.ts";

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
import { evalIndex, range } from "./indexing.ts";

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
  /** The flat index of physical qubit `$k` (the program then uses physical qubits only). */
  physicalQubit(k: number, span: Span): number;
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
