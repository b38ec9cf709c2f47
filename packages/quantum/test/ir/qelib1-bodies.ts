/**
 * The gate bodies of Qiskit's qelib1.inc, transcribed as functions that emit their body
 * statements, and an expander that reduces any qelib1 gate to the primitives U and CX with the
 * test's own matrices. Used to check the gate table against the library's definitions.
 */
import type { GateOp } from "../../src/ir/types.ts";
import { matrixFromRows } from "../../src/math/matrix.ts";

type Emit = (name: string, params: number[], qubits: number[]) => void;
type Body = (p: number[], q: number[], g: Emit) => void;
const pi = Math.PI;

/** qelib1.inc, gate by gate (bodies in terms of other qelib1 gates, U and CX). */
export const QELIB1: Record<string, Body> = {
  u3: ([t, p, l], [a], g) => g("U", [t, p, l], [a]),
  u2: ([p, l], [a], g) => g("U", [pi / 2, p, l], [a]),
  u1: ([l], [a], g) => g("U", [0, 0, l], [a]),
  cx: (_, [c, t], g) => g("CX", [], [c, t]),
  id: (_, [a], g) => g("U", [0, 0, 0], [a]),
  u0: (_, [a], g) => g("U", [0, 0, 0], [a]),
  u: ([t, p, l], [a], g) => g("U", [t, p, l], [a]),
  p: ([l], [a], g) => g("U", [0, 0, l], [a]),
  x: (_, [a], g) => g("u3", [pi, 0, pi], [a]),
  y: (_, [a], g) => g("u3", [pi, pi / 2, pi / 2], [a]),
  z: (_, [a], g) => g("u1", [pi], [a]),
  h: (_, [a], g) => g("u2", [0, pi], [a]),
  s: (_, [a], g) => g("u1", [pi / 2], [a]),
  sdg: (_, [a], g) => g("u1", [-pi / 2], [a]),
  t: (_, [a], g) => g("u1", [pi / 4], [a]),
  tdg: (_, [a], g) => g("u1", [-pi / 4], [a]),
  rx: ([t], [a], g) => g("u3", [t, -pi / 2, pi / 2], [a]),
  ry: ([t], [a], g) => g("u3", [t, 0, 0], [a]),
  rz: ([t], [a], g) => g("u1", [t], [a]),
  sx: (_, [a], g) => (g("sdg", [], [a]), g("h", [], [a]), g("sdg", [], [a])),
  sxdg: (_, [a], g) => (g("s", [], [a]), g("h", [], [a]), g("s", [], [a])),
  cz: (_, [a, b], g) => (g("h", [], [b]), g("cx", [], [a, b]), g("h", [], [b])),
  cy: (_, [a, b], g) => (
    g("sdg", [], [b]),
    g("cx", [], [a, b]),
    g("s", [], [b])
  ),
  swap: (_, [a, b], g) => (
    g("cx", [], [a, b]),
    g("cx", [], [b, a]),
    g("cx", [], [a, b])
  ),
  ch: (_, [a, b], g) => {
    for (const [n, q] of [
      ["h", b],
      ["sdg", b],
      ["cx"],
      ["h", b],
      ["t", b],
      ["cx"],
      ["t", b],
      ["h", b],
      ["s", b],
      ["x", b],
      ["s", a],
    ] as const)
      g(n, [], n === "cx" ? [a, b] : [q as number]);
  },
  ccx: (_, [a, b, c], g) => {
    const s: [string, number[]][] = [
      ["h", [c]],
      ["cx", [b, c]],
      ["tdg", [c]],
      ["cx", [a, c]],
      ["t", [c]],
      ["cx", [b, c]],
      ["tdg", [c]],
      ["cx", [a, c]],
      ["t", [b]],
      ["t", [c]],
      ["h", [c]],
      ["cx", [a, b]],
      ["t", [a]],
      ["tdg", [b]],
      ["cx", [a, b]],
    ];
    for (const [n, q] of s) g(n, [], q);
  },
  cswap: (_, [a, b, c], g) => (
    g("cx", [], [c, b]),
    g("ccx", [], [a, b, c]),
    g("cx", [], [c, b])
  ),
  crx: ([l], [a, b], g) => (
    g("u1", [pi / 2], [b]),
    g("cx", [], [a, b]),
    g("u3", [-l / 2, 0, 0], [b]),
    g("cx", [], [a, b]),
    g("u3", [l / 2, -pi / 2, 0], [b])
  ),
  cry: ([l], [a, b], g) => (
    g("ry", [l / 2], [b]),
    g("cx", [], [a, b]),
    g("ry", [-l / 2], [b]),
    g("cx", [], [a, b])
  ),
  crz: ([l], [a, b], g) => (
    g("rz", [l / 2], [b]),
    g("cx", [], [a, b]),
    g("rz", [-l / 2], [b]),
    g("cx", [], [a, b])
  ),
  cu1: ([l], [a, b], g) => (
    g("u1", [l / 2], [a]),
    g("cx", [], [a, b]),
    g("u1", [-l / 2], [b]),
    g("cx", [], [a, b]),
    g("u1", [l / 2], [b])
  ),
  cp: ([l], [a, b], g) => (
    g("p", [l / 2], [a]),
    g("cx", [], [a, b]),
    g("p", [-l / 2], [b]),
    g("cx", [], [a, b]),
    g("p", [l / 2], [b])
  ),
  cu3: ([t, p, l], [c, x], g) => {
    g("u1", [(l + p) / 2], [c]);
    g("u1", [(l - p) / 2], [x]);
    g("cx", [], [c, x]);
    g("u3", [-t / 2, 0, -(p + l) / 2], [x]);
    g("cx", [], [c, x]);
    g("u3", [t / 2, p, 0], [x]);
  },
  csx: (_, [a, b], g) => (
    g("h", [], [b]),
    g("cu1", [pi / 2], [a, b]),
    g("h", [], [b])
  ),
  cu: ([t, p, l, gm], [c, x], g) => {
    g("p", [gm], [c]);
    g("p", [(l + p) / 2], [c]);
    g("p", [(l - p) / 2], [x]);
    g("cx", [], [c, x]);
    g("u", [-t / 2, 0, -(p + l) / 2], [x]);
    g("cx", [], [c, x]);
    g("u", [t / 2, p, 0], [x]);
  },
  rxx: ([t], [a, b], g) => {
    g("u3", [pi / 2, t, 0], [a]);
    g("h", [], [b]);
    g("cx", [], [a, b]);
    g("u1", [-t], [b]);
    g("cx", [], [a, b]);
    g("h", [], [b]);
    g("u2", [-pi, pi - t], [a]);
  },
  rzz: ([t], [a, b], g) => (
    g("cx", [], [a, b]),
    g("u1", [t], [b]),
    g("cx", [], [a, b])
  ),
  rccx: (_, [a, b, c], g) => {
    const s: [string, number[], number[]][] = [
      ["u2", [0, pi], [c]],
      ["u1", [pi / 4], [c]],
      ["cx", [], [b, c]],
      ["u1", [-pi / 4], [c]],
      ["cx", [], [a, c]],
      ["u1", [pi / 4], [c]],
      ["cx", [], [b, c]],
      ["u1", [-pi / 4], [c]],
      ["u2", [0, pi], [c]],
    ];
    for (const [n, p, q] of s) g(n, p, q);
  },
  rc3x: (_, [a, b, c, d], g) => {
    const s: [string, number[], number[]][] = [
      ["u2", [0, pi], [d]],
      ["u1", [pi / 4], [d]],
      ["cx", [], [c, d]],
      ["u1", [-pi / 4], [d]],
      ["u2", [0, pi], [d]],
      ["cx", [], [a, d]],
      ["u1", [pi / 4], [d]],
      ["cx", [], [b, d]],
      ["u1", [-pi / 4], [d]],
      ["cx", [], [a, d]],
      ["u1", [pi / 4], [d]],
      ["cx", [], [b, d]],
      ["u1", [-pi / 4], [d]],
      ["u2", [0, pi], [d]],
      ["u1", [pi / 4], [d]],
      ["cx", [], [c, d]],
      ["u1", [-pi / 4], [d]],
      ["u2", [0, pi], [d]],
    ];
    for (const [n, p, q] of s) g(n, p, q);
  },
  c3x: (_, [a, b, c, d], g) => {
    const P = pi / 8;
    const s: [string, number[], number[]][] = [
      ["h", [], [d]],
      ["p", [P], [a]],
      ["p", [P], [b]],
      ["p", [P], [c]],
      ["p", [P], [d]],
      ["cx", [], [a, b]],
      ["p", [-P], [b]],
      ["cx", [], [a, b]],
      ["cx", [], [b, c]],
      ["p", [-P], [c]],
      ["cx", [], [a, c]],
      ["p", [P], [c]],
      ["cx", [], [b, c]],
      ["p", [-P], [c]],
      ["cx", [], [a, c]],
      ["cx", [], [c, d]],
      ["p", [-P], [d]],
      ["cx", [], [b, d]],
      ["p", [P], [d]],
      ["cx", [], [c, d]],
      ["p", [-P], [d]],
      ["cx", [], [a, d]],
      ["p", [P], [d]],
      ["cx", [], [c, d]],
      ["p", [-P], [d]],
      ["cx", [], [b, d]],
      ["p", [P], [d]],
      ["cx", [], [c, d]],
      ["p", [-P], [d]],
      ["cx", [], [a, d]],
      ["h", [], [d]],
    ];
    for (const [n, p, q] of s) g(n, p, q);
  },
  c3sqrtx: (_, [a, b, c, d], g) => {
    const P = pi / 8;
    const cu = (l: number, x: number) => (
      g("h", [], [d]),
      g("cu1", [l], [x, d]),
      g("h", [], [d])
    );
    cu(P, a);
    g("cx", [], [a, b]);
    cu(-P, b);
    g("cx", [], [a, b]);
    cu(P, b);
    g("cx", [], [b, c]);
    cu(-P, c);
    g("cx", [], [a, c]);
    cu(P, c);
    g("cx", [], [b, c]);
    cu(-P, c);
    g("cx", [], [a, c]);
    cu(P, c);
  },
  c4x: (_, [a, b, c, d, e], g) => {
    g("h", [], [e]);
    g("cu1", [pi / 2], [d, e]);
    g("h", [], [e]);
    g("c3x", [], [a, b, c, d]);
    g("h", [], [e]);
    g("cu1", [-pi / 2], [d, e]);
    g("h", [], [e]);
    g("c3x", [], [a, b, c, d]);
    g("c3sqrtx", [], [a, b, c, e]);
  },
};

/** The test's own U(theta, phi, lambda), written from the OpenQASM / Qiskit formula. */
export function testU(t: number, p: number, l: number): Float64Array {
  const c = Math.cos(t / 2);
  const s = Math.sin(t / 2);
  return matrixFromRows([
    [c, [-Math.cos(l) * s, -Math.sin(l) * s]],
    [
      [Math.cos(p) * s, Math.sin(p) * s],
      [Math.cos(p + l) * c, Math.sin(p + l) * c],
    ],
  ]);
}

/** Expands a qelib1 gate down to U and CX, as "unitary" ops (CX is an X matrix with one control). */
export function expandQelib1(
  name: string,
  params: number[],
  qubits: number[],
): GateOp[] {
  const out: GateOp[] = [];
  const emit: Emit = (n, p, q) => {
    if (n === "U")
      out.push({
        kind: "gate",
        name: "unitary",
        qubits: q,
        params: [],
        controls: [],
        matrix: testU(p[0], p[1], p[2]),
      });
    else if (n === "CX")
      out.push({
        kind: "gate",
        name: "unitary",
        qubits: [q[1]],
        params: [],
        controls: [q[0]],
        matrix: matrixFromRows([
          [0, 1],
          [1, 0],
        ]),
      });
    else {
      const body = QELIB1[n];
      if (!body) throw new Error(`no qelib1 body for ${n}`);
      body(p, q, emit);
    }
  };
  emit(name, params, qubits);
  return out;
}
