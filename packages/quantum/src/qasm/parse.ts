import type { Span } from "../ir/types.ts";
import type { Expr, Modifier, Program, Stmt, TypeSpec } from "./ast.ts";
import { QasmCodes } from "./codes.ts";
import { joinSpans, type DiagnosticSink } from "./diagnostics.ts";
import { Lexer } from "./lex.ts";
import { CLASSICAL_TYPES, ParseAbort } from "./parse-expr.ts";
import { PragmaParser } from "./parse-pragma.ts";
import { inferVersion } from "./version.ts";

/** Keywords of OpenQASM 3 features this compiler does not lower; reported as QASM_UNSUPPORTED. */
const UNSUPPORTED_KEYWORDS = new Set(["complex", "nop"]);
/** Statement keywords of OpenQASM 2; any other leading name there is a gate call. */
const QASM2_KEYWORDS = new Set([
  "OPENQASM",
  "include",
  "qreg",
  "creg",
  "gate",
  "opaque",
  "measure",
  "reset",
  "barrier",
  "if",
]);
const MODIFIERS = new Set(["inv", "pow", "ctrl", "negctrl"]);
const COMPOUND_ASSIGN = new Set([
  "=",
  "+=",
  "-=",
  "*=",
  "/=",
  "%=",
  "**=",
  "&=",
  "|=",
  "^=",
  "<<=",
  ">>=",
]);

/** Recursive-descent parser for OpenQASM 2.0 and 3 (one grammar, version-aware where they differ). */
export class Parser extends PragmaParser {
  /** Reads the `OPENQASM` line if present; the version decides the expression grammar. */
  parseHeader(): { version: Program["version"]; stmt?: Stmt } {
    if (!this.is("OPENQASM")) return { version: undefined };
    const stmt = this.parseStatementSafe();
    if (stmt?.kind !== "version") return { version: undefined };
    const version = stmt.version === "3.0" ? "3.0" : "2.0";
    this.v3 = version === "3.0";
    return { version, stmt };
  }

  /** Sets the grammar of a file without an `OPENQASM` line (decided by version.ts). */
  assumeVersion(version: "2.0" | "3.0"): void {
    this.v3 = version === "3.0";
  }

  /** The next top-level statement, undefined after a syntax error (already reported), or "eof". */
  nextTopLevel(): Stmt | undefined | "eof" {
    if (this.tok.kind === "eof") return "eof";
    if (this.is("}")) {
      this.sink.error(QasmCodes.UNBALANCED, "unmatched '}'", this.next());
      return undefined;
    }
    return this.parseStatementSafe();
  }

  protected parseStatement(): Stmt {
    const t = this.tok;
    if (t.kind === "punct" && t.text === "{") {
      const body = this.parseBlock();
      return { kind: "block", body: body.stmts, span: body.span };
    }
    if (t.kind !== "ident") return this.unexpected("a statement");
    const kw = t.text;
    if (!this.v3 && !QASM2_KEYWORDS.has(kw)) return this.parseGateCall();
    if (kw === "pragma") return this.parsePragma();
    if (UNSUPPORTED_KEYWORDS.has(kw) && this.peek1().text !== "(") {
      this.sink.error(QasmCodes.UNSUPPORTED, `not supported yet: ${kw}`, t);
      throw new ParseAbort();
    }
    const ext = this.parseExtStatement(kw);
    if (ext) return ext;
    switch (kw) {
      case "OPENQASM":
        return this.parseVersion();
      case "include": {
        this.next();
        const p = this.tok;
        if (p.kind !== "string") this.unexpected("a file name in quotes");
        this.next();
        return {
          kind: "include",
          path: p.text,
          span: joinSpans(t, this.endStatement()),
        };
      }
      case "qreg":
      case "creg":
        return this.parseOldRegister(kw);
      case "qubit":
        return this.parseDecl(undefined);
      case "gate":
      case "opaque":
        return this.parseGateDef(kw);
      case "measure":
        return this.parseMeasure();
      case "reset": {
        this.next();
        const target = this.parsePostfix();
        return {
          kind: "reset",
          target,
          span: joinSpans(t, this.endStatement()),
        };
      }
      case "barrier": {
        this.next();
        const args = this.is(";") ? [] : this.parseExprList();
        return {
          kind: "barrier",
          args,
          span: joinSpans(t, this.endStatement()),
        };
      }
      case "if":
        return this.parseIf();
      case "for":
        return this.parseFor();
      case "while": {
        this.next();
        const open = this.expect("(");
        const cond = this.parseExpr();
        this.expectClose(open);
        const body = this.parseBody();
        return {
          kind: "while",
          cond,
          body: body.stmts,
          span: joinSpans(t, body.span),
        };
      }
      case "def":
        return this.parseDef();
      case "return": {
        this.next();
        const value = this.is(";") ? undefined : this.parseExpr();
        return {
          kind: "return",
          value,
          span: joinSpans(t, this.endStatement()),
        };
      }
      case "break":
      case "continue":
        this.next();
        return { kind: kw, span: joinSpans(t, this.endStatement()) };
      case "const":
      case "input":
      case "output":
        this.next();
        return this.parseDecl(kw, t);
    }
    if (
      (CLASSICAL_TYPES.has(kw) || kw === "array") &&
      this.peek1().text !== "("
    )
      return this.parseDecl(undefined);
    if (
      MODIFIERS.has(kw) &&
      (this.peek1().text === "@" || this.peek1().text === "(")
    ) {
      const isCall = kw === "pow" || kw === "ctrl" || kw === "negctrl";
      if (this.peek1().text === "@" || isCall) return this.parseGateCall();
    }
    const after = this.peek1();
    if (
      after.kind === "punct" &&
      (after.text === "[" ||
        COMPOUND_ASSIGN.has(after.text) ||
        after.text === "++")
    ) {
      return this.parseAssign();
    }
    return this.parseGateCall();
  }

  private parseMeasure(): Stmt {
    const t = this.next();
    const source = this.parsePostfix();
    let target: Expr | undefined;
    if (this.accept("->")) target = this.parsePostfix();
    return {
      kind: "measure",
      source,
      target,
      span: joinSpans(t, this.endStatement()),
    };
  }

  private parseIf(): Stmt {
    const t = this.next();
    const open = this.expect("(");
    const cond = this.parseExpr();
    this.expectClose(open);
    const then = this.parseBody();
    let elseBody: { stmts: Stmt[]; span: Span } | undefined;
    if (this.v3 && this.accept("else")) elseBody = this.parseBody();
    const end = elseBody?.span ?? then.span;
    return {
      kind: "if",
      cond,
      then: then.stmts,
      else: elseBody?.stmts,
      span: joinSpans(t, end),
      qasm2: !this.v3,
    };
  }

  private parseFor(): Stmt {
    const t = this.next();
    let varType: TypeSpec | undefined;
    if (this.peek1().text !== "in") varType = this.parseType();
    const name = this.expectIdent("a loop variable");
    this.expect("in");
    const iter =
      this.is("[") || this.is("{") ? this.parsePrimary() : this.parseExpr();
    const body = this.parseBody();
    return {
      kind: "for",
      varType,
      varName: name.text,
      iter,
      body: body.stmts,
      span: joinSpans(t, body.span),
    };
  }

  private parseAssign(): Stmt {
    const target = this.parsePostfix();
    const op = this.tok;
    if (op.text === "++") {
      this.next();
      const one: Expr = { kind: "num", value: 1, isInt: true, span: op };
      return {
        kind: "assign",
        target,
        op: "+=",
        value: one,
        span: joinSpans(target.span, this.endStatement()),
      };
    }
    if (op.kind !== "punct" || !COMPOUND_ASSIGN.has(op.text))
      this.unexpected("'=' or a gate argument");
    this.next();
    const value = this.parseExpr();
    return {
      kind: "assign",
      target,
      op: op.text,
      value,
      span: joinSpans(target.span, this.endStatement()),
    };
  }

  private parseGateCall(): Stmt {
    const start = this.tok;
    const modifiers: Modifier[] = [];
    while (
      this.v3 &&
      this.tok.kind === "ident" &&
      MODIFIERS.has(this.tok.text) &&
      (this.peek1().text === "@" || this.peek1().text === "(")
    ) {
      const m = this.next();
      let arg: Expr | undefined;
      if (this.is("(")) {
        const open = this.next();
        arg = this.parseExpr();
        this.expectClose(open);
      }
      const at = this.expect("@", "'@' after a gate modifier");
      modifiers.push({
        kind: m.text as Modifier["kind"],
        arg,
        span: joinSpans(m, at),
      });
    }
    const name = this.expectIdent("a gate name");
    let params: Expr[] = [];
    let hasParens = false;
    if (this.is("(")) {
      hasParens = true;
      const open = this.next();
      params = this.is(")") ? [] : this.parseExprList();
      this.expectClose(open);
    }
    const args =
      this.is(";") || (this.tok.kind !== "ident" && this.tok.kind !== "punct")
        ? []
        : this.parseGateArgs();
    const span = joinSpans(start, this.endStatement());
    return {
      kind: "gateCall",
      modifiers,
      name: name.text,
      params,
      args,
      hasParens,
      span,
      nameSpan: name,
    };
  }

  private parseGateArgs(): Expr[] {
    if (this.tok.kind !== "ident") return [];
    const args = [this.parsePostfix()];
    while (this.accept(",")) {
      if (this.tok.kind !== "ident") this.unexpected("a qubit argument");
      args.push(this.parsePostfix());
    }
    return args;
  }
}

/** Lexes and parses all of `src` into one AST, reporting to `sink` (for tools and tests). */
export function parseQasm(src: string, sink: DiagnosticSink): Program {
  const parser = new Parser(new Lexer(src, sink), sink);
  const header = parser.parseHeader();
  if (header.version === undefined)
    parser.assumeVersion(inferVersion(src).version);
  const stmts: Stmt[] = header.stmt ? [header.stmt] : [];
  for (;;) {
    const s = parser.nextTopLevel();
    if (s === "eof") break;
    if (s) stmts.push(s);
  }
  return { version: header.version, stmts };
}
