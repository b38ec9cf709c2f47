import { describe, expect, it } from "vitest";
import { createCircuit } from "../../src/ir/circuit.ts";
import { formatAngle, toQasm2, toQasm3 } from "../../src/ir/export.ts";
import { qasm2Gate } from "../../src/ir/export-gates.ts";
import { standardGateOps } from "../../src/ir/gates.ts";
import type { Circuit, GateOp, Operation } from "../../src/ir/types.ts";
import { approxEqualUpToPhase, maxDistance } from "../../src/math/matrix.ts";
import { compileQasm } from "../../src/qasm/compile.ts";
import { denseUnitary, seededRng } from "../helpers/dense.ts";
import { randomCircuit } from "./random-circuits.ts";

const gate = (
  name: string,
  qubits: number[],
  params: number[] = [],
  controls: number[] = [],
): GateOp => ({ kind: "gate", name, qubits, params, controls });
const circ = (n: number, ops: Operation[], numClbits = 0): Circuit =>
  createCircuit(n, { numClbits, ops });
const source = (r: ReturnType<typeof toQasm2>) => {
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("; "));
  return r.source;
};
const compiled = (src: string): Circuit => {
  const r = compileQasm(src);
  if (!r.ok)
    throw new Error(
      `does not compile:\n${src}\n${JSON.stringify(r.diagnostics)}`,
    );
  return r.circuit;
};

describe("formatAngle", () => {
  it("round-trips doubles exactly and keeps OpenQASM 2 real syntax", () => {
    for (const x of [
      0.1,
      -2.5,
      1 / 3,
      Math.PI / 3,
      1e-7,
      6.02214076e23,
      -5e-324,
      123,
    ]) {
      const s = formatAngle(x);
      expect(s).toMatch(/^-?(\d+(\.\d*)?([eE][-+]?\d+)?)$/);
      expect(Number(s)).toBe(x);
    }
    expect(formatAngle(1e-7)).toBe("1.0e-7");
    expect(formatAngle(Math.PI / 2)).toBe("pi/2");
    expect(formatAngle(-Math.PI)).toBe("-pi");
  });
});

describe("toQasm2", () => {
  it("writes canonical ops back with qelib1 names", () => {
    const ops = [
      ...standardGateOps("cx", [], [0, 1]),
      ...standardGateOps("ccx", [], [0, 1, 2]),
      ...standardGateOps("c3x", [], [0, 1, 2, 3]),
      ...standardGateOps("c4x", [], [0, 1, 2, 3, 4]),
      ...standardGateOps("cp", [0.5], [1, 0]),
      ...standardGateOps("c3sqrtx", [], [3, 2, 1, 0]),
      ...standardGateOps("p", [0.25], [4]),
      ...standardGateOps("cswap", [], [0, 1, 2]),
    ];
    const src = source(toQasm2(circ(5, ops)));
    expect(src).toBe(
      [
        "OPENQASM 2.0;",
        'include "qelib1.inc";',
        "qreg q[5];",
        "cx q[0], q[1];",
        "ccx q[0], q[1], q[2];",
        "c3x q[0], q[1], q[2], q[3];",
        "c4x q[0], q[1], q[2], q[3], q[4];",
        "cu1(0.5) q[1], q[0];",
        "c3sqrtx q[3], q[2], q[1], q[0];",
        "u1(0.25) q[4];",
        "cswap q[0], q[1], q[2];",
        "",
      ].join("\n"),
    );
  });

  it("writes measurements, resets, barriers, registers and whole-register conditions", () => {
    const c: Circuit = {
      ...createCircuit(3, { numClbits: 3 }),
      qregs: [
        { name: "a", size: 1, offset: 0 },
        { name: "b", size: 2, offset: 1 },
      ],
      cregs: [
        { name: "m", size: 1, offset: 0 },
        { name: "n", size: 2, offset: 1 },
      ],
      ops: [
        { kind: "measure", qubit: 2, clbit: 1 },
        { kind: "reset", qubit: 0 },
        { kind: "barrier", qubits: [0, 2] },
        {
          ...gate("x", [1]),
          condition: { clbits: [1, 2], op: "==", value: 2 },
        },
      ],
    };
    expect(source(toQasm2(c))).toBe(
      [
        "OPENQASM 2.0;",
        'include "qelib1.inc";',
        "qreg a[1];",
        "qreg b[2];",
        "creg m[1];",
        "creg n[2];",
        "measure b[1] -> n[0];",
        "reset a[0];",
        "barrier a[0], b[1];",
        "if (n == 2) x b[0];",
        "",
      ].join("\n"),
    );
  });

  it("refuses what OpenQASM 2 cannot express, naming the operation", () => {
    const five = gate("x", [5], [], [0, 1, 2, 3, 4]);
    const r = toQasm2(
      circ(6, [
        gate("h", [0]),
        { ...five, span: { line: 3, col: 1, endLine: 3, endCol: 9 } },
      ]),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({
        code: "EXPORT_INEXPRESSIBLE",
        opIndex: 1,
        span: { line: 3 },
      });
      expect(r.errors[0].message).toMatch(
        /operation 2 .*OpenQASM 2.*x with 5 control/,
      );
    }
    const two = {
      kind: "gate",
      name: "unitary",
      qubits: [0, 1],
      params: [],
      controls: [],
      matrix: new Float64Array(32),
    } as GateOp;
    expect(toQasm2(circ(2, [two])).ok).toBe(false);
    const partial = {
      ...gate("x", [0]),
      condition: { clbits: [0], op: "==", value: 1 },
    } as GateOp;
    expect(toQasm2(circ(1, [partial], 2)).ok).toBe(false);
  });

  it("defines gates that qelib1 lacks before using them", () => {
    const src = source(
      toQasm2(circ(2, [gate("ecr", [0, 1]), gate("iswap", [1, 0])])),
    );
    expect(src.indexOf("gate rzx")).toBeGreaterThan(0);
    expect(src.indexOf("gate rzx")).toBeLessThan(src.indexOf("gate ecr"));
    expect(src).toContain("ecr q[0], q[1];");
  });
});

describe("toQasm3", () => {
  it("uses stdgates names, ctrl modifiers, if blocks and the global phase", () => {
    const ops: Operation[] = [
      ...standardGateOps("cp", [0.5], [0, 1]),
      gate("x", [4], [], [0, 1, 2]),
      gate("sxdg", [2], [], [0]),
      gate("gphase", [], [0.5], [3]),
      { kind: "measure", qubit: 0, clbit: 0 },
      { ...gate("h", [1]), condition: { clbits: [0, 1], op: ">=", value: 2 } },
      { ...gate("z", [1]), condition: { clbits: [1], op: "==", value: 1 } },
    ];
    const src = source(toQasm3({ ...circ(5, ops, 2), globalPhase: 0.125 }));
    expect(src).toBe(
      [
        "OPENQASM 3.0;",
        'include "stdgates.inc";',
        "qubit[5] q;",
        "bit[2] c;",
        "gphase(0.125);",
        "cp(0.5) q[0], q[1];",
        "ctrl(3) @ x q[0], q[1], q[2], q[4];",
        "ctrl @ inv @ sx q[0], q[2];",
        "ctrl @ gphase(0.5) q[3];",
        "c[0] = measure q[0];",
        "if (c >= 2) {",
        "  h q[1];",
        "}",
        "if (c[1] == 1) {",
        "  z q[1];",
        "}",
        "",
      ].join("\n"),
    );
  });
});

describe("round trip through compileQasm", () => {
  const rng = seededRng(42);
  const sizes = Array.from({ length: 24 }, (_, i) => 1 + (i % 6));

  it.each(sizes.map((n, i) => [i, n]))(
    "OpenQASM 3: random circuit %i on %i qubit(s) keeps its unitary, global phase included",
    (_, n) => {
      const c = randomCircuit(rng, {
        numQubits: n,
        numOps: 12,
        maxControls: 2,
        unitaries: true,
      });
      const back = compiled(source(toQasm3({ ...c, globalPhase: 0.3 })));
      expect(back.numQubits).toBe(n);
      expect(
        maxDistance(
          denseUnitary(back),
          denseUnitary({ ...c, globalPhase: 0.3 }),
        ),
      ).toBeLessThan(1e-9);
    },
  );

  it.each(sizes.map((n, i) => [i, n]))(
    "OpenQASM 2: random circuit %i on %i qubit(s) keeps its unitary up to global phase",
    (_, n) => {
      const c = randomCircuit(rng, {
        numQubits: n,
        numOps: 12,
        maxControls: 4,
        unitaries: true,
        accept: (op) => qasm2Gate(op).ok,
      });
      const back = compiled(source(toQasm2(c)));
      expect(
        approxEqualUpToPhase(denseUnitary(back), denseUnitary(c), 1e-9),
      ).toBe(true);
    },
  );

  it("keeps measurements, conditions and register layout", () => {
    const src =
      'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg a[1];\ncreg b[2];\nh q[0];\nmeasure q[0] -> a[0];\nif (a == 1) x q[1];\nmeasure q[1] -> b[1];\n';
    const c = compiled(src);
    const again = compiled(source(toQasm2(c)));
    expect(again.ops.map((o) => ({ ...o, span: undefined }))).toEqual(
      c.ops.map((o) => ({ ...o, span: undefined })),
    );
    expect(again.cregs).toEqual(c.cregs);
    const three = compiled(source(toQasm3(c)));
    expect(three.ops.map((o) => ({ ...o, span: undefined }))).toEqual(
      c.ops.map((o) => ({ ...o, span: undefined })),
    );
  });
});
