import type { Span } from "../../ir/types.ts";
import type { Expr, Stmt } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import { Parser } from "../parse.ts";
import { CLASSICAL_TYPES } from "../parse-expr.ts";
import { Lexer } from "../lex.ts";
import { EndProgram, PHYSICAL_REGISTER, type Compiler } from "./compiler.ts";
import { FUNCTIONS, castTo } from "./builtins.ts";
import {
  constOf,
  evalInt,
  evalOperand,
  evaluate,
  SemanticAbort,
} from "./eval.ts";
import { compileGateCall, UndefinedGateAbort } from "./gates.ts";
import { defineGate } from "./gate-defs.ts";
import { execControl } from "./control.ts";
import { compileNoisePragma } from "./noise.ts";
import type { ConstValue, Value, VariableSymbol } from "./scope.ts";
import {
  isRuntime,
  promote,
  storedExpr,
  storeVariable,
  toRuntime,
} from "./runtime.ts";
import { assignArray, makeArray } from "./arrays.ts";
import { execExtra } from "./exec3.ts";

/** How a statement ended: normally, or by `break`, `continue` or `return`. */
export type Flow =
  undefined | "break" | "continue" | { readonly ret: Value | undefined };

const MAX_REGISTER_SIZE = 1 << 20;
const MAX_INCLUDE_DEPTH = 16;

/** Runs a statement, turning a reported error into "skip this statement". */
export function execSafe(c: Compiler, s: Stmt): Flow {
  try {
    return execStmt(c, s);
  } catch (e) {
    if (e instanceof SemanticAbort || e instanceof UndefinedGateAbort)
      return undefined;
    throw e;
  }
}

/** Runs statements in order until one ends the block early. */
export function execBlock(c: Compiler, body: readonly Stmt[]): Flow {
  for (const s of body) {
    const f = execSafe(c, s);
    if (f !== undefined) return f;
  }
  return undefined;
}

// Statements whose ops carry their own span (so ops unrolled from loops and subroutines point at them).
const EMITTING = new Set<Stmt["kind"]>([
  "gateCall",
  "measure",
  "reset",
  "barrier",
  "assign",
  "decl",
  "noise",
]);

/** Runs one statement. */
export function execStmt(c: Compiler, s: Stmt): Flow {
  if (EMITTING.has(s.kind)) c.setOpSpan(s.span);
  switch (s.kind) {
    case "gateCall": {
      const kind =
        s.modifiers.length === 0 ? c.scope.lookup(s.name)?.kind : undefined;
      if (kind === "def") {
        // `f(a) q;` (the specification's examples call subroutines like gates) or `f(a, q);`.
        c.callDef(s.name, [...s.params, ...s.args], s.span);
        return undefined;
      }
      // `popcount(b);`: a call of a built-in function as a statement (its value is unused).
      const builtin =
        kind === undefined &&
        s.hasParens &&
        s.args.length === 0 &&
        s.modifiers.length === 0 &&
        Object.hasOwn(FUNCTIONS, s.name);
      if ((kind === "extern" && s.args.length === 0) || builtin) {
        evaluate(c, {
          kind: "call",
          name: s.name,
          args: s.params,
          span: s.span,
        });
        return undefined;
      }
      compileGateCall(c, s);
      return undefined;
    }
    case "qreg":
    case "creg":
      declareRegister(c, s);
      return undefined;
    case "measure":
      if (!s.target)
        return c.fail(
          QasmCodes.UNSUPPORTED,
          "not supported yet: measure without a target bit",
          s.span,
        );
      measure(c, s.source, s.target, s.span);
      return undefined;
    case "reset":
      for (const q of qubitsOf(c, s.target))
        c.emit({ kind: "reset", qubit: q });
      return undefined;
    case "barrier": {
      const qubits =
        s.args.length === 0
          ? Array.from({ length: c.numQubits }, (_, i) => i)
          : s.args.flatMap((a) => qubitsOf(c, a));
      c.emit({ kind: "barrier", qubits: [...new Set(qubits)] });
      return undefined;
    }
    case "gateDef":
    case "opaque":
      defineGate(c, s);
      return undefined;
    case "include":
      include(c, s.path, s.span);
      return undefined;
    case "version":
      return c.fail(
        QasmCodes.SYNTAX,
        "OPENQASM must be the first statement",
        s.span,
      );
    case "assign":
      assign(c, s);
      return undefined;
    case "decl":
      declareVariable(c, s);
      return undefined;
    case "expr":
      evaluate(c, s.expr);
      return undefined;
    case "noise":
      compileNoisePragma(c, s);
      return undefined;
    case "alias":
    case "extern":
    case "delay":
    case "box":
    case "calibration":
      return execExtra(c, s);
    default:
      return execControl(c, s);
  }
}

/** The qubits an operand names (a qubit, a register, an index or a slice). */
export function qubitsOf(c: Compiler, e: Expr): readonly number[] {
  const v = evalOperand(c, e);
  if (v.t !== "qubits")
    return c.fail(
      QasmCodes.TYPE_ERROR,
      "expected a qubit or qubit register",
      e.span,
    );
  return v.qubits;
}

/** The classical bits a write goes to: a bit register, an alias, or a variable (given storage). */
export function clbitsOf(c: Compiler, e: Expr): readonly number[] {
  const base = e.kind === "index" ? e.target : e;
  if (base.kind === "id") {
    const sym = c.scope.lookup(base.name);
    if (sym?.kind === "var") {
      if (sym.readonly)
        c.fail(
          QasmCodes.CONST_ASSIGNMENT,
          `cannot assign to '${sym.name}': it is read-only`,
          base.span,
        );
      promote(c, sym, base.span);
    }
  }
  const v = evalOperand(c, e);
  if (v.t !== "bits") {
    const what = v.t === "qubits" ? "a qubit" : "not a bit";
    return c.fail(
      QasmCodes.TYPE_ERROR,
      `expected a classical bit or register, but this is ${what}`,
      e.span,
    );
  }
  return v.clbits;
}

function measure(c: Compiler, source: Expr, target: Expr, span: Span): void {
  const qs = qubitsOf(c, source);
  const bs = clbitsOf(c, target);
  if (qs.length !== bs.length) {
    c.fail(
      QasmCodes.MEASURE_SIZE_MISMATCH,
      `cannot measure ${qs.length} qubit(s) into ${bs.length} bit(s)`,
      span,
    );
  }
  for (let i = 0; i < qs.length; i++)
    c.emit({ kind: "measure", qubit: qs[i], clbit: bs[i] });
}

function checkUndeclared(c: Compiler, name: string, span: Span): void {
  if (c.scope.own(name) !== undefined)
    c.fail(QasmCodes.REDEFINITION, `'${name}' is already declared`, span);
}

function declareRegister(
  c: Compiler,
  s: Extract<Stmt, { kind: "qreg" | "creg" }>,
): void {
  checkUndeclared(c, s.name, s.nameSpan);
  const size = s.size ? evalInt(c, s.size, "a register size") : 1;
  if (size <= 0)
    c.fail(
      QasmCodes.BAD_SIZE,
      `register size must be positive, got ${size}`,
      s.size?.span ?? s.span,
    );
  if (size > MAX_REGISTER_SIZE)
    c.fail(
      QasmCodes.BAD_SIZE,
      `register size ${size} is too large`,
      s.size?.span ?? s.span,
    );
  if (s.kind === "qreg" && c.qregs.some((r) => r.name === PHYSICAL_REGISTER)) {
    c.fail(
      QasmCodes.SYNTAX,
      "qubits cannot be declared in a program that uses physical qubits",
      s.span,
    );
  }
  if (s.kind === "qreg" && c.scope !== c.global)
    c.fail(
      QasmCodes.SYNTAX,
      "qubits can only be declared at the top level",
      s.span,
    );
  const offset = s.kind === "qreg" ? c.numQubits : c.numClbits;
  const reg = { name: s.name, size, offset };
  c.declare(
    s.name,
    { kind: s.kind, name: s.name, size, offset, scalar: s.size === undefined },
    s.nameSpan,
  );
  if (s.kind === "qreg") {
    c.qregs.push(reg);
    c.numQubits += size;
  } else {
    // Bits declared inside subroutines and blocks are storage only: they never show in counts.
    if (c.scope === c.global) c.cregs.push(reg);
    c.numClbits += size;
  }
}

/**
 * A `const` declared again with the same type and the same value (the specification's arrays
 * example declares `first_dimension` twice, both 8): harmless, so a warning instead of the
 * redefinition error. A different type or value stays an error.
 */
function sameConstAgain(
  c: Compiler,
  s: Extract<Stmt, { kind: "decl" }>,
): boolean {
  const prev = c.scope.own(s.name);
  if (
    s.modifier !== "const" ||
    !s.init ||
    prev?.kind !== "var" ||
    !prev.readonly ||
    prev.type !== s.type.name ||
    prev.storage
  )
    return false;
  const width = s.type.width
    ? evalInt(c, s.type.width, "a type width")
    : undefined;
  if (width !== prev.width) return false;
  const v = evaluate(c, s.init);
  if (isRuntime(v) || v.t === "qubits" || v.t === "array") return false;
  if (
    castTo(c, s.type.name, constOf(c, v, s.init.span), s.span).v !==
    prev.value.v
  )
    return false;
  c.warnOnce(
    QasmCodes.LENIENT,
    `'${s.name}' is already declared as a const with this value: the second declaration is ignored`,
    s.nameSpan,
  );
  return true;
}

function declareVariable(
  c: Compiler,
  s: Extract<Stmt, { kind: "decl" }>,
): void {
  if (sameConstAgain(c, s)) return;
  checkUndeclared(c, s.name, s.nameSpan);
  const type = s.type.name;
  if (type === "bit" && s.init?.kind === "measure") {
    declareBitsOf(c, s);
    measure(
      c,
      s.init.target,
      { kind: "id", name: s.name, span: s.nameSpan },
      s.span,
    );
    return;
  }
  if (type === "array") return declareArray(c, s);
  if (type === "bit" && s.modifier !== "const" && s.modifier !== "input") {
    if (c.scope === c.global) return declareInitialisedBits(c, s);
  }
  if (!CLASSICAL_TYPES.has(type) || type === "complex") {
    return c.fail(
      QasmCodes.UNSUPPORTED,
      `not supported yet: type ${type}`,
      s.type.span,
    );
  }
  const width = s.type.width
    ? evalInt(c, s.type.width, "a type width")
    : undefined;
  let value;
  if (s.modifier === "input") {
    const given = c.options.inputs?.[s.name];
    c.inputs.push({
      name: s.name,
      type: type + (width !== undefined ? `[${width}]` : ""),
    });
    if (given === undefined && c.params) {
      c.declare(
        s.name,
        {
          kind: "var",
          name: s.name,
          type,
          width,
          value: castTo(c, type, { t: "int", v: 0 }, s.span),
          readonly: true,
          parameter: c.params.declare(s.name),
        },
        s.nameSpan,
      );
      return;
    }
    if (given === undefined)
      return c.fail(
        QasmCodes.MISSING_INPUT,
        `no value given for input '${s.name}'`,
        s.nameSpan,
      );
    value = castTo(
      c,
      type,
      { t: "float", v: typeof given === "boolean" ? (given ? 1 : 0) : given },
      s.nameSpan,
    );
  } else if (s.init) {
    const v = evaluate(c, s.init);
    if (isRuntime(v)) {
      if (s.modifier === "const")
        return c.fail(
          QasmCodes.NOT_CONSTANT,
          "a const cannot depend on measurement results",
          s.init.span,
        );
      if (type === "duration" || type === "stretch")
        return c.fail(
          QasmCodes.TYPE_ERROR,
          `a ${type} cannot hold a value measured at run time`,
          s.init.span,
        );
      const sym: VariableSymbol = {
        kind: "var",
        name: s.name,
        type,
        width,
        value: castTo(c, type, { t: "int", v: 0 }, s.span),
        readonly: false,
      };
      storeVariable(c, sym, v, s.init.span);
      c.declare(s.name, sym, s.nameSpan);
      c.exposeVariable(sym);
      return;
    }
    checkBitString(c, s.init, type, width);
    value = fitWidth(
      castTo(c, type, constOf(c, v, s.init.span), s.init.span),
      width,
    );
  } else value = castTo(c, type, { t: "int", v: 0 }, s.span);
  const readonly = s.modifier === "const" || s.modifier === "input";
  c.declare(
    s.name,
    { kind: "var", name: s.name, type, width, value, readonly },
    s.nameSpan,
  );
}

/** An int[n] / uint[n] / bit[n] constant wrapped to its width. */
function fitWidth(v: ConstValue, width: number | undefined): ConstValue {
  if (width === undefined || width >= 53) return v;
  if (v.t !== "int" && v.t !== "uint" && v.t !== "bit") return v;
  const m = 2 ** width;
  let r = ((Math.trunc(v.v) % m) + m) % m;
  if (v.t === "int" && r >= m / 2) r -= m;
  return { t: v.t === "bit" && width > 1 ? "uint" : v.t, v: r };
}

/** `bit[2] b = "01";` needs a string of the register's length. */
function checkBitString(
  c: Compiler,
  init: Expr,
  type: string,
  width: number | undefined,
): void {
  if (init.kind !== "string") return;
  const n = init.value.replace(/_/g, "").length;
  if (type !== "bit" || n !== (width ?? 1))
    c.fail(
      QasmCodes.TYPE_ERROR,
      `a bit string of length ${n} cannot initialise a ${type}${width !== undefined ? `[${width}]` : ""}`,
      init.span,
    );
}

/** The bit register a `bit[n] b = ...;` declaration makes. */
function declareBitsOf(c: Compiler, s: Extract<Stmt, { kind: "decl" }>): void {
  declareRegister(c, {
    kind: "creg",
    name: s.name,
    size: s.type.width,
    span: s.span,
    nameSpan: s.nameSpan,
  });
}

/** A global `bit[n] b = value;`: a classical register (it shows in counts) written at run time. */
function declareInitialisedBits(
  c: Compiler,
  s: Extract<Stmt, { kind: "decl" }>,
): void {
  declareBitsOf(c, s);
  if (!s.init) return;
  const width = s.type.width ? evalInt(c, s.type.width, "a type width") : 1;
  checkBitString(c, s.init, "bit", width);
  writeBits(c, { kind: "id", name: s.name, span: s.nameSpan }, s.init, s.span);
}

/** Writes the value of `value` into the bits `target` names (a classical op; constants too). */
function writeBits(c: Compiler, target: Expr, value: Expr, span: Span): void {
  const bits = clbitsOf(c, target);
  const v = evaluate(c, value);
  if (v.t === "bits" && v.clbits.length !== bits.length && bits.length > 1)
    c.fail(
      QasmCodes.TYPE_ERROR,
      `cannot assign ${v.clbits.length} bit(s) to ${bits.length} bit(s)`,
      span,
    );
  const rt = toRuntime(c, v, value.span);
  const expr =
    bits.length === 1 && rt.type !== "bit" && rt.type !== "uint"
      ? storedExpr(c, "bool", rt, value.span)
      : storedExpr(c, "uint", rt, value.span);
  c.emit({ kind: "classical", clbits: bits, value: expr });
}

function declareArray(c: Compiler, s: Extract<Stmt, { kind: "decl" }>): void {
  const t = s.type;
  if (!t.elem || !t.dims)
    return c.fail(
      QasmCodes.SYNTAX,
      "an array type needs its dimensions",
      t.span,
    );
  const dims = t.dims.map((d) => evalInt(c, d, "an array dimension"));
  const elemWidth = t.elem.width
    ? evalInt(c, t.elem.width, "a type width")
    : undefined;
  const init = s.init ? evaluate(c, s.init) : undefined;
  if (init && isRuntime(init))
    return c.fail(
      QasmCodes.UNSUPPORTED,
      "not supported yet: arrays of values measured at run time",
      s.init!.span,
    );
  const value = makeArray(
    c,
    t.elem.name,
    elemWidth,
    dims,
    init,
    s.init?.span ?? s.span,
  );
  c.declare(
    s.name,
    { kind: "array", name: s.name, value, readonly: s.modifier === "const" },
    s.nameSpan,
  );
}

/**
 * `name = value;` where `name` was never declared (the specification's msd example assigns and
 * returns `success` in `distill` without declaring it): declared here with the value's type, with
 * a warning. Compound assignments (`+=`) and indexed targets of undeclared names stay errors.
 */
function declareByAssignment(
  c: Compiler,
  name: string,
  value: Expr,
  span: Span,
): void {
  const v = evaluate(c, value);
  if (v.t === "qubits" || v.t === "array")
    return c.fail(
      QasmCodes.UNDEFINED_VARIABLE,
      `'${name}' is not defined`,
      span,
    );
  const rt = isRuntime(v) ? toRuntime(c, v, value.span) : undefined;
  const type = rt ? rt.type : v.t === "bits" || v.t === "cond" ? "bit" : v.t;
  const width = rt?.type === "bool" ? undefined : rt?.width;
  c.warnOnce(
    QasmCodes.LENIENT,
    `'${name}' is not declared: declared here as ${type}${width !== undefined ? `[${width}]` : ""} by its first assignment`,
    span,
  );
  if (!rt) {
    const cv = constOf(c, v, value.span);
    c.declare(
      name,
      { kind: "var", name, type, value: cv, readonly: false },
      span,
    );
    return;
  }
  const sym: VariableSymbol = {
    kind: "var",
    name,
    type,
    width,
    value: castTo(c, type, { t: "int", v: 0 }, span),
    readonly: false,
  };
  storeVariable(c, sym, rt, value.span);
  c.declare(name, sym, span);
  c.exposeVariable(sym);
}

const ARITH: Record<string, string> = {
  "+=": "+",
  "-=": "-",
  "*=": "*",
  "/=": "/",
  "%=": "%",
  "**=": "**",
  "&=": "&",
  "|=": "|",
  "^=": "^",
  "<<=": "<<",
  ">>=": ">>",
};

function assign(c: Compiler, s: Extract<Stmt, { kind: "assign" }>): void {
  if (s.value.kind === "measure" && s.op === "=") {
    measure(c, s.value.target, s.target, s.span);
    return;
  }
  const base = s.target.kind === "index" ? s.target.target : s.target;
  if (base.kind !== "id")
    return c.fail(
      QasmCodes.SYNTAX,
      "cannot assign to this expression",
      s.target.span,
    );
  const sym = c.scope.lookup(base.name);
  if (
    sym === undefined &&
    c.v3 &&
    s.op === "=" &&
    s.target.kind === "id" &&
    !base.name.startsWith("$")
  )
    return declareByAssignment(c, base.name, s.value, base.span);
  if (sym === undefined)
    return c.fail(
      QasmCodes.UNDEFINED_VARIABLE,
      `'${base.name}' is not defined`,
      base.span,
    );
  const rhs: Expr =
    s.op === "="
      ? s.value
      : {
          kind: "binary",
          op: ARITH[s.op],
          left: s.target,
          right: s.value,
          span: s.span,
        };
  if (sym.kind === "array") {
    if (sym.readonly)
      return c.fail(
        QasmCodes.CONST_ASSIGNMENT,
        `cannot assign to '${sym.name}': it is read-only`,
        base.span,
      );
    if (s.target.kind !== "index")
      return c.fail(
        QasmCodes.UNSUPPORTED,
        "not supported yet: assigning a whole array",
        s.target.span,
      );
    if (c.rtDepth > 0)
      return c.fail(
        QasmCodes.UNSUPPORTED,
        "not supported yet: writing array elements in a branch or loop that depends on measurements",
        s.span,
      );
    assignArray(c, sym.value, s.target.index, evaluate(c, rhs), s.span);
    return;
  }
  if (sym.kind === "creg" || sym.kind === "calias") {
    writeBits(c, s.target, rhs, s.span);
    return;
  }
  if (sym.kind !== "var")
    return c.fail(
      QasmCodes.TYPE_ERROR,
      `'${base.name}' cannot be assigned`,
      s.target.span,
    );
  if (sym.readonly)
    return c.fail(
      QasmCodes.CONST_ASSIGNMENT,
      `cannot assign to '${sym.name}': it is read-only`,
      s.target.span,
    );
  if (s.target.kind === "index") {
    writeBits(c, s.target, rhs, s.span);
    return;
  }
  const v = evaluate(c, rhs);
  if (isRuntime(v) || sym.storage || c.rtDepth > 0) {
    storeVariable(c, sym, v, s.value.span);
    return;
  }
  sym.value = fitWidth(
    castTo(c, sym.type, constOf(c, v, s.value.span), s.value.span),
    sym.width,
  );
}

function include(c: Compiler, path: string, span: Span): void {
  // Built in, never read from disk. OpenQASM 3 also accepts qelib1.inc (its gates, leniently);
  // OpenQASM 2 knows only qelib1.inc, as in Qiskit.
  if (path === "qelib1.inc") {
    c.qelib1 = true;
    return;
  }
  if (path === "stdgates.inc" && c.v3) {
    c.stdgates = true;
    return;
  }
  if (c.scope !== c.global)
    c.fail(QasmCodes.SYNTAX, "include is only allowed at the top level", span);
  if (c.includeDepth >= MAX_INCLUDE_DEPTH)
    c.fail(
      QasmCodes.BAD_INCLUDE,
      `includes nest too deeply at "${path}"`,
      span,
    );
  let text: string | undefined;
  try {
    text = c.options.readInclude?.(path, c.sink.file ?? c.options.fileName);
  } catch {
    text = undefined;
  }
  if (text === undefined)
    return c.fail(
      QasmCodes.BAD_INCLUDE,
      `cannot include "${path}": file not found`,
      span,
    );
  const savedFile = c.sink.file;
  const savedSpan = c.opSpan;
  c.sink.file = path;
  c.includeDepth++;
  try {
    runSource(c, new Parser(new Lexer(text, c.sink), c.sink, c.v3));
  } finally {
    c.includeDepth--;
    c.sink.file = savedFile;
    c.opSpan = savedSpan;
  }
}

/** Parses and runs top-level statements one at a time (streaming: huge files never hold an AST). After a syntax error, statements are still parsed (to report more syntax errors) but no longer run. */
export function runSource(c: Compiler, parser: Parser): void {
  try {
    runStatements(c, parser);
  } catch (e) {
    if (!(e instanceof EndProgram)) throw e;
  }
}

function runStatements(c: Compiler, parser: Parser): void {
  for (;;) {
    const before = c.sink.errorCount;
    const s = parser.nextTopLevel();
    if (s === "eof") return;
    if (c.sink.errorCount !== before) c.syntaxFailed = true;
    if (s === undefined || c.syntaxFailed) continue;
    execSafe(c, s);
  }
}
