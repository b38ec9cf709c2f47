/** OpenQASM 2/3 syntax highlighting for CodeMirror 6: a small StreamLanguage tokenizer. */
import {
  HighlightStyle,
  StreamLanguage,
  type StreamParser,
  type StringStream,
} from "@codemirror/language";
import { tags as t } from "@lezer/highlight";

/** Statement keywords and modifiers of OpenQASM 2 and 3 (3.1's switch included). */
export const QASM_KEYWORDS: readonly string[] = (
  "OPENQASM include qreg creg qubit bit gate opaque measure reset barrier if else for while in def return " +
  "input output const let ctrl negctrl inv pow box delay break continue end extern defcalgrammar defcal cal " +
  "switch case default readonly mutable durationof nop gphase U CX"
).split(" ");
/** Classical types. */
export const QASM_TYPES: readonly string[] =
  "int uint float angle bool complex duration stretch array".split(" ");
/** Built-in constants. */
export const QASM_CONSTANTS: readonly string[] =
  "pi π tau τ euler ℇ true false".split(" ");
/** Built-in functions of the classical language (the specification's table) and sizeof. */
export const QASM_FUNCTIONS: readonly string[] = (
  "sin cos tan exp ln log sqrt asin acos atan arccos arcsin arctan mod popcount rotl rotr " +
  "floor ceiling abs pow sizeof real imag"
).split(" ");

const KEYWORDS = new Set(QASM_KEYWORDS);
const TYPES = new Set(QASM_TYPES);
const CONSTANTS = new Set(QASM_CONSTANTS);
const FUNCTIONS = new Set(QASM_FUNCTIONS);

interface QasmState {
  inBlockComment: boolean;
}

/** The tokenizer: comments, strings, numbers, keywords, types, constants, built-in functions. */
export const qasmStreamParser: StreamParser<QasmState> = {
  name: "openqasm",
  startState: () => ({ inBlockComment: false }),
  token(stream: StringStream, state: QasmState): string | null {
    if (state.inBlockComment) {
      if (stream.skipTo("*/")) {
        stream.pos += 2;
        state.inBlockComment = false;
      } else stream.skipToEnd();
      return "blockComment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("//")) {
      stream.skipToEnd();
      return "lineComment";
    }
    if (stream.match("/*")) {
      state.inBlockComment = true;
      return "blockComment";
    }
    if (stream.match(/^"[^"]*"?/) || stream.match(/^'[^']*'?/)) return "string";
    if (
      stream.match(
        /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?:ns|us|µs|ms|s|dt|im)?/,
      )
    )
      return "number";
    if (stream.match(/^[A-Za-z_π$τℇ][\w$]*/)) {
      const word = stream.current();
      if (KEYWORDS.has(word)) return "keyword";
      if (TYPES.has(word)) return "typeName";
      if (CONSTANTS.has(word)) return "atom";
      if (FUNCTIONS.has(word)) return "builtin";
      const rest = stream.string.slice(stream.pos);
      return /^\s*(?:\[|;|,|->|\)|=)/.test(rest) ? "variableName" : "gateName";
    }
    if (
      stream.match(
        /^(?:->|\+\+|<<=|>>=|<<|>>|==|!=|<=|>=|&&|\|\||\*\*=?|[-+*/^%&|]=|[-+*/^%=<>!~&|@#])/,
      )
    )
      return "operator";
    if (stream.match(/^[[\](){},;:.]/)) return "punctuation";
    stream.next();
    return "invalid";
  },
  tokenTable: {
    gateName: t.function(t.variableName),
    builtin: t.standard(t.variableName),
  },
  languageData: {
    commentTokens: { line: "//", block: { open: "/*", close: "*/" } },
  },
};

/** The OpenQASM language for CodeMirror. */
export const qasmLanguage = StreamLanguage.define<QasmState>(qasmStreamParser);

/** Colours of the QASM tokens, from CSS variables so light and dark themes both work. */
export const qasmHighlight = HighlightStyle.define([
  { tag: t.keyword, color: "var(--syn-keyword)", fontWeight: "600" },
  { tag: t.typeName, color: "var(--syn-type)" },
  { tag: t.atom, color: "var(--syn-constant)" },
  { tag: t.number, color: "var(--syn-number)" },
  { tag: t.string, color: "var(--syn-string)" },
  {
    tag: [t.lineComment, t.blockComment],
    color: "var(--syn-comment)",
    fontStyle: "italic",
  },
  { tag: t.function(t.variableName), color: "var(--syn-gate)" },
  { tag: t.standard(t.variableName), color: "var(--syn-constant)" },
  { tag: t.variableName, color: "var(--syn-register)" },
  { tag: t.operator, color: "var(--syn-operator)" },
  { tag: t.invalid, color: "var(--danger)" },
]);
