import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createJobsRepository } from "../src/repositories/jobs.repository.ts";
import { createWebhooksRepository } from "../src/repositories/webhooks.repository.ts";
import { verifySignature } from "../src/webhooks/signature.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";
import { BELL, SLOW } from "./helpers/circuits.ts";

interface Received {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A loopback HTTP receiver answering with the queued status codes (then 200). */
async function startReceiver() {
  const received: Received[] = [];
  const statuses: number[] = [];
  const waiters: (() => void)[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const status = statuses.shift() ?? 200;
      for (const w of waiters.splice(0)) w();
      if (status === 0) return; // hang: never answer
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status === 200 ? "ok" : "receiver says no");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    statuses,
    /** Waits until `n` requests arrived. */
    async waitFor(n: number, timeoutMs = 15_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until)
          throw new Error(`receiver got ${received.length} of ${n} requests`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Checks a signature the way a receiver would, with node:crypto only. */
function checkSignature(secret: string, body: string, header: string) {
  const t = /t=(\d+)/.exec(header)?.[1];
  const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1];
  expect(t).toBeDefined();
  expect(v1).toBeDefined();
  expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(60);
  const expected = createHmac("sha256", secret)
    .update(`${t}.${body}`)
    .digest("hex");
  expect(timingSafeEqual(Buffer.from(v1 ?? ""), Buffer.from(expected))).toBe(
    true,
  );
}

interface DeliveryBody {
  id: string;
  jobId: string;
  event: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  nextAttemptAt: string | null;
  attemptLog: {
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  }[];
  payload: string;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `Webhooks [${engine.name}]`,
    () => {
      let database: TestDatabase;
      let app: FastifyInstance;
      let receiver: Awaited<ReturnType<typeof startReceiver>>;
      let owner: TestUser;
      let editor: TestUser;
      let viewer: TestUser;
      let stranger: TestUser;
      let projectId: string;

      const api = (
        method: "GET" | "POST" | "PATCH" | "DELETE",
        url: string,
        token: string,
        payload?: object,
      ) =>
        app.inject({
          method,
          url: `/api/v1${url}`,
          headers: bearer(token),
          ...(payload ? { payload } : {}),
        });

      const createHook = async (body: object, token = owner.accessToken) => {
        const res = await api(
          "POST",
          `/projects/${projectId}/webhooks`,
          token,
          body,
        );
        expect(res.statusCode, res.body).toBe(201);
        return res.json() as { id: string; secret: string; events: string[] };
      };

      const runJob = async (payload: object): Promise<string> => {
        const res = await api(
          "POST",
          `/projects/${projectId}/jobs`,
          owner.accessToken,
          payload,
        );
        expect(res.statusCode, res.body).toBe(201);
        return (res.json() as { id: string }).id;
      };

      const deliveries = async (hookId: string) => {
        const res = await api(
          "GET",
          `/webhooks/${hookId}/deliveries`,
          owner.accessToken,
        );
        expect(res.statusCode, res.body).toBe(200);
        return (res.json() as { items: DeliveryBody[] }).items;
      };

      const waitDelivery = async (
        hookId: string,
        done: (d: DeliveryBody) => boolean,
      ): Promise<DeliveryBody> => {
        const until = Date.now() + 20_000;
        for (;;) {
          const [d] = await deliveries(hookId);
          if (d !== undefined && done(d)) return d;
          if (Date.now() > until)
            throw new Error(`delivery not done: ${JSON.stringify(d)}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };

      beforeAll(async () => {
        database = await engine.open();
        await database.migrate();
        app = await buildTestApp(
          database,
          {},
          {
            jobs: { threads: 1, expireInSeconds: 30 },
            webhooks: {
              retryBaseMs: 50,
              pollIntervalMs: 50,
              maxAttempts: 3,
              timeoutMs: 2000,
            },
          },
        );
        receiver = await startReceiver();
        owner = await signUp(app, "owner");
        editor = await signUp(app, "editor");
        viewer = await signUp(app, "viewer");
        stranger = await signUp(app, "stranger");
        const p = await api("POST", "/projects", owner.accessToken, {
          name: "Hooks",
        });
        projectId = (p.json() as { id: string }).id;
        for (const [u, role] of [
          [editor, "editor"],
          [viewer, "viewer"],
        ] as const) {
          const m = await api(
            "POST",
            `/projects/${projectId}/members`,
            owner.accessToken,
            { email: u.email, role },
          );
          expect(m.statusCode, m.body).toBe(201);
        }
      }, 60_000);

      afterAll(async () => {
        await app?.close();
        await receiver?.close();
        await database?.dispose();
      });

      describe("management", () => {
        it("shows the secret once at creation and never again", async () => {
          const hook = await createHook({ url: receiver.url });
          expect(hook.secret).toMatch(/^whsec_[\w-]{30,}$/);
          expect(hook.events).toEqual([
            "job.succeeded",
            "job.failed",
            "job.cancelled",
          ]);
          const one = await api(
            "GET",
            `/webhooks/${hook.id}`,
            owner.accessToken,
          );
          expect(one.statusCode).toBe(200);
          expect(one.json()).not.toHaveProperty("secret");
          expect(one.body).not.toContain(hook.secret);
          const list = await api(
            "GET",
            `/projects/${projectId}/webhooks`,
            owner.accessToken,
          );
          expect(list.statusCode).toBe(200);
          expect(list.body).not.toContain(hook.secret);
          expect((list.json() as { id: string }[]).map((h) => h.id)).toContain(
            hook.id,
          );
          const del = await api(
            "DELETE",
            `/webhooks/${hook.id}`,
            owner.accessToken,
          );
          expect(del.statusCode).toBe(204);
          expectProblem(
            await api("GET", `/webhooks/${hook.id}`, owner.accessToken),
            404,
            "WEBHOOK_NOT_FOUND",
          );
        });

        it("lets editors manage webhooks and updates fields (secret write-only)", async () => {
          const hook = await createHook(
            { url: receiver.url, secret: "a-secret-of-my-own-1234" },
            editor.accessToken,
          );
          expect(hook.secret).toBe("a-secret-of-my-own-1234");
          const res = await api(
            "PATCH",
            `/webhooks/${hook.id}`,
            editor.accessToken,
            {
              events: ["job.failed"],
              active: false,
              secret: "another-secret-0123456789",
              description: "failures only",
            },
          );
          expect(res.statusCode, res.body).toBe(200);
          const body = res.json() as Record<string, unknown>;
          expect(body).toMatchObject({
            events: ["job.failed"],
            active: false,
            description: "failures only",
          });
          expect(body).not.toHaveProperty("secret");
          await api("DELETE", `/webhooks/${hook.id}`, editor.accessToken);
        });

        it("refuses viewers (403) and non-members (404)", async () => {
          const hook = await createHook({ url: receiver.url });
          expectProblem(
            await api(
              "POST",
              `/projects/${projectId}/webhooks`,
              viewer.accessToken,
              {
                url: receiver.url,
              },
            ),
            403,
            "FORBIDDEN",
          );
          expectProblem(
            await api(
              "GET",
              `/projects/${projectId}/webhooks`,
              viewer.accessToken,
            ),
            403,
            "FORBIDDEN",
          );
          expectProblem(
            await api(
              "GET",
              `/webhooks/${hook.id}/deliveries`,
              viewer.accessToken,
            ),
            403,
            "FORBIDDEN",
          );
          expectProblem(
            await api(
              "GET",
              `/projects/${projectId}/webhooks`,
              stranger.accessToken,
            ),
            404,
            "PROJECT_NOT_FOUND",
          );
          for (const [method, url] of [
            ["GET", `/webhooks/${hook.id}`],
            ["PATCH", `/webhooks/${hook.id}`],
            ["DELETE", `/webhooks/${hook.id}`],
            ["GET", `/webhooks/${hook.id}/deliveries`],
          ] as const)
            expectProblem(
              await api(
                method,
                url,
                stranger.accessToken,
                method === "PATCH" ? { active: false } : undefined,
              ),
              404,
              "WEBHOOK_NOT_FOUND",
            );
          const anon = await app.inject({
            method: "GET",
            url: `/api/v1/webhooks/${hook.id}`,
          });
          expectProblem(anon, 401, "UNAUTHENTICATED");
          await api("DELETE", `/webhooks/${hook.id}`, owner.accessToken);
        });

        it("accepts only http(s) URLs and known events", async () => {
          for (const body of [
            { url: "ftp://example.com/hook" },
            { url: "file:///etc/passwd" },
            { url: "javascript:alert(1)" },
            { url: "http://" },
            { url: "https://user:pw@example.com/hook" },
            { url: 42 },
            {},
            { url: receiver.url, events: ["job.started"] },
            { url: receiver.url, events: [] },
            { url: receiver.url, secret: "short" },
            { url: receiver.url, extra: true },
          ]) {
            const res = await api(
              "POST",
              `/projects/${projectId}/webhooks`,
              owner.accessToken,
              body,
            );
            expect(res.statusCode, JSON.stringify(body)).toBe(400);
            expect(res.headers["content-type"]).toMatch(/problem\+json/);
          }
          expectProblem(
            await api("GET", "/webhooks/not-a-uuid", owner.accessToken),
            400,
            "VALIDATION_FAILED",
          );
        });
      });

      describe("delivery", () => {
        it("queues the delivery of a job finished on the simulation threads (dynamic circuit)", async () => {
          // Dynamic circuits never take the small-job path: this one is claimed, run on a thread
          // and finished by `finish`, whose statement inserts the delivery.
          const hook = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          const jobId = await runJob({
            source:
              'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\nc[0] = measure q[0];\nif (c[0]) x q[1];\nc[1] = measure q[1];\n',
            shots: 50,
          });
          const d = await waitDelivery(
            hook.id,
            (x) => x.jobId === jobId && x.status === "succeeded",
          );
          const event = JSON.parse(d.payload) as {
            type: string;
            data: { job: Record<string, unknown> };
          };
          expect(event.type).toBe("job.succeeded");
          expect(event.data.job).toMatchObject({
            id: jobId,
            status: "succeeded",
            attempts: 1,
            shots: 50,
          });
          expect(
            (await deliveries(hook.id)).filter((x) => x.jobId === jobId),
          ).toHaveLength(1);
          await api("DELETE", `/webhooks/${hook.id}`, owner.accessToken);
        });

        it("POSTs a signed job.succeeded event with a delivery id, and logs it", async () => {
          const hook = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          const before = receiver.received.length;
          const jobId = await runJob({ source: BELL, shots: 100, seed: 1 });
          await receiver.waitFor(before + 1);
          const req = receiver.received[before];
          const signature = String(req.headers["stepfault-signature"]);
          checkSignature(hook.secret, req.body, signature);
          expect(verifySignature(hook.secret, req.body, signature)).toBe(true);
          expect(verifySignature("wrong-secret", req.body, signature)).toBe(
            false,
          );
          expect(
            verifySignature(
              hook.secret,
              req.body.replace("100", "101"),
              signature,
            ),
          ).toBe(false);
          expect(req.headers["content-type"]).toBe("application/json");
          expect(req.headers["stepfault-event"]).toBe("job.succeeded");
          const event = JSON.parse(req.body) as {
            id: string;
            type: string;
            data: {
              job: {
                id: string;
                status: string;
                shots: number;
                projectId: string;
              };
            };
          };
          expect(event.type).toBe("job.succeeded");
          expect(req.headers["stepfault-delivery"]).toBe(event.id);
          expect(event.data.job).toMatchObject({
            id: jobId,
            status: "succeeded",
            shots: 100,
            projectId,
          });
          // Built in SQL by the job's final statement: every field of jobEventData, same formats.
          const job = event.data.job as unknown as Record<string, unknown>;
          expect(Object.keys(job).sort()).toEqual(
            [
              "attempts",
              "circuitId",
              "circuitRevision",
              "createdAt",
              "createdBy",
              "error",
              "finishedAt",
              "id",
              "numClbits",
              "numQubits",
              "projectId",
              "seed",
              "shots",
              "startedAt",
              "status",
            ].sort(),
          );
          const iso = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
          for (const k of ["createdAt", "startedAt", "finishedAt"])
            expect(job[k]).toMatch(iso);
          expect((event as unknown as { createdAt: string }).createdAt).toMatch(
            iso,
          );
          expect(job).toMatchObject({
            createdBy: owner.id,
            attempts: 1,
            error: null,
            numQubits: 2,
          });
          expect(typeof job.seed).toBe("number");
          const view = (
            await api("GET", `/jobs/${jobId}`, owner.accessToken)
          ).json() as { createdAt: string };
          expect(job.createdAt).toBe(view.createdAt);
          const d = await waitDelivery(
            hook.id,
            (x) => x.status === "succeeded",
          );
          expect(d).toMatchObject({
            id: event.id,
            jobId,
            event: "job.succeeded",
            attempts: 1,
            lastStatusCode: 200,
            lastError: null,
            nextAttemptAt: null,
            payload: req.body,
          });
          expect(d.lastDurationMs).toBeGreaterThanOrEqual(0);
          const one = await api(
            "GET",
            `/webhooks/${hook.id}/deliveries/${d.id}`,
            owner.accessToken,
          );
          expect(one.statusCode).toBe(200);
          await api("PATCH", `/webhooks/${hook.id}`, owner.accessToken, {
            active: false,
          });
        });

        it("retries after a 500 with the same delivery id, then succeeds", async () => {
          const hook = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          const before = receiver.received.length;
          receiver.statuses.push(500);
          await runJob({ source: BELL, shots: 10 });
          await receiver.waitFor(before + 2);
          const [first, second] = receiver.received.slice(before);
          expect(first.headers["stepfault-delivery"]).toBe(
            second.headers["stepfault-delivery"],
          );
          expect(first.body).toBe(second.body);
          checkSignature(
            hook.secret,
            second.body,
            String(second.headers["stepfault-signature"]),
          );
          const d = await waitDelivery(
            hook.id,
            (x) => x.status === "succeeded",
          );
          expect(d.attempts).toBe(2);
          expect(d.attemptLog.map((a) => a.statusCode)).toEqual([500, 200]);
          expect(d.attemptLog[0].error).toMatch(/HTTP 500: receiver says no/);
          expect(d.lastStatusCode).toBe(200);
          await api("PATCH", `/webhooks/${hook.id}`, owner.accessToken, {
            active: false,
          });
        });

        it("gives up after the last attempt and can be sent again on request", async () => {
          const hook = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          const before = receiver.received.length;
          receiver.statuses.push(503, 503, 503);
          await runJob({ source: BELL, shots: 10 });
          const d = await waitDelivery(hook.id, (x) => x.status === "failed");
          expect(receiver.received.length - before).toBe(3);
          expect(d.attempts).toBe(3);
          expect(d.nextAttemptAt).toBeNull();
          expect(d.lastStatusCode).toBe(503);
          const again = await api(
            "POST",
            `/webhooks/${hook.id}/deliveries/${d.id}/redeliver`,
            owner.accessToken,
          );
          expect(again.statusCode, again.body).toBe(200);
          const done = await waitDelivery(
            hook.id,
            (x) => x.status === "succeeded",
          );
          expect(done.attemptLog.map((a) => a.statusCode)).toEqual([
            503, 503, 503, 200,
          ]);
          expectProblem(
            await api(
              "POST",
              `/webhooks/${hook.id}/deliveries/${hook.id}/redeliver`,
              owner.accessToken,
            ),
            404,
            "DELIVERY_NOT_FOUND",
          );
          await api("PATCH", `/webhooks/${hook.id}`, owner.accessToken, {
            active: false,
          });
        });

        it("queues one redelivery when two requests race (the other answers 409)", async () => {
          const hook = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          await runJob({ source: BELL, shots: 10 });
          const d = await waitDelivery(
            hook.id,
            (x) => x.status === "succeeded",
          );
          const path = `/webhooks/${hook.id}/deliveries/${d.id}/redeliver`;
          const answers = await Promise.all([
            api("POST", path, owner.accessToken),
            api("POST", path, editor.accessToken),
          ]);
          const codes = answers.map((a) => a.statusCode).sort();
          expect(codes, answers.map((a) => a.body).join("\n")).toEqual([
            200, 409,
          ]);
          expectProblem(
            answers.find((a) => a.statusCode === 409)!,
            409,
            "DELIVERY_PENDING",
          );
          await api("PATCH", `/webhooks/${hook.id}`, owner.accessToken, {
            active: false,
          });
        });

        it("records an unreachable receiver as an error without a status code", async () => {
          const dead = await startReceiver();
          await dead.close();
          const hook = await createHook({
            url: dead.url,
            events: ["job.succeeded"],
          });
          await runJob({ source: BELL, shots: 10 });
          const d = await waitDelivery(
            hook.id,
            (x) => x.attempts >= 1 && x.lastError !== null,
          );
          expect(d.lastStatusCode).toBeNull();
          expect(d.lastError).toMatch(/ECONNREFUSED/);
          await api("DELETE", `/webhooks/${hook.id}`, owner.accessToken);
        });

        it("records a receiver that does not answer in time as a timeout", async () => {
          const hook = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          receiver.statuses.push(0);
          await runJob({ source: BELL, shots: 10 });
          const d = await waitDelivery(
            hook.id,
            (x) => x.attempts >= 1 && x.lastError !== null,
          );
          expect(d.lastError).toBe("timed out after 2000 ms");
          expect(d.lastStatusCode).toBeNull();
          expect(d.lastDurationMs).toBeGreaterThanOrEqual(1900);
          await api("DELETE", `/webhooks/${hook.id}`, owner.accessToken);
        });

        it("sends job.cancelled only to webhooks that subscribe to it", async () => {
          const cancelled = await createHook({
            url: receiver.url,
            events: ["job.cancelled"],
          });
          const succeededOnly = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          const jobId = await runJob({ source: SLOW, shots: 1_000_000 });
          const c = await api(
            "POST",
            `/jobs/${jobId}/cancel`,
            owner.accessToken,
          );
          expect(c.statusCode, c.body).toBe(200);
          const d = await waitDelivery(
            cancelled.id,
            (x) => x.status === "succeeded",
          );
          expect(d).toMatchObject({ jobId, event: "job.cancelled" });
          expect(JSON.parse(d.payload)).toMatchObject({
            type: "job.cancelled",
            data: { job: { id: jobId, status: "cancelled" } },
          });
          expect(await deliveries(succeededOnly.id)).toEqual([]);
          for (const h of [cancelled, succeededOnly])
            await api("DELETE", `/webhooks/${h.id}`, owner.accessToken);
        });

        it("counts attempts by outcome in /metrics and documents the routes in OpenAPI", async () => {
          const metrics = await app.inject({ url: "/metrics" });
          expect(metrics.body).toMatch(
            /stepfault_webhook_attempts_total\{outcome="succeeded"\} [1-9]/,
          );
          expect(metrics.body).toMatch(
            /stepfault_webhook_attempts_total\{outcome="retry"\} [1-9]/,
          );
          expect(metrics.body).toMatch(
            /stepfault_webhook_attempts_total\{outcome="failed"\} [1-9]/,
          );
          const doc = (
            await app.inject({ url: "/api/openapi.json" })
          ).json() as {
            paths: Record<string, unknown>;
          };
          for (const path of [
            "/api/v1/projects/{id}/webhooks",
            "/api/v1/webhooks/{webhookId}",
            "/api/v1/webhooks/{webhookId}/deliveries",
            "/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver",
            "/api/v1/jobs/{jobId}/result",
          ])
            expect(Object.keys(doc.paths), path).toContain(path);
        });

        it("prunes finished deliveries older than the retention, never pending ones", async () => {
          const hook = await createHook({
            url: receiver.url,
            events: ["job.succeeded"],
          });
          await runJob({ source: BELL, shots: 10 });
          const done = await waitDelivery(
            hook.id,
            (x) => x.status === "succeeded",
          );
          const repo = createWebhooksRepository(database.db);
          expect(await repo.pruneDeliveries(30)).toBe(0);
          await database.db.execute(
            sql`update webhook_deliveries set created_at = now() - interval '40 days' where webhook_id = ${hook.id}`,
          );
          // a pending one just as old stays
          await database.db.execute(
            sql`insert into webhook_deliveries (id, webhook_id, job_id, event, payload, next_attempt_at, created_at)
                values (gen_random_uuid(), ${hook.id}, gen_random_uuid(), 'job.succeeded', '{}', now() + interval '1 day', now() - interval '40 days')`,
          );
          expect(await repo.pruneDeliveries(30)).toBe(1);
          const left = await deliveries(hook.id);
          expect(left.map((d) => d.status)).toEqual(["pending"]);
          expect(left[0].id).not.toBe(done.id);
          await api("DELETE", `/webhooks/${hook.id}`, owner.accessToken);
        });

        it("delivers an event queued before this process started (durable rows)", async () => {
          const hook = await createHook({
            url: receiver.url,
            events: ["job.failed"],
          });
          // A job finished by another process that died before sending: only the rows exist.
          const jobs = createJobsRepository(database.db, {
            onFinished: (tx, job) =>
              createWebhooksRepository(database.db)
                .enqueueForJob(tx, job)
                .then(() => undefined),
          });
          const row = await jobs.create(
            {
              id: randomUUID(),
              projectId,
              createdBy: owner.id,
              source: BELL,
              numQubits: 2,
              numClbits: 2,
              shots: 1,
              precision: "double",
            },
            sql`select 1`, // no queue message: this test finishes the job by hand
          );
          expect(row).toBeDefined();
          const started = await jobs.claim(row!.id, 60);
          expect(started).toBeDefined();
          expect(
            await jobs.finish(row!.id, started!.attempts, {
              status: "failed",
              error: { code: "SIM_FAILED", message: "boom" },
            }),
          ).toBe(true);
          const d = await waitDelivery(
            hook.id,
            (x) => x.status === "succeeded",
          );
          expect(JSON.parse(d.payload)).toMatchObject({
            type: "job.failed",
            data: { job: { id: row!.id, error: { code: "SIM_FAILED" } } },
          });
          await api("DELETE", `/webhooks/${hook.id}`, owner.accessToken);
        });
      });
    },
  );
}

/** A free loopback port (listened on, then released). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `Webhook deliveries across a restart [${engine.name}]`,
    () => {
      let database: TestDatabase;
      const apps: FastifyInstance[] = [];
      let server: Server | undefined;

      beforeAll(async () => {
        database = await engine.open();
        await database.migrate();
      }, 60_000);
      afterAll(async () => {
        for (const a of apps) await a.close();
        if (server) await new Promise<void>((r) => server!.close(() => r()));
        await database?.dispose();
      });

      it("a delivery that failed in a stopped process is sent by the next one", async () => {
        const settings = {
          retryBaseMs: 500,
          pollIntervalMs: 50,
          timeoutMs: 2000,
        };
        // One JWT secret for both processes, as replicas share one.
        const config = { jwtSecret: "restart-test-secret-".padEnd(40, "x") };
        const first = await buildTestApp(database, config, {
          webhooks: settings,
        });
        apps.push(first);
        const owner = await signUp(first, "owner");
        const h = bearer(owner.accessToken);
        const p = await first.inject({
          method: "POST",
          url: "/api/v1/projects",
          headers: h,
          payload: { name: "Restart" },
        });
        const projectId = (p.json() as { id: string }).id;
        const port = await freePort();
        const hook = await first.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/webhooks`,
          headers: h,
          payload: { url: `http://127.0.0.1:${port}/hook` },
        });
        const { id: hookId, secret } = hook.json() as {
          id: string;
          secret: string;
        };
        const job = await first.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/jobs`,
          headers: h,
          payload: { source: BELL, shots: 10 },
        });
        expect(job.statusCode, job.body).toBe(201);
        const list = async (app: FastifyInstance) =>
          (
            (
              await app.inject({
                url: `/api/v1/webhooks/${hookId}/deliveries`,
                headers: h,
              })
            ).json() as { items: DeliveryBody[] }
          ).items;
        // The receiver is down: the first attempt fails and a retry is scheduled.
        const until = Date.now() + 20_000;
        let items = await list(first);
        while (!items[0]?.lastError && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 50));
          items = await list(first);
        }
        expect(items[0]).toMatchObject({
          status: "pending",
          lastStatusCode: null,
        });
        expect(items[0].lastError).toMatch(/ECONNREFUSED/);
        expect(items[0].nextAttemptAt).not.toBeNull();
        await first.close();
        apps.splice(apps.indexOf(first), 1);

        // The receiver comes up, and a new process (same database) takes over the retry.
        const bodies: { body: string; signature: string }[] = [];
        server = createServer((req, res) => {
          let body = "";
          req.on("data", (c: Buffer) => (body += c.toString()));
          req.on("end", () => {
            bodies.push({
              body,
              signature: String(req.headers["stepfault-signature"]),
            });
            res.end();
          });
        });
        await new Promise<void>((r) => server!.listen(port, "127.0.0.1", r));
        const second = await buildTestApp(database, config, {
          webhooks: settings,
        });
        apps.push(second);
        const until2 = Date.now() + 20_000;
        items = await list(second);
        while (items[0]?.status !== "succeeded" && Date.now() < until2) {
          await new Promise((r) => setTimeout(r, 50));
          items = await list(second);
        }
        expect(items).toHaveLength(1);
        expect(items[0].status).toBe("succeeded");
        expect(items[0].attempts).toBeGreaterThanOrEqual(2);
        expect(items[0].attemptLog.at(-1)?.statusCode).toBe(200);
        expect(bodies).toHaveLength(1);
        expect(bodies[0].body).toBe(items[0].payload);
        expect(
          verifySignature(secret, bodies[0].body, bodies[0].signature),
        ).toBe(true);
      });
    },
  );
}
