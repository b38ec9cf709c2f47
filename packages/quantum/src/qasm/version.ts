/**
 * The language version of a file without an `OPENQASM` line.
 *
 * The OpenQASM 3 specification makes the version line optional, so such a file is OpenQASM 3,
 * unless it is plainly an OpenQASM 2.0 file: it includes `qelib1.inc` or declares `qreg`/`creg`,
 * and uses no OpenQASM 3 construct (QASMBench ships 2.0 files without the line, e.g. `sat_n11`).
 * One token pass over the file (the lexer streams; nothing is kept), stopping at the first
 * OpenQASM 3 construct.
 */
import { DiagnosticSink } from "./diagnostics.ts";
import { Lexer } from "./lex.ts";

/** Statement-leading words that exist only in OpenQASM 3. */
const V3_STATEMENT_WORDS = new Set([
  "qubit",
  "bit",
  "int",
  "uint",
  "float",
  "angle",
  "bool",
  "complex",
  "duration",
  "stretch",
  "const",
  "def",
  "for",
  "while",
  "else",
  "return",
  "break",
  "continue",
  "end",
  "ctrl",
  "negctrl",
  "inv",
  "pow",
  "gphase",
  "let",
  "input",
  "output",
  "array",
  "extern",
  "box",
  "delay",
  "switch",
  "defcal",
  "cal",
  "defcalgrammar",
  "nop",
]);

/** What a file without a version line is read as, and why (for the warning). */
export interface InferredVersion {
  readonly version: "2.0" | "3.0";
  /** Set when the file is read as 2.0: the evidence, for the warning's text. */
  readonly because?: string;
}

/** Decides the version of a file that has no `OPENQASM` line (see the module comment). */
export function inferVersion(source: string): InferredVersion {
  const lexer = new Lexer(source, new DiagnosticSink());
  const userGates = new Set<string>();
  let qelib1 = false;
  let oldRegister = false;
  let atStart = true;
  let prev = "";
  for (;;) {
    const t = lexer.next();
    if (t.kind === "eof") break;
    if (t.kind === "punct") {
      if (t.text === "@") return { version: "3.0" };
      atStart = t.text === ";" || t.text === "{" || t.text === "}";
      prev = t.text;
      continue;
    }
    if (t.kind === "string" && prev === "include") {
      if (t.text === "qelib1.inc") qelib1 = true;
      else if (t.text === "stdgates.inc") return { version: "3.0" };
    } else if (t.kind === "ident") {
      if (prev === "gate" || prev === "opaque") userGates.add(t.text);
      else if (atStart) {
        if (t.text === "qreg" || t.text === "creg") oldRegister = true;
        else if (V3_STATEMENT_WORDS.has(t.text) && !userGates.has(t.text))
          return { version: "3.0" };
      }
    }
    atStart = false;
    prev = t.text;
  }
  if (qelib1) return { version: "2.0", because: 'it includes "qelib1.inc"' };
  if (oldRegister)
    return { version: "2.0", because: "it declares qreg/creg registers" };
  return { version: "3.0" };
}

/**
 * The version a source is compiled as: its `OPENQASM` line ("2" gives 2.0, anything else 3.0),
 * or, without one, the rule of `inferVersion`. Editors and the server use it to label a text.
 */
export function qasmVersion(source: string): "2.0" | "3.0" {
  const lexer = new Lexer(source, new DiagnosticSink());
  const first = lexer.next();
  if (first.kind === "ident" && first.text === "OPENQASM") {
    const v = lexer.next();
    return v.text === "2" || v.text.startsWith("2.") ? "2.0" : "3.0";
  }
  return inferVersion(source).version;
}
