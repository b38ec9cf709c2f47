import { describe, expect, it } from "vitest";
import { toQasm2, toQasm3, type ExportResult } from "../../src/ir/export.ts";
import type { Circuit } from "../../src/ir/types.ts";
import { approxEqualUpToPhase, maxDistance } from "../../src/math/matrix.ts";
import { compileQasm } from "../../src/qasm/compile.ts";
import { denseUnitary } from "../helpers/dense.ts";

const compiled = (src: string): Circuit => {
  const r = compileQasm(src);
  if (!r.ok)
    throw new Error(
      `does not compile:\n${src}\n${r.diagnostics.map((d) => d.message).join("\n")}`,
    );
  return r.circuit;
};
const text = (r: ExportResult): string => {
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("; "));
  return r.source;
};

// Gates whose phase shows only under control, in each language.
const V3 = `OPENQASM 3.0;
include "stdgates.inc";
gate gp(a) r { gphase(a); U(a, 0.2, -0.5) r; }
qubit[4] q;
h q[0];
ry(0.7) q[1];
h q[3];
u3(0.3, 1.2, -0.4) q[2];
U(0.9, 0.4, 1.3) q[1];
ctrl @ u2(0.4, 1.3) q[0], q[1];
ctrl @ U(0.9, 0.4, 1.3) q[0], q[1];
inv @ ctrl @ u3(-3.317, -pi/3, 3.317+pi/3) q[0], q[2];
negctrl @ u3(0.5, 0.6, 0.7) q[3], q[2];
ctrl(2) @ U(1.1, -0.2, 0.8) q[3], q[0], q[1];
cu(0.3, 0.4, 0.5, 0.6) q[2], q[3];
ctrl @ gp(0.8) q[1], q[2];
ctrl @ pow(0.5) @ u3(0.3, 0.2, 0.1) q[3], q[0];
pow(0.37) @ U(0.3, 0.2, 0.1) q[1];
`;
/** V3 without what OpenQASM 2 cannot write at all (a doubly controlled U). */
const V3_FOR_2 = V3.replace(/^ctrl\(2\).*\n/m, "");
const V2 = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[4];
h q[0];
h q[3];
ry(0.7) q[1];
u3(0.3, 1.2, -0.4) q[2];
U(0.9, 0.4, 1.3) q[1];
u2(0.4, 1.3) q[0];
cu3(0.9, 0.4, 1.3) q[0], q[1];
cu1(0.7) q[3], q[2];
cu(0.3, 0.4, 0.5, 0.6) q[2], q[3];
crz(0.5) q[1], q[0];
CX q[0], q[2];
rccx q[0], q[1], q[3];
u(0.2, 0.3, 0.4) q[3];
`;

describe("OpenQASM 2/3 export keeps phases across versions", () => {
  it("3 -> 3: the state is exact, global phase included", () => {
    const a = compiled(V3);
    const b = compiled(text(toQasm3(a)));
    expect(maxDistance(denseUnitary(b), denseUnitary(a))).toBeLessThan(1e-10);
  });

  it("3 -> 2 -> 3: every controlled phase survives (OpenQASM 2 has no global phase; it is written as a comment)", () => {
    expect(V3_FOR_2).not.toContain("ctrl(2)");
    const a = compiled(V3_FOR_2);
    const two = text(toQasm2(a));
    expect(two).toMatch(/^\/\/ global phase: /m);
    const b = compiled(two);
    const c = compiled(text(toQasm3(b)));
    expect(approxEqualUpToPhase(denseUnitary(b), denseUnitary(a), 1e-10)).toBe(
      true,
    );
    expect(maxDistance(denseUnitary(c), denseUnitary(b))).toBeLessThan(1e-10);
  });

  it("2 -> 3 -> 2: exact, with gphase and p corrections written where OpenQASM 3's u2/u3/U differ", () => {
    const a = compiled(V2);
    const three = text(toQasm3(a));
    const b = compiled(three);
    expect(maxDistance(denseUnitary(b), denseUnitary(a))).toBeLessThan(1e-10);
    const c = compiled(text(toQasm2(b)));
    expect(maxDistance(denseUnitary(c), denseUnitary(a))).toBeLessThan(1e-10);
  });

  it("writes qelib1's cu3 as ctrl @ u3 plus p((φ+λ)/2) on the control, and u3's phase into the header", () => {
    const a = compiled(
      'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nu3(0.1, 0.2, 0.4) q[0];\ncu3(0.9, 0.4, 1.2) q[0], q[1];\n',
    );
    const lines = text(toQasm3(a)).split("\n");
    expect(lines).toContain(`gphase(${(0.2 + 0.4) / 2});`);
    expect(lines).toContain("u3(0.1, 0.2, 0.4) q[0];");
    expect(lines).toContain("ctrl @ u3(0.9, 0.4, 1.2) q[0], q[1];");
    expect(lines).toContain(`p(${(0.4 + 1.2) / 2}) q[0];`);
  });

  it("reads back a v3 u3 written by the exporter without any correction", () => {
    const src =
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nu3(0.1, 0.2, 0.4) q[0];\n';
    expect(text(toQasm3(compiled(src)))).toBe(src);
  });

  it("keeps the phase of a conditioned u3 inside its if block", () => {
    const a = compiled(
      'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nmeasure q[0] -> c[0];\nif (c == 1) u3(0.1, 0.2, 0.4) q[0];\n',
    );
    expect(text(toQasm3(a))).toContain(
      "if (c == 1) {\n  u3(0.1, 0.2, 0.4) q[0];\n  gphase(0.30000000000000004);\n}",
    );
  });
});
