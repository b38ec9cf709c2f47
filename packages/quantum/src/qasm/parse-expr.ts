import type { Span } from "../ir/types.ts";
import type { Expr, Stmt, TypeSpec } from "./ast.ts";
import { QasmCodes, type QasmCode } from "./codes.ts";
import { joinSpans, type DiagnosticSink } from "./diagnostics.ts";
import type { Lexer, Token } from "./lex.ts";

/** Thrown inside the parser to abandon a statement after its error was reported; never escapes. */
export class ParseAbort {
  readonly reason = "parse-abort";
}

/** Names that start a classical type (and a cast when followed by `(`). */
export const CLASSICAL_TYPES = new Set([
  "int",
  "uint",
  "float",
  "angle",
  "bool",
  "bit",
  "complex",
  "duration",
  "stretch",
]);

/** Time units of duration literals (`100ns`, `1.5us`, `20dt`). */
export const TIME_UNITS = new Set(["dt", "ns", "us", "µs", "ms", "s"]);

/** Deepest nesting of expressions and blocks the parser accepts. */
const MAX_NESTING = 500;

/** Longest chain of binary operators in one expression (evaluation recurses along it). */
const MAX_CHAIN = 2000;

const CLOSERS: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

// Binary precedence levels for OpenQASM 3 (higher binds tighter).
const BINARY_V3: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  "<=": 7,
  ">": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10,
};
// OpenQASM 2: `^` is exponentiation (handled as power), only arithmetic and `==`.
const BINARY_V2: Record<string, number> = {
  "==": 6,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
};

/** Token cursor and expression grammar shared by the statement parser. */
export class ExprParser {
  /** Number of tokens consumed so far (progress check for recovery). */
  protected consumed = 0;
  /** Current recursion depth of nested expressions and blocks. */
  protected nesting = 0;
  /** Brace depth of the consumed tokens (for recovery at `}`). */
  protected braceDepth = 0;
  /** Language version being parsed; decides the meaning of `^`. */
  protected v3 = false;
  private cur: Token;
  private ahead: Token | undefined;
  private last: Token;

  constructor(
    private readonly lexer: Lexer,
    protected readonly sink: DiagnosticSink,
    v3 = false,
  ) {
    this.v3 = v3;
    this.cur = lexer.next();
    this.last = this.cur;
  }

  protected get tok(): Token {
    return this.cur;
  }
  /** The token after the current one. */
  protected peek1(): Token {
    if (this.ahead === undefined) this.ahead = this.lexer.next();
    return this.ahead;
  }
  protected get prev(): Token {
    return this.last;
  }
  protected next(): Token {
    const t = this.cur;
    if (t.kind === "eof") return t;
    if (t.kind === "punct") {
      if (t.text === "{") this.braceDepth++;
      else if (t.text === "}") this.braceDepth--;
    }
    this.consumed++;
    this.last = t;
    if (this.ahead !== undefined) {
      this.cur = this.ahead;
      this.ahead = undefined;
    } else this.cur = this.lexer.next();
    return t;
  }
  protected is(text: string): boolean {
    const t = this.tok;
    return (t.kind === "punct" || t.kind === "ident") && t.text === text;
  }
  protected accept(text: string): Token | undefined {
    return this.is(text) ? this.next() : undefined;
  }
  /** Reports an error at `span` and abandons the current statement. */
  protected fail(code: QasmCode, message: string, span: Span): never {
    this.sink.error(code, message, span);
    throw new ParseAbort();
  }
  protected describe(t: Token): string {
    if (t.kind === "eof") return "end of file";
    if (t.kind === "string") return `string "${t.text}"`;
    return `'${t.text}'`;
  }
  protected unexpected(what: string): never {
    return this.fail(
      QasmCodes.SYNTAX,
      `expected ${what}, found ${this.describe(this.tok)}`,
      this.tok,
    );
  }
  protected expect(text: string, what = `'${text}'`): Token {
    return this.accept(text) ?? this.unexpected(what);
  }
  /** Expects the closer of `open`; a missing one is reported at the opener as unbalanced. */
  protected expectClose(open: Token): Token {
    const close = CLOSERS[open.text];
    const t = this.accept(close);
    if (t) return t;
    if (this.tok.kind === "eof" || this.is(";") || this.is("}")) {
      this.fail(
        QasmCodes.UNBALANCED,
        `'${open.text}' is never closed (expected '${close}')`,
        open,
      );
    }
    const where = `${open.line}:${open.col}`;
    return this.fail(
      QasmCodes.UNBALANCED,
      `expected '${close}' to close the '${open.text}' at ${where}, found ${this.describe(this.tok)}`,
      this.tok,
    );
  }
  protected expectIdent(what = "a name"): Token {
    if (this.tok.kind === "ident") return this.next();
    return this.unexpected(what);
  }

  /** expression := binary expression with the version's precedence. */
  parseExpr(minPrec = 1): Expr {
    let left = this.parseUnary();
    const table = this.v3 ? BINARY_V3 : BINARY_V2;
    for (let chain = 0; ; chain++) {
      const t = this.tok;
      if (t.kind !== "punct") break;
      const prec = table[t.text];
      if (prec === undefined || prec < minPrec) break;
      if (chain >= MAX_CHAIN)
        this.tooDeep(`more than ${MAX_CHAIN} operators in one expression`);
      this.next();
      const right = this.parseExpr(prec + 1);
      left = {
        kind: "binary",
        op: t.text,
        left,
        right,
        span: joinSpans(left.span, right.span),
      };
    }
    return left;
  }

  protected parseUnary(): Expr {
    if (++this.nesting > MAX_NESTING) this.tooDeep();
    try {
      return this.parseUnaryInner();
    } finally {
      this.nesting--;
    }
  }

  /** Reports nesting beyond MAX_NESTING (guards the recursion stack). */
  protected tooDeep(
    message = `nesting deeper than ${MAX_NESTING} levels`,
  ): never {
    this.nesting = 0;
    return this.fail(QasmCodes.SYNTAX, message, this.tok);
  }

  private parseUnaryInner(): Expr {
    const t = this.tok;
    if (
      t.kind === "punct" &&
      (t.text === "-" || t.text === "+" || t.text === "!" || t.text === "~")
    ) {
      this.next();
      const operand = this.parseUnary();
      if (t.text === "+") return operand;
      return {
        kind: "unary",
        op: t.text,
        operand,
        span: joinSpans(t, operand.span),
      };
    }
    return this.parsePower();
  }

  protected parsePower(): Expr {
    const base = this.parsePostfix();
    if (this.is("**") || (!this.v3 && this.is("^"))) {
      this.next();
      const exp = this.parseUnary();
      return {
        kind: "binary",
        op: "**",
        left: base,
        right: exp,
        span: joinSpans(base.span, exp.span),
      };
    }
    return base;
  }

  protected parsePostfix(): Expr {
    let e = this.parsePrimary();
    while (this.is("[")) {
      const open = this.next();
      const index: Expr[] = [];
      if (this.is("{")) index.push(this.parseSet());
      else {
        index.push(this.parseRangeOrExpr());
        while (this.accept(",")) index.push(this.parseRangeOrExpr());
      }
      const close = this.expectClose(open);
      e = { kind: "index", target: e, index, span: joinSpans(e.span, close) };
    }
    return e;
  }

  protected parsePrimary(): Expr {
    const t = this.tok;
    if (t.kind === "int" || t.kind === "real") {
      this.next();
      const u = this.tok;
      if (
        u.kind === "ident" &&
        TIME_UNITS.has(u.text) &&
        u.line === t.endLine &&
        u.col === t.endCol
      ) {
        this.next();
        return {
          kind: "duration",
          value: parseNumber(t.text),
          unit: u.text,
          span: joinSpans(t, u),
        };
      }
      return {
        kind: "num",
        value: parseNumber(t.text),
        isInt: t.kind === "int",
        span: t,
      };
    }
    if (t.kind === "string") {
      this.next();
      return { kind: "string", value: t.text, span: t };
    }
    if (t.kind === "punct" && t.text === "(") {
      const open = this.next();
      const e = this.parseExpr();
      this.expectClose(open);
      return e;
    }
    if (t.kind === "punct" && t.text === "[") return this.parseBracketRange();
    if (t.kind === "punct" && t.text === "{") return this.parseSet();
    if (t.kind !== "ident") return this.unexpected("an expression");
    if (t.text === "true" || t.text === "false") {
      this.next();
      return { kind: "bool", value: t.text === "true", span: t };
    }
    if (t.text === "durationof" && this.peek1().text === "(") {
      this.next();
      const open = this.next();
      const body = this.parseDurationBlock();
      const close = this.expectClose(open);
      return { kind: "durationof", body, span: joinSpans(t, close) };
    }
    if (t.text === "measure") {
      this.next();
      const target = this.parsePostfix();
      return { kind: "measure", target, span: joinSpans(t, target.span) };
    }
    if (
      CLASSICAL_TYPES.has(t.text) &&
      (this.peek1().text === "(" || this.peek1().text === "[")
    ) {
      const type = this.parseType();
      const open = this.expect("(");
      const arg = this.parseExpr();
      const close = this.expectClose(open);
      return { kind: "cast", type, arg, span: joinSpans(t, close) };
    }
    this.next();
    if (this.is("(")) {
      const open = this.next();
      const args = this.is(")") ? [] : this.parseExprList();
      const close = this.expectClose(open);
      return { kind: "call", name: t.text, args, span: joinSpans(t, close) };
    }
    return { kind: "id", name: t.text, span: t };
  }

  protected parseExprList(): Expr[] {
    const list = [this.parseExpr()];
    while (this.accept(",")) list.push(this.parseExpr());
    return list;
  }

  /** `a`, `a:b`, `a:s:b`, `:`, `a:`, `:b` inside an index. */
  protected parseRangeOrExpr(): Expr {
    const startTok = this.tok;
    const parts: (Expr | undefined)[] = [];
    let colons = 0;
    parts.push(this.is(":") || this.is("]") ? undefined : this.parseExpr());
    while (this.accept(":")) {
      colons++;
      parts.push(
        this.is(":") || this.is("]") || this.is(",")
          ? undefined
          : this.parseExpr(),
      );
    }
    if (colons === 0) return parts[0] ?? this.unexpected("an index");
    if (colons > 2)
      this.fail(QasmCodes.SYNTAX, "a range has at most two ':'", startTok);
    const span = joinSpans(startTok, this.prev);
    if (colons === 1)
      return { kind: "range", start: parts[0], end: parts[1], span };
    return {
      kind: "range",
      start: parts[0],
      step: parts[1],
      end: parts[2],
      span,
    };
  }

  /** `[a:b]` or `[a:s:b]` as a loop range. */
  protected parseBracketRange(): Expr {
    const open = this.next();
    const r = this.parseRangeOrExpr();
    const close = this.expectClose(open);
    if (r.kind !== "range")
      return { kind: "set", items: [r], span: joinSpans(open, close) };
    return { ...r, span: joinSpans(open, close) };
  }

  /** `{a, b, c}` as a loop set or index set. */
  protected parseSet(): Expr {
    const open = this.expect("{");
    const items = this.is("}") ? [] : this.parseExprList();
    const close = this.expectClose(open);
    return { kind: "set", items, span: joinSpans(open, close) };
  }

  /** The `{ ... }` of `durationof`; statements are parsed by the statement parser. */
  protected parseDurationBlock(): readonly Stmt[] {
    return this.unexpected("a block");
  }

  /** A type name with optional `[width]`, or `array[type, dims...]`. */
  protected parseType(): TypeSpec {
    const t = this.expectIdent("a type");
    if (t.text === "array" && this.is("[")) {
      const open = this.next();
      const elem = this.parseType();
      const dims: Expr[] = [];
      let dimCount: Expr | undefined;
      while (this.accept(",")) {
        if (this.accept("#")) {
          const d = this.expectIdent("'dim'");
          if (d.text !== "dim")
            this.fail(QasmCodes.SYNTAX, "expected #dim = n", d);
          this.expect("=");
          dimCount = this.parseExpr();
        } else dims.push(this.parseExpr());
      }
      const close = this.expectClose(open);
      if (dims.length === 0 && dimCount === undefined)
        this.fail(QasmCodes.SYNTAX, "an array type needs its dimensions", open);
      return { name: "array", elem, dims, dimCount, span: joinSpans(t, close) };
    }
    if (this.is("[")) {
      const open = this.next();
      const width = this.parseExpr();
      const close = this.expectClose(open);
      return { name: t.text, width, span: joinSpans(t, close) };
    }
    return { name: t.text, span: t };
  }
}

/** Parses an integer (decimal, 0x, 0b, 0o, with `_` separators) or real literal. */
export function parseNumber(text: string): number {
  const clean = text.includes("_") ? text.replace(/_/g, "") : text;
  const p = clean.slice(0, 2).toLowerCase();
  if (p === "0x") return parseInt(clean.slice(2), 16);
  if (p === "0b") return parseInt(clean.slice(2), 2);
  if (p === "0o") return parseInt(clean.slice(2), 8);
  return Number(clean);
}
