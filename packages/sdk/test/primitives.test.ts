import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openPglite,
  type Database,
} from "../../server/src/database/database.ts";
import { buildTestApp } from "../../server/test/helpers/test-app.ts";
import {
  createClient,
  StepFaultApiError,
  type StepFaultClient,
} from "../src/index.ts";

const RY = `OPENQASM 3.0;
include "stdgates.inc";
input float theta;
qubit q;
ry(theta) q;
`;

describe("SDK primitives against a real server [pglite]", () => {
  let database: Database;
  let app: FastifyInstance;
  let client: StepFaultClient;
  let projectId: string;

  beforeAll(async () => {
    database = await openPglite(undefined);
    await database.migrate();
    app = await buildTestApp(database, {}, { jobs: { maxQubits: 8 } });
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    client = createClient({ baseUrl: base });
    const email = `sdk-primitives-${Date.now()}@example.test`;
    await client.auth.register({ email, password: "correct horse battery" });
    const tokens = await client.auth.login({
      email,
      password: "correct horse battery",
    });
    client.setToken(tokens.accessToken);
    projectId = (await client.projects.create("Primitives")).id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

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
