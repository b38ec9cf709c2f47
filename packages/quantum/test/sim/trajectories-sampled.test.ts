import { describe, expect, it } from "vitest";
import {
  type Channel,
  PAULIS,
  krausChannel,
  namedChannel,
} from "../../src/ir/channels.ts";
import type { Operation } from "../../src/ir/types.ts";
import { kron, scale } from "../../src/math/matrix.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { sampledChannels, unitaryGates } from "../../src/sim/trajectories.ts";
import { seededRng } from "../helpers/dense.ts";
import { randomNoisyCircuit } from "../helpers/dense-noise.ts";
import { chiSquare, chiSquareBound } from "./branch-reference.ts";
import { circuit, measure, std } from "./build.ts";

function named(name: string, params: number[]): Channel {
  const r = namedChannel(name, params);
  if (!r.ok) throw new Error(r.message);
  return r.channel;
}

function noise(channel: Channel, qubits: number[]): Operation {
  return { kind: "noise", channel, qubits };
}

function counts(c: Parameters<typeof simulate>[0], options = {}) {
  const r = simulate(c, {
    method: "trajectories",
    presample: true,
    ...options,
  });
  if (!r.ok) throw new Error(r.error.message);
  return r.result;
}

describe("unitaryGates", () => {
  it("drops the identity and writes Paulis (up to a phase) as x, y, z gates", () => {
    expect(unitaryGates(scale(PAULIS[0], { re: 0, im: 1 }), [3])).toEqual([]);
    expect(
      unitaryGates(scale(PAULIS[2], { re: -1, im: 0 }), [3]).map((g) => [
        g.name,
        g.qubits,
      ]),
    ).toEqual([["y", [3]]]);
    // kron(Z, X): X on the channel's first qubit (the LSB), Z on its second.
    expect(
      unitaryGates(kron(PAULIS[3], PAULIS[1]), [4, 2]).map((g) => [
        g.name,
        g.qubits,
      ]),
    ).toEqual([
      ["x", [4]],
      ["z", [2]],
    ]);
  });

  it("keeps any other unitary as one matrix gate", () => {
    const h = Float64Array.of(1, 0, 1, 0, 1, 0, -1, 0).map(
      (x) => x / Math.SQRT2,
    );
    const [g, ...rest] = unitaryGates(h, [1]);
    expect(rest).toEqual([]);
    expect(g).toMatchObject({ name: "unitary", qubits: [1] });
    expect(Array.from(g.matrix ?? [])).toEqual(Array.from(h));
  });
});

describe("sampledChannels", () => {
  it("lists the mixed-unitary channels only, and none when a loop may repeat one", () => {
    const ops: Operation[] = [
      noise(named("depolarizing", [0.1]), [0]),
      noise(named("amplitude_damping", [0.1]), [0]),
      noise(named("two_qubit_dephasing", [0.1]), [0, 1]),
    ];
    expect(sampledChannels(circuit(2, ops))?.map((c) => c.at)).toEqual([0, 2]);
    const loop: Operation[] = [
      { kind: "label", id: 1 },
      ...ops,
      measure(0, 0),
      { kind: "jump", to: 1, condition: { clbits: [0], op: "==", value: 1 } },
    ];
    expect(sampledChannels(circuit(2, loop, [1]))).toBeUndefined();
    expect(
      sampledChannels(circuit(1, [noise(named("phase_damping", [0.2]), [0])])),
    ).toBeUndefined();
  });
});

describe("runTrajectories with channels sampled up front", () => {
  it("draws every branch with the channel's probability (chi-square of the outcomes)", () => {
    const p = 0.3;
    const half = krausChannel([
      PAULIS[0].map((x) => x * Math.SQRT1_2),
      Float64Array.of(1, 0, 1, 0, 1, 0, -1, 0).map((x) => x / 2),
    ]);
    if (!half.ok) throw new Error(half.message);
    const c = circuit(
      4,
      [
        noise(named("two_qubit_depolarizing", [p]), [0, 1]),
        noise(named("pauli_channel", [0.1, 0.2, 0.3]), [2]),
        noise(half.channel, [3]), // identity or H, each half the time: P(1) = 1/4
        ...[0, 1, 2, 3].map((q) => measure(q, q)),
      ],
      [4],
    );
    // Outcomes of (q1, q0) after two_qubit_depolarizing on |00>: an X or Y factor flips its qubit.
    const pair = [1 - (12 * p) / 15, (4 * p) / 15, (4 * p) / 15, (4 * p) / 15];
    const dist = new Map<string, number>();
    for (let i = 0; i < 16; i++)
      dist.set(
        i.toString(2).padStart(4, "0"),
        pair[i & 3] * (i & 4 ? 0.3 : 0.7) * (i & 8 ? 0.25 : 0.75),
      );
    const r = counts(c, { shots: 20000, seed: 3 });
    const { stat, df } = chiSquare(r.counts, dist);
    expect(stat).toBeLessThan(chiSquareBound(df));
  });

  it("samples mid-circuit measurements and conditioned gates with the drawn branches", () => {
    const ops: Operation[] = [
      ...std("x", [0]),
      noise(named("bit_flip", [0.2]), [0]),
      measure(0, 0),
      ...std("x", [0]).map((g) => ({
        ...g,
        condition: { clbits: [0], op: "==" as const, value: 1 },
      })),
      noise(named("bit_flip", [0.1]), [0]),
      measure(0, 1),
    ];
    const r = counts(circuit(1, ops, [2]), { shots: 20000, seed: 11 });
    // c0 = 1 with probability 0.8; the conditioned x returns q0 to 0, so c1 = 1 with probability 0.1.
    const dist = new Map([
      ["00", 0.18],
      ["01", 0.72],
      ["10", 0.02],
      ["11", 0.08],
    ]);
    const { stat, df } = chiSquare(r.counts, dist);
    expect(stat).toBeLessThan(chiSquareBound(df));
  });

  it("gives the same counts fused and unfused at the same seed", () => {
    const rng = seededRng(5);
    for (let t = 0; t < 4; t++) {
      const c = randomNoisyCircuit(4, 16, rng);
      const fused = counts(c, { shots: 500, seed: 40 + t });
      const unfused = counts(c, { shots: 500, seed: 40 + t, fusion: false });
      expect(fused.counts).toEqual(unfused.counts);
    }
  });

  it("costs about the ideal circuit's sweeps per trajectory", () => {
    const dep = named("depolarizing", [0.01]);
    const ops: Operation[] = [];
    for (let layer = 0; layer < 10; layer++)
      for (let q = 0; q < 6; q++)
        ops.push(...std(layer % 2 ? "h" : "t", [q]), noise(dep, [q]));
    const c = circuit(6, ops);
    const ideal = simulate(
      circuit(
        6,
        ops.filter((o) => o.kind === "gate"),
      ),
      { shots: 1, blocking: false },
    );
    if (!ideal.ok) throw new Error(ideal.error.message);
    const shots = 200;
    const sampled = counts(c, { shots, seed: 2, blocking: false });
    const split = counts(c, {
      shots,
      seed: 2,
      blocking: false,
      presample: false,
    });
    expect(sampled.sweeps).toBeLessThanOrEqual(shots * ideal.result.sweeps);
    // Splitting on the fly sweeps once per gate between channels, and per branch taken.
    expect(split.sweeps).toBeGreaterThan(5 * sampled.sweeps);
    expect(sampled.peakStates).toBe(1);
  });
});
