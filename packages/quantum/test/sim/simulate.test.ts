import { describe, expect, it } from "vitest";
import { inverseGateOps, powerGateOps } from "../../src/ir/gates.ts";
import type { Operation } from "../../src/ir/types.ts";
import { simulate } from "../../src/sim/simulate.ts";
import {
  applyMatrix,
  basisState,
  denseUnitary,
  fidelity,
  seededRng,
} from "../helpers/dense.ts";
import { circuit, measure, randomCircuit, std } from "./build.ts";

function stateOf(
  c: Parameters<typeof simulate>[0],
  opts: Parameters<typeof simulate>[1] = {},
): Float64Array {
  const out = simulate(c, { shots: 0, statevector: true, seed: 1, ...opts });
  if (!out.ok) throw new Error(out.error.message);
  return out.result.statevector!;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("simulate", () => {
  describe("against the dense reference", () => {
    const cases: [number, number][] = [];
    for (let seed = 1; seed <= 24; seed++) cases.push([seed, 2 + (seed % 7)]);
    it.each(cases)(
      "random circuit %i on %i qubits agrees, fused and unfused, double and single",
      (seed, n) => {
        const rng = seededRng(seed * 101);
        const c = randomCircuit(n, 30 + 4 * n, rng);
        const want = applyMatrix(denseUnitary(c), basisState(n, 0));
        for (const fusion of [true, false]) {
          const dbl = stateOf(c, { fusion });
          // exact amplitudes (global phase included), not just fidelity
          expect(maxDiff(dbl, want), `fusion=${fusion}`).toBeLessThan(1e-10);
          expect(fidelity(dbl, want)).toBeGreaterThan(1 - 1e-10);
          expect(
            fidelity(stateOf(c, { fusion, precision: "single" }), want),
          ).toBeGreaterThan(1 - 1e-5);
        }
      },
    );

    it("fusion reduces the number of sweeps on a layered circuit", () => {
      const rng = seededRng(3);
      const ops: Operation[] = [];
      for (let layer = 0; layer < 6; layer++) {
        for (let q = 0; q < 6; q++)
          ops.push(...std(["rx", "ry", "rz"][layer % 3], [q], [rng() * 6]));
        for (let q = layer % 2; q + 1 < 6; q += 2)
          ops.push(...std("cz", [q, q + 1]));
      }
      const c = circuit(6, ops);
      const fused = simulate(c, { shots: 1, seed: 1 });
      const plain = simulate(c, { shots: 1, seed: 1, fusion: false });
      if (!fused.ok || !plain.ok) throw new Error("failed");
      expect(plain.result.sweeps).toBe(ops.length);
      expect(fused.result.sweeps).toBeLessThan(ops.length / 2);
    });
  });

  describe("known results", () => {
    it("prepares a Bell state", () => {
      const s = stateOf(circuit(2, [...std("h", [0]), ...std("cx", [0, 1])]));
      expect(
        maxDiff(
          s,
          Float64Array.of(Math.SQRT1_2, 0, 0, 0, 0, 0, Math.SQRT1_2, 0),
        ),
      ).toBeLessThan(1e-15);
    });

    it("prepares a 5-qubit GHZ state with counts only on all-zeros and all-ones", () => {
      const ops: Operation[] = [...std("h", [0])];
      for (let q = 0; q < 4; q++) ops.push(...std("cx", [q, q + 1]));
      for (let q = 0; q < 5; q++) ops.push(measure(q, q));
      const out = simulate(circuit(5, ops, [5]), { shots: 2000, seed: 9 });
      if (!out.ok) throw new Error(out.error.message);
      expect(Object.keys(out.result.counts).sort()).toEqual(["00000", "11111"]);
      expect(out.result.counts["00000"]).toBeGreaterThan(900);
      expect(out.result.counts["00000"] + out.result.counts["11111"]).toBe(
        2000,
      );
    });

    it("QFT of a basis state |x> gives amplitudes e^{2 pi i x k / 2^n} / sqrt(2^n)", () => {
      const n = 4,
        x = 5;
      const ops: Operation[] = [];
      for (let q = 0; q < n; q++) if ((x >> q) & 1) ops.push(...std("x", [q]));
      // textbook QFT: h on the top qubit first, then controlled phases, then reverse order with swaps
      for (let j = n - 1; j >= 0; j--) {
        ops.push(...std("h", [j]));
        for (let k = j - 1; k >= 0; k--)
          ops.push(...std("cp", [k, j], [Math.PI / 2 ** (j - k)]));
      }
      for (let q = 0; q < n / 2; q++) ops.push(...std("swap", [q, n - 1 - q]));
      const s = stateOf(circuit(n, ops));
      const d = 2 ** n;
      for (let k = 0; k < d; k++) {
        const ang = (2 * Math.PI * x * k) / d;
        expect(s[2 * k]).toBeCloseTo(Math.cos(ang) / Math.sqrt(d), 12);
        expect(s[2 * k + 1]).toBeCloseTo(Math.sin(ang) / Math.sqrt(d), 12);
      }
    });

    it.each([
      [2, 2],
      [3, 5],
    ])("Grover on %i qubits finds the marked item %i", (n, marked) => {
      const ops: Operation[] = [];
      const all = Array.from({ length: n }, (_, q) => q);
      const mcz = (): Operation[] =>
        n === 2
          ? std("cz", [0, 1])
          : [...std("h", [2]), ...std("ccx", [0, 1, 2]), ...std("h", [2])];
      const flipZeros = (): Operation[] =>
        all.filter((q) => !((marked >> q) & 1)).flatMap((q) => std("x", [q]));
      for (const q of all) ops.push(...std("h", [q]));
      const iterations = n === 2 ? 1 : 2;
      for (let it = 0; it < iterations; it++) {
        ops.push(...flipZeros(), ...mcz(), ...flipZeros());
        for (const q of all) ops.push(...std("h", [q]), ...std("x", [q]));
        ops.push(...mcz());
        for (const q of all) ops.push(...std("x", [q]), ...std("h", [q]));
      }
      all.forEach((q) => ops.push(measure(q, q)));
      const out = simulate(circuit(n, ops, [n]), { shots: 1000, seed: 4 });
      if (!out.ok) throw new Error(out.error.message);
      const key = marked.toString(2).padStart(n, "0");
      expect(out.result.counts[key]).toBeGreaterThan(n === 2 ? 999 : 900);
    });

    it("teleports ry(theta)|0> with mid-circuit measurement and conditions", () => {
      const theta = 1.1;
      const ops: Operation[] = [
        ...std("ry", [0], [theta]),
        ...std("h", [1]),
        ...std("cx", [1, 2]),
        ...std("cx", [0, 1]),
        ...std("h", [0]),
        measure(0, 0),
        measure(1, 1),
        ...std("x", [2]).map((o) => ({
          ...o,
          condition: { clbits: [1], op: "==" as const, value: 1 },
        })),
        ...std("z", [2]).map((o) => ({
          ...o,
          condition: { clbits: [0], op: "==" as const, value: 1 },
        })),
        measure(2, 2),
      ];
      const shots = 4000;
      const out = simulate(circuit(3, ops, [2, 1]), { shots, seed: 11 });
      if (!out.ok) throw new Error(out.error.message);
      expect(out.result.method).toBe("trajectories");
      let ones = 0,
        total = 0;
      for (const [k, v] of Object.entries(out.result.counts)) {
        expect(k).toMatch(/^[01] [01]{2}$/);
        total += v;
        if (k[0] === "1") ones += v;
      }
      expect(total).toBe(shots);
      const p1 = Math.sin(theta / 2) ** 2;
      const sd = Math.sqrt((p1 * (1 - p1)) / shots);
      expect(Math.abs(ones / shots - p1)).toBeLessThan(5 * sd);
      // the two Bell-measurement bits are uniform
      const c00 = Object.entries(out.result.counts)
        .filter(([k]) => k.endsWith("00"))
        .reduce((s, [, v]) => s + v, 0);
      expect(Math.abs(c00 / shots - 0.25)).toBeLessThan(0.04);
    });

    it("inv and pow results match the gate algebra", () => {
      const rng = seededRng(77);
      const body = randomCircuit(3, 12, rng).ops.filter(
        (o) => o.kind === "gate",
      );
      const inverse = [...body]
        .reverse()
        .flatMap((o) => (o.kind === "gate" ? inverseGateOps(o) : []));
      const s = stateOf(circuit(3, [...body, ...inverse]));
      expect(fidelity(s, basisState(3, 0))).toBeGreaterThan(1 - 1e-12);
      const sx2 = stateOf(circuit(1, powerGateOps(std("sx", [0])[0], 2)));
      const x = stateOf(circuit(1, std("x", [0])));
      expect(maxDiff(sx2, x)).toBeLessThan(1e-12);
      const tHalf = stateOf(
        circuit(1, [...std("h", [0]), ...powerGateOps(std("s", [0])[0], 0.5)]),
      );
      const t = stateOf(circuit(1, [...std("h", [0]), ...std("t", [0])]));
      expect(maxDiff(tHalf, t)).toBeLessThan(1e-12);
    });

    it("U and u3 follow Qiskit's UGate exactly, including the phase", () => {
      const [th, ph, la] = [0.3, 1.2, -0.7];
      const s = stateOf(circuit(1, std("U", [0], [th, ph, la])));
      // column 0 of U(θ,φ,λ): [cos θ/2, e^{iφ} sin θ/2]
      expect(s[0]).toBeCloseTo(Math.cos(th / 2), 14);
      expect(s[1]).toBeCloseTo(0, 14);
      expect(s[2]).toBeCloseTo(Math.cos(ph) * Math.sin(th / 2), 14);
      expect(s[3]).toBeCloseTo(Math.sin(ph) * Math.sin(th / 2), 14);
      const s1 = stateOf(
        circuit(1, [...std("x", [0]), ...std("u3", [0], [th, ph, la])]),
      );
      // column 1: [-e^{iλ} sin θ/2, e^{i(φ+λ)} cos θ/2]
      expect(s1[0]).toBeCloseTo(-Math.cos(la) * Math.sin(th / 2), 14);
      expect(s1[1]).toBeCloseTo(-Math.sin(la) * Math.sin(th / 2), 14);
      expect(s1[2]).toBeCloseTo(Math.cos(ph + la) * Math.cos(th / 2), 14);
      expect(s1[3]).toBeCloseTo(Math.sin(ph + la) * Math.cos(th / 2), 14);
    });

    it("applies the circuit's global phase and gphase ops to the statevector", () => {
      const c = circuit(
        1,
        [
          {
            kind: "gate",
            name: "gphase",
            qubits: [],
            controls: [],
            params: [0.5],
          },
        ],
        [],
        0.25,
      );
      const s = stateOf(c);
      expect(s[0]).toBeCloseTo(Math.cos(0.75), 14);
      expect(s[1]).toBeCloseTo(Math.sin(0.75), 14);
    });
  });
});
