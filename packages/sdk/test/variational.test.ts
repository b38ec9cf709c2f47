import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  H2,
  hardwareEfficient,
  pauliSumText,
} from "../../server/test/helpers/variational.ts";
import {
  StepFaultApiError,
  type Iteration,
  type StepFaultClient,
} from "../src/index.ts";
import { startSdkServer, type SdkServer } from "./harness.ts";

describe("SDK variational jobs against a real server [pglite]", () => {
  let server: SdkServer;
  let client: StepFaultClient;
  let projectId: string;

  beforeAll(async () => {
    // The server's own qubit limit (28), not the harness's small default.
    server = await startSdkServer("vqe", { maxQubits: 28 });
    ({ client, projectId } = server);
  }, 60_000);

  afterAll(() => server?.close());

  it("submits a VQE job and iterates over every iteration until it finishes", async () => {
    const job = await client.variational.vqe(projectId, {
      source: hardwareEfficient(2, 1),
      observable: pauliSumText(H2),
      optimizer: { name: "cobyla", maxIterations: 60, tolerance: 1e-4 },
      seed: 1,
    });
    expect(job.kind).toBe("vqe");
    const seen: Iteration[] = [];
    for await (const it of client.variational.iterations(job.id)) seen.push(it);
    expect(seen.map((s) => s.iteration)).toEqual(
      Array.from({ length: seen.length }, (_, i) => i),
    );
    const done = await client.variational.get(job.id);
    expect(done.status).toBe("succeeded");
    expect(done.result!.history).toEqual(seen);
    expect(done.result!.parameters).toHaveProperty("theta_0");
  });

  it("submits a QAOA job with a typed body", async () => {
    const job = await client.variational.qaoa(projectId, {
      problem: {
        type: "maxcut",
        nodes: 4,
        edges: [
          [0, 1],
          [1, 2],
          [2, 3],
          [3, 0],
        ],
      },
      layers: 1,
      optimizer: { name: "nelder-mead", maxIterations: 80 },
      seed: 4,
    });
    await client.waitForJob(job.id);
    const done = await client.variational.get(job.id);
    expect(done.result!.bestCut).toBe(4);
    expect(done.result!.maxCut).toBe(4);
  });

  it("answers a bad field with StepFaultApiError 422", async () => {
    const err = await client.variational
      .qaoa(projectId, {
        problem: { type: "maxcut", nodes: 2, edges: [[0, 5]] },
        optimizer: { name: "cobyla" },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect((err as StepFaultApiError).status).toBe(422);
    expect((err as StepFaultApiError).code).toBe("JOB_INPUT_INVALID");
  });
});
