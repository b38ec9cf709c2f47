/** Tokenizer of the fallback OpenQASM compiler (see mini-compile.ts): positions are 1-based. */

/** One token with its source range (`endCol` exclusive, same line). */
export interface Token {
  readonly kind: "ident" | "number" | "string" | "symbol" | "eof";
  readonly text: string;
  readonly line: number;
  readonly col: number;
  readonly endCol: number;
}

/** A lexical problem (unterminated comment or string, stray character). */
export interface LexProblem {
  readonly message: string;
  readonly line: number;
  readonly col: number;
}

const TWO_CHAR = new Set(["->", "==", "!=", "<=", ">=", "**", "++"]);
const ONE_CHAR = new Set([..."[](){};,+-*/^=@:<>!."]);

/** Splits `source` into tokens, skipping whitespace and comments; always ends with an "eof" token. */
export function tokenize(source: string): {
  tokens: Token[];
  problems: LexProblem[];
} {
  const tokens: Token[] = [];
  const problems: LexProblem[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = (at: number) => at - lineStart + 1;
  const push = (kind: Token["kind"], start: number, end: number) =>
    tokens.push({
      kind,
      text: source.slice(start, end),
      line,
      col: col(start),
      endCol: col(end),
    });
  while (i < source.length) {
    const c = source[i];
    if (c === "\n") {
      i++;
      line++;
      lineStart = i;
    } else if (c === " " || c === "\t" || c === "\r") {
      i++;
    } else if (c === "/" && source[i + 1] === "/") {
      while (i < source.length && source[i] !== "\n") i++;
    } else if (c === "/" && source[i + 1] === "*") {
      const startLine = line;
      const startCol = col(i);
      i += 2;
      while (
        i < source.length &&
        !(source[i] === "*" && source[i + 1] === "/")
      ) {
        if (source[i] === "\n") {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      if (i >= source.length)
        problems.push({
          message: "unterminated block comment",
          line: startLine,
          col: startCol,
        });
      i += 2;
    } else if (/[A-Za-z_π$]/.test(c)) {
      const start = i;
      while (i < source.length && /[A-Za-z0-9_π$]/.test(source[i])) i++;
      push("ident", start, i);
    } else if (
      /[0-9]/.test(c) ||
      (c === "." && /[0-9]/.test(source[i + 1] ?? ""))
    ) {
      const start = i;
      const m = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(
        source.slice(i, i + 64),
      );
      i += m ? m[0].length : 1;
      push("number", start, i);
    } else if (c === '"' || c === "'") {
      const start = i;
      i++;
      while (i < source.length && source[i] !== c && source[i] !== "\n") i++;
      if (source[i] !== c)
        problems.push({
          message: "unterminated string",
          line,
          col: col(start),
        });
      else i++;
      push("string", start, i);
    } else if (TWO_CHAR.has(source.slice(i, i + 2))) {
      push("symbol", i, i + 2);
      i += 2;
    } else if (ONE_CHAR.has(c)) {
      push("symbol", i, i + 1);
      i++;
    } else {
      problems.push({
        message: `unexpected character '${c}'`,
        line,
        col: col(i),
      });
      i++;
    }
  }
  tokens.push({ kind: "eof", text: "", line, col: col(i), endCol: col(i) + 1 });
  return { tokens, problems };
}
