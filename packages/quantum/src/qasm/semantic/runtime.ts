/**
 * Run-time classical values: what the compiler does with values that depend on measurements.
 *
 * A value known only at run time is a ClassicalExpr over the shot's classical bits (RuntimeValue).
 * Variables that come to hold such values are given storage bits (outside every register, so they
 * never show in counts) and written by `classical` ops. Branches and loops whose condition is only
 * known at run time become `label` / `jump` ops; simple branches (gates, measurements and resets
 * only) keep the older form of conditioned ops, which the exporters understand.
 */
import type {
  ClassicalBinaryOp,
  ClassicalExpr,
  Condition,
  Operation,
  Span,
} from "../../ir/types.ts";
import {
  CLASSICAL_BINARY_OPS,
  MAX_CLASSICAL_WIDTH,
} from "../../ir/classical.ts";
import { QasmCodes } from "../codes.ts";
import type { EvalHost } from "./eval.ts";
import { negateCondition } from "./conditions.ts";
import type {
  ConstValue,
  RuntimeValue,
  Value,
  VariableSymbol,
} from "./scope.ts";

/** Is `v` only known at run time (measured bits, a condition on them, or an expression)? */
export function isRuntime(
  v: Value,
): v is Extract<Value, { t: "bits" | "cond" | "rt" }> {
  return v.t === "bits" || v.t === "cond" || v.t === "rt";
}

const RT_TYPES = new Set(["int", "uint", "float", "angle", "bool", "bit"]);

/** A value as a run-time expression (constants become `const` nodes). */
export function toRuntime(h: EvalHost, v: Value, span: Span): RuntimeValue {
  switch (v.t) {
    case "rt":
      return v;
    case "bits":
      return {
        t: "rt",
        expr: { kind: "bits", clbits: v.clbits },
        type: v.scalar ? "bit" : "uint",
        width: v.clbits.length,
      };
    case "cond":
      return {
        t: "rt",
        expr: {
          kind: "binary",
          op: v.cond.op,
          left: { kind: "bits", clbits: v.cond.clbits },
          right: { kind: "const", value: v.cond.value },
        },
        type: "bool",
      };
    case "qubits":
      return h.fail(
        QasmCodes.TYPE_ERROR,
        "a qubit is not a classical value",
        span,
      );
    case "array":
      return h.fail(
        QasmCodes.TYPE_ERROR,
        "an array is not a single value",
        span,
      );
    default:
      if (!RT_TYPES.has(v.t))
        return h.fail(
          QasmCodes.TYPE_ERROR,
          `a ${v.t} cannot be combined with values measured at run time`,
          span,
        );
      return {
        t: "rt",
        expr: { kind: "const", value: v.v },
        type: v.t as RuntimeValue["type"],
      };
  }
}

/** The numeric meaning of a run-time value: an angle's integer k becomes k * 2π / 2^width. */
export function numericExpr(v: RuntimeValue): ClassicalExpr {
  if (v.type !== "angle" || v.width === undefined) return v.expr;
  return {
    kind: "binary",
    op: "*",
    left: v.expr,
    right: { kind: "const", value: (2 * Math.PI) / 2 ** v.width },
  };
}

const INT_TYPES = new Set(["int", "uint", "bit", "bool"]);
const COMPARISONS = new Set(["==", "!=", "<", "<=", ">", ">="]);

/** A binary operation where at least one side is known only at run time. */
export function runtimeBinary(
  h: EvalHost,
  op: string,
  a: Value,
  b: Value,
  span: Span,
): RuntimeValue {
  let x = toRuntime(h, a, span);
  let y = toRuntime(h, b, span);
  if (COMPARISONS.has(op)) [x, y] = [unsignedFor(x, y), unsignedFor(y, x)];
  const bothAngles = x.type === "angle" && y.type === "angle";
  if (
    x.type === "angle" &&
    INT_TYPES.has(y.type) &&
    ["<<", ">>", "&", "|", "^", "*", "/"].includes(op) &&
    isBinaryOp(op)
  )
    // Integer operations on an angle's bits (`c <<= 1`, `c * 2`).
    return {
      t: "rt",
      expr: {
        kind: "binary",
        op,
        left: x.expr,
        right: y.expr,
        ...(op === "/" ? { intDiv: true } : {}),
      },
      type: "angle",
      width: x.width,
    };
  const ints = INT_TYPES.has(x.type) && INT_TYPES.has(y.type);
  if (!isBinaryOp(op))
    return h.fail(QasmCodes.SYNTAX, `unknown operator ${op}`, span);
  const left = bothAngles ? x.expr : numericExpr(x);
  const right = bothAngles ? y.expr : numericExpr(y);
  const expr: ClassicalExpr = {
    kind: "binary",
    op,
    left,
    right,
    ...(op === "/" && ints ? { intDiv: true } : {}),
  };
  if (COMPARISONS.has(op) || op === "&&" || op === "||")
    return { t: "rt", expr, type: "bool" };
  if (bothAngles && (op === "+" || op === "-"))
    return { t: "rt", expr, type: "angle", width: x.width ?? y.width };
  if (
    (op === "&" || op === "|" || op === "^") &&
    (x.type === "bool" || x.type === "bit") &&
    (y.type === "bool" || y.type === "bit") &&
    (x.width ?? 1) === 1 &&
    (y.width ?? 1) === 1
  )
    // Bitwise operations on single bits and bools stay bools (so `~` after them is a logical not).
    return { t: "rt", expr, type: "bool" };
  if (ints) {
    const width =
      op === "&" || op === "|" || op === "^" || op === "<<" || op === ">>"
        ? (x.width ?? y.width)
        : undefined;
    const type = x.type === "uint" || x.type === "bit" ? "uint" : "int";
    return { t: "rt", expr, type, width };
  }
  return { t: "rt", expr, type: "float" };
}

/**
 * A signed `int[n]` read from bits compared with a constant that only fits the unsigned reading
 * (`int[2](b) == 3`): compare the bits unsigned, as the program plainly means.
 */
function unsignedFor(x: RuntimeValue, other: RuntimeValue): RuntimeValue {
  if (
    x.expr.kind === "bits" &&
    x.expr.signed &&
    other.expr.kind === "const" &&
    other.expr.value >= 2 ** (x.expr.clbits.length - 1)
  )
    return { ...x, expr: { kind: "bits", clbits: x.expr.clbits } };
  return x;
}

function isBinaryOp(op: string): op is ClassicalBinaryOp {
  return CLASSICAL_BINARY_OPS.has(op);
}

/** `-x`, `!x`, `~x` at run time. */
export function runtimeUnary(
  h: EvalHost,
  op: string,
  a: Value,
  span: Span,
): RuntimeValue {
  const x = toRuntime(h, a, span);
  if (op === "!" || (op === "~" && (x.type === "bool" || x.type === "bit")))
    return {
      t: "rt",
      expr: { kind: "unary", op: "!", operand: x.expr },
      type: "bool",
    };
  if (op === "-")
    return {
      t: "rt",
      expr: { kind: "unary", op: "-", operand: x.expr },
      type: x.type === "uint" || x.type === "bit" ? "int" : x.type,
      width: x.type === "angle" ? x.width : undefined,
    };
  if (op === "~")
    return {
      t: "rt",
      expr: { kind: "unary", op: "~", operand: x.expr, width: x.width },
      type: x.type,
      width: x.width,
    };
  return h.fail(QasmCodes.SYNTAX, `unknown operator ${op}`, span);
}

/** A cast of a run-time value to `type[width]`. */
export function runtimeCast(
  h: EvalHost,
  type: string,
  width: number | undefined,
  a: Value,
  span: Span,
): RuntimeValue {
  const x = toRuntime(h, a, span);
  switch (type) {
    case "bool":
      return {
        t: "rt",
        expr: {
          kind: "binary",
          op: "!=",
          left: x.expr,
          right: { kind: "const", value: 0 },
        },
        type: "bool",
      };
    case "int":
    case "uint":
    case "bit": {
      if (x.type === "float")
        return {
          t: "rt",
          expr: { kind: "call", name: "trunc", args: [x.expr] },
          type: type === "bit" ? "uint" : type,
          width,
        };
      // Casts to and from bit[n] reinterpret the bits (two's complement for int).
      // Signed only as int[n] of bits (two's complement); an unsized int of bits zero-extends
      // them (`int(b)` of a set bit is 1).
      const signed =
        type === "int" && x.expr.kind === "bits" && width !== undefined;
      const expr: ClassicalExpr =
        x.expr.kind === "bits"
          ? {
              kind: "bits",
              clbits:
                width !== undefined && width < x.expr.clbits.length
                  ? x.expr.clbits.slice(0, width)
                  : x.expr.clbits,
              ...(signed ? { signed: true } : {}),
            }
          : x.expr;
      const t = type === "bit" ? (width === undefined ? "bit" : "uint") : type;
      return { t: "rt", expr, type: t, width: width ?? x.width };
    }
    case "float":
      return { t: "rt", expr: numericExpr(x), type: "float" };
    case "angle":
      if (
        x.type === "angle" ||
        (x.expr.kind === "bits" && !x.expr.float && width !== undefined)
      )
        return {
          t: "rt",
          expr: x.expr,
          type: "angle",
          width: width ?? x.width,
        };
      return h.fail(
        QasmCodes.UNSUPPORTED,
        "not supported yet: converting a run-time number to an angle",
        span,
      );
  }
  return h.fail(
    QasmCodes.UNSUPPORTED,
    `not supported yet: casting a run-time value to ${type}`,
    span,
  );
}

/** Built-in functions that accept run-time arguments. */
export function runtimeCall(
  h: EvalHost,
  name: string,
  args: readonly Value[],
  span: Span,
): RuntimeValue {
  const xs = args.map((a) => toRuntime(h, a, span));
  const width = xs[0]?.width;
  const intResult = name === "popcount" || name === "rotl" || name === "rotr";
  return {
    t: "rt",
    expr: {
      kind: "call",
      name,
      args: xs.map((x) => (intResult ? x.expr : numericExpr(x))),
      ...(width !== undefined ? { width } : {}),
    },
    type: name === "popcount" ? "uint" : intResult ? xs[0].type : "float",
    width: name === "popcount" ? undefined : width,
  };
}

/** What a compiler offers the run-time helpers (implemented by Compiler). */
export interface RuntimeHost extends EvalHost {
  /** Appends an op with the current span and condition. */
  emit(op: Operation): void;
  /** The condition applied to emitted ops (condition-mode branches). */
  condition: Condition | undefined;
  /** New classical bits that belong to no register. */
  allocHidden(n: number): number[];
  /** A new label id. */
  newLabel(): number;
  /** A top-level variable that got storage shows in counts as a register of its name. */
  exposeVariable(sym: VariableSymbol): void;
}

/** Emits `op` without the current branch condition (labels, jumps). */
export function emitRaw(c: RuntimeHost, op: Operation): void {
  const saved = c.condition;
  c.condition = undefined;
  try {
    c.emit(op);
  } finally {
    c.condition = saved;
  }
}

/** Storage width of a variable of `type[width]`, or undefined when it cannot live in bits. */
export function storageWidth(
  type: string,
  width: number | undefined,
): number | undefined {
  switch (type) {
    case "bool":
    case "bit":
      return width ?? 1;
    case "int":
    case "uint":
      return Math.min(width ?? 32, MAX_CLASSICAL_WIDTH);
    case "angle":
      return width;
    case "float":
      // The 64 bits of an IEEE-754 double (ClassicalExpr bits with `float`).
      return 64;
  }
  return undefined;
}

/** Gives a variable storage bits holding its current value, so it can take run-time values. */
export function promote(
  c: RuntimeHost,
  sym: VariableSymbol,
  span: Span,
): readonly number[] {
  if (sym.storage) return sym.storage;
  const w = storageWidth(sym.type, sym.width);
  if (w === undefined)
    return c.fail(
      QasmCodes.UNSUPPORTED,
      `not supported yet: a ${sym.type}${sym.type === "angle" ? " without a width" : ""} variable ('${sym.name}') that depends on measured values`,
      span,
    );
  const bits = c.allocHidden(w);
  sym.storage = bits;
  c.exposeVariable(sym);
  const float = sym.type === "float";
  const init = float ? sym.value.v : constBits(sym.value, sym.width);
  if (init !== 0)
    emitRaw(c, {
      kind: "classical",
      clbits: bits,
      value: { kind: "const", value: init },
      ...(float ? { float: true } : {}),
    });
  return bits;
}

/** Stores a run-time value in a variable (giving it storage first): a `classical` op. */
export function storeVariable(
  c: RuntimeHost,
  sym: VariableSymbol,
  v: Value,
  span: Span,
): void {
  const bits = promote(c, sym, span);
  c.emit({
    kind: "classical",
    clbits: bits,
    value: storedExpr(c, sym.type, toRuntime(c, v, span), span),
    ...(sym.type === "float" ? { float: true } : {}),
  });
}

/** The integer a constant stores in bits (an angle's k of k * 2π / 2^width). */
export function constBits(v: ConstValue, width: number | undefined): number {
  if (v.t === "angle" && width !== undefined) {
    const m = 2 ** width;
    const k = Math.round((v.v / (2 * Math.PI)) * m) % m;
    return k < 0 ? k + m : k;
  }
  return Math.trunc(v.v);
}

/** The run-time value of a promoted variable (its storage bits, typed). */
export function variableValue(sym: VariableSymbol): RuntimeValue {
  const storage = sym.storage ?? [];
  const type = RT_TYPES.has(sym.type)
    ? (sym.type as RuntimeValue["type"])
    : "int";
  if (type === "float")
    return {
      t: "rt",
      expr: { kind: "bits", clbits: storage, float: true },
      type,
    };
  return {
    t: "rt",
    expr: {
      kind: "bits",
      clbits: storage,
      ...(type === "int" ? { signed: true } : {}),
    },
    type,
    width: storage.length,
  };
}

/** The expression to store into `width` bits of a `type` variable. */
export function storedExpr(
  h: EvalHost,
  type: string,
  v: RuntimeValue,
  span: Span,
): ClassicalExpr {
  if (type === "float") return numericExpr(v);
  if (type === "bool" || (type === "bit" && v.type !== "bit" && !isIntLike(v)))
    return {
      kind: "binary",
      op: "!=",
      left: numericExpr(v),
      right: { kind: "const", value: 0 },
    };
  if (type === "angle") {
    if (v.type === "angle") return v.expr;
    return h.fail(
      QasmCodes.UNSUPPORTED,
      "not supported yet: storing a run-time number in an angle",
      span,
    );
  }
  if (v.type === "float")
    return { kind: "call", name: "trunc", args: [v.expr] };
  return v.expr;
}

function isIntLike(v: RuntimeValue): boolean {
  return v.type === "int" || v.type === "uint" || v.type === "bool";
}

/** A condition for a branch on a run-time value (a fresh bit holds it unless it is already one). */
export function runtimeCondition(
  c: RuntimeHost,
  v: Value,
  span: Span,
): Condition {
  if (v.t === "cond") return v.cond;
  if (v.t === "bits")
    return v.scalar || v.clbits.length === 1
      ? { clbits: v.clbits, op: "==", value: 1 }
      : { clbits: v.clbits, op: "!=", value: 0 };
  const x = toRuntime(c, v, span);
  const e = x.expr;
  if (
    e.kind === "binary" &&
    COMPARISONS.has(e.op) &&
    e.left.kind === "bits" &&
    !e.left.float &&
    (!e.left.signed ||
      ((e.op === "==" || e.op === "!=") &&
        e.right.kind === "const" &&
        e.right.value < 2 ** (e.left.clbits.length - 1))) &&
    e.right.kind === "const" &&
    Number.isInteger(e.right.value) &&
    e.right.value >= 0
  )
    return {
      clbits: e.left.clbits,
      op: e.op as Condition["op"],
      value: e.right.value,
    };
  if (e.kind === "bits" && !e.signed && !e.float)
    return { clbits: e.clbits, op: "!=", value: 0 };
  const [bit] = c.allocHidden(1);
  const isTest =
    e.kind === "binary" &&
    (COMPARISONS.has(e.op) || e.op === "&&" || e.op === "||");
  emitRaw(c, {
    kind: "classical",
    clbits: [bit],
    value: isTest
      ? e
      : {
          kind: "binary",
          op: "!=",
          left: numericExpr(x),
          right: { kind: "const", value: 0 },
        },
  });
  return { clbits: [bit], op: "==", value: 1 };
}

/** The classical bits an expression reads. */
export function exprBits(e: ClassicalExpr, out = new Set<number>()): number[] {
  switch (e.kind) {
    case "bits":
      for (const b of e.clbits) out.add(b);
      break;
    case "unary":
      exprBits(e.operand, out);
      break;
    case "binary":
      exprBits(e.left, out);
      exprBits(e.right, out);
      break;
    case "call":
      for (const a of e.args) exprBits(a, out);
      break;
  }
  return [...out];
}

/**
 * `e` as c0 + Σ coef_b · bit_b when it is affine in the bits it reads (sums, differences and
 * scalings of bit registers), else undefined.
 */
export function affine(
  e: ClassicalExpr,
): { c0: number; terms: Map<number, number> } | undefined {
  switch (e.kind) {
    case "const":
      return { c0: e.value, terms: new Map() };
    case "bits": {
      if (e.float) return undefined;
      const terms = new Map<number, number>();
      const n = e.clbits.length;
      e.clbits.forEach((b, i) => {
        const w = e.signed && i === n - 1 ? -(2 ** i) : 2 ** i;
        terms.set(b, (terms.get(b) ?? 0) + w);
      });
      return { c0: 0, terms };
    }
    case "unary": {
      if (e.op !== "-") return undefined;
      const a = affine(e.operand);
      return a && scale(a, -1);
    }
    case "binary": {
      const a = affine(e.left);
      const b = affine(e.right);
      if (!a || !b) return undefined;
      if (e.op === "+" || e.op === "-") {
        const s = e.op === "+" ? 1 : -1;
        const terms = new Map(a.terms);
        for (const [k, w] of b.terms) terms.set(k, (terms.get(k) ?? 0) + s * w);
        return { c0: a.c0 + s * b.c0, terms };
      }
      if (e.op === "*") {
        if (b.terms.size === 0) return scale(a, b.c0);
        if (a.terms.size === 0) return scale(b, a.c0);
        return undefined;
      }
      if (e.op === "/" && !e.intDiv && b.terms.size === 0 && b.c0 !== 0)
        return scale(a, 1 / b.c0);
      return undefined;
    }
    default:
      return undefined;
  }
}

function scale(
  a: { c0: number; terms: Map<number, number> },
  k: number,
): { c0: number; terms: Map<number, number> } {
  const terms = new Map<number, number>();
  for (const [b, w] of a.terms) terms.set(b, w * k);
  return { c0: a.c0 * k, terms };
}

/** Runs `fn` so that everything it emits happens only when `cond` holds (nests inside branches). */
export function whenHolds(
  c: RuntimeHost,
  cond: Condition,
  fn: () => void,
): void {
  if (!c.condition) {
    c.condition = cond;
    try {
      fn();
    } finally {
      c.condition = undefined;
    }
    return;
  }
  const skip = c.newLabel();
  emitRaw(c, { kind: "jump", to: skip, condition: negateCondition(cond) });
  fn();
  emitRaw(c, { kind: "label", id: skip });
}
