import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StepFaultApiError, type StepFaultClient } from "../src/index.ts";
import { startSdkServer, type SdkServer } from "./harness.ts";

const RY = `OPENQASM 3.0;
include "stdgates.inc";
input float theta;
qubit q;
ry(theta) q;
`;

describe("SDK primitives against a real server [pglite]", () => {
  let server: SdkServer;
  let client: StepFaultClient;
  let projectId: string;

  beforeAll(async () => {
    server = await startSdkServer("Primitives");
    ({ client, projectId } = server);
  }, 60_000);

  afterAll(() => server?.close());

  it("runs a typed estimate over a sweep and reads <Z> = cos(theta)", async () => {
    const thetas = [0, 1, 2, 3];
    const queued = await client.jobs.estimate(projectId, {
      source: RY,
      observables: ["Z"],
      sweep: { theta: thetas },
      gradient: true,
    });
    expect(queued.kind).toBe("estimate");
    const job = await client.waitForJob(queued.id, { timeoutMs: 20_000 });
    const r = job.result!;
    thetas.forEach((t, p) => {
      expect(r.expectations![p][0]).toBeCloseTo(Math.cos(t), 10);
      expect(r.gradients![p][0][0]).toBeCloseTo(-Math.sin(t), 8);
    });
  });

  it("runs a typed sampling sweep with counts per point", async () => {
    const queued = await client.jobs.sample(projectId, {
      source: `${RY}bit c;\nc = measure q;\n`,
      shots: 100,
      sweep: { theta: [0, Math.PI] },
    });
    const job = await client.waitForJob(queued.id, { timeoutMs: 20_000 });
    expect(job.result!.sweep!.counts).toEqual([{ "0": 100 }, { "1": 100 }]);
  });

  it("surfaces a bad observable as a StepFaultApiError naming the term", async () => {
    const err = await client.jobs
      .estimate(projectId, {
        source: RY,
        observables: ["ZZ"],
        inputs: { theta: 1 },
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect(err).toMatchObject({ status: 422, code: "JOB_INPUT_INVALID" });
    expect((err as Error).message).toContain('term "ZZ"');
  });
});
