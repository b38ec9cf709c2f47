import type { Span } from "../ir/types.ts";
import type { DefParam, Expr, Stmt, TypeSpec } from "./ast.ts";
import { QasmCodes } from "./codes.ts";
import { joinSpans } from "./diagnostics.ts";
import type { Token } from "./lex.ts";
import { ExprParser, ParseAbort } from "./parse-expr.ts";

/** Statement recovery, blocks and declarations; the statement dispatcher lives in parse.ts. */
export abstract class BlockParser extends ExprParser {
  /** Parses one statement (may throw ParseAbort after reporting). */
  protected abstract parseStatement(): Stmt;

  /** Parses one statement; after an error, skips past it and returns undefined. */
  protected parseStatementSafe(): Stmt | undefined {
    const start = this.consumed;
    const depth = this.braceDepth;
    try {
      return this.parseStatement();
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      this.synchronize(start, depth);
      return undefined;
    }
  }

  /** Skips to just after the next `;` or to the next `}` at the statement's own brace depth. */
  protected synchronize(start: number, depth: number): void {
    if (this.consumed === start && !this.is("}")) this.next();
    while (this.tok.kind !== "eof") {
      const t = this.tok;
      if (t.kind === "punct") {
        if (t.text === "}") {
          if (this.braceDepth <= depth) return;
          this.next();
          if (this.braceDepth === depth) return;
          continue;
        }
        if (t.text === ";" && this.braceDepth === depth) {
          this.next();
          return;
        }
      }
      this.next();
    }
  }

  /** Expects `;`. A token on a later line means the `;` was forgotten; on the same line, a syntax error. */
  protected endStatement(): Token {
    const t = this.accept(";");
    if (t) return t;
    const p = this.prev;
    if (this.tok.kind === "eof" || this.tok.line > p.endLine || this.is("}")) {
      const at: Span = {
        line: p.endLine,
        col: p.endCol,
        endLine: p.endLine,
        endCol: p.endCol + 1,
      };
      this.sink.error(
        QasmCodes.MISSING_SEMI,
        `missing ';' after ${this.describe(p)}`,
        at,
      );
      return p;
    }
    return this.unexpected("';'");
  }

  protected parseVersion(): Stmt {
    const t = this.next();
    const v = this.tok;
    if (v.kind !== "int" && v.kind !== "real")
      this.unexpected("a version number");
    this.next();
    const major = v.text.split(".")[0];
    let version = v.text;
    if (major === "3") version = "3.0";
    else if (v.text === "2.0" || v.text === "2") version = "2.0";
    else {
      this.sink.error(
        QasmCodes.BAD_VERSION,
        `unsupported OpenQASM version ${v.text} (expected 2.0 or 3)`,
        v,
      );
    }
    return {
      kind: "version",
      version,
      span: joinSpans(t, this.endStatement()),
    };
  }

  protected parseOldRegister(kw: "qreg" | "creg"): Stmt {
    const t = this.next();
    const name = this.expectIdent("a register name");
    let size: Expr | undefined;
    if (this.is("[")) {
      const open = this.next();
      size = this.parseExpr();
      this.expectClose(open);
    } else if (!this.v3) this.unexpected("'[' and a register size");
    return {
      kind: kw,
      name: name.text,
      size,
      span: joinSpans(t, this.endStatement()),
      nameSpan: name,
    };
  }

  /** `qubit[n] q;`, `int[32] x = e;`, `const float c = e;`, `input angle a;` ... */
  protected parseDecl(
    modifier: "const" | "input" | "output" | undefined,
    first?: Token,
  ): Stmt {
    const start = first ?? this.tok;
    const type: TypeSpec = this.parseType();
    const name = this.expectIdent("a variable name");
    if (type.name === "qubit" && !modifier) {
      const span = joinSpans(start, this.endStatement());
      return {
        kind: "qreg",
        name: name.text,
        size: type.width,
        span,
        nameSpan: name,
      };
    }
    let init: Expr | undefined;
    if (this.accept("=")) init = this.parseExpr();
    const span = joinSpans(start, this.endStatement());
    if (type.name === "bit" && !modifier && !init) {
      return {
        kind: "creg",
        name: name.text,
        size: type.width,
        span,
        nameSpan: name,
      };
    }
    return {
      kind: "decl",
      type,
      name: name.text,
      init,
      modifier,
      span,
      nameSpan: name,
    };
  }

  protected parseGateDef(kw: "gate" | "opaque"): Stmt {
    const t = this.next();
    const name = this.expectIdent("a gate name");
    const params: string[] = [];
    if (this.is("(")) {
      const open = this.next();
      if (!this.is(")")) {
        params.push(this.expectIdent("a parameter name").text);
        while (this.accept(","))
          params.push(this.expectIdent("a parameter name").text);
      }
      this.expectClose(open);
    }
    const qubits: string[] = [];
    if (!this.is("{") && !this.is(";")) {
      qubits.push(this.expectIdent("a qubit argument name").text);
      while (this.accept(","))
        qubits.push(this.expectIdent("a qubit argument name").text);
    }
    if (kw === "opaque") {
      const span = joinSpans(t, this.endStatement());
      return {
        kind: "opaque",
        name: name.text,
        params,
        qubits,
        body: [],
        span,
        nameSpan: name,
      };
    }
    const body = this.parseBlock();
    return {
      kind: "gateDef",
      name: name.text,
      params,
      qubits,
      body: body.stmts,
      span: joinSpans(t, body.span),
      nameSpan: name,
    };
  }

  /** `{ stmt* }` with per-statement recovery. */
  protected parseBlock(): { stmts: Stmt[]; span: Span } {
    if (!this.is("{")) this.unexpected("'{'");
    if (this.nesting > 400) this.tooDeep();
    this.nesting += 1;
    try {
      return this.parseBlockInner();
    } finally {
      this.nesting -= 1;
    }
  }

  private parseBlockInner(): { stmts: Stmt[]; span: Span } {
    const open = this.next();
    const stmts: Stmt[] = [];
    while (!this.is("}")) {
      if (this.tok.kind === "eof") {
        this.fail(
          QasmCodes.UNBALANCED,
          "'{' is never closed (expected '}')",
          open,
        );
      }
      const s = this.parseStatementSafe();
      if (s) stmts.push(s);
    }
    const close = this.next();
    return { stmts, span: joinSpans(open, close) };
  }

  /** A block, or a single statement as the body of `if`/`for`/`while`. */
  protected parseBody(): { stmts: Stmt[]; span: Span } {
    if (this.is("{")) return this.parseBlock();
    if (this.nesting > 400) this.tooDeep();
    this.nesting += 1;
    try {
      const s = this.parseStatement();
      return { stmts: [s], span: s.span };
    } finally {
      this.nesting -= 1;
    }
  }

  /** A subroutine or extern parameter type (array parameters in ext parser). */
  protected abstract parseParamType(): TypeSpec;

  protected parseDef(): Stmt {
    const t = this.next();
    const name = this.expectIdent("a subroutine name");
    const open = this.expect("(");
    const params: DefParam[] = [];
    if (!this.is(")")) {
      do {
        const type = this.parseParamType();
        const p = this.expectIdent("a parameter name");
        params.push({ name: p.text, type, span: joinSpans(type.span, p) });
      } while (this.accept(","));
    }
    this.expectClose(open);
    let returnType: TypeSpec | undefined;
    if (this.accept("->")) returnType = this.parseType();
    const body = this.parseBlock();
    return {
      kind: "def",
      name: name.text,
      params,
      returnType,
      body: body.stmts,
      span: joinSpans(t, body.span),
      nameSpan: name,
    };
  }
}
