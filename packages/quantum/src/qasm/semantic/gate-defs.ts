import type { Expr, Stmt } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import type { Compiler } from "./compiler.ts";
import { isBuiltinFunction } from "./builtins.ts";

type GateDef = Extract<Stmt, { kind: "gateDef" | "opaque" }>;

const CONSTANT_NAMES = new Set(["pi", "π", "tau", "τ", "euler", "ℇ"]);

/**
 * Declares a `gate` or `opaque` after checking its body: every call names a gate defined before,
 * with the right counts, on the gate's own distinct qubit arguments, with parameters that only
 * use the gate's parameters. A definition with errors is still declared (marked broken) so that
 * its calls do not repeat them.
 */
export function defineGate(c: Compiler, s: GateDef): void {
  if (c.scope !== c.global)
    c.fail(
      QasmCodes.SYNTAX,
      "gates can only be defined at the top level",
      s.span,
    );
  const before = c.sink.errorCount + c.pendingGates.length;
  const dup = firstDuplicate([...s.params, ...s.qubits]);
  if (dup !== undefined)
    c.fail(
      QasmCodes.REDEFINITION,
      `'${dup}' is declared twice in gate '${s.name}'`,
      s.nameSpan,
    );
  if (s.kind === "gateDef") for (const b of s.body) checkBodyStatement(c, s, b);
  c.declare(
    s.name,
    {
      kind: s.kind === "gateDef" ? "gate" : "opaque",
      name: s.name,
      params: s.params,
      qubits: s.qubits,
      body: s.body,
      file: c.sink.file,
    },
    s.nameSpan,
  );
  if (c.sink.errorCount + c.pendingGates.length > before)
    c.brokenGates.add(s.name);
}

function firstDuplicate(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) return n;
    seen.add(n);
  }
  return undefined;
}

function checkBodyStatement(c: Compiler, g: GateDef, b: Stmt): void {
  if (b.kind === "barrier") {
    for (const a of b.args) checkQubitArg(c, g, a);
    return;
  }
  if (b.kind !== "gateCall") {
    c.sink.error(
      QasmCodes.UNSUPPORTED,
      `not supported yet: '${b.kind}' statements inside a gate body`,
      b.span,
    );
    return;
  }
  const sym = c.global.lookup(b.name);
  let numParams: number;
  let numQubits: number;
  if (sym?.kind === "gate" || sym?.kind === "opaque") {
    numParams = sym.params.length;
    numQubits = sym.qubits.length;
  } else {
    const sig = c.standardGate(b.name);
    if (!sig) {
      c.pendingGates.push({
        name: b.name,
        span: b.nameSpan,
        file: c.sink.file,
      });
      return;
    }
    numParams = sig.numParams;
    numQubits = sig.numQubits;
  }
  if (b.params.length !== numParams) {
    c.sink.error(
      QasmCodes.PARAM_COUNT,
      `gate '${b.name}' takes ${numParams} parameter(s), got ${b.params.length}`,
      b.span,
    );
  }
  let controls = 0;
  for (const m of b.modifiers)
    if (m.kind === "ctrl" || m.kind === "negctrl")
      controls += m.arg?.kind === "num" ? m.arg.value : 1;
  if (b.args.length !== numQubits + controls) {
    c.sink.error(
      QasmCodes.ARG_COUNT,
      `gate '${b.name}' takes ${numQubits + controls} qubit(s), got ${b.args.length}`,
      b.span,
    );
  }
  for (const p of b.params) checkParamExpr(c, g, p);
  for (const m of b.modifiers) if (m.arg) checkParamExpr(c, g, m.arg);
  const names: string[] = [];
  for (const a of b.args) {
    if (checkQubitArg(c, g, a) && a.kind === "id") {
      if (names.includes(a.name))
        c.sink.error(
          QasmCodes.DUPLICATE_QUBIT,
          `qubit '${a.name}' is used twice in one gate call`,
          a.span,
        );
      names.push(a.name);
    }
  }
}

function checkQubitArg(c: Compiler, g: GateDef, a: Expr): boolean {
  if (a.kind === "id" && g.qubits.includes(a.name)) return true;
  if (a.kind === "id") {
    c.sink.error(
      QasmCodes.UNDEFINED_REGISTER,
      `'${a.name}' is not a qubit argument of gate '${g.name}'`,
      a.span,
    );
  } else {
    c.sink.error(
      QasmCodes.SYNTAX,
      `gate bodies use their qubit arguments by name only (no indexing)`,
      a.span,
    );
  }
  return false;
}

function checkParamExpr(c: Compiler, g: GateDef, e: Expr): void {
  switch (e.kind) {
    case "id": {
      if (g.params.includes(e.name) || CONSTANT_NAMES.has(e.name)) return;
      const sym = c.global.lookup(e.name);
      if (c.v3 && sym?.kind === "var" && sym.readonly) return;
      c.sink.error(
        QasmCodes.UNDEFINED_VARIABLE,
        `'${e.name}' is not a parameter of gate '${g.name}'`,
        e.span,
      );
      return;
    }
    case "unary":
      return checkParamExpr(c, g, e.operand);
    case "binary":
      checkParamExpr(c, g, e.left);
      return checkParamExpr(c, g, e.right);
    case "call":
      if (!isBuiltinFunction(e.name, c.v3)) {
        c.sink.error(
          QasmCodes.UNDEFINED_FUNCTION,
          `unknown function '${e.name}'`,
          e.span,
        );
      }
      for (const a of e.args) checkParamExpr(c, g, a);
      return;
    case "cast":
      return checkParamExpr(c, g, e.arg);
    default:
      return;
  }
}
