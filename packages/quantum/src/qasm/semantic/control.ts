import type { Condition, Span } from "../../ir/types.ts";
import type { Expr, Stmt, TypeSpec } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import {
  MAX_DEPTH,
  MAX_LOOP_ITERATIONS,
  EndProgram,
  type Compiler,
} from "./compiler.ts";
import { castTo } from "./builtins.ts";
import { negateCondition } from "./conditions.ts";
import { constOf, evalConst, evalInt, evalOperand, evaluate } from "./eval.ts";
import { loopValues } from "./indexing.ts";
import { execBlock, type Flow } from "./exec.ts";
import {
  emitRaw,
  isRuntime,
  promote,
  runtimeBinary,
  runtimeCondition,
  storeVariable,
  toRuntime,
  variableValue,
} from "./runtime.ts";
import {
  Scope,
  type ConstValue,
  type Value,
  type VariableSymbol,
} from "./scope.ts";

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
    case "switch":
      return execSwitch(c, s);
    case "end":
      if (c.rtDepth > 0) {
        // Per shot: jump past the last op (compilation continues for the other branch).
        c.endLabel ??= c.newLabel();
        emitRaw(c, {
          kind: "jump",
          to: c.endLabel,
          ...(c.condition ? { condition: c.condition } : {}),
        });
        return undefined;
      }
      throw new EndProgram();
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
      if (c.rtDepth > c.defRtDepth && c.defReturn)
        return runtimeReturn(c, c.defReturn, s);
      return { ret: s.value ? evaluate(c, s.value) : undefined };
    }
    case "break":
    case "continue": {
      if (c.loopDepth === 0)
        return c.fail(
          QasmCodes.BAD_CONTROL_FLOW,
          `${s.kind} outside a loop`,
          s.span,
        );
      const loop = c.loops[c.loops.length - 1];
      if (loop?.kind === "rt") {
        emitRaw(c, {
          kind: "jump",
          to: s.kind === "break" ? loop.end : loop.head,
          ...(c.condition ? { condition: c.condition } : {}),
        });
        return undefined;
      }
      if (c.condition || (loop && c.rtDepth > loop.rtDepth))
        return c.fail(
          QasmCodes.UNSUPPORTED,
          `not supported yet: ${s.kind} of a compile-time loop inside a branch on measured values`,
          s.span,
        );
      return s.kind;
    }
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
  if (v.t === "bits" || v.t === "cond" || v.t === "rt") {
    if (!s.qasm2 && !isSimpleBody(c, s.then, s.else !== undefined)) {
      return runtimeBranches(
        c,
        [{ cond: v, span: s.cond.span, body: s.then }],
        s.else,
      );
    }
    prepareRegion(c, [...s.then, ...(s.else ?? [])]);
    return dynamicIf(c, s, runtimeCondition(c, v, s.cond.span));
  }
  if (v.t === "array")
    return c.fail(
      QasmCodes.TYPE_ERROR,
      "an array cannot be used as a condition",
      s.cond.span,
    );
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
    c.rtDepth++;
    try {
      return inScope(c, () => execBlock(c, body));
    } finally {
      c.condition = undefined;
      c.rtDepth--;
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

function execFor(c: Compiler, s: Extract<Stmt, { kind: "for" }>): Flow {
  if (breaksAtRunTime(c, s.body)) return runtimeFor(c, s);
  const type = s.varType?.name ?? "int";
  let count = 0;
  c.loopDepth++;
  c.loops.push({ kind: "ct", rtDepth: c.rtDepth });
  try {
    for (const x of loopValues(c, s.iter)) {
      if (++count > MAX_LOOP_ITERATIONS) loopLimit(c, s.span);
      const scope = iterationScope(c, s, type, x);
      const errors = c.sink.errorCount;
      const f = c.withScope(scope, () => execBlock(c, s.body));
      // An error in the body would repeat on every iteration: stop at the first.
      if (c.sink.errorCount > errors) break;
      if (f === "break") break;
      if (f !== undefined && f !== "continue") return f;
    }
  } finally {
    c.loopDepth--;
    c.loops.pop();
  }
  return undefined;
}

/**
 * A `for` loop that breaks or continues on measured values: unrolled as usual, with a label after
 * each iteration (`continue`) and one after the loop (`break`); a shot that breaks jumps over the
 * iterations left. What the body writes is kept per shot (it depends on where the shot broke off).
 */
function runtimeFor(c: Compiler, s: Extract<Stmt, { kind: "for" }>): Flow {
  const type = s.varType?.name ?? "int";
  prepareRegion(c, s.body);
  const end = c.newLabel();
  let count = 0;
  c.loopDepth++;
  c.rtDepth++;
  try {
    for (const x of loopValues(c, s.iter)) {
      if (++count > MAX_LOOP_ITERATIONS) loopLimit(c, s.span);
      const scope = iterationScope(c, s, type, x);
      const next = c.newLabel();
      c.loops.push({ kind: "rt", head: next, end });
      const errors = c.sink.errorCount;
      let f: Flow;
      try {
        f = c.withScope(scope, () => execBlock(c, s.body));
      } finally {
        c.loops.pop();
      }
      emitRaw(c, { kind: "label", id: next });
      if (c.sink.errorCount > errors) break;
      if (f !== undefined && f !== "continue" && f !== "break") return f;
    }
  } finally {
    c.loopDepth--;
    c.rtDepth--;
  }
  emitRaw(c, { kind: "label", id: end });
  return undefined;
}

/** The names an expression reads (and the functions it calls). */
function namesIn(e: Expr | undefined, out: Set<string>): void {
  if (!e) return;
  switch (e.kind) {
    case "id":
      out.add(e.name);
      return;
    case "unary":
      return namesIn(e.operand, out);
    case "binary":
      namesIn(e.left, out);
      return namesIn(e.right, out);
    case "call":
      out.add(e.name);
      for (const a of e.args) namesIn(a, out);
      return;
    case "cast":
      return namesIn(e.arg, out);
    case "index":
      namesIn(e.target, out);
      for (const i of e.index) namesIn(i, out);
      return;
    case "range":
      namesIn(e.start, out);
      namesIn(e.step, out);
      return namesIn(e.end, out);
    case "set":
      for (const i of e.items) namesIn(i, out);
      return;
    case "concat":
      for (const p of e.parts) namesIn(p, out);
      return;
    default:
      return;
  }
}

/** Every statement of `body`, nested ones included (loops too), in order. */
function eachStmt(body: readonly Stmt[], visit: (s: Stmt) => void): void {
  for (const s of body) {
    visit(s);
    switch (s.kind) {
      case "if":
        eachStmt(s.then, visit);
        if (s.else) eachStmt(s.else, visit);
        break;
      case "for":
      case "while":
      case "block":
      case "box":
        eachStmt(s.body, visit);
        break;
      case "switch":
        for (const k of s.cases) eachStmt(k.body, visit);
        if (s.default) eachStmt(s.default, visit);
        break;
    }
  }
}

/**
 * Whether a loop's body breaks or continues under a condition that depends on measured values
 * (a `break` of a nested loop is that loop's): such a loop cannot be unrolled at compile time
 * alone. Measured values are bit registers, variables that already hold one, results of
 * subroutines and externs, and what the body measures into or computes from them.
 */
function breaksAtRunTime(c: Compiler, body: readonly Stmt[]): boolean {
  const measured = new Set<string>();
  const isMeasured = (name: string): boolean => {
    if (measured.has(name)) return true;
    const sym = c.scope.lookup(name);
    return (
      sym?.kind === "creg" ||
      sym?.kind === "calias" ||
      // A subroutine or extern may measure: its result counts as measured.
      sym?.kind === "def" ||
      sym?.kind === "extern" ||
      (sym?.kind === "var" &&
        (sym.storage !== undefined || isRuntime(sym.value)))
    );
  };
  const reads = (e: Expr): boolean => {
    if (e.kind === "measure") return true;
    const names = new Set<string>();
    namesIn(e, names);
    return [...names].some(isMeasured);
  };
  const target = (e: Expr): string | undefined => {
    const base = e.kind === "index" ? e.target : e;
    return base.kind === "id" ? base.name : undefined;
  };
  for (let grew = true; grew;) {
    const before = measured.size;
    eachStmt(body, (s) => {
      let name: string | undefined;
      if (s.kind === "measure" && s.target) name = target(s.target);
      else if (s.kind === "assign" && reads(s.value)) name = target(s.target);
      else if (s.kind === "decl" && s.init && reads(s.init)) name = s.name;
      if (name !== undefined) measured.add(name);
    });
    grew = measured.size > before;
  }
  const search = (stmts: readonly Stmt[], onShots: boolean): boolean =>
    stmts.some((s) => {
      switch (s.kind) {
        case "break":
        case "continue":
          return onShots;
        case "if": {
          const k = onShots || reads(s.cond);
          return search(s.then, k) || (s.else ? search(s.else, k) : false);
        }
        case "switch": {
          const k = onShots || reads(s.subject);
          return (
            s.cases.some((x) => search(x.body, k)) ||
            (s.default ? search(s.default, k) : false)
          );
        }
        case "block":
        case "box":
          return search(s.body, onShots);
        default:
          return false;
      }
    });
  return search(body, false);
}

/** The scope of one unrolled iteration of a `for`: its variable, a constant of the iteration. */
function iterationScope(
  c: Compiler,
  s: Extract<Stmt, { kind: "for" }>,
  type: string,
  x: number,
): Scope {
  const scope = new Scope(c.scope);
  scope.declare(s.varName, {
    kind: "var",
    name: s.varName,
    type,
    value: castTo(c, type, { t: "float", v: x }, s.span),
    readonly: true,
  });
  return scope;
}

function loopLimit(c: Compiler, span: Span): never {
  return c.fail(
    QasmCodes.LOOP_LIMIT,
    `loop runs more than ${MAX_LOOP_ITERATIONS} iterations at compile time`,
    span,
  );
}

function execWhile(c: Compiler, s: Extract<Stmt, { kind: "while" }>): Flow {
  // A break on measured values: the whole loop runs per shot.
  if (breaksAtRunTime(c, s.body)) return runtimeWhile(c, s);
  let count = 0;
  c.loopDepth++;
  c.loops.push({ kind: "ct", rtDepth: c.rtDepth });
  try {
    for (;;) {
      const at = c.ops.length;
      const v = evaluate(c, s.cond);
      if (v.t === "bits" || v.t === "cond" || v.t === "rt") {
        // The rest of the loop runs per shot: label, condition, body, jump back.
        c.ops.length = at;
        c.loops.pop();
        c.loopDepth--;
        try {
          return runtimeWhile(c, s);
        } finally {
          c.loopDepth++;
          c.loops.push({ kind: "ct", rtDepth: c.rtDepth });
        }
      }
      if (v.t === "array")
        return c.fail(
          QasmCodes.TYPE_ERROR,
          "an array cannot be used as a condition",
          s.cond.span,
        );
      if (v.t === "qubits")
        return c.fail(
          QasmCodes.TYPE_ERROR,
          "a qubit cannot be used as a condition",
          s.cond.span,
        );
      if (v.v === 0) return undefined;
      if (++count > MAX_LOOP_ITERATIONS) loopLimit(c, s.span);
      const errors = c.sink.errorCount;
      const f = inScope(c, () => execBlock(c, s.body));
      if (c.sink.errorCount > errors) return undefined;
      if (f === "break") return undefined;
      if (f !== undefined && f !== "continue") return f;
    }
  } finally {
    c.loopDepth--;
    c.loops.pop();
  }
}

/**
 * `return` inside a branch or loop that depends on measurements: the value goes into the
 * subroutine's result variable and the shot jumps to the end of the subroutine's body.
 */
function runtimeReturn(
  c: Compiler,
  ctx: NonNullable<Compiler["defReturn"]>,
  s: Extract<Stmt, { kind: "return" }>,
): Flow {
  if (s.value) {
    if (ctx.type === undefined)
      return c.fail(
        QasmCodes.TYPE_ERROR,
        "this subroutine returns no value",
        s.value.span,
      );
    const v = evaluate(c, s.value);
    ctx.result ??= {
      kind: "var",
      name: "return value",
      type: ctx.type,
      width: ctx.width,
      value: castTo(c, ctx.type, { t: "int", v: 0 }, s.span),
      readonly: false,
    };
    storeVariable(c, ctx.result, v, s.value.span);
  }
  ctx.used = true;
  emitRaw(c, {
    kind: "jump",
    to: ctx.exit,
    ...(c.condition ? { condition: c.condition } : {}),
  });
  return undefined;
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
    if (p.type.name === "array") {
      bindArray(c, scope, p, v, args[i].span);
      return;
    }
    if (v.t === "array")
      c.fail(
        QasmCodes.TYPE_ERROR,
        `argument '${p.name}' must be a single value`,
        args[i].span,
      );
    const width = p.type.width
      ? evalInt(c, p.type.width, "a type width")
      : undefined;
    if (isRuntime(v)) {
      // Passed by value: the subroutine gets its own copy in fresh bits.
      const sym: VariableSymbol = {
        kind: "var",
        name: p.name,
        type: p.type.name === "creg" ? "bit" : p.type.name,
        width,
        value: { t: "int", v: 0 },
        readonly: false,
      };
      storeVariable(c, sym, v, args[i].span);
      scope.declare(p.name, sym);
      return;
    }
    const cv = v as ConstValue;
    scope.declare(p.name, {
      kind: "var",
      name: p.name,
      type: p.type.name,
      width,
      value: castTo(c, p.type.name, cv, args[i].span),
      readonly: false,
    });
  });
  const savedLoop = c.loopDepth;
  const savedDef = c.inDef;
  const savedFile = c.sink.file;
  const savedDefRt = c.defRtDepth;
  const savedReturn = c.defReturn;
  const savedLoops = c.loops.splice(0);
  c.depth++;
  c.loopDepth = 0;
  c.inDef = true;
  c.defRtDepth = c.rtDepth;
  c.sink.file = sym.file;
  const ctx: NonNullable<Compiler["defReturn"]> = {
    exit: c.newLabel(),
    type: d.returnType?.name,
    width: d.returnType?.width
      ? evalInt(c, d.returnType.width, "a type width")
      : undefined,
    used: false,
  };
  c.defReturn = ctx;
  try {
    const f = c.withScope(scope, () => execBlock(c, d.body));
    let ret = typeof f === "object" ? f.ret : undefined;
    if (ctx.used) {
      // Some shots returned early: the value reaching the end joins theirs in the result.
      if (ret !== undefined && ctx.result)
        storeVariable(c, ctx.result, ret, span);
      emitRaw(c, { kind: "label", id: ctx.exit });
      if (ctx.result) ret = variableValue(ctx.result);
    }
    if (
      ret &&
      d.returnType &&
      ret.t !== "bits" &&
      ret.t !== "qubits" &&
      ret.t !== "cond" &&
      ret.t !== "rt" &&
      ret.t !== "array"
    ) {
      return castTo(c, d.returnType.name, ret, span);
    }
    return ret;
  } finally {
    c.depth--;
    c.loopDepth = savedLoop;
    c.inDef = savedDef;
    c.sink.file = savedFile;
    c.defRtDepth = savedDefRt;
    c.defReturn = savedReturn;
    c.loops.splice(0, c.loops.length, ...savedLoops);
  }
}

/** An array argument: passed by reference (`mutable`) or read-only (`readonly`, the default). */
function bindArray(
  c: Compiler,
  scope: Scope,
  p: { name: string; type: TypeSpec },
  v: Value,
  span: Span,
): void {
  if (v.t !== "array")
    return c.fail(
      QasmCodes.TYPE_ERROR,
      `argument '${p.name}' must be an array`,
      span,
    );
  const t = p.type;
  if (t.dims && t.dims.length > 0) {
    const dims = t.dims.map((d) => evalInt(c, d, "an array dimension"));
    if (dims.join(",") !== v.dims.join(","))
      c.fail(
        QasmCodes.TYPE_ERROR,
        `argument '${p.name}' must have shape [${dims.join(", ")}], got [${v.dims.join(", ")}]`,
        span,
      );
  } else if (t.dimCount) {
    const n = evalInt(c, t.dimCount, "a number of dimensions");
    if (n !== v.dims.length)
      c.fail(
        QasmCodes.TYPE_ERROR,
        `argument '${p.name}' must have ${n} dimension(s), got ${v.dims.length}`,
        span,
      );
  }
  scope.declare(p.name, {
    kind: "array",
    name: p.name,
    value: v,
    readonly: t.access !== "mutable",
  });
}

/** Statements that can run under a plain condition on each op (no classical code, no nesting). */
function isSimpleBody(
  c: Compiler,
  body: readonly Stmt[],
  hasElse: boolean,
): boolean {
  return body.every((s) => {
    switch (s.kind) {
      case "gateCall": {
        const k = c.scope.lookup(s.name)?.kind;
        return k !== "def" && k !== "extern";
      }
      case "reset":
      case "barrier":
      case "delay":
      case "calibration":
        return true;
      case "measure": {
        if (hasElse || !s.target) return false;
        const base = s.target.kind === "index" ? s.target.target : s.target;
        const k =
          base.kind === "id" ? c.scope.lookup(base.name)?.kind : undefined;
        return k === "creg" || k === "calias";
      }
      case "block":
        return isSimpleBody(c, s.body, hasElse);
      default:
        return false;
    }
  });
}

/** Names a region of code writes (assignments and measurement targets), recursively. */
function writtenNames(body: readonly Stmt[], out: Map<string, Span>): void {
  eachStmt(body, (s) => {
    if (s.kind !== "assign" && s.kind !== "measure") return;
    const e = s.target;
    if (!e) return;
    const base = e.kind === "index" ? e.target : e;
    if (base.kind === "id" && !out.has(base.name))
      out.set(base.name, base.span);
  });
}

/** Before code that runs only on some shots: variables it writes get storage bits now. */
function prepareRegion(c: Compiler, body: readonly Stmt[]): void {
  const names = new Map<string, Span>();
  writtenNames(body, names);
  for (const [name, span] of names) {
    const sym = c.scope.lookup(name);
    if (sym?.kind === "var" && !sym.readonly) promote(c, sym, span);
  }
}

/** Runs `body` as code that runs only on some shots. */
function inRegion(c: Compiler, body: readonly Stmt[]): Flow {
  c.rtDepth++;
  try {
    return inScope(c, () => execBlock(c, body));
  } finally {
    c.rtDepth--;
  }
}

/** if / else-if / else on run-time values, as labels and jumps. */
function runtimeBranches(
  c: Compiler,
  branches: readonly {
    cond: Value | (() => Value);
    span: Span;
    body: readonly Stmt[];
  }[],
  elseBody: readonly Stmt[] | undefined,
): Flow {
  prepareRegion(c, [...branches.flatMap((b) => b.body), ...(elseBody ?? [])]);
  const end = c.newLabel();
  for (const b of branches) {
    const next = c.newLabel();
    const v = typeof b.cond === "function" ? b.cond() : b.cond;
    const k = runtimeCondition(c, v, b.span);
    emitRaw(c, { kind: "jump", to: next, condition: negateCondition(k) });
    inRegion(c, b.body);
    emitRaw(c, { kind: "jump", to: end });
    emitRaw(c, { kind: "label", id: next });
  }
  if (elseBody) inRegion(c, elseBody);
  emitRaw(c, { kind: "label", id: end });
  return undefined;
}

/** A while loop whose condition is only known at run time: label, test, body, jump back. */
function runtimeWhile(c: Compiler, s: Extract<Stmt, { kind: "while" }>): Flow {
  prepareRegion(c, s.body);
  const head = c.newLabel();
  const end = c.newLabel();
  emitRaw(c, { kind: "label", id: head });
  const v = evaluate(c, s.cond);
  if (!isRuntime(v)) {
    const x = constOf(c, v, s.cond.span);
    if (x.v === 0) {
      emitRaw(c, { kind: "label", id: end });
      return undefined;
    }
  } else {
    const k = runtimeCondition(c, v, s.cond.span);
    emitRaw(c, { kind: "jump", to: end, condition: negateCondition(k) });
  }
  c.loops.push({ kind: "rt", head, end });
  c.loopDepth++;
  try {
    inRegion(c, s.body);
  } finally {
    c.loopDepth--;
    c.loops.pop();
  }
  emitRaw(c, { kind: "jump", to: head });
  emitRaw(c, { kind: "label", id: end });
  return undefined;
}

/** `switch`: a compile-time choice, or run-time branches on a stored copy of the subject. */
function execSwitch(c: Compiler, s: Extract<Stmt, { kind: "switch" }>): Flow {
  let subject = evaluate(c, s.subject);
  const values = s.cases.map((k) =>
    k.values.map((e) => {
      const v = evalConst(c, e);
      if (!Number.isInteger(v.v))
        c.fail(QasmCodes.TYPE_ERROR, "case values must be integers", e.span);
      return { v: v.v, span: e.span };
    }),
  );
  const seen = new Set<number>();
  for (const list of values)
    for (const x of list) {
      if (seen.has(x.v))
        c.fail(
          QasmCodes.REDEFINITION,
          `case ${x.v} appears twice in this switch`,
          x.span,
        );
      seen.add(x.v);
    }
  if (!isRuntime(subject)) {
    const x = constOf(c, subject, s.subject.span);
    if (!Number.isInteger(x.v))
      c.fail(QasmCodes.TYPE_ERROR, "a switch needs an integer", s.subject.span);
    const i = values.findIndex((list) => list.some((y) => y.v === x.v));
    const body = i >= 0 ? s.cases[i].body : s.default;
    return body ? inScope(c, () => execBlock(c, body)) : undefined;
  }
  // Evaluate the subject once, into bits of its own (a case body may change what it reads).
  const rt = toRuntime(c, subject, s.subject.span);
  if (rt.type === "float" || rt.type === "angle")
    c.fail(QasmCodes.TYPE_ERROR, "a switch needs an integer", s.subject.span);
  const width = Math.max(rt.width ?? 32, 2);
  const bits = c.allocHidden(width);
  c.emit({ kind: "classical", clbits: bits, value: rt.expr });
  const signed = rt.type === "int";
  subject = {
    t: "rt",
    expr: { kind: "bits", clbits: bits, ...(signed ? { signed: true } : {}) },
    type: rt.type,
    width,
  };
  const subj = subject;
  return runtimeBranches(
    c,
    s.cases.map((k, i) => ({
      cond: () =>
        values[i]
          .map((x) =>
            runtimeBinary(c, "==", subj, { t: "int", v: x.v }, k.span),
          )
          .reduce((a: Value, b: Value) => runtimeBinary(c, "||", a, b, k.span)),
      span: k.span,
      body: k.body,
    })),
    s.default,
  );
}
