import { describe, expect, it } from "vitest";
import { namedChannel } from "../../src/ir/channels.ts";
import { Rng } from "../../src/math/rng.ts";
import { densityDiagonal, runDensity } from "../../src/sim/density.ts";
import { singleThreadEngine } from "../../src/sim/engine.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { seededRng } from "../helpers/dense.ts";
import { randomNoisyCircuit } from "../helpers/dense-noise.ts";
import { circuit, measure, std } from "./build.ts";

/** Upper chi-square quantile at significance 1e-3 (Wilson-Hilferty; z = 3.09). */
function chiSquareCritical(dof: number): number {
  const z = 3.0902;
  const a = 2 / (9 * dof);
  return dof * (1 - a + z * Math.sqrt(a)) ** 3;
}

/** Pearson's statistic of counts against probabilities, bins with expected < 5 pooled. */
function chiSquare(
  counts: Record<string, number>,
  expected: Map<string, number>,
  shots: number,
): { stat: number; dof: number } {
  let stat = 0,
    dof = -1,
    poolE = 0,
    poolO = 0;
  for (const [k, p] of expected) {
    const e = p * shots,
      o = counts[k] ?? 0;
    if (e < 5) {
      poolE += e;
      poolO += o;
      continue;
    }
    stat += (o - e) ** 2 / e;
    dof++;
  }
  for (const k of Object.keys(counts)) if (!expected.has(k)) poolO += counts[k];
  if (poolE > 0) {
    stat += (poolO - poolE) ** 2 / Math.max(poolE, 1e-9);
    dof++;
  }
  return { stat, dof: Math.max(dof, 1) };
}

describe("trajectories", () => {
  it.each([
    ["split on the fly", false],
    ["mixed-unitary channels sampled up front and fused", true],
  ])(
    "agree with the density matrix on 10 random noisy circuits (chi-square, fixed seeds; %s)",
    (_, presample) => {
      const rng = seededRng(77);
      const shots = 3000;
      for (let t = 0; t < 10; t++) {
        const n = 2 + (t % 3);
        const c = randomNoisyCircuit(n, 10, rng);
        const run = runDensity(
          c,
          {
            engine: singleThreadEngine(),
            precision: "double",
            rng: new Rng(1),
          },
          { fusion: true, blocking: false },
        );
        const p = densityDiagonal(run, n);
        const expected = new Map<string, number>();
        p.forEach((x, i) => expected.set(i.toString(2).padStart(n, "0"), x));
        const r = simulate(c, {
          shots,
          seed: 1000 + t,
          method: "trajectories",
          presample,
        });
        if (!r.ok) throw new Error(r.error.message);
        expect(r.result.method).toBe("trajectories");
        const { stat, dof } = chiSquare(r.result.counts, expected, shots);
        expect(stat, `circuit ${t}: chi2 ${stat} with ${dof} dof`).toBeLessThan(
          chiSquareCritical(dof),
        );
      }
    },
  );

  it("groups shots that take the same branch (few states, few sweeps)", () => {
    const dep = namedChannel("depolarizing", [0.01]);
    if (!dep.ok) throw new Error(dep.message);
    const ops = [];
    for (let q = 0; q < 6; q++)
      ops.push(...std("h", [q]), {
        kind: "noise" as const,
        channel: dep.channel,
        qubits: [q],
      });
    const c = circuit(6, ops);
    const r = simulate(c, {
      shots: 10000,
      seed: 5,
      method: "trajectories",
      presample: false,
    });
    if (!r.ok) throw new Error(r.error.message);
    // 6 channels at 1%: about 6% of the shots see an error; each branch costs at most one sweep.
    expect(r.result.sweeps).toBeLessThan(1000);
    expect(r.result.peakStates).toBeLessThanOrEqual(1 + Math.log2(10000));
  });

  it.each([false, true])(
    "keeps the states alive within the memory limit, with the same distribution (presample %s)",
    (presample) => {
      // Amplitude damping (not a mixture of unitaries: split where it stands) on every qubit,
      // twice, between layers of h: many branches at once without a cap.
      const n = 4;
      const damp = namedChannel("amplitude_damping", [0.3]);
      if (!damp.ok) throw new Error(damp.message);
      const ops = [];
      for (let layer = 0; layer < 2; layer++)
        for (let q = 0; q < n; q++)
          ops.push(...std("h", [q]), {
            kind: "noise" as const,
            channel: damp.channel,
            qubits: [q],
          });
      const c = circuit(n, ops);
      const run = runDensity(
        c,
        { engine: singleThreadEngine(), precision: "double", rng: new Rng(1) },
        { fusion: true, blocking: false },
      );
      const expected = new Map<string, number>();
      densityDiagonal(run, n).forEach((x, i) =>
        expected.set(i.toString(2).padStart(n, "0"), x),
      );
      const shots = 3000;
      const free = simulate(c, {
        shots,
        seed: 3,
        method: "trajectories",
        presample,
      });
      const capped = simulate(c, {
        shots,
        seed: 3,
        method: "trajectories",
        presample,
        // Room for two states of 4 qubits (16 amplitudes of 16 bytes).
        memoryLimitBytes: 2 * 16 * 16,
      });
      if (!free.ok || !capped.ok) throw new Error("simulation failed");
      expect(free.result.peakStates).toBeGreaterThan(2);
      expect(capped.result.peakStates).toBeLessThanOrEqual(2);
      const { stat, dof } = chiSquare(capped.result.counts, expected, shots);
      expect(stat).toBeLessThan(chiSquareCritical(dof));
    },
  );

  it("runs mid-circuit measurement with noise and readout errors (auto picks trajectories)", () => {
    const ad = namedChannel("amplitude_damping", [0.5]);
    if (!ad.ok) throw new Error(ad.message);
    const c = circuit(
      1,
      [
        ...std("x", [0]),
        { kind: "noise", channel: ad.channel, qubits: [0] },
        measure(0, 0),
        ...std("x", [0], []).map((g) => ({
          ...g,
          condition: { clbits: [0], op: "==" as const, value: 1 },
        })),
        measure(0, 1),
      ],
      [2],
    );
    const r = simulate(c, { shots: 4000, seed: 9 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result.method).toBe("trajectories");
    // Outcome 1 (p = 0.5) is flipped back to 0: "01"; outcome 0: "00".
    expect(Object.keys(r.result.counts).sort()).toEqual(["00", "01"]);
    expect(r.result.counts["01"] / 4000).toBeCloseTo(0.5, 1);
    const dm = simulate(c, { shots: 10, method: "density_matrix" });
    expect(dm).toMatchObject({
      ok: false,
      error: { code: "SIM_METHOD_UNSUPPORTED" },
    });
  });
});
