/**
 * Pragmas. `#pragma braket noise NAME(ARGS) QUBITS` (Amazon Braket's OpenQASM 3 noise syntax) is
 * parsed into a `noise` statement; every other pragma is implementation-defined and ignored to the
 * end of its line. Arguments are expressions or nested `[...]` lists (Kraus matrices, complex
 * entries as `[re, im]` pairs); the pragma ends at the end of its line (no `;`).
 */
import type { NoiseArg, Stmt } from "./ast.ts";
import { joinSpans } from "./diagnostics.ts";
import type { Token } from "./lex.ts";
import { ExtParser } from "./parse-ext.ts";
import { ParseAbort } from "./parse-expr.ts";

/** The statement parser with pragma support (the dispatcher in parse.ts extends it). */
export abstract class PragmaParser extends ExtParser {
  /** Skips the rest of line `line`. */
  private skipLine(line: number): void {
    while (this.tok.kind !== "eof" && this.tok.line === line) this.next();
  }

  /** Parses a pragma whose `pragma` token is current; a non-noise pragma becomes an empty block. */
  protected parsePragma(): Stmt {
    const t = this.next();
    const line = t.line;
    const onLine = (x: Token) => x.kind !== "eof" && x.line === line;
    if (
      !(this.is("braket") && onLine(this.tok)) ||
      this.peek1().text !== "noise" ||
      !onLine(this.peek1())
    ) {
      this.skipLine(line);
      return { kind: "block", body: [], span: t };
    }
    this.next();
    this.next();
    try {
      if (this.tok.kind !== "ident" || !onLine(this.tok))
        this.unexpected("a noise channel name");
      const nameTok = this.next();
      const params: NoiseArg[] = [];
      if (this.is("(") && onLine(this.tok)) {
        const open = this.next();
        if (!this.is(")"))
          do params.push(this.parseNoiseArg());
          while (this.accept(","));
        this.expectClose(open);
      }
      const args = [];
      if (!onLine(this.tok)) this.unexpected("the qubits the noise acts on");
      while (onLine(this.tok)) {
        args.push(this.parseExpr());
        if (!onLine(this.tok)) break;
        if (!this.accept(",")) this.unexpected("',' or the end of the line");
      }
      return {
        kind: "noise",
        name: nameTok.text,
        nameSpan: nameTok,
        params,
        args,
        span: joinSpans(t, this.prev),
      };
    } catch (e) {
      if (!(e instanceof ParseAbort)) throw e;
      this.skipLine(line);
      return { kind: "block", body: [], span: t };
    }
  }

  /** An expression or a `[...]` list of arguments. */
  private parseNoiseArg(): NoiseArg {
    if (!this.is("[")) return { kind: "expr", expr: this.parseExpr() };
    const open = this.next();
    const items: NoiseArg[] = [];
    if (!this.is("]"))
      do items.push(this.parseNoiseArg());
      while (this.accept(","));
    const close = this.expectClose(open);
    return { kind: "list", items, span: joinSpans(open, close) };
  }
}
