import { describe, expect, it } from "vitest";
import {
  BASE_GATE_NAMES,
  STANDARD_GATE_NAMES,
  gateKind,
  gateMatrix,
  inverseGateOps,
  lookupGate,
  powerGateOps,
  standardGateOps,
} from "../../src/ir/gates.ts";
import type { GateOp } from "../../src/ir/types.ts";
import {
  approxEqual,
  approxEqualUpToPhase,
  identity,
  isUnitary,
  matrixFromRows,
  maxDistance,
} from "../../src/math/matrix.ts";
import { denseUnitary, seededRng } from "../helpers/dense.ts";
import { expandQelib1, QELIB1 } from "./qelib1-bodies.ts";

const pi = Math.PI;
const rng = seededRng(20261125);
const angle = () => (rng() * 2 - 1) * 2 * pi;
const unitaryOf = (n: number, ops: readonly GateOp[], globalPhase = 0) =>
  denseUnitary({ numQubits: n, ops, globalPhase });
const op = (
  name: string,
  qubits: number[],
  params: number[] = [],
  controls: number[] = [],
): GateOp => ({ kind: "gate", name, qubits, params, controls });
const baseArity = (name: string) =>
  lookupGate(name === "u3" ? "u3" : name === "gphase" ? "gphase" : name)!;
const randomParams = (k: number) => Array.from({ length: k }, angle);

/** A permuted placement of k qubits inside a register of k + 1, so qubit order and gaps matter. */
const order = (k: number) => [2, 0, 3, 1, 4, 5].filter((q) => q <= k);
const placement = (k: number) => order(k).slice(0, k);
/** The qubit of the k + 1 register that `placement(k)` leaves free. */
const spare = (k: number) => order(k)[k];

describe("gate table", () => {
  describe("gateMatrix", () => {
    it.each(BASE_GATE_NAMES)("%s is unitary of the right size", (name) => {
      const sig = baseArity(name);
      const m = gateMatrix({ name, params: randomParams(sig.numParams) });
      expect(m.length).toBe(2 * 4 ** sig.numQubits);
      expect(isUnitary(m, 1e-12)).toBe(true);
    });

    it("matches Qiskit's documented matrices", () => {
      const t = 0.7;
      const c = Math.cos(t / 2);
      const s = Math.sin(t / 2);
      const e = (x: number): [number, number] => [Math.cos(x), Math.sin(x)];
      const R = Math.SQRT1_2;
      const cases: [string, number[], Float64Array][] = [
        [
          "rz",
          [t],
          matrixFromRows([
            [e(-t / 2), 0],
            [0, e(t / 2)],
          ]),
        ],
        [
          "rx",
          [t],
          matrixFromRows([
            [c, [0, -s]],
            [[0, -s], c],
          ]),
        ],
        [
          "ry",
          [t],
          matrixFromRows([
            [c, -s],
            [s, c],
          ]),
        ],
        [
          "p",
          [t],
          matrixFromRows([
            [1, 0],
            [0, e(t)],
          ]),
        ],
        [
          "u3",
          [t, 0.3, 1.1],
          matrixFromRows([
            [c, [-Math.cos(1.1) * s, -Math.sin(1.1) * s]],
            [
              [Math.cos(0.3) * s, Math.sin(0.3) * s],
              [Math.cos(1.4) * c, Math.sin(1.4) * c],
            ],
          ]),
        ],
        [
          "u2",
          [0.3, 1.1],
          matrixFromRows([
            [R, [-Math.cos(1.1) * R, -Math.sin(1.1) * R]],
            [
              [Math.cos(0.3) * R, Math.sin(0.3) * R],
              [Math.cos(1.4) * R, Math.sin(1.4) * R],
            ],
          ]),
        ],
        [
          "h",
          [],
          matrixFromRows([
            [R, R],
            [R, -R],
          ]),
        ],
        [
          "y",
          [],
          matrixFromRows([
            [0, [0, -1]],
            [[0, 1], 0],
          ]),
        ],
        [
          "sx",
          [],
          matrixFromRows([
            [
              [0.5, 0.5],
              [0.5, -0.5],
            ],
            [
              [0.5, -0.5],
              [0.5, 0.5],
            ],
          ]),
        ],
        [
          "t",
          [],
          matrixFromRows([
            [1, 0],
            [0, e(pi / 4)],
          ]),
        ],
        [
          "r",
          [t, 0.4],
          matrixFromRows([
            [c, [-Math.sin(0.4) * s, -Math.cos(0.4) * s]],
            [[Math.sin(0.4) * s, -Math.cos(0.4) * s], c],
          ]),
        ],
        [
          "rzz",
          [t],
          matrixFromRows([
            [e(-t / 2), 0, 0, 0],
            [0, e(t / 2), 0, 0],
            [0, 0, e(t / 2), 0],
            [0, 0, 0, e(-t / 2)],
          ]),
        ],
        [
          "rxx",
          [t],
          matrixFromRows([
            [c, 0, 0, [0, -s]],
            [0, c, [0, -s], 0],
            [0, [0, -s], c, 0],
            [[0, -s], 0, 0, c],
          ]),
        ],
        [
          "ryy",
          [t],
          matrixFromRows([
            [c, 0, 0, [0, s]],
            [0, c, [0, -s], 0],
            [0, [0, -s], c, 0],
            [[0, s], 0, 0, c],
          ]),
        ],
        [
          "rzx",
          [t],
          matrixFromRows([
            [c, 0, [0, -s], 0],
            [0, c, 0, [0, s]],
            [[0, -s], 0, c, 0],
            [0, [0, s], 0, c],
          ]),
        ],
        [
          "swap",
          [],
          matrixFromRows([
            [1, 0, 0, 0],
            [0, 0, 1, 0],
            [0, 1, 0, 0],
            [0, 0, 0, 1],
          ]),
        ],
        [
          "iswap",
          [],
          matrixFromRows([
            [1, 0, 0, 0],
            [0, 0, [0, 1], 0],
            [0, [0, 1], 0, 0],
            [0, 0, 0, 1],
          ]),
        ],
        [
          "dcx",
          [],
          matrixFromRows([
            [1, 0, 0, 0],
            [0, 0, 0, 1],
            [0, 1, 0, 0],
            [0, 0, 1, 0],
          ]),
        ],
        [
          "ecr",
          [],
          matrixFromRows([
            [0, R, 0, [0, R]],
            [R, 0, [0, -R], 0],
            [0, [0, R], 0, R],
            [[0, -R], 0, R, 0],
          ]),
        ],
      ];
      for (const [name, params, want] of cases)
        expect(
          maxDistance(gateMatrix({ name, params }), want),
          name,
        ).toBeLessThan(1e-15);
    });

    it("puts qubits[0] on the least-significant bit (Qiskit's CX with control q0)", () => {
      const cx = unitaryOf(2, standardGateOps("cx", [], [0, 1]));
      expect(
        approxEqual(
          cx,
          matrixFromRows([
            [1, 0, 0, 0],
            [0, 0, 0, 1],
            [0, 0, 1, 0],
            [0, 1, 0, 0],
          ]),
          1e-15,
        ),
      ).toBe(true);
    });

    it("returns the matrix of a unitary op and refuses unknown names", () => {
      const m = matrixFromRows([
        [0, 1],
        [1, 0],
      ]);
      expect(gateMatrix({ name: "unitary", params: [], matrix: m })).toBe(m);
      expect(() => gateMatrix({ name: "nope", params: [] })).toThrow(/unknown/);
      expect(() => gateMatrix({ name: "rx", params: [] })).toThrow(/parameter/);
    });
  });

  describe("gateKind", () => {
    it.each(BASE_GATE_NAMES)("%s has the structure its kind claims", (name) => {
      const m = gateMatrix({
        name,
        params: randomParams(baseArity(name).numParams),
      });
      const d = Math.sqrt(m.length / 2);
      const nz = (r: number, c: number) =>
        Math.hypot(m[2 * (r * d + c)], m[2 * (r * d + c) + 1]) > 1e-12;
      const kind = gateKind(name);
      for (let c = 0; c < d; c++) {
        const rows = Array.from({ length: d }, (_, r) => r).filter((r) =>
          nz(r, c),
        );
        if (kind === "diagonal") expect(rows).toEqual([c]);
        if (kind === "permutation") expect(rows.length).toBe(1);
      }
      if (["h", "sx", "rx", "u3", "ecr", "rxx"].includes(name))
        expect(kind).toBe("dense");
    });
  });

  describe("qelib1.inc definitions", () => {
    const names = Object.keys(QELIB1);
    it.each(names)("%s equals its qelib1 body up to global phase", (name) => {
      const sig = lookupGate(name)!;
      expect(sig.qelib1).toBe(true);
      const params = randomParams(sig.numParams);
      const qubits = placement(sig.numQubits);
      const n = sig.numQubits + 1;
      const mine = unitaryOf(n, standardGateOps(name, params, qubits));
      const theirs = unitaryOf(n, expandQelib1(name, params, qubits));
      expect(approxEqualUpToPhase(mine, theirs, 1e-9)).toBe(true);
    });

    it("covers every gate flagged qelib1", () => {
      const flagged = STANDARD_GATE_NAMES.filter((n) => lookupGate(n)!.qelib1);
      expect(flagged.sort()).toEqual(names.sort());
    });
  });

  describe("controlled names", () => {
    const cases: [string, string, number][] = [
      ["cx", "x", 1],
      ["CX", "x", 1],
      ["ccx", "x", 2],
      ["c3x", "x", 3],
      ["c4x", "x", 4],
      ["cy", "y", 1],
      ["cz", "z", 1],
      ["ch", "h", 1],
      ["csx", "sx", 1],
      ["c3sqrtx", "sx", 3],
      ["crx", "rx", 1],
      ["cry", "ry", 1],
      ["crz", "rz", 1],
      ["cp", "p", 1],
      ["cu1", "p", 1],
      ["cphase", "p", 1],
      ["cu3", "u3", 1],
      ["cswap", "swap", 1],
    ];
    it.each(cases)("%s is %s with %i control(s)", (name, baseName, k) => {
      const sig = lookupGate(name)!;
      const params = randomParams(sig.numParams);
      const qubits = placement(sig.numQubits);
      const n = sig.numQubits + 1;
      const ops = standardGateOps(name, params, qubits);
      expect(ops).toEqual([
        op(baseName, qubits.slice(k), params, qubits.slice(0, k)),
      ]);
      // Independent expectation: apply the base matrix to the target bits only where all controls are 1.
      const base = gateMatrix({ name: baseName, params });
      const targets = qubits.slice(k);
      const dim = 1 << n;
      const want = new Float64Array(2 * dim * dim);
      const bd = 1 << targets.length;
      for (let col = 0; col < dim; col++) {
        if (!qubits.slice(0, k).every((c) => (col >> c) & 1)) {
          want[2 * (col * dim + col)] = 1;
          continue;
        }
        let sub = 0;
        targets.forEach((t, i) => (sub |= ((col >> t) & 1) << i));
        for (let r = 0; r < bd; r++) {
          let row = col;
          targets.forEach(
            (t, i) => (row = (row & ~(1 << t)) | (((r >> i) & 1) << t)),
          );
          want[2 * (row * dim + col)] = base[2 * (r * bd + sub)];
          want[2 * (row * dim + col) + 1] = base[2 * (r * bd + sub) + 1];
        }
      }
      expect(maxDistance(unitaryOf(n, ops), want)).toBeLessThan(1e-12);
    });

    it("lowers cu to a controlled u3 and a phase on the control (Qiskit's CUGate)", () => {
      const [t, p, l, g] = [0.3, -1.2, 2.2, 0.9];
      const ops = standardGateOps("cu", [t, p, l, g], [0, 1]);
      expect(ops).toEqual([op("u3", [1], [t, p, l], [0]), op("p", [0], [g])]);
      const u = gateMatrix({ name: "u3", params: [t, p, l] });
      const eg = [Math.cos(g), Math.sin(g)];
      // |0><0| (x) I + e^{ig} |1><1| (x) U with the control on bit 0: rows/cols (q1 q0) = 1, 3 carry U.
      const want = new Float64Array(32);
      want[0] = 1;
      want[2 * (2 * 4 + 2)] = 1;
      for (const [r, rr] of [
        [1, 0],
        [3, 1],
      ])
        for (const [c, cc] of [
          [1, 0],
          [3, 1],
        ]) {
          const ur = u[2 * (rr * 2 + cc)];
          const ui = u[2 * (rr * 2 + cc) + 1];
          want[2 * (r * 4 + c)] = eg[0] * ur - eg[1] * ui;
          want[2 * (r * 4 + c) + 1] = eg[0] * ui + eg[1] * ur;
        }
      expect(maxDistance(unitaryOf(2, ops), want)).toBeLessThan(1e-12);
    });
  });

  describe("lookupGate and standardGateOps", () => {
    it("reports arity and where each name is defined", () => {
      expect(lookupGate("cx")).toEqual({
        name: "cx",
        numQubits: 2,
        numParams: 0,
        qelib1: true,
        stdgates: true,
        builtin: false,
      });
      expect(lookupGate("CX")).toMatchObject({
        numQubits: 2,
        builtin: true,
        qelib1: false,
        stdgates: true,
      });
      expect(lookupGate("U")).toMatchObject({
        numQubits: 1,
        numParams: 3,
        builtin: true,
      });
      expect(lookupGate("gphase")).toMatchObject({
        numQubits: 0,
        numParams: 1,
        builtin: true,
        stdgates: false,
      });
      expect(lookupGate("sxdg")).toMatchObject({
        qelib1: true,
        stdgates: false,
      });
      expect(lookupGate("phase")).toMatchObject({
        qelib1: false,
        stdgates: true,
      });
      expect(lookupGate("c4x")).toMatchObject({ numQubits: 5, qelib1: true });
      expect(lookupGate("cu")).toMatchObject({
        numQubits: 2,
        numParams: 4,
        qelib1: true,
        stdgates: true,
      });
      expect(lookupGate("u0")).toMatchObject({ numParams: 1, qelib1: true });
      expect(lookupGate("ecr")).toMatchObject({
        qelib1: false,
        stdgates: false,
        builtin: false,
      });
      expect(lookupGate("nope")).toBeUndefined();
      expect(lookupGate("toString")).toBeUndefined();
    });

    it("maps aliases onto one canonical name", () => {
      expect(standardGateOps("u", [1, 2, 3], [4])).toEqual([
        op("u3", [4], [1, 2, 3]),
      ]);
      expect(standardGateOps("U", [1, 2, 3], [4])).toEqual([
        op("u3", [4], [1, 2, 3]),
      ]);
      expect(standardGateOps("u1", [0.5], [1])).toEqual([op("p", [1], [0.5])]);
      expect(standardGateOps("phase", [0.5], [1])).toEqual([
        op("p", [1], [0.5]),
      ]);
      expect(standardGateOps("u0", [7], [2])).toEqual([op("id", [2])]);
      expect(standardGateOps("c4x", [], [0, 1, 2, 3, 4])).toEqual([
        op("x", [4], [], [0, 1, 2, 3]),
      ]);
      expect(standardGateOps("gphase", [0.25], [])).toEqual([
        op("gphase", [], [0.25]),
      ]);
    });

    it("throws on programming errors (unknown names, wrong arity)", () => {
      expect(() => standardGateOps("foo", [], [0])).toThrow(
        /not a standard gate/,
      );
      expect(() => standardGateOps("cx", [], [0])).toThrow(/takes 0 parameter/);
    });
  });

  describe("inverseGateOps", () => {
    const samples: GateOp[] = BASE_GATE_NAMES.flatMap((name) => {
      const sig = baseArity(name);
      const q = placement(sig.numQubits);
      return [
        op(name, q, randomParams(sig.numParams)),
        op(name, q, randomParams(sig.numParams), [spare(sig.numQubits)]),
      ];
    });
    samples.push(op("unitary", [1], [], [0]));
    (samples[samples.length - 1] as { matrix?: Float64Array }).matrix =
      gateMatrix({ name: "u3", params: [0.4, 0.5, 0.6] });
    it.each(
      samples.map(
        (s) =>
          [`${s.name}${s.controls.length ? " controlled" : ""}`, s] as const,
      ),
    )("%s times its inverse is the identity", (_, g) => {
      const n = Math.max(...g.qubits, ...g.controls, 0) + 1;
      const inv = inverseGateOps(g);
      for (const o of inv)
        expect(o.controls.slice(0, g.controls.length)).toEqual(g.controls);
      expect(
        maxDistance(unitaryOf(n, [g, ...inv]), identity(1 << n)),
      ).toBeLessThan(1e-12);
    });

    it("uses the documented canonical inverses", () => {
      expect(inverseGateOps(op("s", [0]))).toEqual([op("sdg", [0])]);
      expect(inverseGateOps(op("rx", [0], [0.3]))).toEqual([
        op("rx", [0], [-0.3]),
      ]);
      expect(inverseGateOps(op("u3", [0], [1, 2, 3]))).toEqual([
        op("u3", [0], [-1, -3, -2]),
      ]);
      expect(
        inverseGateOps(op("rccx", [0, 1, 2])).every(
          (o) => o.name !== "unitary",
        ),
      ).toBe(true);
    });
  });

  describe("powerGateOps", () => {
    const rotations = [
      "rx",
      "ry",
      "rz",
      "p",
      "rxx",
      "ryy",
      "rzz",
      "rzx",
      "r",
      "gphase",
    ];
    const others = [
      "x",
      "y",
      "z",
      "h",
      "s",
      "sdg",
      "t",
      "tdg",
      "sx",
      "sxdg",
      "u2",
      "u3",
      "swap",
      "iswap",
      "dcx",
      "ecr",
      "rccx",
      "rc3x",
    ];
    it.each([...rotations, ...others])("(%s^0.5)^2 equals the gate", (name) => {
      const sig = baseArity(name);
      const g = op(
        name,
        placement(sig.numQubits),
        randomParams(sig.numParams),
        [spare(sig.numQubits)],
      );
      const n = sig.numQubits + 1;
      const half = powerGateOps(g, 0.5);
      // Angle halving is the principal root only while the eigenphases stay in (-π, π].
      const a = g.params[0];
      const principal =
        name === "p" || name === "gphase"
          ? a > -Math.PI && a <= Math.PI
          : Math.abs(a) < 2 * Math.PI;
      if (rotations.includes(name) && principal)
        expect(half).toEqual([
          { ...g, params: [g.params[0] / 2, ...g.params.slice(1)] },
        ]);
      expect(
        maxDistance(unitaryOf(n, [...half, ...half]), unitaryOf(n, [g])),
      ).toBeLessThan(1e-9);
    });

    it("repeats for integer powers and inverts for negative ones", () => {
      const g = op("u3", [1], [0.3, 0.2, 0.1], [0]);
      expect(powerGateOps(g, 3)).toEqual([g, g, g]);
      expect(powerGateOps(g, 0)).toEqual([]);
      expect(
        maxDistance(unitaryOf(2, [...powerGateOps(g, -2), g, g]), identity(4)),
      ).toBeLessThan(1e-12);
      expect(powerGateOps(op("x", [0]), 4)).toEqual([]);
      expect(powerGateOps(op("id", [0]), 0.3)).toEqual([op("id", [0])]);
      expect(powerGateOps(op("x", [0]), 0.5)).toEqual([op("sx", [0])]);
      expect(powerGateOps(op("s", [0]), 0.5)).toEqual([op("p", [0], [pi / 4])]);
      const big = powerGateOps(g, 25);
      expect(big).toHaveLength(1);
      expect(
        maxDistance(unitaryOf(2, big), unitaryOf(2, Array(25).fill(g))),
      ).toBeLessThan(1e-9);
    });

    it("takes the principal branch (z^0.5 = s, x^0.5 = sx, swap^0.5 is the standard sqrt-swap)", () => {
      expect(
        maxDistance(
          unitaryOf(1, powerGateOps(op("z", [0]), 0.5)),
          gateMatrix({ name: "s", params: [] }),
        ),
      ).toBeLessThan(1e-12);
      const y = powerGateOps(op("y", [0]), 0.5);
      expect(
        maxDistance(
          unitaryOf(1, y),
          matrixFromRows([
            [
              [0.5, 0.5],
              [-0.5, -0.5],
            ],
            [
              [0.5, 0.5],
              [0.5, 0.5],
            ],
          ]),
        ),
      ).toBeLessThan(1e-12);
      const sq = unitaryOf(2, powerGateOps(op("swap", [0, 1]), 0.5));
      const a: [number, number] = [0.5, 0.5];
      const b: [number, number] = [0.5, -0.5];
      expect(
        maxDistance(
          sq,
          matrixFromRows([
            [1, 0, 0, 0],
            [0, a, b, 0],
            [0, b, a, 0],
            [0, 0, 0, 1],
          ]),
        ),
      ).toBeLessThan(1e-12);
    });
  });
});
