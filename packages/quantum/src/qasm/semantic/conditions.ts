import type { Condition, Span } from "../../ir/types.ts";
import { QasmCodes } from "../codes.ts";
import type { EvalHost } from "./eval.ts";
import type { Value } from "./scope.ts";

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

/** Each comparison with its operands swapped. */
export const FLIP: Record<Condition["op"], Condition["op"]> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  ">": "<",
  "<=": ">=",
  ">=": "<=",
};

/** A measured bit or register used as a truth value: `c[0]` means c[0] == 1, `c` means c != 0. */
export function toCondition(h: EvalHost, v: Value, span: Span): Condition {
  if (v.t === "cond") return v.cond;
  if (v.t === "bits")
    return v.scalar || v.clbits.length === 1
      ? { clbits: v.clbits, op: "==", value: 1 }
      : { clbits: v.clbits, op: "!=", value: 0 };
  return h.fail(QasmCodes.TYPE_ERROR, "expected a condition", span);
}
