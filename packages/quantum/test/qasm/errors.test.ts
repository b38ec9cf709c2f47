import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { H2, H3, MALFORMED_CASES as CASES } from "./malformed-cases.ts";

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
