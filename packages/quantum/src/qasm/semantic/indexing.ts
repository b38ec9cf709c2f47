import type { Span } from "../../ir/types.ts";
import type { Expr } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import { isIntType } from "./builtins.ts";
import { evalConst, evalInt, evaluate, type EvalHost } from "./eval.ts";
import { indexArray } from "./arrays.ts";
import type { Value } from "./scope.ts";

/** [offset, offset + size) as an array. */
export function range(offset: number, size: number): number[] {
  const out = new Array<number>(size);
  for (let i = 0; i < size; i++) out[i] = offset + i;
  return out;
}

/** `r[i]`, `r[a:b]`, `r[{i, j}]` on registers and qubit arguments; `x[i]` is bit i of an integer. */
export function evalIndex(
  h: EvalHost,
  e: Extract<Expr, { kind: "index" }>,
): Value {
  const fast = fastRegisterIndex(h, e);
  if (fast !== undefined) return fast;
  let base = evaluate(h, e.target);
  if (base.t === "array") return indexArray(h, base, e.index, e.span);
  if (base.t === "rt" && base.expr.kind === "bits")
    base = { t: "bits", clbits: base.expr.clbits, scalar: false };
  if (base.t === "rt") {
    const bit = evalInt(h, e.index[0], "a bit index");
    return {
      t: "rt",
      expr: {
        kind: "binary",
        op: "&",
        left: {
          kind: "binary",
          op: ">>",
          left: base.expr,
          right: { kind: "const", value: bit },
        },
        right: { kind: "const", value: 1 },
      },
      type: "bit",
    };
  }
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

/** The values a compile-time `for` loop runs over (a range or a set of constants). */
export function loopValues(c: EvalHost, iter: Expr): Iterable<number> {
  if (iter.kind === "range") {
    if (!iter.start || !iter.end)
      c.fail(
        QasmCodes.SYNTAX,
        "a loop range needs a start and an end",
        iter.span,
      );
    const start = evalInt(c, iter.start, "a range start");
    const step = iter.step ? evalInt(c, iter.step, "a range step") : 1;
    const end = evalInt(c, iter.end, "a range end");
    if (step === 0)
      c.fail(QasmCodes.BAD_VALUE, "a range step cannot be zero", iter.span);
    return rangeValues(start, step, end);
  }
  if (iter.kind === "set") return iter.items.map((e) => evalConst(c, e).v);
  return c.fail(
    QasmCodes.UNSUPPORTED,
    "not supported yet: loops over this kind of value",
    iter.span,
  );
}
