import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openPglite,
  type Database,
} from "../../server/src/database/database.ts";
import {
  openFileStore,
  type FileStore,
} from "../../server/src/files/file-store.ts";
import { WIDE } from "../../server/test/helpers/circuits.ts";
import { buildTestApp } from "../../server/test/helpers/test-app.ts";
import {
  createClient,
  StepFaultApiError,
  type StepFaultClient,
} from "../src/index.ts";

describe("SDK and a job whose stored result file is gone [pglite]", () => {
  let database: Database;
  let app: FastifyInstance;
  let dir: string;
  let store: FileStore;
  let client: StepFaultClient;
  let jobId: string;

  beforeAll(async () => {
    database = await openPglite(undefined);
    await database.migrate();
    dir = await mkdtemp(join(tmpdir(), "sf-sdk-files-"));
    store = openFileStore({ kind: "local", dir });
    app = await buildTestApp(
      database,
      {},
      { fileStore: store, jobs: { resultInlineMaxBytes: 2000 } },
    );
    client = createClient({
      baseUrl: await app.listen({ port: 0, host: "127.0.0.1" }),
    });
    const email = `sdk-files-${Date.now()}@example.test`;
    await client.auth.register({ email, password: "correct horse battery" });
    client.setToken(
      (await client.auth.login({ email, password: "correct horse battery" }))
        .accessToken,
    );
    const projectId = (await client.projects.create("Files")).id;
    jobId = (await client.submitJob(projectId, { source: WIDE, shots: 4000 }))
      .id;
    const done = await client.waitForJob(jobId, { timeoutMs: 30_000 });
    expect(done.result?.statevector).toHaveLength(1024);
    await rm(join(dir, `jobs/${jobId}/result-1.json`));
  });

  afterAll(async () => {
    await app?.close();
    await store?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    await database?.close();
  });

  it("jobs.result throws StepFaultApiError 410 RESULT_MISSING", async () => {
    const err = await client.jobs.result(jobId).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StepFaultApiError);
    const e = err as StepFaultApiError;
    expect(e.status).toBe(410);
    expect(e.code).toBe("RESULT_MISSING");
    expect(e.message).toContain(`jobs/${jobId}/result-1.json`);
  });

  it("jobs.get and waitForJob return the job with resultUnavailable", async () => {
    const job = await client.jobs.get(jobId);
    expect(job.status).toBe("succeeded");
    expect(job.result).toBeNull();
    expect(job.resultUnavailable?.code).toBe("RESULT_MISSING");
    for (const poll of [false, true]) {
      const waited = await client.waitForJob(jobId, { poll });
      expect(waited.result).toBeNull();
      expect(waited.resultUnavailable?.message).toMatch(/submit it again/);
    }
  });
});
