/**
 * OpenQASM 3 statements beyond gates and control flow: `let`, `extern`, timing (`delay`, `box`,
 * `durationof`: identities on the ideal simulator, type-checked), calibration blocks (ignored with
 * one warning), and `measure` used as an expression.
 */
import type { Span } from "../../ir/types.ts";
import type { Expr, Stmt } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import type { Compiler } from "./compiler.ts";
import { evaluate, evalOperand } from "./eval.ts";
import { execBlock, qubitsOf, type Flow } from "./exec.ts";
import { toRuntime } from "./runtime.ts";
import { Scope, type ConstValue, type Value } from "./scope.ts";

type Extra = Extract<
  Stmt,
  { kind: "alias" | "extern" | "delay" | "box" | "calibration" }
>;

/** Runs `let`, `extern`, `delay`, `box` and calibration statements. */
export function execExtra(c: Compiler, s: Extra): Flow {
  switch (s.kind) {
    case "alias": {
      const v = evalOperand(c, s.value);
      if (c.scope.own(s.name) !== undefined)
        c.fail(
          QasmCodes.REDEFINITION,
          `'${s.name}' is already declared`,
          s.nameSpan,
        );
      if (v.t === "qubits")
        c.scope.declare(s.name, {
          kind: "qarg",
          name: s.name,
          qubits: v.qubits,
          scalar: v.scalar,
        });
      else if (v.t === "bits")
        c.scope.declare(s.name, {
          kind: "calias",
          name: s.name,
          clbits: v.clbits,
          scalar: v.scalar,
        });
      else
        c.fail(
          QasmCodes.TYPE_ERROR,
          "let names qubits or bits (a register, a slice, or registers joined with ++)",
          s.value.span,
        );
      return undefined;
    }
    case "extern":
      if (c.scope !== c.global)
        c.fail(
          QasmCodes.SYNTAX,
          "extern can only be declared at the top level",
          s.span,
        );
      c.declare(
        s.name,
        {
          kind: "extern",
          name: s.name,
          params: s.params,
          returnType: s.returnType,
        },
        s.nameSpan,
      );
      return undefined;
    case "delay": {
      checkDuration(c, s.duration);
      for (const a of s.args) qubitsOf(c, a);
      return undefined;
    }
    case "box": {
      if (s.duration) checkDuration(c, s.duration);
      return c.withScope(new Scope(c.scope), () => execBlock(c, s.body));
    }
    case "calibration":
      if (!c.calibrationWarned) {
        c.calibrationWarned = true;
        c.sink.warning(
          QasmCodes.CALIBRATION_IGNORED,
          "calibration (defcalgrammar, cal, defcal) is ignored by the simulator: gates keep their definitions",
          s.span,
        );
      }
      return undefined;
  }
}

/** A delay or box length must be a duration (`100ns`, a `duration` or `stretch` variable, `durationof`). */
function checkDuration(c: Compiler, e: Expr): void {
  const v = evaluate(c, e);
  if (v.t !== "duration" && v.t !== "stretch")
    c.fail(
      QasmCodes.TYPE_ERROR,
      `expected a duration such as 100ns, got ${describeValue(v)}`,
      e.span,
    );
}

function describeValue(v: Value): string {
  switch (v.t) {
    case "qubits":
      return "a qubit";
    case "bits":
      return "bits";
    case "cond":
      return "a condition";
    case "rt":
      return `a run-time ${v.type}`;
    case "array":
      return "an array";
    default:
      return `a${v.t === "int" || v.t === "uint" || v.t === "angle" ? "n" : ""} ${v.t}`;
  }
}

/** `measure q` inside an expression: measures into fresh bits (outside every register). */
export function measureExpr(c: Compiler, target: Expr, span: Span): Value {
  const v = evalOperand(c, target);
  if (v.t !== "qubits")
    return c.fail(
      QasmCodes.TYPE_ERROR,
      "measure needs a qubit or qubit register",
      target.span,
    );
  const bits = c.allocHidden(v.qubits.length);
  v.qubits.forEach((q, i) =>
    c.emit({ kind: "measure", qubit: q, clbit: bits[i] }),
  );
  void span;
  return { t: "bits", clbits: bits, scalar: v.scalar };
}

/** `durationof({ ... })`: the block is checked (and its operations dropped); 0 on the ideal simulator. */
export function durationOf(
  c: Compiler,
  body: readonly Stmt[],
  span: Span,
): ConstValue {
  const n = c.ops.length;
  const saved = c.condition;
  try {
    c.withScope(new Scope(c.scope), () => execBlock(c, body));
  } finally {
    c.ops.length = n;
    c.condition = saved;
  }
  void span;
  return { t: "duration", v: 0 };
}

/** Externs with a built-in implementation: name -> what it computes. */
export const BUILTIN_EXTERNS: Record<string, string> = {
  vote: "majority vote of the bits (1 when more than half are 1)",
  parity: "parity of the bits (1 when an odd number are 1)",
};

/** A call of an extern: a built-in implementation when one exists, else an error at the call. */
export function callExtern(
  c: Compiler,
  name: string,
  args: readonly Value[],
  span: Span,
): Value {
  const sym = c.scope.lookup(name);
  if (sym?.kind !== "extern")
    return c.fail(
      QasmCodes.UNDEFINED_FUNCTION,
      `'${name}' is not an extern`,
      span,
    );
  if (args.length !== sym.params.length)
    c.fail(
      QasmCodes.PARAM_COUNT,
      `extern '${name}' takes ${sym.params.length} argument(s), got ${args.length}`,
      span,
    );
  if (!Object.hasOwn(BUILTIN_EXTERNS, name) || args.length !== 1)
    return c.fail(
      QasmCodes.EXTERN_UNAVAILABLE,
      `extern '${name}' has no implementation in this simulator (built-in externs: ${Object.keys(BUILTIN_EXTERNS).join(", ")})`,
      span,
    );
  const x = toRuntime(c, args[0], span);
  const width = x.width ?? 1;
  const count = { kind: "call" as const, name: "popcount", args: [x.expr] };
  if (name === "vote")
    return {
      t: "rt",
      expr: {
        kind: "binary",
        op: ">",
        left: {
          kind: "binary",
          op: "*",
          left: count,
          right: { kind: "const", value: 2 },
        },
        right: { kind: "const", value: width },
      },
      type: "bit",
    };
  return {
    t: "rt",
    expr: {
      kind: "binary",
      op: "%",
      left: count,
      right: { kind: "const", value: 2 },
    },
    type: "bit",
  };
}
