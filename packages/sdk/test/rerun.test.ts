/**
 * "Run again" (`rerunBody`, `jobs.rerun`) against a real server: for every job kind, a job
 * submitted with every field its body schema has is run again, and the new job must have run as
 * the first did. A field `rerunBody` drops (or one the contract gains and it does not handle)
 * fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  EstimateJobBody,
  QaoaJobBody,
  SampleJobBody,
  VqeJobBody,
} from "@stepfault/contract";
import {
  rerunBody,
  type Job,
  type NoiseModelSpec,
  type StepFaultClient,
  type SubmitJobBody,
} from "../src/index.ts";
import { startSdkServer, type SdkServer } from "./harness.ts";

const TWO_INPUTS = `OPENQASM 3.0;
include "stdgates.inc";
input float theta;
input float phi;
qubit[2] q;
bit[2] c;
ry(theta) q[0];
rx(phi) q[1];
cx q[0], q[1];
c = measure q;
`;

const ANSATZ = `OPENQASM 3.0;
include "stdgates.inc";
input float a;
input float b;
qubit[2] q;
ry(a) q[0];
ry(b) q[1];
cx q[0], q[1];
`;

const NOISE: NoiseModelSpec = {
  format: "stepfault.noise-model",
  version: 1,
  gateNoise: [
    { gates: ["cx"], channel: { name: "depolarizing", params: [0.02] } },
  ],
};

/** What a job ran with, as its view and record show it (ids and times left out). */
function ran(job: Job) {
  return {
    kind: job.kind,
    circuitId: job.circuitId,
    circuitRevision: job.circuitRevision,
    source: job.record?.source,
    inputs: job.record?.inputs,
    seed: job.seed,
    shots: job.shots,
    precision: job.precision,
    method: job.method,
    threads: job.threads,
    noise: job.noise?.model ?? null,
    primitive: job.primitive,
    variational: job.variational,
  };
}

/** Fields of a kind's body this test may leave out: alternatives of fields it sets. */
const ALTERNATIVES: Record<string, readonly string[]> = {
  source: ["circuitId"],
  circuitId: ["source"],
  revision: ["source"],
  noise: ["noiseModelId"],
  noiseModelId: ["noise"],
};

describe("running a job again [pglite]", () => {
  let server: SdkServer;
  let client: StepFaultClient;
  let projectId: string;
  let circuitId: string;
  let ansatzId: string;
  let noiseModelId: string;

  beforeAll(async () => {
    server = await startSdkServer("rerun");
    ({ client, projectId } = server);
    circuitId = (
      await client.circuits.create(projectId, {
        name: "two inputs",
        source: TWO_INPUTS,
      })
    ).id;
    // A second revision, so running "revision 1" is not the same as running the current one.
    await client.circuits.update(projectId, circuitId, {
      source: TWO_INPUTS.replace("cx q[0], q[1];", "cz q[0], q[1];"),
    });
    ansatzId = (
      await client.circuits.create(projectId, {
        name: "ansatz",
        source: ANSATZ,
      })
    ).id;
    noiseModelId = (
      await client.noiseModels.create(projectId, {
        name: "cx noise",
        model: NOISE,
      })
    ).id;
  }, 60_000);

  afterAll(() => server?.close());

  const bodies = (): [string, SubmitJobBody, { properties: object }][] => [
    [
      "sample",
      {
        kind: "sample",
        circuitId,
        revision: 1,
        shots: 300,
        seed: 11,
        precision: "single",
        inputs: { phi: 0.4 },
        noiseModelId,
        method: "trajectories",
        threads: 2,
        sweep: { theta: [0.1, 0.9] },
      },
      SampleJobBody,
    ],
    [
      "estimate",
      {
        kind: "estimate",
        source: TWO_INPUTS,
        observables: ["ZZ", "0.5*XI"],
        shots: 500,
        seed: 12,
        precision: "single",
        inputs: { phi: 0.3 },
        method: "statevector",
        threads: 1,
        sweep: { theta: [0.2, 0.7] },
        gradient: true,
      },
      EstimateJobBody,
    ],
    [
      // Gradients are not taken under noise: the noise fields of an estimate are tried here.
      "noisy estimate",
      {
        kind: "estimate",
        circuitId,
        observables: ["ZZ"],
        shots: null,
        inputs: { theta: 0.5, phi: 0.3 },
        noise: NOISE,
        method: "density_matrix",
      },
      EstimateJobBody,
    ],
    [
      "vqe",
      {
        kind: "vqe",
        circuitId: ansatzId,
        revision: 1,
        observable: "0.5 * ZZ - 0.25 * XI",
        optimizer: { name: "cobyla", maxIterations: 8, tolerance: 1e-3 },
        initialPoint: { a: 0.1, b: -0.2 },
        shots: 400,
        seed: 13,
        precision: "double",
        inputs: {},
      },
      VqeJobBody,
    ],
    [
      "qaoa",
      {
        kind: "qaoa",
        problem: {
          type: "maxcut",
          nodes: 3,
          edges: [
            [0, 1],
            [1, 2, 2],
          ],
        },
        layers: 2,
        sampleShots: 200,
        optimizer: { name: "nelder-mead", maxIterations: 10 },
        initialPoint: "random",
        shots: null,
        seed: 14,
      },
      QaoaJobBody,
    ],
  ];

  it("sets every field of each kind's body in this test (a field the contract gains must be added here)", () => {
    // Each kind's bodies here together set every field of its schema (or an alternative to it).
    const bySchema = new Map<object, string[]>();
    for (const [, body, schema] of bodies())
      bySchema.set(schema, [
        ...(bySchema.get(schema) ?? []),
        ...Object.keys(body),
      ]);
    for (const [schema, set] of bySchema) {
      const missing = Object.keys(
        (schema as { properties: object }).properties,
      ).filter(
        (k) =>
          !set.includes(k) &&
          !(ALTERNATIVES[k] ?? []).some((alt) => set.includes(alt)),
      );
      expect(missing).toEqual([]);
    }
  });

  it.each(bodies().map(([name]) => name))(
    "runs a %s job again with everything it ran with",
    async (name) => {
      const [, body] = bodies().find(([n]) => n === name)!;
      const kind = body.kind ?? "sample";
      const first = await client.jobs.submit(projectId, body);
      const done = await client.waitForJob(first.id, { timeoutMs: 60_000 });
      expect(done.status).toBe("succeeded");
      const again = rerunBody(done);
      expect(again?.kind).toBe(kind);
      const second = await client.jobs.rerun(done);
      const redone = await client.waitForJob(second.id, { timeoutMs: 60_000 });
      expect(ran(redone)).toEqual(ran(done));
      // The same seed and everything else: the same outcome.
      if (kind === "sample")
        expect(redone.result?.sweep?.counts).toEqual(
          done.result?.sweep?.counts,
        );
      if (kind === "estimate")
        expect(redone.result?.expectations).toEqual(done.result?.expectations);
    },
    90_000,
  );

  it("runs the recorded source when the saved circuit is gone", async () => {
    const doomed = await client.circuits.create(projectId, {
      name: "doomed",
      source: TWO_INPUTS,
    });
    const first = await client.jobs.submit(projectId, {
      circuitId: doomed.id,
      shots: 100,
      seed: 5,
      inputs: { theta: 1, phi: 2 },
    });
    const done = await client.waitForJob(first.id, { timeoutMs: 60_000 });
    await client.circuits.delete(projectId, doomed.id);
    const redone = await client.waitForJob((await client.jobs.rerun(done)).id, {
      timeoutMs: 60_000,
    });
    expect(redone.circuitId).toBeNull();
    expect(redone.record?.source).toBe(TWO_INPUTS);
    expect(redone.record?.inputs).toEqual({ theta: 1, phi: 2 });
    expect(redone.result?.counts).toEqual(done.result?.counts);
  });
});
