import type { Condition, Span } from "../../ir/types.ts";
import type { Expr, Stmt } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import { MAX_DEPTH, MAX_LOOP_ITERATIONS, type Compiler } from "./compiler.ts";
import { castTo } from "./builtins.ts";
import { negateCondition, toCondition } from "./conditions.ts";
import { evalConst, evalInt, evalOperand, evaluate } from "./eval.ts";
import { rangeValues } from "./indexing.ts";
import { execBlock, type Flow } from "./exec.ts";
import { Scope, type ConstValue, type Value } from "./scope.ts";

/** Runs control-flow statements: blocks, `if`, `for`, `while`, `def`, `return`, `break`, `continue`. */
export function execControl(c: Compiler, s: Stmt): Flow {
  switch (s.kind) {
    case "block":
      return inScope(c, () => execBlock(c, s.body));
    case "if":
      return execIf(c, s);
    case "for":
      return execFor(c, s);
    case "while":
      return execWhile(c, s);
    case "def":
      if (c.scope !== c.global)
        return c.fail(
          QasmCodes.SYNTAX,
          "subroutines can only be defined at the top level",
          s.span,
        );
      c.declare(
        s.name,
        { kind: "def", stmt: s, file: c.sink.file },
        s.nameSpan,
      );
      return undefined;
    case "return": {
      if (!c.inDef)
        return c.fail(
          QasmCodes.BAD_CONTROL_FLOW,
          "return outside a subroutine",
          s.span,
        );
      return { ret: s.value ? evaluate(c, s.value) : undefined };
    }
    case "break":
    case "continue":
      if (c.loopDepth === 0)
        return c.fail(
          QasmCodes.BAD_CONTROL_FLOW,
          `${s.kind} outside a loop`,
          s.span,
        );
      if (c.condition)
        return c.fail(
          QasmCodes.UNSUPPORTED,
          `not supported yet: ${s.kind} inside a branch on measured bits`,
          s.span,
        );
      return s.kind;
    default:
      return c.fail(
        QasmCodes.INTERNAL,
        `unexpected statement ${s.kind}`,
        s.span,
      );
  }
}

function inScope<T>(c: Compiler, fn: () => T): T {
  return c.withScope(new Scope(c.scope), fn);
}

function execIf(c: Compiler, s: Extract<Stmt, { kind: "if" }>): Flow {
  if (s.qasm2 && s.cond.kind === "binary") evalOperand(c, s.cond.left);
  const v = evaluate(c, s.cond);
  if (
    s.qasm2 &&
    (s.cond.kind !== "binary" || s.cond.op !== "==" || v.t !== "cond")
  ) {
    return c.fail(
      QasmCodes.SYNTAX,
      "OpenQASM 2 conditions have the form if (creg == integer)",
      s.cond.span,
    );
  }
  if (v.t === "bits" || v.t === "cond")
    return dynamicIf(c, s, toCondition(c, v, s.cond.span));
  if (v.t === "qubits")
    return c.fail(
      QasmCodes.TYPE_ERROR,
      "a qubit cannot be used as a condition",
      s.cond.span,
    );
  const branch = v.v !== 0 ? s.then : s.else;
  return branch ? inScope(c, () => execBlock(c, branch)) : undefined;
}

function dynamicIf(
  c: Compiler,
  s: Extract<Stmt, { kind: "if" }>,
  cond: Condition,
): Flow {
  if (c.condition)
    return c.fail(
      QasmCodes.UNSUPPORTED,
      "not supported yet: nested conditions on measured bits",
      s.span,
    );
  const run = (body: readonly Stmt[], k: Condition): Flow => {
    c.condition = k;
    try {
      return inScope(c, () => execBlock(c, body));
    } finally {
      c.condition = undefined;
    }
  };
  const measuredBefore = c.ops.length;
  const f = run(s.then, cond);
  if (s.else) {
    const overwrites = c.ops
      .slice(measuredBefore)
      .some((op) => op.kind === "measure" && cond.clbits.includes(op.clbit));
    if (overwrites)
      return c.fail(
        QasmCodes.UNSUPPORTED,
        "not supported yet: an else branch after measuring into the condition's bits",
        s.span,
      );
    return run(s.else, negateCondition(cond)) ?? f;
  }
  return f;
}

function loopValues(c: Compiler, iter: Expr): Iterable<number> {
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

function execFor(c: Compiler, s: Extract<Stmt, { kind: "for" }>): Flow {
  const type = s.varType?.name ?? "int";
  let count = 0;
  c.loopDepth++;
  try {
    for (const x of loopValues(c, s.iter)) {
      if (++count > MAX_LOOP_ITERATIONS) loopLimit(c, s.span);
      const value = castTo(c, type, { t: "float", v: x }, s.span);
      const scope = new Scope(c.scope);
      scope.declare(s.varName, {
        kind: "var",
        name: s.varName,
        type,
        value,
        readonly: true,
      });
      const f = c.withScope(scope, () => execBlock(c, s.body));
      if (f === "break") break;
      if (f !== undefined && f !== "continue") return f;
    }
  } finally {
    c.loopDepth--;
  }
  return undefined;
}

function loopLimit(c: Compiler, span: Span): never {
  return c.fail(
    QasmCodes.LOOP_LIMIT,
    `loop runs more than ${MAX_LOOP_ITERATIONS} iterations at compile time`,
    span,
  );
}

function execWhile(c: Compiler, s: Extract<Stmt, { kind: "while" }>): Flow {
  let count = 0;
  c.loopDepth++;
  try {
    for (;;) {
      const v = evaluate(c, s.cond);
      if (v.t === "bits" || v.t === "cond") {
        return c.fail(
          QasmCodes.UNSUPPORTED,
          "not supported yet: while loops on measured bits",
          s.cond.span,
        );
      }
      if (v.t === "qubits")
        return c.fail(
          QasmCodes.TYPE_ERROR,
          "a qubit cannot be used as a condition",
          s.cond.span,
        );
      if (v.v === 0) return undefined;
      if (++count > MAX_LOOP_ITERATIONS) loopLimit(c, s.span);
      const f = inScope(c, () => execBlock(c, s.body));
      if (f === "break") return undefined;
      if (f !== undefined && f !== "continue") return f;
    }
  } finally {
    c.loopDepth--;
  }
}

/** Calls subroutine `name` with argument expressions; returns its value (undefined for none). */
export function callDef(
  c: Compiler,
  name: string,
  args: readonly Expr[],
  span: Span,
): Value | undefined {
  const sym = c.scope.lookup(name);
  if (sym?.kind !== "def")
    return c.fail(
      QasmCodes.UNDEFINED_FUNCTION,
      `'${name}' is not a subroutine`,
      span,
    );
  const d = sym.stmt;
  if (args.length !== d.params.length) {
    c.fail(
      QasmCodes.PARAM_COUNT,
      `subroutine '${name}' takes ${d.params.length} argument(s), got ${args.length}`,
      span,
    );
  }
  if (c.depth >= MAX_DEPTH)
    c.fail(QasmCodes.RECURSION_LIMIT, "subroutine calls nest too deeply", span);
  const scope = new Scope(c.global, true);
  d.params.forEach((p, i) => {
    const v = evaluate(c, args[i]);
    if (p.type.name === "qubit") {
      if (v.t !== "qubits")
        c.fail(
          QasmCodes.TYPE_ERROR,
          `argument '${p.name}' must be a qubit`,
          args[i].span,
        );
      const n = p.type.width
        ? evalInt(c, p.type.width, "a qubit count")
        : undefined;
      if (n !== undefined ? v.qubits.length !== n : !v.scalar) {
        c.fail(
          QasmCodes.ARG_COUNT,
          `argument '${p.name}' must be ${n ?? 1} qubit(s), got ${v.qubits.length}`,
          args[i].span,
        );
      }
      scope.declare(p.name, {
        kind: "qarg",
        name: p.name,
        qubits: v.qubits,
        scalar: n === undefined,
      });
      return;
    }
    if (v.t === "qubits")
      c.fail(
        QasmCodes.TYPE_ERROR,
        `argument '${p.name}' must be a classical value`,
        args[i].span,
      );
    const cv: ConstValue =
      v.t === "bits" || v.t === "cond" ? evalConst(c, args[i]) : v;
    scope.declare(p.name, {
      kind: "var",
      name: p.name,
      type: p.type.name,
      value: castTo(c, p.type.name, cv, args[i].span),
      readonly: false,
    });
  });
  const savedLoop = c.loopDepth;
  const savedDef = c.inDef;
  const savedFile = c.sink.file;
  c.depth++;
  c.loopDepth = 0;
  c.inDef = true;
  c.sink.file = sym.file;
  try {
    const f = c.withScope(scope, () => execBlock(c, d.body));
    const ret = typeof f === "object" ? f.ret : undefined;
    if (
      ret &&
      d.returnType &&
      ret.t !== "bits" &&
      ret.t !== "qubits" &&
      ret.t !== "cond"
    ) {
      return castTo(c, d.returnType.name, ret, span);
    }
    return ret;
  } finally {
    c.depth--;
    c.loopDepth = savedLoop;
    c.inDef = savedDef;
    c.sink.file = savedFile;
  }
}
