/**
 * Poison jobs and messages pg-boss gives up on (jobs/recovery.ts, jobs/dead-letter.ts): a job
 * whose worker dies on every attempt is failed with WORKER_LOST after JOB_MAX_ATTEMPTS attempts
 * (with its `failed` event and webhook delivery) instead of being re-queued forever, and a queued
 * job whose message pg-boss gave up on is sent again, then failed with QUEUE_RETRIES_EXHAUSTED:
 * it never stays `queued` with no message. Real reaper, real pg-boss, on both engines.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs as jobsTable } from "../src/database/schema.ts";
import { createDeadLetterHandler } from "../src/jobs/dead-letter.ts";
import { createJobEventBus } from "../src/jobs/event-bus.ts";
import { DEFAULT_JOB_SETTINGS } from "../src/jobs/limits.ts";
import {
  openJobQueue,
  SIMULATE_DEAD_QUEUE,
  SIMULATE_QUEUE,
  type JobQueue,
  type SimulateMessage,
} from "../src/jobs/queue.ts";
import { startLiveness, type Liveness } from "../src/jobs/recovery.ts";
import type { SimPool } from "../src/jobs/sim-pool.ts";
import { createSimulateHandler } from "../src/jobs/simulate.job.ts";
import { createLogger } from "../src/logger.ts";
import {
  createJobsRepository,
  type JobsRepository,
} from "../src/repositories/jobs.repository.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import { BELL, SLOW } from "./helpers/circuits.ts";
import {
  bearer,
  buildTestApp,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

const RECOVER_AFTER = 1;
const log = createLogger("silent");

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  error: null | { code: string; message: string };
  result: null | { counts: Record<string, number> };
}

/** A loopback webhook receiver that records the bodies it gets. */
async function startReceiver() {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    bodies,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Test helpers over one app on one database. */
function harness(get: () => { app: FastifyInstance; database: TestDatabase }) {
  let owner: TestUser;
  let projectId: string;
  return {
    get owner() {
      return owner;
    },
    get projectId() {
      return projectId;
    },
    async setUp(tag: string) {
      const { app } = get();
      owner = await signUp(app, tag);
      projectId = (
        (
          await app.inject({
            method: "POST",
            url: "/api/v1/projects",
            headers: bearer(owner.accessToken),
            payload: { name: tag },
          })
        ).json() as { id: string }
      ).id;
    },
    async job(id: string): Promise<JobBody> {
      const res = await get().app.inject({
        url: `/api/v1/jobs/${id}`,
        headers: bearer(owner.accessToken),
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as JobBody;
    },
    async waitFor(id: string, done: (j: JobBody) => boolean, ms = 20_000) {
      const until = Date.now() + ms;
      for (;;) {
        const j = await this.job(id);
        if (done(j)) return j;
        if (Date.now() > until) throw new Error(`job ${id} still ${j.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async submit(source: string, shots: number): Promise<string> {
      const res = await get().app.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/jobs`,
        headers: bearer(owner.accessToken),
        payload: { source, shots, seed: 3 },
      });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { id: string }).id;
    },
    /** A job left `running` on attempt `attempts` by a worker that died a minute ago. */
    async insertStale(attempts: number): Promise<string> {
      const [row] = await get()
        .database.db.insert(jobsTable)
        .values({
          projectId,
          createdBy: owner.id,
          source: BELL,
          numQubits: 2,
          numClbits: 2,
          shots: 200,
          seed: 7,
          precision: "double",
          status: "running",
          attempts,
          startedAt: new Date(Date.now() - 60_000),
          heartbeatAt: new Date(Date.now() - 60_000),
        })
        .returning();
      return row.id;
    },
    async statusEvents(id: string) {
      const rows = await createJobsRepository(get().database.db).eventsAfter(
        id,
        0,
      );
      return rows
        .filter((e) => e.type === "status")
        .map(
          (e) =>
            e.data as {
              status: string;
              attempt?: number;
              error?: { code: string };
            },
        );
    },
    /** Queue messages of a job that a worker may still fetch. */
    /** Messages of the job not yet completed or failed. */
    async liveMessages(id: string): Promise<number> {
      const res = (await get().database.db.execute(
        sql`select count(*)::int as n from pgboss.job where data->>'jobId' = ${id} and state < 'completed'`,
      )) as unknown as { rows: { n: number }[] };
      return res.rows[0].n;
    },
    /**
     * The job's live messages once the queue has settled: a message whose handler finished the job
     * is completed in a batch just after the handler returns, so it may read `active` for a moment.
     * Waits up to 10 s for none to be left; returns the last count.
     */
    async liveMessagesSettled(id: string): Promise<number> {
      const until = Date.now() + 10_000;
      let n = await this.liveMessages(id);
      while (n > 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 50));
        n = await this.liveMessages(id);
      }
      return n;
    },
  };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `Poison jobs, with the app's worker and reaper [${engine.name}]`,
    () => {
      let database: TestDatabase;
      let app: FastifyInstance;
      let receiver: Awaited<ReturnType<typeof startReceiver>>;
      const h = harness(() => ({ app, database }));

      beforeAll(async () => {
        database = await engine.open();
        await database.migrate();
        app = await buildTestApp(
          database,
          {},
          {
            jobs: { threads: 1, expireInSeconds: RECOVER_AFTER },
            webhooks: { pollIntervalMs: 50, retryBaseMs: 50 },
          },
        );
        receiver = await startReceiver();
        await h.setUp("poison");
      });

      afterAll(async () => {
        await app?.close();
        await receiver?.close();
        await database?.dispose();
      });

      it("fails a stale job that used its 3 attempts with WORKER_LOST, its failed event and a job.failed webhook", async () => {
        const hook = await app.inject({
          method: "POST",
          url: `/api/v1/projects/${h.projectId}/webhooks`,
          headers: bearer(h.owner.accessToken),
          payload: { url: receiver.url, events: ["job.failed"] },
        });
        expect(hook.statusCode, hook.body).toBe(201);
        const id = await h.insertStale(3);
        const end = await h.waitFor(id, (j) => j.status !== "running");
        expect(end.status).toBe("failed");
        expect(end.attempts).toBe(3);
        expect(end.error?.code).toBe("WORKER_LOST");
        expect(end.error?.message).toMatch(
          /^the worker running this job stopped 3 times .*submit it again/,
        );
        expect(end.result).toBeNull();
        const events = await h.statusEvents(id);
        expect(events.map((e) => e.status)).toEqual(["failed"]);
        expect(events[0].error?.code).toBe("WORKER_LOST");
        // the job stays failed: nothing re-queues or runs it
        await new Promise((r) => setTimeout(r, 2 * RECOVER_AFTER * 1000));
        expect((await h.job(id)).status).toBe("failed");
        expect(await h.liveMessagesSettled(id)).toBe(0);
        // the usual webhook for a final state
        const until = Date.now() + 15_000;
        while (!receiver.bodies.some((b) => b.includes(id))) {
          if (Date.now() > until) throw new Error("no webhook delivery");
          await new Promise((r) => setTimeout(r, 50));
        }
        const body = JSON.parse(
          receiver.bodies.find((b) => b.includes(id)) ?? "{}",
        ) as {
          type: string;
          data: {
            job: { id: string; status: string; error: { code: string } };
          };
        };
        expect(body.type).toBe("job.failed");
        expect(body.data.job).toMatchObject({
          id,
          status: "failed",
          error: { code: "WORKER_LOST" },
        });
      }, 30_000);

      it("re-queues a stale job that has an attempt left, and runs its last attempt", async () => {
        const id = await h.insertStale(2);
        const end = await h.waitFor(
          id,
          (j) => j.status !== "running" && j.status !== "queued",
        );
        expect(end.status).toBe("succeeded");
        expect(end.attempts).toBe(3);
        expect(
          Object.values(end.result?.counts ?? {}).reduce((a, b) => a + b, 0),
        ).toBe(200);
        expect((await h.statusEvents(id)).map((e) => e.status)).toEqual([
          "queued",
          "running",
          "succeeded",
        ]);
      }, 30_000);
    },
  );

  describe.skipIf(engine.skipReason !== undefined)(
    `Poison jobs, with workers that die [${engine.name}]`,
    () => {
      let database: TestDatabase;
      let app: FastifyInstance;
      let queue: JobQueue;
      let repo: JobsRepository;
      let liveness: Liveness | undefined;
      const h = harness(() => ({ app, database }));

      beforeAll(async () => {
        database = await engine.open();
        await database.migrate();
        // The API alone: the test plays the workers.
        app = await buildTestApp(
          database,
          {},
          { jobs: { runWorker: false, expireInSeconds: RECOVER_AFTER } },
        );
        // pg-boss gives a message up after its first failure here.
        queue = await openJobQueue(database, {
          expireInSeconds: RECOVER_AFTER,
          pollingIntervalSeconds: 0.5,
          retryLimit: 0,
        });
        repo = createJobsRepository(database.db);
        await h.setUp("dying");
      });

      afterAll(async () => {
        await liveness?.stop();
        await queue?.stop();
        await app?.close();
        await database?.dispose();
      });

      it("runs a job whose worker dies every time at most 3 times, then the reaper fails it", async () => {
        const failed: string[] = [];
        liveness = startLiveness({
          jobs: repo,
          recoverAfterSeconds: RECOVER_AFTER,
          maxAttempts: 3,
          enqueue: (tx, jobId) => queue.enqueue(tx, { jobId }),
          requeued: () => undefined,
          failed: (ids) => failed.push(...ids),
          log,
        });
        const id = await h.submit(SLOW, 1_000_000);
        expect(await h.liveMessages(id)).toBe(1);
        for (let attempt = 1; attempt <= 3; attempt++) {
          // a worker claims the job, then dies (no heartbeat from now on)
          const claimed = await repo.claim(id, RECOVER_AFTER, 3);
          expect(claimed?.attempts).toBe(attempt);
          await new Promise((r) => setTimeout(r, RECOVER_AFTER * 1000 + 200));
          if (attempt === 3)
            // no fourth attempt for a stale job that used its attempts
            expect(await repo.claim(id, RECOVER_AFTER, 3)).toBeUndefined();
          await liveness.tick();
          const j = await h.job(id);
          if (attempt < 3) {
            expect(j.status).toBe("queued");
            // re-queued with a new message (the first one is still there too: nobody took it)
            expect(await h.liveMessages(id)).toBe(1 + attempt);
          } else {
            expect(j.status).toBe("failed");
            expect(j.error?.code).toBe("WORKER_LOST");
            expect(j.attempts).toBe(3);
          }
        }
        expect(failed).toEqual([id]);
        expect((await h.statusEvents(id)).map((e) => e.status)).toEqual([
          "queued",
          "running",
          "queued",
          "running",
          "queued",
          "running",
          "failed",
        ]);
      }, 30_000);

      it("gives a released attempt back with a new queue message", async () => {
        const id = await h.submit(SLOW, 1_000_000);
        const claimed = await repo.claim(id, RECOVER_AFTER, 3);
        expect(claimed?.attempts).toBe(1);
        const before = await h.liveMessages(id);
        expect(
          await repo.release(id, 1, (tx, jobId) =>
            queue.enqueue(tx, { jobId }),
          ),
        ).toBe(true);
        expect((await h.job(id)).status).toBe("queued");
        expect(await h.liveMessages(id)).toBe(before + 1);
        // a stale attempt cannot release it twice
        expect(
          await repo.release(id, 1, (tx, jobId) =>
            queue.enqueue(tx, { jobId }),
          ),
        ).toBe(false);
        await repo.cancel(id);
      });

      it("gives a job whose simulation thread dies back with a new message, then fails it with WORKER_LOST on its last attempt", async () => {
        // A thread cannot be made to die for real here (no input crashes it): a pool whose
        // every run ends as a dead thread does (SIM_THREAD_DIED, as sim-pool.ts reports one).
        const pool = {
          run: () => ({
            outcome: Promise.resolve({
              ok: false as const,
              error: {
                code: "SIM_THREAD_DIED",
                message: "the simulation thread stopped: exit code 134",
              },
            }),
            cancel: () => undefined,
          }),
        } as unknown as SimPool;
        const threadLiveness = startLiveness({
          jobs: repo,
          recoverAfterSeconds: 60,
          maxAttempts: 3,
          enqueue: (tx, jobId) => queue.enqueue(tx, { jobId }),
          requeued: () => undefined,
          failed: () => undefined,
          log,
        });
        const { handle } = createSimulateHandler({
          jobs: repo,
          pool,
          bus: createJobEventBus(),
          settings: {
            ...DEFAULT_JOB_SETTINGS,
            expireInSeconds: 60,
            maxAttempts: 3,
          },
          log,
          liveness: threadLiveness,
          enqueue: (tx, jobId) => queue.enqueue(tx, { jobId }),
        });
        try {
          const id = await h.submit(SLOW, 1_000_000);
          for (let attempt = 1; attempt <= 3; attempt++) {
            const before = await h.liveMessages(id);
            // the message's handler returns normally: pg-boss's retries are not needed
            await handle({ jobId: id });
            const j = await h.job(id);
            expect(j.attempts).toBe(attempt);
            if (attempt < 3) {
              expect(j.status).toBe("queued");
              expect(await h.liveMessages(id)).toBe(before + 1);
            } else {
              expect(j.status).toBe("failed");
              expect(j.error?.code).toBe("WORKER_LOST");
              expect(j.error?.message).toMatch(
                /^the simulation thread running this job died 3 times \(last: .*exit code 134\)/,
              );
            }
          }
          expect((await h.statusEvents(id)).map((e) => e.status)).toEqual([
            "queued",
            "running",
            "queued",
            "running",
            "queued",
            "running",
            "failed",
          ]);
        } finally {
          await threadLiveness.stop();
        }
      });

      it("sends a queued job again when pg-boss gives up on its message, then fails it with QUEUE_RETRIES_EXHAUSTED", async () => {
        const rounds: (number | undefined)[] = [];
        const id = await h.submit(SLOW, 1_000_000);
        // A handler that fails every delivery of this job (e.g. the database refuses its claim).
        queue.work([
          {
            queue: SIMULATE_QUEUE,
            capacity: 1,
            handler: (m: SimulateMessage) => {
              if (m.jobId !== id) return Promise.resolve();
              rounds.push(m.round);
              return Promise.reject(new Error("test: the delivery fails"));
            },
          },
          {
            queue: SIMULATE_DEAD_QUEUE,
            capacity: 1,
            handler: createDeadLetterHandler({
              jobs: repo,
              settings: {
                maxAttempts: 3,
                retryLimit: 0,
                expireInSeconds: RECOVER_AFTER,
              },
              send: (m, small, after) => queue.send(m, small, after),
              changed: () => undefined,
              log,
            }),
          },
        ]);
        const end = await h.waitFor(id, (j) => j.status !== "queued", 30_000);
        expect(end.status).toBe("failed");
        expect(end.error?.code).toBe("QUEUE_RETRIES_EXHAUSTED");
        expect(end.error?.message).toMatch(/sent 3 times .*submit it again/);
        // every round was one delivery (retryLimit 0), sent three times in all
        expect(rounds).toEqual([undefined, 2, 3]);
        expect((await h.statusEvents(id)).map((e) => e.status)).toEqual([
          "queued",
          "running",
          "failed",
        ]);
        expect(await h.liveMessagesSettled(id)).toBe(0);
      }, 40_000);
    },
  );
}
