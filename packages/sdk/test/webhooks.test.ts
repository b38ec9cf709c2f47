import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openPglite,
  type Database,
} from "../../server/src/database/database.ts";
import { openFileStore } from "../../server/src/files/file-store.ts";
import { verifySignature } from "../../server/src/webhooks/signature.ts";
import { BELL } from "../../server/test/helpers/circuits.ts";
import { buildTestApp } from "../../server/test/helpers/test-app.ts";
import {
  createClient,
  StepFaultApiError,
  type StepFaultClient,
} from "../src/index.ts";

const WIDE =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[8];\ncreg c[8];\nh q;\nmeasure q -> c;\n';

describe("StepFault SDK: webhooks and stored results [pglite]", () => {
  let database: Database;
  let app: FastifyInstance;
  let client: StepFaultClient;
  let projectId: string;
  let receiver: Server;
  let receiverUrl: string;
  let filesDir: string;
  const received: { body: string; signature: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({
          body,
          signature: String(req.headers["stepfault-signature"]),
        });
        res.end("ok");
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
    filesDir = await mkdtemp(join(tmpdir(), "sf-sdk-files-"));
    database = await openPglite(undefined);
    await database.migrate();
    app = await buildTestApp(
      database,
      {},
      {
        jobs: { maxQubits: 8, resultInlineMaxBytes: 500 },
        webhooks: { pollIntervalMs: 50, retryBaseMs: 50 },
        fileStore: openFileStore({ kind: "local", dir: filesDir }),
      },
    );
    const base = await app.listen({ port: 0, host: "127.0.0.1" });
    client = createClient({ baseUrl: base });
    const email = `sdk-wh-${Date.now()}@example.test`;
    await client.auth.register({ email, password: "correct horse battery" });
    const tokens = await client.auth.login({
      email,
      password: "correct horse battery",
    });
    client.setToken(tokens.accessToken);
    projectId = (await client.projects.create("SDK hooks")).id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await new Promise((r) => receiver?.close(r));
    await rm(filesDir, { recursive: true, force: true });
  });

  it("manages webhooks and reads their deliveries", async () => {
    const hook = await client.webhooks.create(projectId, {
      url: receiverUrl,
      events: ["job.succeeded"],
    });
    expect(hook.secret).toMatch(/^whsec_/);
    expect((await client.webhooks.list(projectId)).map((h) => h.id)).toEqual([
      hook.id,
    ]);
    const updated = await client.webhooks.update(hook.id, {
      description: "CI",
    });
    expect(updated.description).toBe("CI");
    expect(updated).not.toHaveProperty("secret");

    const job = await client.submitJob(projectId, { source: BELL, shots: 50 });
    await client.waitForJob(job.id, { timeoutMs: 20_000 });
    let page = await client.webhooks.deliveries(hook.id);
    for (let i = 0; i < 200 && page.items[0]?.status !== "succeeded"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      page = await client.webhooks.deliveries(hook.id);
    }
    const d = page.items[0];
    expect(d).toMatchObject({
      jobId: job.id,
      status: "succeeded",
      attempts: 1,
    });
    expect((await client.webhooks.delivery(hook.id, d.id)).payload).toBe(
      d.payload,
    );
    const got = received.find((r) => r.body === d.payload);
    expect(got).toBeDefined();
    expect(verifySignature(hook.secret, got!.body, got!.signature)).toBe(true);

    await client.webhooks.delete(hook.id);
    const err = await client.webhooks.get(hook.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect(err).toMatchObject({ status: 404, code: "WEBHOOK_NOT_FOUND" });
  });

  it("reports a refused webhook URL as a StepFaultApiError", async () => {
    const err = await client.webhooks
      .create(projectId, { url: "ftp://example.com/" })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect(err).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });
  });

  it("waitForJob returns the whole result even when the server keeps it in its file store", async () => {
    const job = await client.submitJob(projectId, {
      source: WIDE,
      shots: 2000,
    });
    const done = await client.waitForJob(job.id, { timeoutMs: 20_000 });
    expect(done.status).toBe("succeeded");
    expect(done.result?.statevector).toHaveLength(256);
    const total = Object.values(done.result?.counts ?? {}).reduce(
      (a, b) => a + b,
      0,
    );
    expect(total).toBe(2000);
    expect(await client.jobs.result(job.id)).toEqual(done.result);
    const list = await client.jobs.list(projectId);
    const item = list.items.find((j) => j.id === job.id);
    expect(item?.result?.shots).toBe(2000);
    expect(item?.result).not.toHaveProperty("counts");
  });
});
