/**
 * A VQE job survives the end of its worker: an API process and a `stepfault worker` process on
 * PostgreSQL; the worker is stopped while the job is mid-run, a second worker takes the job over
 * and resumes from the last checkpoint. SIGKILL: the reaper re-queues it after the recovery
 * delay. SIGTERM: the stopping worker gives it back to the queue itself, at once, and exits 0.
 * The history has every iteration exactly once, the second attempt starts after the last stored
 * iteration (not at 0), and the result equals that of the same job run without interruption.
 * Skips without TEST_DATABASE_URL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { hardwareEfficient, pauliSumText } from "@stepfault/variational";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tfim } from "../../variational/test/helpers/dense.ts";
import { createPostgresDatabase } from "./helpers/engines.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl)
  console.warn("[variational-resume] TEST_DATABASE_URL is not set: skipping");

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, "../../cli/bin/stepfault.mjs");
const RUN_TS = resolve(here, "../../cli/bin/run-ts.mjs");
const API = resolve(here, "helpers/api-process.ts");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!pgUrl)("Variational job resume [postgres]", () => {
  let created: { url: string; drop: () => Promise<void> };
  const children = new Set<ChildProcess>();
  const env = () => ({
    ...process.env,
    DATABASE_URL: created.url,
    JWT_SECRET: "resume-secret-resume-secret-resume-secret!",
    LOG_LEVEL: "error",
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
  const startWorker = async () => {
    const child = spawn(
      process.execPath,
      [BIN, "worker", "--recover-after", "2"],
      {
        env: env(),
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    await watch(child, /(worker running)/);
    return child;
  };

  let api = "";
  let token = "";
  let projectId = "";
  let db: pg.Client;
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    bearer?: string,
  ) => {
    const res = await fetch(`${api}/api/v1${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await res.json()) as Record<string, unknown>;
  };
  const waitDone = async (id: string) => {
    for (const end = Date.now() + 120_000; Date.now() < end; await sleep(100)) {
      const j = await call("GET", `/jobs/${id}`, undefined, token);
      if (["succeeded", "failed", "cancelled"].includes(j.status as string))
        return j;
    }
    throw new Error(`job ${id} did not finish`);
  };
  const body = {
    kind: "vqe",
    source: hardwareEfficient(6, 2),
    observable: pauliSumText(tfim(6, 1, 1)),
    optimizer: { name: "nelder-mead", maxIterations: 100, tolerance: 1e-12 },
    initialPoint: "random",
    seed: 21,
  };
  /** The results of the interrupted runs, compared with one uninterrupted run at the end. */
  const interrupted: { energy: number; iterations: number }[] = [];

  beforeAll(async () => {
    created = await createPostgresDatabase(pgUrl ?? "");
    const apiChild = spawn(process.execPath, [RUN_TS, API], {
      env: env(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    api = await watch(apiChild, /listening (\S+)/);
    const email = `resume-${randomBytes(4).toString("hex")}@example.test`;
    const password = "correct horse battery";
    await call("POST", "/auth/register", { email, password });
    token = (await call("POST", "/auth/login", { email, password }))
      .accessToken as string;
    projectId = (await call("POST", "/projects", { name: "Resume" }, token))
      .id as string;
    db = new pg.Client({ connectionString: created.url });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    for (const c of children) c.kill("SIGKILL");
    await sleep(300);
    await created?.drop();
  });

  it.each(["SIGKILL", "SIGTERM"] as const)(
    "resumes from its checkpoint on another worker after a %s, with a continuous history",
    async (signal) => {
      const first = await startWorker();
      const jobId = (
        await call("POST", `/projects/${projectId}/jobs`, body, token)
      ).id as string;
      const stored = async () =>
        (
          await db.query<{ n: number }>(
            "select count(*)::int as n from job_events where job_id = $1 and type = 'iteration'",
            [jobId],
          )
        ).rows[0].n;
      const until = Date.now() + 60_000;
      while ((await stored()) < 15 && Date.now() < until) await sleep(20);
      const gone = new Promise<number | null>((r) =>
        first.once("exit", (code) => r(code)),
      );
      first.kill(signal);
      const exitCode = await gone;
      const atKill = await stored();
      expect(atKill).toBeGreaterThanOrEqual(15);
      expect(atKill).toBeLessThan(101); // it was mid-run
      const statusAfterExit = (
        await db.query<{ status: string }>(
          "select status from jobs where id = $1",
          [jobId],
        )
      ).rows[0].status;
      if (signal === "SIGTERM") {
        // A clean stop: exit 0, and the job is already back in the queue (no reaper involved).
        expect(exitCode).toBe(0);
        expect(statusAfterExit).toBe("queued");
      } else {
        // A killed worker leaves the job running until the reaper notices (recover-after 2 s).
        expect(statusAfterExit).toBe("running");
      }
      await startWorker();
      const job = await waitDone(jobId);
      expect(job.status).toBe("succeeded");
      expect(job.attempts).toBe(2);
      const result = job.result as {
        energy: number;
        iterations: number;
        history: { iteration: number }[];
      };
      expect(result.history.map((h) => h.iteration)).toEqual(
        Array.from({ length: result.iterations + 1 }, (_, i) => i),
      );
      // Attempt 2 stored only iterations after the last one attempt 1 had stored.
      const events = (
        await db.query<{
          type: string;
          data: {
            iteration?: number;
            attempt?: number;
            status?: string;
            requeued?: boolean;
          };
        }>("select type, data from job_events where job_id = $1 order by id", [
          jobId,
        ])
      ).rows;
      const secondStart = events.findIndex(
        (e) =>
          e.type === "status" &&
          e.data.status === "running" &&
          e.data.attempt === 2,
      );
      expect(secondStart).toBeGreaterThan(0);
      const before = events
        .slice(0, secondStart)
        .filter((e) => e.type === "iteration");
      const after = events
        .slice(secondStart)
        .filter((e) => e.type === "iteration");
      expect(before.length).toBeGreaterThanOrEqual(atKill);
      expect(after[0].data.iteration).toBe(before.at(-1)!.data.iteration! + 1);
      if (signal === "SIGTERM")
        expect(events[secondStart - 1]).toMatchObject({
          type: "status",
          data: { status: "queued", requeued: true, attempt: 1 },
        });
      interrupted.push({
        energy: result.energy,
        iterations: result.iterations,
      });
      // Workers left running would take the next case's job.
      for (const c of children)
        if (
          c !== undefined &&
          c.exitCode === null &&
          c.spawnargs.includes("worker")
        ) {
          const exited = new Promise((r) => c.once("exit", r));
          c.kill("SIGTERM");
          await exited;
        }
    },
    150_000,
  );

  it("ends where the same job ends without an interruption", async () => {
    expect(interrupted).toHaveLength(2);
    await startWorker();
    const again = await call(
      "POST",
      `/projects/${projectId}/jobs`,
      body,
      token,
    );
    const clean = await waitDone(again.id as string);
    for (const r of interrupted) {
      expect((clean.result as { energy: number }).energy).toBe(r.energy);
      expect((clean.result as { iterations: number }).iterations).toBe(
        r.iterations,
      );
    }
  }, 120_000);
});
