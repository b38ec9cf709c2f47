import type { Span } from "../ir/types.ts";
import type { Expr, Stmt, TypeSpec } from "./ast.ts";
import { QasmCodes } from "./codes.ts";
import { joinSpans } from "./diagnostics.ts";
import type { Token } from "./lex.ts";
import { BlockParser } from "./parse-block.ts";

/**
 * OpenQASM 3 statements beyond gates and control flow: `let`, `extern`, timing (`delay`, `box`,
 * `durationof`), calibration blocks (skipped), `switch` and `end`. The dispatcher is in parse.ts.
 */
export abstract class ExtParser extends BlockParser {
  /** Parses the statement starting with keyword `kw`, or returns undefined when `kw` is not one of these. */
  protected parseExtStatement(kw: string): Stmt | undefined {
    const t = this.tok;
    switch (kw) {
      case "let":
        return this.parseLet();
      case "extern":
        return this.parseExtern();
      case "delay": {
        this.next();
        const open = this.expect("[", "'[' and a duration");
        const duration = this.parseExpr();
        this.expectClose(open);
        const args = this.is(";") ? [] : this.parseExprList();
        return {
          kind: "delay",
          duration,
          args,
          span: joinSpans(t, this.endStatement()),
        };
      }
      case "box": {
        this.next();
        let duration: Expr | undefined;
        if (this.is("[")) {
          const open = this.next();
          duration = this.parseExpr();
          this.expectClose(open);
        }
        const body = this.parseBlock();
        return {
          kind: "box",
          duration,
          body: body.stmts,
          span: joinSpans(t, body.span),
        };
      }
      case "defcalgrammar": {
        this.next();
        if (this.tok.kind !== "string")
          this.unexpected("a grammar name in quotes");
        this.next();
        return {
          kind: "calibration",
          what: kw,
          span: joinSpans(t, this.endStatement()),
        };
      }
      case "cal":
      case "defcal":
        return this.skipCalibration(kw);
      case "switch":
        return this.parseSwitch();
      case "end":
        this.next();
        return { kind: "end", span: joinSpans(t, this.endStatement()) };
    }
    return undefined;
  }

  /** `durationof({ ... })`. */
  protected override parseDurationBlock(): readonly Stmt[] {
    return this.parseBlock().stmts;
  }

  private parseLet(): Stmt {
    const t = this.next();
    const name = this.expectIdent("an alias name");
    this.expect("=");
    const first = this.parseExpr();
    const parts: Expr[] = [first];
    while (this.accept("++")) parts.push(this.parseExpr());
    const value: Expr =
      parts.length === 1
        ? first
        : {
            kind: "concat",
            parts,
            span: joinSpans(first.span, parts[parts.length - 1].span),
          };
    return {
      kind: "alias",
      name: name.text,
      value,
      span: joinSpans(t, this.endStatement()),
      nameSpan: name,
    };
  }

  private parseExtern(): Stmt {
    const t = this.next();
    const name = this.expectIdent("an extern name");
    const open = this.expect("(");
    const params: TypeSpec[] = [];
    if (!this.is(")")) {
      do {
        params.push(this.parseParamType());
        // A parameter name is allowed (and ignored).
        if (this.tok.kind === "ident") this.next();
      } while (this.accept(","));
    }
    this.expectClose(open);
    let returnType: TypeSpec | undefined;
    if (this.accept("->")) returnType = this.parseType();
    return {
      kind: "extern",
      name: name.text,
      params,
      returnType,
      span: joinSpans(t, this.endStatement()),
      nameSpan: name,
    };
  }

  /** A parameter type: `readonly`/`mutable` arrays or a plain type. */
  protected parseParamType(): TypeSpec {
    const acc = this.accept("readonly") ?? this.accept("mutable");
    const type = this.parseType();
    if (!acc) return type;
    if (type.name !== "array")
      this.fail(
        QasmCodes.SYNTAX,
        `'${acc.text}' applies only to array parameters`,
        acc,
      );
    return {
      ...type,
      access: acc.text as "readonly" | "mutable",
      span: joinSpans(acc, type.span),
    };
  }

  /** Skips `cal { ... }` or `defcal ... { ... }` (or `defcal ...;`) without parsing the pulse grammar. */
  private skipCalibration(kw: string): Stmt {
    const t = this.next();
    while (!this.is("{") && !this.is(";")) {
      if (this.tok.kind === "eof") this.unexpected(`'{' after ${kw}`);
      this.next();
    }
    if (this.is(";"))
      return { kind: "calibration", what: kw, span: joinSpans(t, this.next()) };
    const open = this.next();
    const depth = this.braceDepth;
    let last: Token = open;
    while (this.braceDepth >= depth) {
      if (this.tok.kind === "eof")
        this.fail(
          QasmCodes.UNBALANCED,
          "'{' is never closed (expected '}')",
          open,
        );
      last = this.next();
    }
    return { kind: "calibration", what: kw, span: joinSpans(t, last) };
  }

  private parseSwitch(): Stmt {
    const t = this.next();
    const open = this.expect("(");
    const subject = this.parseExpr();
    this.expectClose(open);
    const lb = this.expect("{");
    const cases: { values: Expr[]; body: Stmt[]; span: Span }[] = [];
    let dflt: Stmt[] | undefined;
    while (!this.is("}")) {
      const c = this.tok;
      if (this.accept("case")) {
        const values = this.parseExprList();
        const body = this.parseBlock();
        cases.push({ values, body: body.stmts, span: joinSpans(c, body.span) });
      } else if (this.accept("default")) {
        if (dflt) this.fail(QasmCodes.SYNTAX, "a switch has one default", c);
        dflt = this.parseBlock().stmts;
      } else if (this.tok.kind === "eof") {
        this.fail(
          QasmCodes.UNBALANCED,
          "'{' is never closed (expected '}')",
          lb,
        );
      } else this.unexpected("'case', 'default' or '}'");
    }
    const close = this.next();
    return {
      kind: "switch",
      subject,
      cases,
      default: dflt,
      span: joinSpans(t, close),
    };
  }
}
