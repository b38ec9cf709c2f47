import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobs as jobsTable } from "../src/database/schema.ts";
import { openFileStore, type FileStore } from "../src/files/file-store.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import { startS3 } from "./helpers/s3.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";
import { BELL, SLOW, TELEPORT, WIDE } from "./helpers/circuits.ts";

interface ResultBody {
  counts: Record<string, number>;
  probabilities: Record<string, number>;
  statevector?: [number, number][];
  shots: number;
  qubits: number;
  method: string;
  peakMemoryBytes: number;
  timing: { simulateMs: number };
}
interface JobBody {
  id: string;
  status: string;
  result: ResultBody | null;
}

const INLINE_MAX = 2000;

for (const engine of ENGINES)
  for (const kind of ["local", "s3"] as const)
    describe.skipIf(engine.skipReason !== undefined)(
      `Job results in the file store (${kind}) [${engine.name}]`,
      () => {
        let database: TestDatabase;
        let app: FastifyInstance;
        let store: FileStore;
        let closeStore: () => Promise<void>;
        let owner: TestUser;
        let stranger: TestUser;
        let projectId: string;

        const get = (url: string, token = owner.accessToken) =>
          app.inject({ url: `/api/v1${url}`, headers: bearer(token) });

        const run = async (source: string, shots: number): Promise<JobBody> => {
          const res = await app.inject({
            method: "POST",
            url: `/api/v1/projects/${projectId}/jobs`,
            headers: bearer(owner.accessToken),
            payload: { source, shots, seed: 11 },
          });
          expect(res.statusCode, res.body).toBe(201);
          const id = (res.json() as JobBody).id;
          const until = Date.now() + 20_000;
          for (;;) {
            const j = (await get(`/jobs/${id}`)).json() as JobBody;
            if (["succeeded", "failed", "cancelled"].includes(j.status)) {
              expect(j.status).toBe("succeeded");
              return j;
            }
            if (Date.now() > until) throw new Error(`job ${id} is ${j.status}`);
            await new Promise((r) => setTimeout(r, 50));
          }
        };

        const rowResult = async (id: string) => {
          const [row] = await database.db
            .select({ result: jobsTable.result })
            .from(jobsTable)
            .where(eq(jobsTable.id, id));
          return row.result as Record<string, unknown>;
        };

        beforeAll(async () => {
          database = await engine.open();
          await database.migrate();
          if (kind === "local") {
            const dir = await mkdtemp(join(tmpdir(), "sf-results-"));
            store = openFileStore({ kind: "local", dir });
            closeStore = () => rm(dir, { recursive: true, force: true });
          } else {
            const s3 = await startS3();
            store = openFileStore(s3.config);
            closeStore = s3.close;
          }
          app = await buildTestApp(
            database,
            {},
            {
              fileStore: store,
              jobs: { resultInlineMaxBytes: INLINE_MAX, expireInSeconds: 30 },
            },
          );
          owner = await signUp(app, "owner");
          stranger = await signUp(app, "stranger");
          const p = await app.inject({
            method: "POST",
            url: "/api/v1/projects",
            headers: bearer(owner.accessToken),
            payload: { name: "Results" },
          });
          projectId = (p.json() as { id: string }).id;
        }, 60_000);

        afterAll(async () => {
          await app?.close();
          await store?.close();
          await closeStore?.();
          await database?.dispose();
        });

        it("keeps a small result inline in the job row", async () => {
          const job = await run(BELL, 100);
          const row = await rowResult(job.id);
          expect(row).not.toHaveProperty("stored");
          expect(row.counts).toEqual(job.result?.counts);
          expect(
            await store.get(`jobs/${job.id}/result-1.json`),
          ).toBeUndefined();
          // one state of 2 qubits in double precision: 4 amplitudes x 16 bytes
          expect(job.result?.peakMemoryBytes).toBe(64);
        });

        it("writes a large result to the store and still returns it whole", async () => {
          const job = await run(WIDE, 4000);
          const result = job.result!;
          expect(result.statevector).toHaveLength(1024);
          expect(result.statevector?.[0][0]).toBeCloseTo(1 / 32);
          expect(Object.values(result.counts).reduce((a, b) => a + b, 0)).toBe(
            4000,
          );
          expect(Object.keys(result.probabilities).length).toBe(
            Object.keys(result.counts).length,
          );
          const row = await rowResult(job.id);
          const stored = row.stored as { key: string; bytes: number };
          expect(stored.key).toBe(`jobs/${job.id}/result-1.json`);
          expect(row).not.toHaveProperty("statevector");
          expect(row).not.toHaveProperty("counts");
          expect(row.shots).toBe(4000);
          const file = await store.get(stored.key);
          expect(file?.length).toBe(stored.bytes);
          expect(JSON.parse(file!.toString())).toEqual(result);

          const alone = await get(`/jobs/${job.id}/result`);
          expect(alone.statusCode, alone.body).toBe(200);
          expect(alone.headers["content-type"]).toMatch(/^application\/json/);
          expect(alone.json()).toEqual(result);

          // A client that connects after the end gets the whole job in the `state` event.
          const sse = await get(`/jobs/${job.id}/events`);
          expect(sse.statusCode).toBe(200);
          const state = /event: state\ndata: (.*)\n/.exec(sse.body)?.[1];
          expect(state).toBeDefined();
          expect((JSON.parse(state!) as JobBody).result).toEqual(result);

          const list = await get(`/projects/${projectId}/jobs`);
          expect(list.statusCode).toBe(200);
          const item = (
            list.json() as { items: (JobBody & { record?: unknown })[] }
          ).items.find((j) => j.id === job.id);
          expect(item?.result).toMatchObject({ shots: 4000, qubits: 10 });
          for (const k of ["counts", "probabilities", "statevector", "stored"])
            expect(item?.result).not.toHaveProperty(k);
          expect(item).not.toHaveProperty("record");
          expect(list.body.length).toBeLessThan(INLINE_MAX * 2);

          const del = await app.inject({
            method: "DELETE",
            url: `/api/v1/jobs/${job.id}`,
            headers: bearer(owner.accessToken),
          });
          expect(del.statusCode).toBe(204);
          expect(await store.get(stored.key)).toBeUndefined();
          expectProblem(
            await get(`/jobs/${job.id}/result`),
            404,
            "JOB_NOT_FOUND",
          );
        });

        it("answers the result endpoint with 409 before a result exists and 404 to others", async () => {
          const job = await run(BELL, 10);
          expectProblem(
            await get(`/jobs/${job.id}/result`, stranger.accessToken),
            404,
            "JOB_NOT_FOUND",
          );
          const inline = await get(`/jobs/${job.id}/result`);
          expect(inline.statusCode).toBe(200);
          expect(inline.json()).toEqual(job.result);
          const queued = await app.inject({
            method: "POST",
            url: `/api/v1/projects/${projectId}/jobs`,
            headers: bearer(owner.accessToken),
            payload: { source: SLOW, shots: 1_000_000 },
          });
          const id = (queued.json() as JobBody).id;
          expectProblem(
            await get(`/jobs/${id}/result`),
            409,
            "JOB_RESULT_NOT_READY",
          );
          const cancel = await app.inject({
            method: "POST",
            url: `/api/v1/jobs/${id}/cancel`,
            headers: bearer(owner.accessToken),
          });
          expect(cancel.statusCode, cancel.body).toBe(200);
          expectProblem(
            await get(`/jobs/${id}/result`),
            409,
            "JOB_RESULT_NOT_READY",
          );
        });

        it("deletes a project's result files with the project", async () => {
          const p = await app.inject({
            method: "POST",
            url: "/api/v1/projects",
            headers: bearer(owner.accessToken),
            payload: { name: "Doomed" },
          });
          const doomed = (p.json() as { id: string }).id;
          const sub = await app.inject({
            method: "POST",
            url: `/api/v1/projects/${doomed}/jobs`,
            headers: bearer(owner.accessToken),
            payload: { source: WIDE, shots: 100 },
          });
          const id = (sub.json() as JobBody).id;
          const until = Date.now() + 20_000;
          while (
            ((await get(`/jobs/${id}`)).json() as JobBody).status !==
              "succeeded" &&
            Date.now() < until
          )
            await new Promise((r) => setTimeout(r, 50));
          const key = `jobs/${id}/result-1.json`;
          expect(await store.get(key)).toBeDefined();
          expectProblem(
            await app.inject({
              method: "DELETE",
              url: `/api/v1/projects/${doomed}`,
              headers: bearer(stranger.accessToken),
            }),
            404,
            "PROJECT_NOT_FOUND",
          );
          expect(await store.get(key)).toBeDefined();
          const del = await app.inject({
            method: "DELETE",
            url: `/api/v1/projects/${doomed}`,
            headers: bearer(owner.accessToken),
          });
          expect(del.statusCode, del.body).toBe(204);
          expect(await store.get(key)).toBeUndefined();
        });

        it("keeps the job readable and answers its result with 410 RESULT_MISSING when the stored file is gone", async () => {
          const job = await run(WIDE, 3000);
          const key = (await rowResult(job.id)).stored as { key: string };
          await store.delete(key.key); // an operator, or a lost bucket
          const again = await get(`/jobs/${job.id}`);
          expect(again.statusCode, again.body).toBe(200);
          expect(again.json()).toMatchObject({
            status: "succeeded",
            result: null,
            resultUnavailable: { code: "RESULT_MISSING" },
          });
          const body = expectProblem(
            await get(`/jobs/${job.id}/result`),
            410,
            "RESULT_MISSING",
          );
          expect(body.detail).toContain(key.key);
        });

        it("reports peak memory as the states alive at once times the state size", async () => {
          const job = await run(TELEPORT, 2000);
          expect(job.result?.method).toBe("trajectories");
          const stateBytes = 2 ** 3 * 16;
          const peak = job.result!.peakMemoryBytes;
          expect(peak % stateBytes).toBe(0);
          // branch-split sampling keeps more than one state, at most 1 + log2(shots)
          expect(peak / stateBytes).toBeGreaterThan(1);
          expect(peak / stateBytes).toBeLessThanOrEqual(1 + Math.log2(2000));
        });
      },
    );
