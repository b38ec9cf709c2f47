import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";

const H2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';
const H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

// [what, source, expected code, "line:col"]; sources start on line 3 after a header.
const CASES: readonly (readonly [string, string, string, string])[] = [
  [
    "a missing semicolon",
    `${H2}qreg q[2]\ncreg c[2];`,
    "QASM_MISSING_SEMI",
    "3:10",
  ],
  [
    "a missing semicolon at the end of the file",
    `${H2}qreg q[1]`,
    "QASM_MISSING_SEMI",
    "3:10",
  ],
  [
    "an unknown gate",
    `${H2}qreg q[1];\nfoo q[0];`,
    "QASM_UNDEFINED_GATE",
    "4:1",
  ],
  [
    "a qelib1 gate without the include",
    "OPENQASM 2.0;\nqreg q[1];\nh q[0];",
    "QASM_UNDEFINED_GATE",
    "3:1",
  ],
  [
    "an unknown register",
    `${H2}qreg q[1];\nh r[0];`,
    "QASM_UNDEFINED_REGISTER",
    "4:3",
  ],
  [
    "an index out of range",
    `${H2}qreg q[2];\nh q[2];`,
    "QASM_INDEX_OUT_OF_RANGE",
    "4:5",
  ],
  [
    "a wrong parameter count",
    `${H2}qreg q[1];\nrx(0.1, 0.2) q[0];`,
    "QASM_PARAM_COUNT",
    "4:1",
  ],
  ["a wrong qubit count", `${H2}qreg q[2];\ncx q[0];`, "QASM_ARG_COUNT", "4:1"],
  [
    "a duplicate qubit",
    `${H2}qreg q[2];\ncx q[1], q[1];`,
    "QASM_DUPLICATE_QUBIT",
    "4:1",
  ],
  [
    "a duplicate qubit inside a gate body",
    `${H2}gate g a, b {\n  cx a, a;\n}`,
    "QASM_DUPLICATE_QUBIT",
    "4:9",
  ],
  [
    "a register declared twice",
    `${H2}qreg q[2];\nqreg q[3];`,
    "QASM_REDEFINITION",
    "4:6",
  ],
  [
    "a redefined standard gate",
    `${H2}gate h a { x a; }`,
    "QASM_REDEFINITION",
    "3:6",
  ],
  [
    "a gate defined twice",
    `${H2}gate g a { x a; }\ngate g a { y a; }`,
    "QASM_REDEFINITION",
    "4:6",
  ],
  [
    "a gate used before its definition",
    `${H2}qreg q[1];\ng q[0];\ngate g a { x a; }`,
    "QASM_GATE_BEFORE_DEFINITION",
    "4:1",
  ],
  [
    "a measure size mismatch",
    `${H2}qreg q[2]; creg c[3];\nmeasure q -> c;`,
    "QASM_MEASURE_SIZE_MISMATCH",
    "4:1",
  ],
  [
    "a broadcast over registers of different sizes",
    `${H2}qreg a[2]; qreg b[3];\ncx a, b;`,
    "QASM_REGISTER_SIZE_MISMATCH",
    "4:7",
  ],
  ["a bad version", "OPENQASM 4.0;\nqreg q[1];", "QASM_BAD_VERSION", "1:10"],
  [
    "an OPENQASM line that is not first",
    "qreg q[1];\nOPENQASM 2.0;",
    "QASM_SYNTAX",
    "2:1",
  ],
  [
    "an unterminated comment",
    `${H2}qreg q[1];\n/* never\nends`,
    "QASM_UNTERMINATED_COMMENT",
    "4:1",
  ],
  [
    "an unterminated string",
    'OPENQASM 2.0;\ninclude "qelib1.inc;\n',
    "QASM_UNTERMINATED_STRING",
    "2:9",
  ],
  [
    "an include that cannot be read",
    `${H2}include "nope.inc";`,
    "QASM_BAD_INCLUDE",
    "3:1",
  ],
  ["an unclosed brace", `${H2}gate g a {\n  x a;\n`, "QASM_UNBALANCED", "3:10"],
  [
    "an unclosed parenthesis",
    `${H2}qreg q[1];\nrx((0.5) q[0];`,
    "QASM_UNBALANCED",
    "4:10",
  ],
  ["an unclosed bracket", `${H2}qreg q[1;`, "QASM_UNBALANCED", "3:7"],
  ["a stray closing brace", `${H2}qreg q[1];\n}`, "QASM_UNBALANCED", "4:1"],
  ["the bad token @@", `${H3}qubit q;\ninv @@ x q;`, "QASM_SYNTAX", "4:6"],
  [
    "an unexpected character",
    `${H2}qreg q[1];\nh q[0]; #`,
    "QASM_UNEXPECTED_CHAR",
    "4:9",
  ],
  ["a negative register size", `${H2}qreg q[-1];`, "QASM_BAD_SIZE", "3:8"],
  ["a zero register size", `${H2}creg c[0];`, "QASM_BAD_SIZE", "3:8"],
  [
    "an if on an undefined creg",
    `${H2}qreg q[1];\nif (d == 1) x q[0];`,
    "QASM_UNDEFINED_REGISTER",
    "4:5",
  ],
  [
    "an OpenQASM 2 if that is not creg == n",
    `${H2}qreg q[1]; creg c[1];\nif (c < 1) x q[0];`,
    "QASM_UNBALANCED",
    "4:7",
  ],
  [
    "a division by zero",
    `${H2}qreg q[1];\nrx(pi/0) q[0];`,
    "QASM_DIVISION_BY_ZERO",
    "4:4",
  ],
  [
    "an unknown function",
    `${H3}qubit q;\nrx(foo(1)) q;`,
    "QASM_UNDEFINED_FUNCTION",
    "4:4",
  ],
  [
    "an undefined variable",
    `${H3}qubit q;\nrx(theta) q;`,
    "QASM_UNDEFINED_VARIABLE",
    "4:4",
  ],
  [
    "an undefined qubit in a gate body",
    `${H2}gate g a {\n  x b;\n}`,
    "QASM_UNDEFINED_REGISTER",
    "4:5",
  ],
  [
    "a missing input value",
    `${H3}input float theta;`,
    "QASM_MISSING_INPUT",
    "3:13",
  ],
  [
    "an assignment to a const",
    `${H3}const int n = 1;\nn = 2;`,
    "QASM_CONST_ASSIGNMENT",
    "4:1",
  ],
  [
    "a measurement into a qubit",
    `${H2}qreg q[1]; qreg r[1];\nmeasure q -> r;`,
    "QASM_TYPE_ERROR",
    "4:14",
  ],
  ["break outside a loop", `${H3}break;`, "QASM_BAD_CONTROL_FLOW", "3:1"],
  [
    "return outside a subroutine",
    `${H3}return;`,
    "QASM_BAD_CONTROL_FLOW",
    "3:1",
  ],
  [
    "the unsupported box",
    `${H3}qubit q;\nbox { x q; }`,
    "QASM_UNSUPPORTED",
    "4:1",
  ],
  [
    "the unsupported delay",
    `${H3}qubit q;\ndelay[100ns] q;`,
    "QASM_UNSUPPORTED",
    "4:1",
  ],
  [
    "the unsupported extern",
    `${H3}extern f(int) -> int;`,
    "QASM_UNSUPPORTED",
    "3:1",
  ],
  [
    "the unsupported switch",
    `${H3}int i = 1;\nswitch (i) { case 1 { } }`,
    "QASM_UNSUPPORTED",
    "4:1",
  ],
  [
    "a while over a measured bit",
    `${H3}qubit q; bit b;\nb = measure q;\nwhile (b) { x q; }`,
    "QASM_UNSUPPORTED",
    "5:8",
  ],
  [
    "nested conditions on measured bits",
    `${H3}qubit q; bit[2] b;\nif (b[0]) { if (b[1]) x q; }`,
    "QASM_UNSUPPORTED",
    "4:13",
  ],
  [
    "a runaway while loop",
    `${H3}int i = 0;\nwhile (true) { i += 1; }`,
    "QASM_LOOP_LIMIT",
    "4:1",
  ],
];

describe("compileQasm diagnostics", () => {
  it.each(CASES)("reports %s", (_what, src, code, pos) => {
    const r = compileQasm(src);
    expect(r.ok).toBe(false);
    const errors = r.diagnostics.filter((d) => d.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    expect(
      `${errors[0].code} ${errors[0].span.line}:${errors[0].span.col}`,
    ).toBe(`${code} ${pos}`);
    expect(errors[0].message.length).toBeGreaterThan(10);
  });

  it("stops at maxOps with a clear error", () => {
    const r = compileQasm(`${H3}qubit q;\nfor int i in [1:100] x q;`, {
      maxOps: 50,
    });
    expect(r.ok).toBe(false);
    expect(
      r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.col}`),
    ).toEqual(["QASM_TOO_MANY_OPS 4:22"]);
    expect(r.diagnostics[0].message).toContain("50");
  });

  it("warns about opaque gates without failing", () => {
    const r = compileQasm(`${H2}opaque o a;\nqreg q[1];\no q[0];`);
    expect(r.ok).toBe(true);
    expect(
      r.diagnostics.map(
        (d) => `${d.code} ${d.severity} ${d.span.line}:${d.span.col}`,
      ),
    ).toEqual(["QASM_OPAQUE warning 5:1"]);
  });

  it("warns about a missing version line and still reports later errors", () => {
    const r = compileQasm("qreg q[1];\nh q[0];");
    expect(
      r.diagnostics.map(
        (d) => `${d.code} ${d.severity} ${d.span.line}:${d.span.col}`,
      ),
    ).toEqual([
      "QASM_MISSING_VERSION warning 1:1",
      "QASM_UNDEFINED_GATE error 2:1",
    ]);
    expect(r.diagnostics[1].message).toContain("qelib1.inc");
  });

  it("reports several syntax errors in one pass, sorted by position", () => {
    const r = compileQasm(
      `${H2}qreg q[2]\ncx q[0] q[1];\nrx(0.5 q[0];\nh q[0];\nmeasure q -> ;`,
    );
    expect(
      r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.col}`),
    ).toEqual([
      "QASM_MISSING_SEMI 3:10",
      "QASM_SYNTAX 4:9",
      "QASM_UNBALANCED 5:8",
      "QASM_SYNTAX 7:14",
    ]);
  });

  it("reports several semantic errors in one pass", () => {
    const r = compileQasm(
      `${H2}qreg q[2];\nh r[0];\nfoo q[0];\nx q[5];\ncx q[0], q[0];\nrx(1/0) q[0];\nh q[1];`,
    );
    expect(r.ok).toBe(false);
    expect(
      r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.col}`),
    ).toEqual([
      "QASM_UNDEFINED_REGISTER 4:3",
      "QASM_UNDEFINED_GATE 5:1",
      "QASM_INDEX_OUT_OF_RANGE 6:5",
      "QASM_DUPLICATE_QUBIT 7:1",
      "QASM_DIVISION_BY_ZERO 8:4",
    ]);
  });

  it("attributes errors in an included file to that file", () => {
    const r = compileQasm(`${H2}include "x.inc";\nqreg q[1];`, {
      readInclude: () => "qreg q[1];\nqreg q[2];\n",
    });
    expect(
      r.diagnostics.map(
        (d) => `${d.file} ${d.code} ${d.span.line}:${d.span.col}`,
      ),
    ).toEqual([
      "undefined QASM_REDEFINITION 4:6",
      "x.inc QASM_REDEFINITION 2:6",
    ]);
  });

  it("rejects absurdly deep nesting with a syntax error instead of overflowing the stack", () => {
    const H = `${H3}qubit q;\n`;
    const sources = [
      `${H}rx(${"(".repeat(20000)}1${")".repeat(20000)}) q;`,
      `${H}${"{".repeat(20000)}${"}".repeat(20000)}`,
      `${H}rx(${"1+".repeat(20000)}1) q;`,
      `${H}${"if (true) ".repeat(20000)}x q;`,
    ];
    for (const src of sources) {
      const r = compileQasm(src);
      expect(r.ok).toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toEqual(["QASM_SYNTAX"]);
    }
  });

  it("stops runaway recursion in subroutines", () => {
    const r = compileQasm(
      `${H3}qubit q;\ndef f(int n) { x q; f(n + 1); }\nf(0);`,
    );
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => d.code)).toContain("QASM_RECURSION_LIMIT");
  });
});
