import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { averageGateFidelity } from "../../src/ir/channels.ts";
import type { Circuit, NoiseOp } from "../../src/ir/types.ts";
import { Rng } from "../../src/math/rng.ts";
import {
  applyNoiseModel,
  type NoiseModel,
  noiseModelFromJson,
  noiseModelFromText,
  noiseModelToJson,
} from "../../src/noise/model.ts";
import { densityDiagonal, runDensity } from "../../src/sim/density.ts";
import { singleThreadEngine } from "../../src/sim/engine.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { circuit, measure, std } from "../sim/build.ts";

const schema = JSON.parse(
  readFileSync(
    new URL("../../noise-model.schema.json", import.meta.url),
    "utf8",
  ),
) as { examples: unknown[] };

function model(json: object): NoiseModel {
  const r = noiseModelFromJson({
    format: "stepfault.noise-model",
    version: 1,
    ...json,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.model;
}

function probs(c: Circuit, m: NoiseModel): Float64Array {
  const a = applyNoiseModel(c, m);
  if (!a.ok) throw new Error(JSON.stringify(a.errors));
  const run = runDensity(
    a.circuit,
    { engine: singleThreadEngine(), precision: "double", rng: new Rng(1) },
    { fusion: true, blocking: false },
  );
  return densityDiagonal(run, c.numQubits);
}

function noiseOps(c: Circuit, m: NoiseModel): NoiseOp[] {
  const a = applyNoiseModel(c, m);
  if (!a.ok) throw new Error(JSON.stringify(a.errors));
  return a.circuit.ops.flatMap((o) => (o.kind === "noise" ? [o] : []));
}

describe("noise-model files", () => {
  it("reads the schema's examples and writes them back the same", () => {
    for (const ex of schema.examples) {
      const r = noiseModelFromJson(ex);
      expect(r.ok).toBe(true);
      if (r.ok)
        expect(noiseModelFromJson(noiseModelToJson(r.model)).ok).toBe(true);
    }
  });

  it("reports every problem with its JSON path", () => {
    const r = noiseModelFromJson({
      format: "stepfault.noise-model",
      version: 2,
      colour: "red",
      gateNoise: [
        { gates: ["h"], channel: { name: "depolarizing", params: [2] } },
        { gates: [], channel: { name: "bit_flip", params: [0.1] } },
        {
          gates: ["x"],
          channel: {
            name: "kraus",
            matrices: [
              [
                [1, 0],
                [0, 0.5],
              ],
            ],
          },
        },
        { gates: ["x"], qubits: [[0, "a"]], channel: { name: "nope" } },
      ],
      readout: [
        {
          matrix: [
            [0.9, 0.2],
            [0.1, 0.9],
          ],
        },
        { qubits: [0] },
      ],
      device: { t1: -1, gates: [{ gates: ["x"], error: 3 }] },
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "version: expected 1 (the only version), got number",
      "colour: unknown field (expected one of format, version, name, gateNoise, readout, device, $schema)",
      "gateNoise[0].channel.params: depolarizing: p must be in [0, 1], got 2",
      'gateNoise[1].gates: expected a non-empty list of gate names (or ["*"])',
      "gateNoise[2].channel.matrices: kraus: the Kraus operators are not trace preserving (sum of K^dagger K differs from the identity by 0.750)",
      "gateNoise[3].qubits[0]: expected a list of qubit indices (non-negative integers)",
      'gateNoise[3].channel.name: unknown noise channel "nope" (known: bit_flip, phase_flip, depolarizing, pauli_channel, amplitude_damping, generalized_amplitude_damping, phase_damping, two_qubit_depolarizing, two_qubit_dephasing, kraus)',
      "readout[0].matrix[0]: a row must sum to 1, got 1.1",
      "readout[1].matrix: expected a 2x2 matrix [[P(0|0), P(1|0)], [P(0|1), P(1|1)]]",
      "device.t1: expected a positive time in seconds, or a list of them (one per qubit)",
      "device.gates[0].error: expected an average gate error in [0, 1]",
    ]);
    expect(noiseModelFromText("{ nope")).toMatchObject({
      ok: false,
      errors: [{ path: "", message: expect.stringMatching(/^not valid JSON/) }],
    });
  });

  it("puts channels after matching gates, on all or listed qubits", () => {
    const c = circuit(
      3,
      [...std("h", [0]), ...std("h", [2]), ...std("cx", [0, 1]), measure(1, 0)],
      [1],
    );
    const m = model({
      gateNoise: [
        {
          gates: ["h"],
          qubits: [2],
          channel: { name: "bit_flip", params: [0.1] },
        },
        {
          gates: ["cx"],
          channel: { name: "two_qubit_dephasing", params: [0.1] },
        },
        { gates: ["cx"], channel: { name: "phase_flip", params: [0.2] } },
        { gates: ["measure"], channel: { name: "bit_flip", params: [0.3] } },
      ],
    });
    const a = applyNoiseModel(c, m);
    if (!a.ok) throw new Error("apply failed");
    expect(
      a.circuit.ops.map((o) =>
        o.kind === "noise" ? `${o.channel.name} ${o.qubits}` : o.kind,
      ),
    ).toEqual([
      "gate",
      "gate",
      "bit_flip 2",
      "gate",
      "two_qubit_dephasing 0,1",
      "phase_flip 0",
      "phase_flip 1",
      "bit_flip 1",
      "measure",
    ]);
    const bad = applyNoiseModel(
      circuit(1, std("h", [0])),
      model({
        gateNoise: [
          {
            gates: ["h"],
            channel: { name: "two_qubit_depolarizing", params: [0.1] },
          },
        ],
      }),
    );
    expect(bad).toEqual({
      ok: false,
      errors: [
        {
          path: "gateNoise[0].channel",
          message: "two_qubit_depolarizing acts on 2 qubits but h acts on 1",
        },
      ],
    });
  });

  it("gives the analytic probabilities through the simulator", () => {
    const m = model({
      gateNoise: [
        { gates: ["x"], channel: { name: "depolarizing", params: [0.3] } },
      ],
    });
    const p = probs(circuit(1, std("x", [0])), m);
    expect(p[0]).toBeCloseTo(0.2, 14);
  });

  it("applies readout errors per qubit, later entries overriding earlier ones", () => {
    const c = circuit(2, [measure(0, 0), measure(1, 1)], [2]);
    const m = model({
      readout: [
        {
          matrix: [
            [0.5, 0.5],
            [0, 1],
          ],
        },
        {
          qubits: [1],
          matrix: [
            [1, 0],
            [0, 1],
          ],
        },
      ],
    });
    const r = simulate(c, { shots: 20000, seed: 4, noise: m });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result.method).toBe("density_matrix");
    expect(Object.keys(r.result.counts).sort()).toEqual(["00", "01"]);
    expect(r.result.counts["01"] / 20000).toBeCloseTo(0.5, 1);
  });
});

describe("device figures", () => {
  it("relax a qubit for the gate time: P(1) = exp(-t/T1) after x", () => {
    const m = model({
      device: { t1: 50e-6, gates: [{ gates: ["x"], time: 10e-6 }] },
    });
    const p = probs(circuit(1, std("x", [0])), m);
    expect(p[1]).toBeCloseTo(Math.exp(-0.2), 12);
  });

  it("decay coherences as exp(-t/T2)", () => {
    const m = model({
      device: { t1: 50e-6, t2: 30e-6, gates: [{ gates: ["id"], time: 6e-6 }] },
    });
    const p = probs(
      circuit(1, [...std("h", [0]), ...std("id", [0]), ...std("h", [0])]),
      m,
    );
    expect(p[0]).toBeCloseTo(0.5 + 0.5 * Math.exp(-0.2), 12);
  });

  it("add depolarizing noise up to the reported gate error, as Aer does", () => {
    const x = model({ device: { gates: [{ gates: ["x"], error: 0.01 }] } });
    const [dep] = noiseOps(circuit(1, std("x", [0])), x);
    expect(dep.channel.name).toBe("depolarizing");
    expect(1 - averageGateFidelity(dep.channel)).toBeCloseTo(0.01, 14);
    const both = model({
      device: {
        t1: 40e-6,
        t2: 50e-6,
        gates: [{ gates: ["cx"], time: 4e-7, error: 0.02 }],
      },
    });
    const ops = noiseOps(circuit(2, std("cx", [0, 1])), both);
    expect(ops.map((o) => o.channel.name)).toEqual([
      "two_qubit_depolarizing",
      "thermal_relaxation",
    ]);
    // Relaxation's own infidelity plus the depolarizing part make up the reported error (first order).
    const total =
      1 -
      averageGateFidelity(ops[0].channel) * averageGateFidelity(ops[1].channel);
    expect(total).toBeCloseTo(0.02, 3);
  });

  it("refuses T2 above 2 T1 and short per-qubit lists, with paths", () => {
    const a = applyNoiseModel(
      circuit(3, std("x", [0])),
      model({ device: { t1: [1e-5, 1e-5], t2: 3e-5, readoutError: [0.1] } }),
    );
    expect(a.ok ? [] : a.errors.map((e) => `${e.path}: ${e.message}`)).toEqual([
      "device.t1: 2 value(s) for a circuit of 3 qubits (give one per qubit, or one number for all)",
      "device.t2: qubit 0: T2 (0.00003) cannot exceed 2 T1 (0.00002)",
      "device.t2: qubit 1: T2 (0.00003) cannot exceed 2 T1 (0.00002)",
      "device.readoutError: 1 value(s) for a circuit of 3 qubits (give one per qubit, or one number for all)",
    ]);
  });
});
