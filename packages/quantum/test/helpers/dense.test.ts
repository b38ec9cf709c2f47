import { describe, expect, it } from "vitest";
import type { GateOp } from "../../src/ir/types.ts";
import { maxDistance } from "../../src/math/matrix.ts";
import {
  applyMatrix,
  basisState,
  denseApply,
  denseUnitary,
  fidelity,
  opUnitary,
  randomState,
  seededRng,
} from "./dense.ts";

const g = (
  name: string,
  qubits: number[],
  controls: number[] = [],
  params: number[] = [],
): GateOp => ({ kind: "gate", name, qubits, params, controls });
const R = Math.SQRT1_2;
const amplitudes = (s: Float64Array) =>
  Array.from({ length: s.length / 2 }, (_, i) => [s[2 * i], s[2 * i + 1]]);
const run = (n: number, ops: GateOp[]) =>
  ops.reduce((s, o) => denseApply(s, o), basisState(n, 0));

describe("dense reference", () => {
  describe("denseApply", () => {
    it("prepares a Bell state from h and cx", () => {
      const s = run(2, [g("h", [0]), g("x", [1], [0])]);
      expect(
        maxDistance(s, Float64Array.of(R, 0, 0, 0, 0, 0, R, 0)),
      ).toBeLessThan(1e-15);
    });

    it("prepares a 5-qubit GHZ state with only |00000> and |11111>", () => {
      const s = run(5, [
        g("h", [0]),
        ...[1, 2, 3, 4].map((q) => g("x", [q], [q - 1])),
      ]);
      const amps = amplitudes(s);
      amps.forEach(([re, im], i) =>
        expect(Math.hypot(re, im)).toBeCloseTo(i === 0 || i === 31 ? R : 0, 14),
      );
    });

    it("is little-endian: x on qubit 2 of 3 gives |100> = index 4", () => {
      const s = run(3, [g("x", [2])]);
      expect(s[8]).toBe(1);
    });

    it("swaps the qubits it is given, leaving others alone", () => {
      // |q2 q1 q0> = |0 0 1> -> swap(0, 2) -> |1 0 0>
      const s = denseApply(basisState(3, 1), g("swap", [0, 2]));
      expect(maxDistance(s, basisState(3, 4))).toBe(0);
      const t = denseApply(basisState(3, 2), g("swap", [0, 2]));
      expect(maxDistance(t, basisState(3, 2))).toBe(0);
    });

    it("applies a target only when every control is 1, whatever the qubit order", () => {
      expect(
        maxDistance(
          denseApply(basisState(3, 0b101), g("x", [1], [2, 0])),
          basisState(3, 0b111),
        ),
      ).toBe(0);
      expect(
        maxDistance(
          denseApply(basisState(3, 0b100), g("x", [1], [2, 0])),
          basisState(3, 0b100),
        ),
      ).toBe(0);
    });

    it("maps qubits[0] to the low bit of the gate matrix (cx as a 2-qubit unitary on [2, 0])", () => {
      // Qiskit's CX matrix with its control on the low bit, placed with qubits[0] = 2 (control), qubits[1] = 0 (target)
      const cx = Float64Array.from([
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0,
        0, 0, 1, 0, 0, 0, 0, 0,
      ]);
      const op: GateOp = { ...g("unitary", [2, 0]), matrix: cx };
      expect(
        maxDistance(denseApply(basisState(3, 0b100), op), basisState(3, 0b101)),
      ).toBe(0);
      expect(
        maxDistance(denseApply(basisState(3, 0b001), op), basisState(3, 0b001)),
      ).toBe(0);
    });

    it("rejects repeated or out-of-range qubits", () => {
      expect(() => opUnitary(g("x", [1], [1]), 2)).toThrow(/repeats/);
      expect(() => opUnitary(g("x", [2]), 2)).toThrow(/outside/);
    });
  });

  describe("denseUnitary", () => {
    it("includes the circuit's global phase and skips barriers", () => {
      const u = denseUnitary({
        numQubits: 1,
        ops: [{ kind: "barrier", qubits: [0] }, g("x", [0])],
        globalPhase: Math.PI / 2,
      });
      // i X
      expect(
        maxDistance(u, Float64Array.of(0, 0, 0, 1, 0, 1, 0, 0)),
      ).toBeLessThan(1e-15);
    });

    it("agrees with applying op by op on a random state", () => {
      const rng = seededRng(7);
      const ops = [
        g("h", [1]),
        g("rz", [2], [1], [0.7]),
        g("swap", [0, 3], [2]),
        g("u3", [0], [], [0.1, 0.2, 0.3]),
        g("rzz", [3, 1], [], [1.1]),
      ];
      const s0 = randomState(4, rng);
      const byOps = ops.reduce((s, o) => denseApply(s, o), s0);
      const byU = applyMatrix(
        denseUnitary({ numQubits: 4, ops, globalPhase: 0 }),
        s0,
      );
      expect(maxDistance(byOps, byU)).toBeLessThan(1e-12);
    });

    it("refuses measurements", () => {
      expect(() =>
        denseUnitary({
          numQubits: 1,
          ops: [{ kind: "measure", qubit: 0, clbit: 0 }],
          globalPhase: 0,
        }),
      ).toThrow(/measure/);
    });
  });

  describe("randomState and fidelity", () => {
    it("makes normalised, seed-reproducible states", () => {
      const a = randomState(3, seededRng(1));
      const b = randomState(3, seededRng(1));
      const c = randomState(3, seededRng(2));
      expect(fidelity(a, a)).toBeCloseTo(1, 12);
      expect(maxDistance(a, b)).toBe(0);
      expect(fidelity(a, c)).toBeLessThan(0.99);
    });

    it("ignores global phase and sees orthogonality", () => {
      const a = randomState(2, seededRng(3));
      const phased = applyMatrix(
        denseUnitary({ numQubits: 2, ops: [], globalPhase: 1.3 }),
        a,
      );
      expect(fidelity(a, phased)).toBeCloseTo(1, 12);
      expect(fidelity(basisState(2, 1), basisState(2, 2))).toBe(0);
    });
  });
});
