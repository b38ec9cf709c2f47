import { describe, expect, it } from "vitest";
import { miniCompile } from "../src/qasm/mini-compile.ts";
import { formatAngle, printQasm } from "../src/qasm/print.ts";

describe("miniCompile (fallback compiler)", () => {
  it("compiles a Bell circuit into the IR form (cx is x with a control)", () => {
    const r = miniCompile(
      'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.circuit.sourceVersion).toBe("2.0");
    expect(
      r.circuit.ops.map((o) =>
        o.kind === "gate" ? `${o.name}:${o.controls}:${o.qubits}` : o.kind,
      ),
    ).toEqual(["h::0", "x:0:1", "measure", "measure"]);
  });
  it("reports errors at their line and column and keeps going", () => {
    const r = miniCompile(
      "OPENQASM 3.0;\nqubit[2] q;\nh q[2];\nfoo q[0];\nx q[0]\ny q[1];\n",
    );
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => [d.code, d.span.line, d.span.col])).toEqual(
      [
        ["QASM_INDEX_OUT_OF_RANGE", 3, 5],
        ["QASM_UNDEFINED_GATE", 4, 1],
        ["QASM_MISSING_SEMI", 5, 7],
      ],
    );
  });
  it("evaluates angle expressions", () => {
    const r = miniCompile("OPENQASM 3.0;\nqubit q;\nrz(-3*pi/4 + 2^2) q;\n");
    expect(
      r.ok && r.circuit.ops[0].kind === "gate" && r.circuit.ops[0].params[0],
    ).toBeCloseTo((-3 * Math.PI) / 4 + 4);
  });
});

describe("printQasm", () => {
  it("round-trips through the compiler in both versions", () => {
    const src =
      "OPENQASM 3.0;\nqubit[3] q;\nbit[3] c;\nh q[0];\nccx q[0], q[1], q[2];\nrx(pi/2) q[1];\nc[2] = measure q[2];\n";
    const r = miniCompile(src);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    for (const version of ["2.0", "3.0"] as const) {
      const again = miniCompile(printQasm(r.circuit, version));
      expect(again.ok && again.circuit.ops).toEqual(
        r.circuit.ops.map((op) => ({ ...op, span: expect.anything() })),
      );
    }
    expect(printQasm(r.circuit, "2.0")).toContain("measure q[2] -> c[2];");
  });
  it("formats angles as multiples of pi when exact", () => {
    expect(
      [Math.PI / 2, (-3 * Math.PI) / 4, 0.3, Math.PI].map(formatAngle),
    ).toEqual(["pi/2", "-3*pi/4", "0.3", "pi"]);
  });
});
