import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  StepFaultApiError,
  type NoiseModelSpec,
  type StepFaultClient,
} from "../src/index.ts";
import { startSdkServer, type SdkServer } from "./harness.ts";

const X1 = `OPENQASM 3.0;
include "stdgates.inc";
qubit[1] q;
bit[1] c;
x q[0];
c = measure q;
`;

const DAMPING: NoiseModelSpec = {
  format: "stepfault.noise-model",
  version: 1,
  gateNoise: [
    { gates: ["x"], channel: { name: "amplitude_damping", params: [0.25] } },
  ],
};

describe("SDK noise models and noisy jobs against a real server [pglite]", () => {
  let server: SdkServer;
  let client: StepFaultClient;
  let projectId: string;

  beforeAll(async () => {
    // The server's own qubit limit (28), not the harness's small default.
    server = await startSdkServer("noise", { maxQubits: 28 });
    ({ client, projectId } = server);
  }, 60_000);

  afterAll(() => server?.close());

  it("saves, lists, renames and deletes a model, and runs a job with it by id", async () => {
    const m = await client.noiseModels.create(projectId, {
      name: "damping",
      model: DAMPING,
    });
    expect(m.model).toEqual(DAMPING);
    const page = await client.noiseModels.list(projectId, { q: "damp" });
    expect(page.items.map((i) => i.name)).toEqual(["damping"]);
    const renamed = await client.noiseModels.update(projectId, m.id, {
      name: "T1 damping",
    });
    expect(renamed.name).toBe("T1 damping");
    const queued = await client.jobs.sample(projectId, {
      source: X1,
      shots: 2000,
      seed: 5,
      noiseModelId: m.id,
      method: "density_matrix",
    });
    expect(queued.method).toBe("density_matrix");
    const job = await client.waitForJob(queued.id, { timeoutMs: 30_000 });
    expect(job.result?.method).toBe("density_matrix");
    expect(job.noise?.noiseModelName).toBe("T1 damping");
    const p1 = (job.result?.counts["1"] ?? 0) / 2000;
    expect(Math.abs(p1 - 0.75)).toBeLessThan(
      5 * Math.sqrt((0.75 * 0.25) / 2000),
    );
    await client.noiseModels.delete(projectId, m.id);
    await expect(client.noiseModels.get(projectId, m.id)).rejects.toMatchObject(
      {
        status: 404,
        code: "NOISE_MODEL_NOT_FOUND",
      },
    );
  });

  it("throws StepFaultApiError 422 naming the JSON path of a bad inline model", async () => {
    const err = await client.jobs
      .sample(projectId, {
        source: X1,
        shots: 10,
        noise: {
          ...DAMPING,
          gateNoise: [
            { gates: ["x"], channel: { name: "bit_flip", params: [-0.1] } },
          ],
        },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect(err).toMatchObject({ status: 422, code: "NOISE_MODEL_INVALID" });
    expect((err as StepFaultApiError).problem.field).toBe(
      "noise/gateNoise/0/channel/params",
    );
  });
});
