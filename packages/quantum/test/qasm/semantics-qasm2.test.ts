import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { compileOk, opsOf } from "./helpers.ts";

const H2 = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';

describe("compileQasm (OpenQASM 2)", () => {
  it("maps registers onto flat indices in declaration order", () => {
    const c = compileOk(`${H2}qreg a[2]; qreg b[3]; creg m[2]; creg n[1];`);
    expect(c.numQubits).toBe(5);
    expect(c.numClbits).toBe(3);
    expect(c.qregs).toEqual([
      { name: "a", size: 2, offset: 0 },
      { name: "b", size: 3, offset: 2 },
    ]);
    expect(c.cregs.map((r) => [r.name, r.offset])).toEqual([
      ["m", 0],
      ["n", 2],
    ]);
    expect(c.sourceVersion).toBe("2.0");
  });

  it("lowers standard gates to base gates with controls", () => {
    expect(
      opsOf(
        `${H2}qreg q[4]; cx q[0],q[1]; ccx q[0],q[1],q[2]; c3x q[0],q[1],q[2],q[3]; cu1(0.5) q[2],q[3]; CX q[1],q[0];`,
      ),
    ).toEqual([
      "x c0 q1",
      "x c0 c1 q2",
      "x c0 c1 c2 q3",
      "p(0.5) c2 q3",
      "x c1 q0",
    ]);
  });

  it("broadcasts over registers of equal size and mixes single qubits", () => {
    expect(
      opsOf(`${H2}qreg a[2]; qreg b[2]; h a; cx a, b; cx a[0], b;`),
    ).toEqual(["h q0", "h q1", "x c0 q2", "x c1 q3", "x c0 q2", "x c0 q3"]);
  });

  it("evaluates expressions with pi, functions and right-associative ^", () => {
    const ops = compileOk(
      `${H2}qreg q[1]; rz(-pi/2 + 2^3^0 * sqrt(4) - ln(exp(1)) + cos(0) * 1e-3 + .5) q[0];`,
    ).ops;
    const op = ops[0];
    expect(op.kind === "gate" && op.params[0]).toBeCloseTo(
      -Math.PI / 2 + 2 * 2 - 1 + 1e-3 + 0.5,
      12,
    );
  });

  it("inlines custom gates with parameters, nesting and multi-line bodies", () => {
    const src = `${H2}
gate inner(t) a { rz(t/2) a;
  x a; }
gate outer(t, u) a, b {
  inner(t + u) b;
  cx a,
     b;
}
qreg q[2];
outer(1, 2) q[1], q[0];
`;
    expect(opsOf(src)).toEqual(["rz(1.5) q0", "x q0", "x c1 q0"]);
  });

  it("expands a gate with no parameters and empty parentheses", () => {
    expect(
      opsOf(`${H2}gate g() a { h a; } qreg q[1]; g() q[0]; g q[0];`),
    ).toEqual(["h q0", "h q0"]);
  });

  it("compiles measure, reset and barrier, including whole registers", () => {
    expect(
      opsOf(
        `${H2}qreg q[2]; creg c[2]; reset q; barrier q; measure q -> c; measure q[1] -> c[0];`,
      ),
    ).toEqual([
      "reset q0",
      "reset q1",
      "barrier q0 q1",
      "measure q0 -> c0",
      "measure q1 -> c1",
      "measure q1 -> c0",
    ]);
  });

  it("turns if (creg == n) into a condition on the register's bits", () => {
    expect(
      opsOf(
        `${H2}qreg q[1]; creg c[2]; creg d[1]; if (d == 1) x q[0]; if (c == 2) measure q[0] -> c[0];`,
      ),
    ).toEqual(["x q0 if [2]==1", "measure q0 -> c0 if [0,1]==2"]);
  });

  it("produces opaque ops for opaque gates, with a warning", () => {
    const r = compileQasm(
      `${H2}opaque magic(a) x, y; qreg q[2]; magic(0.25) q[0], q[1];`,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.circuit.ops).toMatchObject([
      { kind: "opaque", name: "magic", params: [0.25], qubits: [0, 1] },
    ]);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["QASM_OPAQUE", "warning"],
    ]);
  });

  it("knows only U and CX without qelib1.inc", () => {
    expect(
      opsOf("OPENQASM 2.0; qreg q[2]; U(0.1,0.2,0.3) q[0]; CX q[0],q[1];"),
    ).toEqual(["u3(0.1,0.2,0.3) q0", "x c0 q1"]);
    const r = compileQasm("OPENQASM 2.0; qreg q[1]; h q[0];");
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].code).toBe("QASM_UNDEFINED_GATE");
  });

  it("reads a file without an OPENQASM line as 2.0 with a warning at 1:1", () => {
    const r = compileQasm('include "qelib1.inc"; qreg q[1]; x q[0];');
    expect(r.ok).toBe(true);
    expect(
      r.diagnostics.map(
        (d) => `${d.code} ${d.severity} ${d.span.line}:${d.span.col}`,
      ),
    ).toEqual(["QASM_MISSING_VERSION warning 1:1"]);
  });

  it("resolves other includes through options.readInclude and tags their diagnostics with the file", () => {
    const files: Record<string, string> = {
      "lib.inc": "gate twice a { x a; x a; }\n",
      "bad.inc": "gate broken a {\n  nosuch a;\n}\n",
    };
    const readInclude = (p: string): string | undefined => files[p];
    expect(
      opsOf(`${H2}include "lib.inc"; qreg q[1]; twice q[0];`, { readInclude }),
    ).toEqual(["x q0", "x q0"]);
    const r = compileQasm(`${H2}include "bad.inc";`, {
      readInclude,
      fileName: "main.qasm",
    });
    expect(r.ok).toBe(false);
    expect(
      r.diagnostics.map((d) => [d.code, d.file, d.span.line, d.span.col]),
    ).toEqual([["QASM_UNDEFINED_GATE", "bad.inc", 2, 3]]);
  });

  it("gives ops the span of their statement", () => {
    const c = compileOk(`${H2}qreg q[1];\n  x q[0];`);
    expect(c.ops[0].span).toEqual({ line: 4, col: 3, endLine: 4, endCol: 10 });
  });
});

describe("compileQasm (OpenQASM 2 names)", () => {
  it("treats OpenQASM 3 keywords as ordinary gate names in OpenQASM 2", () => {
    const src = `${H2}gate box a { x a; }\ngate pow(t) a { rz(t) a; }\nqreg q[1];\nbox q[0];\npow(0.5) q[0];`;
    expect(opsOf(src)).toEqual(["x q0", "rz(0.5) q0"]);
  });
});

describe("compileQasm (includes by version)", () => {
  it("does not treat stdgates.inc as built in for OpenQASM 2", () => {
    const r = compileQasm('OPENQASM 2.0;\ninclude "stdgates.inc";');
    expect(
      r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.col}`),
    ).toEqual(["QASM_BAD_INCLUDE 2:1"]);
  });

  it("accepts qelib1.inc in OpenQASM 3 and makes its gates available", () => {
    expect(
      opsOf(
        'OPENQASM 3;\ninclude "qelib1.inc";\nqubit[4] q;\nc3x q[0], q[1], q[2], q[3];',
      ),
    ).toEqual(["x c0 c1 c2 q3"]);
  });
});
