/**
 * Crash recovery without a run-time limit (jobs/recovery.ts): a job that runs longer than the
 * recovery delay (and its pg-boss expiry) is not run a second time while its worker is alive,
 * and a job whose worker stopped sending heartbeats is re-queued by the reaper and run again,
 * its result written once. On both engines.
 */
import { sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs as jobsTable } from "../src/database/schema.ts";
import { createJobsRepository } from "../src/repositories/jobs.repository.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import {
  bearer,
  buildTestApp,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

const RECOVER_AFTER = 1;
const BELL =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';
// Runs for hours unless cancelled (every round of measurements splits the shots further).
const SLOW = `OPENQASM 3.0;
include "stdgates.inc";
qubit[10] q;
bit[10] c;
for int i in [0:199] {
  h q;
  c = measure q;
}
`;

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  result: null | { counts: Record<string, number> };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `Job recovery [${engine.name}]`,
    () => {
      let database: TestDatabase;
      let app: FastifyInstance;
      let owner: TestUser;
      let projectId: string;

      const get = async (id: string) =>
        (
          await app.inject({
            url: `/api/v1/jobs/${id}`,
            headers: bearer(owner.accessToken),
          })
        ).json() as JobBody;
      const waitFor = async (
        id: string,
        done: (j: JobBody) => boolean,
        timeoutMs = 20_000,
      ) => {
        const until = Date.now() + timeoutMs;
        for (;;) {
          const j = await get(id);
          if (done(j)) return j;
          if (Date.now() > until)
            throw new Error(`job ${id} still ${j.status}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };
      const statusEvents = async (id: string) => {
        const rows = await createJobsRepository(database.db).eventsAfter(id, 0);
        return rows
          .filter((e) => e.type === "status")
          .map((e) => e.data as { status: string; attempt?: number });
      };

      beforeAll(async () => {
        database = await engine.open();
        await database.migrate();
        app = await buildTestApp(
          database,
          {},
          { jobs: { threads: 1, expireInSeconds: RECOVER_AFTER } },
        );
        owner = await signUp(app, "recovery");
        projectId = (
          (
            await app.inject({
              method: "POST",
              url: "/api/v1/projects",
              headers: bearer(owner.accessToken),
              payload: { name: "Recovery" },
            })
          ).json() as { id: string }
        ).id;
      }, 60_000);

      afterAll(async () => {
        await app?.close();
        await database?.dispose();
      });

      it("keeps a job that runs 3x longer than the recovery delay on its first attempt", async () => {
        const res = await app.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/jobs`,
          headers: bearer(owner.accessToken),
          payload: { source: SLOW, shots: 1_000_000, seed: 1 },
        });
        expect(res.statusCode, res.body).toBe(201);
        const id = (res.json() as JobBody).id;
        await waitFor(id, (j) => j.status === "running");
        // pg-boss expires the message after RECOVER_AFTER s and retries it; the heartbeat keeps
        // the job with its live worker, so nothing runs it a second time.
        await new Promise((r) => setTimeout(r, 3_500));
        const mid = await get(id);
        expect(mid.status).toBe("running");
        expect(mid.attempts).toBe(1);
        const cancel = await app.inject({
          method: "POST",
          url: `/api/v1/jobs/${id}/cancel`,
          headers: bearer(owner.accessToken),
        });
        expect(cancel.statusCode).toBe(200);
        const end = await waitFor(id, (j) => j.status === "cancelled");
        expect(end.attempts).toBe(1);
        expect(
          (await statusEvents(id)).filter((e) => e.status === "running"),
        ).toHaveLength(1);
      }, 30_000);

      it("re-queues a running job whose worker stopped sending heartbeats, and runs it once more", async () => {
        // A job left `running` by a worker that died a minute ago (no message is in flight).
        const [row] = await database.db
          .insert(jobsTable)
          .values({
            projectId,
            createdBy: owner.id,
            source: BELL,
            numQubits: 2,
            numClbits: 2,
            shots: 300,
            seed: 7,
            precision: "double",
            status: "running",
            attempts: 1,
            startedAt: new Date(Date.now() - 60_000),
            heartbeatAt: new Date(Date.now() - 60_000),
          })
          .returning();
        const end = await waitFor(row.id, (j) => j.status === "succeeded");
        expect(end.attempts).toBe(2);
        const counts = end.result?.counts ?? {};
        expect(Object.keys(counts).sort()).toEqual(["00", "11"]);
        expect(counts["00"] + counts["11"]).toBe(300);
        const events = await statusEvents(row.id);
        expect(events.map((e) => e.status)).toEqual([
          "queued",
          "running",
          "succeeded",
        ]);
        expect(events[1].attempt).toBe(2);
      }, 30_000);

      it("finishes tiny jobs in one attempt (queued, running, succeeded) and leaves none of their queue messages pending", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const res = await app.inject({
            method: "POST",
            url: `/api/v1/projects/${projectId}/jobs`,
            headers: bearer(owner.accessToken),
            payload: { source: BELL, shots: 100, seed: i },
          });
          expect(res.statusCode, res.body).toBe(201);
          ids.push((res.json() as JobBody).id);
        }
        for (const id of ids) {
          const end = await waitFor(id, (j) => j.status === "succeeded");
          expect(end.attempts).toBe(1);
          expect((await statusEvents(id)).map((e) => e.status)).toEqual([
            "queued",
            "running",
            "succeeded",
          ]);
        }
        const left = async () =>
          (
            (await database.db.execute(
              sql`select count(*)::int as n from pgboss.job where name = 'simulate-small' and state not in ('completed')`,
            )) as unknown as { rows: { n: number }[] }
          ).rows[0].n;
        const until = Date.now() + 5000;
        while ((await left()) > 0 && Date.now() < until)
          await new Promise((r) => setTimeout(r, 50));
        expect(await left()).toBe(0);
      });

      it("claims a running job only when its heartbeat is stale", async () => {
        const repo = createJobsRepository(database.db);
        const [row] = await database.db
          .insert(jobsTable)
          .values({
            projectId,
            createdBy: owner.id,
            source: BELL,
            numQubits: 2,
            numClbits: 2,
            shots: 1,
            precision: "double",
            status: "running",
            attempts: 3,
            heartbeatAt: new Date(),
          })
          .returning();
        expect(await repo.claim(row.id, 60)).toBeUndefined();
        await repo.cancel(row.id);
        expect(await repo.claim(row.id, 0)).toBeUndefined();
        // a finished attempt cannot write over the outcome
        expect(
          await repo.finish(row.id, 3, { status: "succeeded", result: {} }),
        ).toBe(false);
        expect((await repo.findById(row.id))?.status).toBe("cancelled");
      });
    },
  );
}
