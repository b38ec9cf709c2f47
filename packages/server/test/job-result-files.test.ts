/**
 * Result files that go wrong: a stored result file deleted behind the server's back (every read
 * path answers clearly instead of a 500), and the file of an attempt whose finishing statement
 * failed or did not take (deleted, not left behind). Local file store, on both engines.
 */
import { access, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs as jobsTable } from "../src/database/schema.ts";
import { openFileStore, type FileStore } from "../src/files/file-store.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import { WIDE } from "./helpers/circuits.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

interface JobBody {
  id: string;
  status: string;
  attempts: number;
  result: null | {
    counts: Record<string, number>;
    shots: number;
    statevector?: unknown[];
  };
  resultUnavailable?: { code: string; message: string };
  record: null | { source: string; seed: number };
}

const INLINE_MAX = 2000;
/** Shots that make the trap below fail the first attempt's finishing statement / make it not take. */
const FINISH_FAILS = 4001;
const FINISH_DOES_NOT_TAKE = 4002;

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

for (const engine of ENGINES)
  describe.skipIf(engine.skipReason !== undefined)(
    `Job result files [${engine.name}]`,
    () => {
      let database: TestDatabase;
      let app: FastifyInstance;
      let dir: string;
      let store: FileStore;
      let owner: TestUser;
      let projectId: string;

      const get = (url: string) =>
        app.inject({
          url: `/api/v1${url}`,
          headers: bearer(owner.accessToken),
        });

      const submit = async (shots: number): Promise<string> => {
        const res = await app.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/jobs`,
          headers: bearer(owner.accessToken),
          payload: { source: WIDE, shots, seed: 5 },
        });
        expect(res.statusCode, res.body).toBe(201);
        return (res.json() as JobBody).id;
      };

      const finished = async (id: string, timeoutMs = 30_000) => {
        const until = Date.now() + timeoutMs;
        for (;;) {
          const res = await get(`/jobs/${id}`);
          expect(res.statusCode, res.body).toBe(200);
          const j = res.json() as JobBody;
          if (["succeeded", "failed", "cancelled"].includes(j.status)) return j;
          if (Date.now() > until) throw new Error(`job ${id} is ${j.status}`);
          await new Promise((r) => setTimeout(r, 50));
        }
      };

      const storedKey = async (id: string) => {
        const [row] = await database.db
          .select({ result: jobsTable.result })
          .from(jobsTable)
          .where(eq(jobsTable.id, id));
        return (row.result as { stored?: { key: string } }).stored?.key;
      };

      beforeAll(async () => {
        database = await engine.open();
        await database.migrate();
        dir = await mkdtemp(join(tmpdir(), "sf-result-files-"));
        store = openFileStore({ kind: "local", dir });
        app = await buildTestApp(
          database,
          {},
          {
            fileStore: store,
            jobs: { resultInlineMaxBytes: INLINE_MAX, expireInSeconds: 1 },
          },
        );
        owner = await signUp(app, "files");
        const p = await app.inject({
          method: "POST",
          url: "/api/v1/projects",
          headers: bearer(owner.accessToken),
          payload: { name: "Result files" },
        });
        projectId = (p.json() as { id: string }).id;
      });

      afterAll(async () => {
        await app?.close();
        await store?.close();
        if (dir) await rm(dir, { recursive: true, force: true });
        await database?.dispose();
      });

      describe("a stored result file that is gone", () => {
        let id: string;
        let key: string;

        beforeAll(async () => {
          id = await submit(4000);
          const job = await finished(id);
          expect(job.status).toBe("succeeded");
          expect(job.result?.statevector).toHaveLength(1024);
          key = (await storedKey(id)) ?? "";
          expect(key).toBe(`jobs/${id}/result-1.json`);
          // An operator deletes the file (or the bucket is lost).
          await rm(join(dir, key));
        });

        it("leaves GET /jobs/{id} readable: result null, resultUnavailable says what is gone", async () => {
          const res = await get(`/jobs/${id}`);
          expect(res.statusCode, res.body).toBe(200);
          const job = res.json() as JobBody;
          expect(job.status).toBe("succeeded");
          expect(job.result).toBeNull();
          expect(job.resultUnavailable?.code).toBe("RESULT_MISSING");
          expect(job.resultUnavailable?.message).toContain(key);
          expect(job.resultUnavailable?.message).toMatch(/submit it again/);
          // the record to run it again is intact
          expect(job.record?.source).toBe(WIDE);
          expect(job.record?.seed).toBe(5);
        });

        it("answers GET /jobs/{id}/result with 410 RESULT_MISSING naming the file", async () => {
          const body = expectProblem(
            await get(`/jobs/${id}/result`),
            410,
            "RESULT_MISSING",
          );
          expect(body.detail).toContain(key);
          expect(body.detail).toMatch(/submit it again/);
          expect(body.jobId).toBe(id);
          expect(body.resultKey).toBe(key);
        });

        it("streams the job as its SSE state event, with resultUnavailable", async () => {
          const res = await get(`/jobs/${id}/events`);
          expect(res.statusCode).toBe(200);
          const state = /event: state\ndata: (.*)\n/.exec(res.body)?.[1];
          expect(state, res.body).toBeDefined();
          const job = JSON.parse(state!) as JobBody;
          expect(job.status).toBe("succeeded");
          expect(job.result).toBeNull();
          expect(job.resultUnavailable?.code).toBe("RESULT_MISSING");
        });

        it("keeps the job in lists with its result summary, and deletes it", async () => {
          const list = await get(`/projects/${projectId}/jobs`);
          expect(list.statusCode, list.body).toBe(200);
          const item = (list.json() as { items: JobBody[] }).items.find(
            (j) => j.id === id,
          );
          expect(item?.result).toMatchObject({ shots: 4000 });
          expect(item).not.toHaveProperty("resultUnavailable");
          const del = await app.inject({
            method: "DELETE",
            url: `/api/v1/jobs/${id}`,
            headers: bearer(owner.accessToken),
          });
          expect(del.statusCode, del.body).toBe(204);
          expectProblem(await get(`/jobs/${id}`), 404, "JOB_NOT_FOUND");
        });
      });

      describe("the result file of an attempt whose finish fails", () => {
        beforeAll(async () => {
          // A real failure of the finishing UPDATE (first attempt only), and one that matches
          // no row (a BEFORE trigger returning null), for jobs with the marked shot counts.
          await database.db.execute(
            sql.raw(`create or replace function sf_test_finish_trap() returns trigger
              language plpgsql as $$
              begin
                if new.status = 'succeeded' and old.status = 'running' and new.attempts = 1 then
                  if new.shots = ${FINISH_FAILS} then
                    raise exception 'test: the finishing statement fails';
                  end if;
                  if new.shots = ${FINISH_DOES_NOT_TAKE} then
                    return null;
                  end if;
                end if;
                return new;
              end $$`),
          );
          await database.db.execute(
            sql.raw(
              "create trigger sf_test_finish_trap before update on jobs for each row execute function sf_test_finish_trap()",
            ),
          );
        });

        for (const [what, shots] of [
          ["fails", FINISH_FAILS],
          ["does not take", FINISH_DOES_NOT_TAKE],
        ] as const)
          it(`is deleted when the finishing statement ${what}; the next attempt writes its own`, async () => {
            const id = await submit(shots);
            const job = await finished(id);
            expect(job.status).toBe("succeeded");
            expect(job.attempts).toBe(2);
            expect(job.result?.statevector).toHaveLength(1024);
            expect(await storedKey(id)).toBe(`jobs/${id}/result-2.json`);
            expect(await exists(join(dir, `jobs/${id}/result-2.json`))).toBe(
              true,
            );
            // attempt 1 wrote its file before its finish failed: nothing refers to it any more
            expect(await exists(join(dir, `jobs/${id}/result-1.json`))).toBe(
              false,
            );
          });
      });
    },
  );
