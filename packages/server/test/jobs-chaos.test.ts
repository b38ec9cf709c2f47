/**
 * Chaos: an API process and two `stepfault worker` processes on PostgreSQL. 200 jobs are
 * submitted (each with an Idempotency-Key, retried until accepted); meanwhile a random worker is
 * SIGKILLed five times, and more until a kill has interrupted a running job (restarted each
 * time), and the API process is SIGKILLed once and restarted.
 * At the end every accepted job is `succeeded`, exactly one job exists per key, each result's
 * counts sum to its shots, and each job's log holds exactly one `succeeded` event (the result was
 * written once), whatever number of attempts it took. Skips without TEST_DATABASE_URL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "./helpers/engines.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl) console.warn("[jobs-chaos] TEST_DATABASE_URL is not set: skipping");

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, "../../cli/bin/stepfault.mjs");
const RUN_TS = resolve(here, "../../cli/bin/run-ts.mjs");
const API = resolve(here, "helpers/api-process.ts");
const RECOVER_AFTER = 2;
const JOBS = 200;
const BELL =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';
// A dynamic circuit (simulation threads) that runs for a few hundred milliseconds.
const BUSY = `OPENQASM 3.0;
include "stdgates.inc";
qubit[6] q;
bit[6] c;
for int i in [0:19] {
  h q;
  c = measure q;
}
`;
const spec = (i: number) =>
  i % 2 === 0 ? { source: BELL, shots: 1000 } : { source: BUSY, shots: 200 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pgUrl)("Job chaos [postgres]", () => {
  let created: { url: string; drop: () => Promise<void> };
  const children = new Set<ChildProcess>();
  const env = () => ({
    ...process.env,
    DATABASE_URL: created.url,
    JWT_SECRET: "chaos-secret-chaos-secret-chaos-secret!!",
    LOG_LEVEL: "error",
    API_RATE_LIMIT_PER_MINUTE: "1000000",
    AUTH_RATE_LIMIT_PER_MINUTE: "10000",
  });

  function watch(child: ChildProcess, ready: RegExp): Promise<string> {
    children.add(child);
    child.on("exit", () => children.delete(child));
    return new Promise((resolveReady, reject) => {
      let out = "";
      const onData = (d: Buffer) => {
        out += d.toString();
        const m = ready.exec(out);
        if (m) resolveReady(m[1] ?? "");
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("exit", (code) =>
        reject(new Error(`process exited ${code} before it was ready: ${out}`)),
      );
    });
  }
  const startApi = async () => {
    const child = spawn(process.execPath, [RUN_TS, API], {
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    return { child, url: await watch(child, /listening (\S+)/) };
  };
  const startWorker = async () => {
    const child = spawn(
      process.execPath,
      [BIN, "worker", "--recover-after", String(RECOVER_AFTER)],
      { env: env(), stdio: ["ignore", "pipe", "pipe"] },
    );
    await watch(child, /(worker running)/);
    return child;
  };
  const kill = async (child: ChildProcess) => {
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await gone;
  };

  beforeAll(async () => {
    created = await createPostgresDatabase(pgUrl ?? "");
  });

  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await sleep(300);
    await created?.drop();
  });

  it("loses, duplicates or double-writes no job while workers and the API are SIGKILLed", async () => {
    let api = await startApi();
    const call = async (
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) => {
      const res = await fetch(`${api.url}/api/v1${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as never };
    };
    const email = `chaos-${randomBytes(4).toString("hex")}@example.test`;
    const password = "correct horse battery";
    await call("POST", "/auth/register", { email, password });
    const login = await call("POST", "/auth/login", { email, password });
    const auth = {
      authorization: `Bearer ${(login.json as { accessToken: string }).accessToken}`,
    };
    const project = await call("POST", "/projects", { name: "Chaos" }, auth);
    expect(project.status).toBe(201);
    const projectId = (project.json as { id: string }).id;
    const workers = [await startWorker(), await startWorker()];

    // Submitters: 8 at a time, each job retried with its key until accepted (201, or 200 with
    // the job of an earlier attempt whose answer was lost with the API).
    const accepted = new Map<number, string>();
    let next = 0;
    const submitting = Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < JOBS) {
          const i = next++;
          for (;;) {
            try {
              const r = await call(
                "POST",
                `/projects/${projectId}/jobs`,
                { ...spec(i), seed: i },
                { ...auth, "idempotency-key": `chaos-${i}` },
              );
              if (r.status === 201 || r.status === 200) {
                accepted.set(i, (r.json as { id: string }).id);
                break;
              }
            } catch {
              // the API is down: try again
            }
            await sleep(100);
          }
        }
      }),
    );

    const db = new pg.Client({ connectionString: created.url });
    await db.connect();
    // Thread jobs held by live workers (heartbeat refreshed every 0.5 s); each worker runs one.
    const liveRunning = async () =>
      (
        await db.query<{ n: number }>(
          "select count(*)::int as n from jobs where status = 'running' and heartbeat_at > now() - interval '1 second'",
        )
      ).rows[0].n;

    // Chaos: the API once (mid-submission), then a random worker five times, each time when
    // possible while both workers are running a job (so the kill interrupts one).
    await sleep(700);
    await kill(api.child);
    api = await startApi();
    const kills: string[] = [];
    // Jobs whose worker was killed while it ran them: each must have run again.
    const orphaned = new Set<string>();
    // Five kills, and more (up to eight) until one has hit a job mid-run.
    for (let k = 0; k < 5 || (orphaned.size === 0 && k < 8); k++) {
      await sleep(300 + Math.floor(Math.random() * 500));
      const until = Date.now() + 5000;
      let busy = await liveRunning();
      while (busy < 2 && Date.now() < until) {
        await sleep(50);
        busy = await liveRunning();
      }
      const w = Math.floor(Math.random() * workers.length);
      await kill(workers[w]);
      // The jobs running when the worker died; the ones the dead worker held stop their heartbeat.
      const atKill = (
        await db.query<{ id: string; attempts: number }>(
          "select id, attempts from jobs where status = 'running'",
        )
      ).rows;
      workers[w] = await startWorker();
      await sleep(1500);
      const orphans = (
        await db.query<{ id: string }>(
          `select j.id from jobs j join unnest($1::uuid[], $2::int[]) as k(id, attempts) on j.id = k.id
            where j.attempts > k.attempts
               or (j.status = 'running' and j.attempts = k.attempts and j.heartbeat_at < now() - interval '1.2 seconds')`,
          [atKill.map((r) => r.id), atKill.map((r) => r.attempts)],
        )
      ).rows;
      for (const o of orphans) orphaned.add(o.id);
      kills.push(`${w}${orphans.length > 0 ? "*" : ""}`);
      console.info(
        `[jobs-chaos] kill ${k}: busy ${busy}, orphans ${orphans.length}`,
      );
    }
    await submitting;
    expect(accepted.size).toBe(JOBS);
    // At least one kill interrupted a running job, so the re-run checks below test something.
    expect(
      orphaned.size,
      `no kill hit a running job (${kills.join(",")})`,
    ).toBeGreaterThan(0);

    try {
      const ids = [...accepted.values()];
      const until = Date.now() + 60_000;
      for (;;) {
        const { rows } = await db.query<{ n: number }>(
          "select count(*)::int as n from jobs where id = any($1) and status in ('succeeded', 'failed', 'cancelled')",
          [ids],
        );
        if (rows[0].n === JOBS) break;
        if (Date.now() > until)
          throw new Error(`only ${rows[0].n} of ${JOBS} jobs finished`);
        await sleep(250);
      }
      const { rows: jobs } = await db.query<{
        id: string;
        status: string;
        shots: number;
        attempts: number;
        result: { counts: Record<string, number> } | null;
        succeeded_events: number;
        running_events: number;
      }>(`select j.id, j.status, j.shots, j.attempts, j.result,
            (select count(*)::int from job_events e where e.job_id = j.id and e.type = 'status' and e.data->>'status' = 'succeeded') as succeeded_events,
            (select count(*)::int from job_events e where e.job_id = j.id and e.type = 'status' and e.data->>'status' = 'running') as running_events
          from jobs j`);
      // no job missing, none duplicated by retried submissions
      expect(jobs).toHaveLength(JOBS);
      expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(ids));
      for (const j of jobs) {
        expect(j.status, j.id).toBe("succeeded");
        expect(j.succeeded_events, j.id).toBe(1);
        expect(j.running_events, j.id).toBe(j.attempts);
        const counts = Object.values(j.result?.counts ?? {});
        expect(
          counts.reduce((a, b) => a + b, 0),
          j.id,
        ).toBe(j.shots);
      }
      // kills that hit a running job (marked *) made it run again
      const rerun = jobs.filter((j) => j.attempts > 1).length;
      console.info(
        `[jobs-chaos] ${JOBS} jobs succeeded; killed workers ${kills.join(",")} (* = mid-job) and the API once; ${rerun} jobs ran more than once`,
      );
      for (const id of orphaned)
        expect(
          jobs.find((j) => j.id === id)?.attempts,
          `orphaned job ${id}`,
        ).toBeGreaterThan(1);
    } finally {
      await db.end();
      for (const w of workers) await kill(w);
      await kill(api.child);
    }
  }, 150_000);
});
