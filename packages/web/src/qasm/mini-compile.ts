/**
 * A small OpenQASM 2/3 compiler for the subset the composer draws (registers, standard gates,
 * measure, reset, barrier). It is the fallback used only while `compileQasm` of
 * @stepfault/quantum is not available (see quantum-api.ts); it never throws on input.
 */
import type {
  Circuit,
  CompileResult,
  Diagnostic,
  Operation,
  Register,
  Span,
} from "@stepfault/quantum";
import { gateByQasmName } from "./gate-catalog.ts";
import { tokenize, type Token } from "./mini-lex.ts";

const CONSTANTS: Record<string, number> = {
  pi: Math.PI,
  π: Math.PI,
  tau: 2 * Math.PI,
  euler: Math.E,
};
const FUNCTIONS: Record<string, (x: number) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  exp: Math.exp,
  ln: Math.log,
  sqrt: Math.sqrt,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
};
const UNSUPPORTED = new Set([
  "gate",
  "opaque",
  "if",
  "for",
  "while",
  "def",
  "input",
  "output",
  "const",
  "let",
]);

class Stop extends Error {}

/** Compiles `source` with the fallback compiler; errors come back as diagnostics. */
export function miniCompile(source: string): CompileResult {
  const { tokens, problems } = tokenize(source);
  const diagnostics: Diagnostic[] = problems.map((p) => ({
    code: "QASM_LEX",
    severity: "error",
    message: p.message,
    span: { line: p.line, col: p.col, endLine: p.line, endCol: p.col + 1 },
  }));
  const qregs: Register[] = [];
  const cregs: Register[] = [];
  const ops: Operation[] = [];
  let version: "2.0" | "3.0" = "3.0";
  let pos = 0;

  const peek = (k = 0) => tokens[Math.min(pos + k, tokens.length - 1)];
  const next = () => tokens[Math.min(pos++, tokens.length - 1)];
  const spanOf = (a: Token, b: Token = a): Span => ({
    line: a.line,
    col: a.col,
    endLine: b.line,
    endCol: b.endCol,
  });
  const fail = (code: string, message: string, span: Span): never => {
    diagnostics.push({ code, severity: "error", message, span });
    throw new Stop();
  };
  const expect = (text: string) => {
    const t = peek();
    if (t.text === text && t.kind !== "string") return next();
    if (text === ";") {
      const prev = tokens[Math.max(pos - 1, 0)];
      return fail("QASM_MISSING_SEMI", "expected ';' after this statement", {
        line: prev.line,
        col: prev.endCol,
        endLine: prev.line,
        endCol: prev.endCol + 1,
      });
    }
    return fail(
      "QASM_SYNTAX",
      `expected '${text}' but found '${t.text || "end of file"}'`,
      spanOf(t),
    );
  };
  const ident = () =>
    peek().kind === "ident"
      ? next()
      : fail("QASM_SYNTAX", `expected a name`, spanOf(peek()));
  const integer = () => {
    const t = peek();
    if (t.kind !== "number" || !/^\d+$/.test(t.text))
      fail("QASM_SYNTAX", "expected a non-negative integer", spanOf(t));
    return Number(next().text);
  };

  function primary(): number {
    const t = next();
    if (t.kind === "number") return Number(t.text);
    if (t.text === "(") {
      const v = expr();
      expect(")");
      return v;
    }
    if (t.text === "-") return -factor();
    if (t.text === "+") return factor();
    if (t.kind === "ident" && t.text in CONSTANTS) return CONSTANTS[t.text];
    if (t.kind === "ident" && t.text in FUNCTIONS) {
      expect("(");
      const v = expr();
      expect(")");
      return FUNCTIONS[t.text](v);
    }
    return fail(
      "QASM_SYNTAX",
      `expected a number or expression, found '${t.text || "end of file"}'`,
      spanOf(t),
    );
  }
  function factor(): number {
    const base = primary();
    if (peek().text === "^" || peek().text === "**") {
      next();
      return base ** factor();
    }
    return base;
  }
  function term(): number {
    let v = factor();
    while (peek().text === "*" || peek().text === "/")
      v = next().text === "*" ? v * factor() : v / factor();
    return v;
  }
  function expr(): number {
    let v = term();
    while (peek().text === "+" || peek().text === "-")
      v = next().text === "+" ? v + term() : v - term();
    return v;
  }

  /** Resolves `name` or `name[i]` to flat indices of the given register kind. */
  function operand(
    regs: Register[],
    what: string,
  ): { bits: number[]; whole: boolean; span: Span } {
    const t = ident();
    const reg = regs.find((r) => r.name === t.text);
    if (!reg)
      fail(
        "QASM_UNDEFINED_REGISTER",
        `undefined ${what} register '${t.text}'`,
        spanOf(t),
      );
    const r = reg as Register;
    if (peek().text !== "[")
      return {
        bits: range(r.offset, r.size),
        whole: r.size !== 1 || false,
        span: spanOf(t),
      };
    next();
    const idxTok = peek();
    const i = integer();
    const close = expect("]");
    if (i >= r.size)
      fail(
        "QASM_INDEX_OUT_OF_RANGE",
        `index ${i} is out of range for ${t.text}[${r.size}]`,
        spanOf(idxTok),
      );
    return { bits: [r.offset + i], whole: false, span: spanOf(t, close) };
  }

  function declare(
    regs: Register[],
    nameTok: Token,
    size: number,
    total: number,
  ): void {
    if ([...qregs, ...cregs].some((r) => r.name === nameTok.text))
      fail(
        "QASM_DUPLICATE_NAME",
        `'${nameTok.text}' is already declared`,
        spanOf(nameTok),
      );
    regs.push({ name: nameTok.text, size, offset: total });
  }

  function broadcast(
    args: { bits: number[]; whole: boolean; span: Span }[],
    first: Token,
  ): number[][] {
    const sizes = new Set(
      args.filter((a) => a.whole).map((a) => a.bits.length),
    );
    if (sizes.size > 1)
      fail(
        "QASM_BROADCAST",
        "registers of different sizes cannot be broadcast together",
        spanOf(first),
      );
    const n = sizes.size ? [...sizes][0] : 1;
    return range(0, n).map((k) =>
      args.map((a) => (a.whole ? a.bits[k] : a.bits[0])),
    );
  }

  function statement(): void {
    const first = peek();
    const kw = first.text;
    if (first.kind !== "ident")
      fail("QASM_SYNTAX", `unexpected '${kw}'`, spanOf(first));
    if (kw === "OPENQASM") {
      next();
      const v = next();
      if (
        v.text !== "2.0" &&
        v.text !== "3.0" &&
        v.text !== "3" &&
        v.text !== "2"
      )
        fail(
          "QASM_VERSION",
          `unsupported OpenQASM version '${v.text}'`,
          spanOf(v),
        );
      version = v.text.startsWith("2") ? "2.0" : "3.0";
      expect(";");
    } else if (kw === "include") {
      next();
      const f = next();
      const file = f.text.slice(1, -1);
      if (file !== "qelib1.inc" && file !== "stdgates.inc")
        fail(
          "QASM_INCLUDE",
          `cannot read include '${file}' in the browser`,
          spanOf(f),
        );
      expect(";");
    } else if (kw === "qreg" || kw === "creg") {
      next();
      const name = ident();
      expect("[");
      const size = integer();
      expect("]");
      expect(";");
      if (kw === "qreg") declare(qregs, name, size, sum(qregs));
      else declare(cregs, name, size, sum(cregs));
    } else if (kw === "qubit" || kw === "bit") {
      next();
      let size = 1;
      if (peek().text === "[") {
        next();
        size = integer();
        expect("]");
      }
      const name = ident();
      expect(";");
      if (kw === "qubit") declare(qregs, name, size, sum(qregs));
      else declare(cregs, name, size, sum(cregs));
    } else if (kw === "measure") {
      next();
      const q = operand(qregs, "quantum");
      expect("->");
      const c = operand(cregs, "classical");
      const end = expect(";");
      if (q.bits.length !== c.bits.length)
        fail(
          "QASM_BROADCAST",
          "measure needs registers of the same size",
          spanOf(first, end),
        );
      q.bits.forEach((qb, k) =>
        ops.push({
          kind: "measure",
          qubit: qb,
          clbit: c.bits[k],
          span: spanOf(first, end),
        }),
      );
    } else if (
      peek(1).text === "=" ||
      (peek(1).text === "[" && peek(4).text === "=")
    ) {
      const c = operand(cregs, "classical");
      expect("=");
      if (peek().text !== "measure")
        fail(
          "QASM_UNSUPPORTED",
          "only 'c = measure q;' assignments are supported here",
          spanOf(peek()),
        );
      next();
      const q = operand(qregs, "quantum");
      const end = expect(";");
      if (q.bits.length !== c.bits.length)
        fail(
          "QASM_BROADCAST",
          "measure needs registers of the same size",
          spanOf(first, end),
        );
      q.bits.forEach((qb, k) =>
        ops.push({
          kind: "measure",
          qubit: qb,
          clbit: c.bits[k],
          span: spanOf(first, end),
        }),
      );
    } else if (kw === "reset") {
      next();
      const q = operand(qregs, "quantum");
      const end = expect(";");
      q.bits.forEach((qb) =>
        ops.push({ kind: "reset", qubit: qb, span: spanOf(first, end) }),
      );
    } else if (kw === "barrier") {
      next();
      const bits: number[] = [];
      while (peek().text !== ";" && peek().kind !== "eof") {
        bits.push(...operand(qregs, "quantum").bits);
        if (peek().text === ",") next();
      }
      const end = expect(";");
      ops.push({
        kind: "barrier",
        qubits: bits.length ? bits : range(0, sum(qregs)),
        span: spanOf(first, end),
      });
    } else if (UNSUPPORTED.has(kw)) {
      fail(
        "QASM_UNSUPPORTED",
        `'${kw}' needs the full compiler of @stepfault/quantum`,
        spanOf(first),
      );
    } else {
      gateCall(first);
    }
  }

  function gateCall(first: Token): void {
    const name = next();
    const gate = gateByQasmName(name.text);
    if (!gate)
      fail("QASM_UNDEFINED_GATE", `unknown gate '${name.text}'`, spanOf(name));
    const spec = gate as NonNullable<typeof gate>;
    const params: number[] = [];
    if (peek().text === "(") {
      next();
      while (peek().text !== ")" && peek().kind !== "eof") {
        params.push(expr());
        if (peek().text === ",") next();
        else break;
      }
      expect(")");
    }
    const args: { bits: number[]; whole: boolean; span: Span }[] = [];
    while (
      peek().text !== ";" &&
      peek().kind !== "eof" &&
      peek().line === name.line
    ) {
      args.push(operand(qregs, "quantum"));
      if (peek().text === ",") next();
      else break;
    }
    const end = expect(";");
    const span = spanOf(first, end);
    if (params.length !== spec.params)
      fail(
        "QASM_ARITY",
        `'${spec.qasm}' takes ${spec.params} parameter(s), got ${params.length}`,
        span,
      );
    if (args.length !== spec.controls + spec.targets)
      fail(
        "QASM_ARITY",
        `'${spec.qasm}' acts on ${spec.controls + spec.targets} qubit(s), got ${args.length}`,
        span,
      );
    for (const bits of broadcast(args, first)) {
      if (new Set(bits).size !== bits.length)
        fail(
          "QASM_DUPLICATE_QUBIT",
          "a gate cannot use the same qubit twice",
          span,
        );
      ops.push({
        kind: "gate",
        name: spec.base,
        controls: bits.slice(0, spec.controls),
        qubits: bits.slice(spec.controls),
        params,
        span,
      });
    }
  }

  while (peek().kind !== "eof") {
    const start = pos;
    try {
      statement();
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      // Recover: skip to the end of the statement (or the next line when a ';' is missing).
      const badLine = tokens[start].line;
      pos = Math.max(pos, start + 1);
      while (
        peek().kind !== "eof" &&
        peek().text !== ";" &&
        !(peek().line > badLine && pos > start + 1 && isStart(peek()))
      )
        pos++;
      if (peek().text === ";") pos++;
    }
  }
  if (diagnostics.some((d) => d.severity === "error"))
    return { ok: false, diagnostics };
  const circuit: Circuit = {
    numQubits: sum(qregs),
    numClbits: sum(cregs),
    qregs,
    cregs,
    ops,
    globalPhase: 0,
    inputs: [],
    sourceVersion: version,
  };
  return { ok: true, circuit, diagnostics };
}

function isStart(t: Token): boolean {
  return t.kind === "ident";
}
function sum(regs: readonly Register[]): number {
  return regs.reduce((n, r) => n + r.size, 0);
}
function range(start: number, n: number): number[] {
  return Array.from({ length: n }, (_, k) => start + k);
}
