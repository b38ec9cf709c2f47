import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { parseQasm } from "../../src/qasm/parse.ts";
import { DiagnosticSink } from "../../src/qasm/diagnostics.ts";
import { inferVersion, qasmVersion } from "../../src/qasm/version.ts";

const codes = (src: string): string[] =>
  compileQasm(src).diagnostics.map(
    (d) => `${d.code} ${d.severity} ${d.span.line}:${d.span.col}`,
  );

describe("inferVersion", () => {
  it.each([
    ['include "stdgates.inc";\nqubit[4] q;\nh q;', "3.0"],
    ["qubit q;\nU(0.1, 0.2, 0.3) q;", "3.0"],
    ["// only a comment", "3.0"],
    ['include "qelib1.inc";\nqreg q[1];\nx q[0];', "2.0"],
    ["qreg q[1];\nU(0.1,0.2,0.3) q[0];", "2.0"],
    ["creg c[1];", "2.0"],
    ['include "qelib1.inc";\nqubit[2] q;\nh q[0];', "3.0"],
    ["qreg q[2];\nctrl @ U(0.1,0.2,0.3) q[0], q[1];", "3.0"],
    ["qreg q[1];\nbit b;\nb = measure q[0];", "3.0"],
    ["qreg q[1];\ngate box a { U(0,0,0) a; }\nbox q[0];", "2.0"],
    ['qreg q[1]; // qubit q;\n/* for int i */ creg c[1]; include "x";', "2.0"],
    ["qreg q[1];\nU(0,0,0) q[0];\nfor int i in [0:1] { }", "3.0"],
  ])("reads %j as OpenQASM %s", (src, version) => {
    expect(inferVersion(src).version).toBe(version);
  });
});

describe("compileQasm without a version line", () => {
  it("reads a specification-style file as OpenQASM 3 with stdgates.inc and no warning", () => {
    const r = compileQasm(
      'include "stdgates.inc";\nqubit[4] q;\nbit[4] c;\nh q;\ncx q[0], q[1];\nc = measure q;\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.ok && r.circuit.sourceVersion).toBe("3.0");
    expect(r.ok && r.circuit.numQubits).toBe(4);
  });

  it("reads a plainly 2.0 file as 2.0 with one warning at 1:1 that says why", () => {
    const src = 'include "qelib1.inc";\nqreg q[2];\ncu1(0.3) q[0], q[1];';
    expect(codes(src)).toEqual(["QASM_MISSING_VERSION warning 1:1"]);
    const ok = compileQasm(src);
    expect(ok.ok && ok.circuit.sourceVersion).toBe("2.0");
    expect(ok.diagnostics[0].message).toContain("qelib1.inc");
  });

  it("uses the 3.0 expression grammar (^ is xor, not power) when it reads 3.0", () => {
    const r = compileQasm(
      "const int a = 6 ^ 3;\nqubit q;\nU(a * 0.1, 0, 0) q;",
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.ok && r.circuit.ops[0]).toMatchObject({ params: [0.5, 0, 0] });
  });

  it("reads a file that includes qelib1.inc but declares qubit registers as OpenQASM 3", () => {
    const r = compileQasm(
      'include "qelib1.inc";\nqubit[2] q;\ncu1(0.3) q[0], q[1];',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.ok && r.circuit.sourceVersion).toBe("3.0");
  });

  it("parses to an AST that keeps the version unset and uses the inferred grammar", () => {
    const p = parseQasm(
      "qubit[2] q;\nctrl @ x q[0], q[1];",
      new DiagnosticSink(),
    );
    expect(p.version).toBeUndefined();
    expect(p.stmts.map((s) => s.kind)).toEqual(["qreg", "gateCall"]);
  });
});

describe("qasmVersion", () => {
  it("reads the OPENQASM line first, after comments, and falls back to the missing-line rule", () => {
    expect(qasmVersion("// hi\n/* x */ OPENQASM 2.0;\nqubit q;")).toBe("2.0");
    expect(qasmVersion("OPENQASM 3;\nqreg q[1];")).toBe("3.0");
    expect(qasmVersion("OPENQASM 3.1;")).toBe("3.0");
    expect(qasmVersion("qreg q[1];")).toBe("2.0");
    expect(qasmVersion("")).toBe("3.0");
  });
});
