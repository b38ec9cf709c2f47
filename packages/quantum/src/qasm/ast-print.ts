import type { Span } from "../ir/types.ts";
import type { Expr, NoiseArg, Program, Stmt } from "./ast.ts";

const at = (s: Span): string => `@${s.line}:${s.col}-${s.endLine}:${s.endCol}`;

/** A compact, one-node-per-line rendering of an AST with spans (for snapshots and debugging). */
export function printProgram(p: Program): string {
  const lines = [`program v${p.version ?? "?"}`];
  for (const s of p.stmts) printStmt(s, 1, lines);
  return lines.join("\n");
}

function printStmt(s: Stmt, depth: number, out: string[]): void {
  const pad = "  ".repeat(depth);
  const line = (text: string): void => {
    out.push(`${pad}${text} ${at(s.span)}`);
  };
  const body = (label: string, stmts: readonly Stmt[]): void => {
    out.push(`${pad}  ${label}:`);
    for (const b of stmts) printStmt(b, depth + 2, out);
  };
  switch (s.kind) {
    case "version":
      return line(`version ${s.version}`);
    case "include":
      return line(`include "${s.path}"`);
    case "qreg":
    case "creg":
      return line(`${s.kind} ${s.name}${s.size ? `[${expr(s.size)}]` : ""}`);
    case "gateDef":
    case "opaque":
      line(
        `${s.kind} ${s.name}(${s.params.join(", ")}) ${s.qubits.join(", ")}`,
      );
      if (s.kind === "gateDef") body("body", s.body);
      return;
    case "gateCall": {
      const mods = s.modifiers
        .map((m) => `${m.kind}${m.arg ? `(${expr(m.arg)})` : ""} @ `)
        .join("");
      const params = s.hasParens ? `(${s.params.map(expr).join(", ")})` : "";
      return line(
        `call ${mods}${s.name}${params} ${s.args.map(expr).join(", ")}`,
      );
    }
    case "measure":
      return line(
        `measure ${expr(s.source)}${s.target ? ` -> ${expr(s.target)}` : ""}`,
      );
    case "assign":
      return line(`assign ${expr(s.target)} ${s.op} ${expr(s.value)}`);
    case "reset":
      return line(`reset ${expr(s.target)}`);
    case "noise": {
      const arg = (a: NoiseArg): string =>
        a.kind === "expr" ? expr(a.expr) : `[${a.items.map(arg).join(", ")}]`;
      return line(
        `noise ${s.name}(${s.params.map(arg).join(", ")}) ${s.args.map(expr).join(", ")}`,
      );
    }
    case "barrier":
      return line(`barrier ${s.args.map(expr).join(", ")}`);
    case "if":
      line(`if ${expr(s.cond)}`);
      body("then", s.then);
      if (s.else) body("else", s.else);
      return;
    case "for":
      line(`for ${s.varType?.name ?? ""} ${s.varName} in ${expr(s.iter)}`);
      return body("body", s.body);
    case "while":
      line(`while ${expr(s.cond)}`);
      return body("body", s.body);
    case "block":
      line("block");
      return body("body", s.body);
    case "decl":
      return line(
        `decl ${s.modifier ? `${s.modifier} ` : ""}${s.type.name}${s.type.width ? `[${expr(s.type.width)}]` : ""} ${s.name}${s.init ? ` = ${expr(s.init)}` : ""}`,
      );
    case "def":
      line(
        `def ${s.name}(${s.params.map((p) => `${p.type.name} ${p.name}`).join(", ")})${s.returnType ? ` -> ${s.returnType.name}` : ""}`,
      );
      return body("body", s.body);
    case "return":
      return line(`return${s.value ? ` ${expr(s.value)}` : ""}`);
    case "break":
    case "continue":
      return line(s.kind);
    case "expr":
      return line(`expr ${expr(s.expr)}`);
    case "alias":
      return line(`let ${s.name} = ${expr(s.value)}`);
    case "extern":
      return line(
        `extern ${s.name}(${s.params.map((p) => p.name).join(", ")})${s.returnType ? ` -> ${s.returnType.name}` : ""}`,
      );
    case "delay":
      return line(`delay[${expr(s.duration)}] ${s.args.map(expr).join(", ")}`);
    case "box":
      line(`box${s.duration ? `[${expr(s.duration)}]` : ""}`);
      return body("body", s.body);
    case "calibration":
      return line(s.what);
    case "switch":
      line(`switch ${expr(s.subject)}`);
      for (const c of s.cases)
        body(`case ${c.values.map(expr).join(", ")}`, c.body);
      if (s.default) body("default", s.default);
      return;
    case "end":
      return line("end");
  }
}

/** Renders an expression fully parenthesised. */
export function expr(e: Expr): string {
  switch (e.kind) {
    case "num":
      return String(e.value);
    case "bool":
      return String(e.value);
    case "string":
      return JSON.stringify(e.value);
    case "id":
      return e.name;
    case "unary":
      return `(${e.op}${expr(e.operand)})`;
    case "binary":
      return `(${expr(e.left)} ${e.op} ${expr(e.right)})`;
    case "call":
      return `${e.name}(${e.args.map(expr).join(", ")})`;
    case "cast":
      return `${e.type.name}(${expr(e.arg)})`;
    case "index":
      return `${expr(e.target)}[${e.index.map(expr).join(", ")}]`;
    case "range":
      return [e.start, e.step, e.end]
        .filter((x, i) => x !== undefined || i !== 1)
        .map((x) => (x ? expr(x) : ""))
        .join(":");
    case "set":
      return `{${e.items.map(expr).join(", ")}}`;
    case "measure":
      return `measure ${expr(e.target)}`;
    case "duration":
      return `${e.value}${e.unit}`;
    case "durationof":
      return `durationof({${e.body.length} statement(s)})`;
    case "concat":
      return e.parts.map(expr).join(" ++ ");
  }
}
