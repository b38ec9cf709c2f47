import type { Span } from "../ir/types.ts";
import { QasmCodes } from "./codes.ts";
import type { DiagnosticSink } from "./diagnostics.ts";

/** Token categories. Keywords are identifiers; the parser matches their text. */
export type TokenKind = "ident" | "int" | "real" | "string" | "punct" | "eof";

/** One token; it is its own 1-based source span (one allocation per token). */
export interface Token extends Span {
  readonly kind: TokenKind;
  readonly text: string;
}

// Operators by leading character, longest first (interned strings: no slicing per token).
const PUNCT_BY_CHAR: Record<string, readonly string[]> = {
  "-": ["->", "-=", "-"],
  "=": ["==", "="],
  "!": ["!=", "!"],
  "<": ["<<=", "<=", "<<", "<"],
  ">": [">>=", ">=", ">>", ">"],
  "&": ["&&", "&=", "&"],
  "|": ["||", "|=", "|"],
  "*": ["**=", "**", "*=", "*"],
  "+": ["++", "+=", "+"],
  "/": ["/=", "/"],
  "%": ["%=", "%"],
  "^": ["^=", "^"],
};
const PUNCT_TABLE: (readonly string[] | undefined)[] = [];
for (const ch of ";,()[]{}:~@.") PUNCT_TABLE[ch.charCodeAt(0)] = [ch];
for (const [ch, list] of Object.entries(PUNCT_BY_CHAR))
  PUNCT_TABLE[ch.charCodeAt(0)] = list;

function matchPunct(src: string, i: number, c: number): string | undefined {
  const list = PUNCT_TABLE[c];
  if (!list) return undefined;
  for (const p of list) {
    if (p.length === 1 || src.startsWith(p, i)) return p;
  }
  return undefined;
}

function isIdentStart(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    c === 95 ||
    c === 36 ||
    c > 127
  );
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || isDigit(c);
}

/**
 * A streaming lexer over char codes: one linear pass, tokens produced on demand (so a huge file
 * never holds all its tokens at once). Comments and whitespace are skipped; lexical errors are
 * reported to `sink` and the offending characters skipped.
 */
/** `#pragma braket noise ...`: the one pragma the compiler reads. */
const BRAKET_NOISE = /^#pragma[ \t]+braket[ \t]+noise\b/;

export class Lexer {
  private i = 0;
  private line = 1;
  private lineStart = 0;

  constructor(
    private readonly src: string,
    private readonly sink: DiagnosticSink,
  ) {}

  /** The next token; at the end, an "eof" token (repeatedly). */
  next(): Token {
    const src = this.src;
    const n = src.length;
    const sink = this.sink;
    let i = this.i;
    for (;;) {
      if (i >= n) {
        this.i = i;
        const col = i - this.lineStart + 1;
        return {
          kind: "eof",
          text: "",
          line: this.line,
          col,
          endLine: this.line,
          endCol: col,
        };
      }
      const c = src.charCodeAt(i);
      if (c === 10) {
        i++;
        this.line++;
        this.lineStart = i;
        continue;
      }
      if (
        c === 32 ||
        c === 9 ||
        c === 13 ||
        c === 12 ||
        c === 11 ||
        c === 0xfeff
      ) {
        i++;
        continue;
      }
      const start = i;
      const sl = this.line;
      const sc = i - this.lineStart + 1;
      // `#pragma ...` (OpenQASM 3) is implementation-defined: ignored to the end of the line.
      if (c === 35 && src.startsWith("#pragma", i)) {
        // Braket noise pragmas are parsed (parse-pragma.ts): `#pragma` reads as the `pragma` keyword.
        if (BRAKET_NOISE.test(src.slice(i, i + 64))) {
          return this.tok("ident", "pragma", sl, sc, i + 7);
        }
        while (i < n && src.charCodeAt(i) !== 10) i++;
        continue;
      }
      if (c === 47 && src.charCodeAt(i + 1) === 47) {
        while (i < n && src.charCodeAt(i) !== 10) i++;
        continue;
      }
      if (c === 47 && src.charCodeAt(i + 1) === 42) {
        i += 2;
        let closed = false;
        while (i < n) {
          const d = src.charCodeAt(i);
          if (d === 42 && src.charCodeAt(i + 1) === 47) {
            i += 2;
            closed = true;
            break;
          }
          i++;
          if (d === 10) {
            this.line++;
            this.lineStart = i;
          }
        }
        if (!closed) {
          const sp = { line: sl, col: sc, endLine: sl, endCol: sc + 2 };
          sink.error(
            QasmCodes.UNTERMINATED_COMMENT,
            "unterminated block comment: missing */",
            sp,
          );
        }
        continue;
      }
      if (isIdentStart(c)) {
        i++;
        while (i < n && isIdentPart(src.charCodeAt(i))) i++;
        return this.tok("ident", src.slice(start, i), sl, sc, i);
      }
      if (isDigit(c) || (c === 46 && isDigit(src.charCodeAt(i + 1)))) {
        this.i = i;
        return this.lexNumber();
      }
      if (c === 34 || c === 39) {
        i++;
        while (i < n && src.charCodeAt(i) !== c && src.charCodeAt(i) !== 10)
          i++;
        if (i >= n || src.charCodeAt(i) !== c) {
          const t = this.tok("string", src.slice(start + 1, i), sl, sc, i);
          sink.error(
            QasmCodes.UNTERMINATED_STRING,
            "unterminated string literal",
            t,
          );
          return t;
        }
        i++;
        return this.tok("string", src.slice(start + 1, i - 1), sl, sc, i);
      }
      // `#dim = n` in array parameter types.
      if (c === 35 && src.startsWith("#dim", i))
        return this.tok("punct", "#", sl, sc, i + 1);
      const punct = c < 128 ? matchPunct(src, i, c) : undefined;
      if (punct !== undefined)
        return this.tok("punct", punct, sl, sc, i + punct.length);
      const cp = src.codePointAt(i) ?? c;
      i += cp > 0xffff ? 2 : 1;
      const shown = String.fromCodePoint(cp);
      const sp = {
        line: sl,
        col: sc,
        endLine: sl,
        endCol: i - this.lineStart + 1,
      };
      sink.error(
        QasmCodes.UNEXPECTED_CHAR,
        `unexpected character '${shown}'`,
        sp,
      );
    }
  }

  private tok(
    kind: TokenKind,
    text: string,
    line: number,
    col: number,
    end: number,
  ): Token {
    this.i = end;
    return {
      kind,
      text,
      line,
      col,
      endLine: this.line,
      endCol: end - this.lineStart + 1,
    };
  }

  private lexNumber(): Token {
    const src = this.src;
    const n = src.length;
    let i = this.i;
    const start = i;
    const sl = this.line;
    const sc = i - this.lineStart + 1;
    let real = false;
    const c1 = src.charCodeAt(i + 1) | 32;
    if (src.charCodeAt(i) === 48 && (c1 === 120 || c1 === 98 || c1 === 111)) {
      i += 2;
      while (i < n && isIdentPart(src.charCodeAt(i))) i++;
      return this.tok("int", src.slice(start, i), sl, sc, i);
    }
    while (i < n && (isDigit(src.charCodeAt(i)) || src.charCodeAt(i) === 95))
      i++;
    if (src.charCodeAt(i) === 46) {
      real = true;
      i++;
      while (i < n && (isDigit(src.charCodeAt(i)) || src.charCodeAt(i) === 95))
        i++;
    }
    if ((src.charCodeAt(i) | 32) === 101) {
      const s = src.charCodeAt(i + 1);
      const j = s === 43 || s === 45 ? i + 2 : i + 1;
      if (isDigit(src.charCodeAt(j))) {
        real = true;
        i = j;
        while (i < n && isDigit(src.charCodeAt(i))) i++;
      }
    }
    return this.tok(real ? "real" : "int", src.slice(start, i), sl, sc, i);
  }
}

/** All tokens of `src` (ending with "eof"); for tests and small inputs. */
export function lex(src: string, sink: DiagnosticSink): Token[] {
  const lexer = new Lexer(src, sink);
  const out: Token[] = [];
  for (;;) {
    const t = lexer.next();
    out.push(t);
    if (t.kind === "eof") return out;
  }
}
