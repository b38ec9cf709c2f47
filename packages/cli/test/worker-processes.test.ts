/**
 * Workers in their own processes: `stepfault worker` runs jobs queued by an API that has no worker,
 * survives a SIGKILL mid-job (the job runs again on another worker and is written once), and
 * `stepfault submit` and the SDK drive it over HTTP. PostgreSQL only (workers share its queue).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@stepfault/sdk";
import {
  openPostgres,
  type Database,
} from "../../server/src/database/database.ts";
import { createPostgresDatabase } from "../../server/test/helpers/engines.ts";
import { buildTestApp, signUp } from "../../server/test/helpers/test-app.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const BIN = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../bin/stepfault.mjs",
);
const RECOVER_AFTER = 2;
const BELL =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';
// Trajectories: every shot is simulated, so 400k shots keep a worker busy for a while.
const SLOW = `OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nbit[2] m;\nbit[1] out;\nx q[0];\nh q[1];\ncx q[1], q[2];\ncx q[0], q[1];\nh q[0];\nm[0] = measure q[0];\nm[1] = measure q[1];\nif (m[1]) x q[2];\nif (m[0]) z q[2];\nout[0] = measure q[2];\n`;

if (!pgUrl)
  console.warn("[worker-processes] TEST_DATABASE_URL is not set: skipping");

function run(args: string[], env: Record<string, string>) {
  return spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

async function output(
  child: ChildProcess,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((r) => child.on("close", r));
  return { code, stdout, stderr };
}

async function started(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolveStarted, reject) => {
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
      if (err.includes("worker running")) resolveStarted();
    });
    child.on("exit", (code) =>
      reject(new Error(`worker exited ${code}: ${err}`)),
    );
  });
}

describe.skipIf(!pgUrl)("Job workers in their own processes [postgres]", () => {
  let created: { url: string; drop: () => Promise<void> };
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let token: string;
  let projectId: string;
  const workers: ChildProcess[] = [];
  const tmp = mkdtempSync(join(tmpdir(), "sf-submit-"));

  beforeAll(async () => {
    created = await createPostgresDatabase(pgUrl ?? "");
    database = await openPostgres(created.url, 4);
    await database.migrate();
    app = await buildTestApp(
      database,
      {},
      {
        jobs: { runWorker: false, expireInSeconds: RECOVER_AFTER },
      },
    );
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    const user = await signUp(app, "proc");
    token = user.accessToken;
    const client = createClient({ baseUrl: base, token });
    projectId = (await client.projects.create("Processes")).id;
  }, 60_000);

  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill("SIGKILL");
    await app?.close();
    await database?.close();
    await new Promise((r) => setTimeout(r, 200));
    await created?.drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  const startWorker = async () => {
    const w = run(["worker", "--recover-after", String(RECOVER_AFTER)], {
      DATABASE_URL: created.url,
    });
    workers.push(w);
    await started(w);
    return w;
  };

  it("runs a job on a standalone worker, and again on another after the first is SIGKILLed mid-job", async () => {
    const client = createClient({ baseUrl: base, token });
    const first = await startWorker();
    const job = await client.submitJob(projectId, {
      source: SLOW,
      shots: 400_000,
      seed: 3,
    });
    const until = Date.now() + 20_000;
    while ((await client.jobs.get(job.id)).status !== "running") {
      if (Date.now() > until) throw new Error("never started");
      await new Promise((r) => setTimeout(r, 50));
    }
    first.kill("SIGKILL");
    await new Promise((r) => first.on("exit", r));
    await startWorker();
    const done = await client.waitForJob(job.id, { timeoutMs: 40_000 });
    expect(done.status).toBe("succeeded");
    expect(done.attempts).toBe(2);
    const counts = done.result?.counts ?? {};
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(400_000);
    for (const k of Object.keys(counts)) expect(k.startsWith("1")).toBe(true);
  }, 60_000);

  it("`stepfault submit` prints the counts, or one JSON object with --json", async () => {
    const file = join(tmp, "bell.qasm");
    writeFileSync(file, BELL);
    const env = { STEPFAULT_API_KEY: token };
    const json = await output(
      run(
        [
          "submit",
          file,
          "--project",
          projectId,
          "--shots",
          "500",
          "--seed",
          "5",
          "--server",
          base,
          "--json",
        ],
        env,
      ),
    );
    expect(json.code, json.stderr).toBe(0);
    const obj = JSON.parse(json.stdout) as {
      counts: Record<string, number>;
      shots: number;
      seed: number;
      jobId: string;
    };
    expect(obj.shots).toBe(500);
    expect(obj.seed).toBe(5);
    expect(Object.keys(obj.counts).sort()).toEqual(["00", "11"]);
    expect(obj.counts["00"] + obj.counts["11"]).toBe(500);
    const text = await output(
      run(
        [
          "submit",
          file,
          "--project",
          projectId,
          "--shots",
          "500",
          "--seed",
          "5",
          "--server",
          base,
        ],
        env,
      ),
    );
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/2 qubits, 2 clbits, 500 shots, seed 5/);
    expect(text.stdout).toMatch(
      new RegExp(`^00\\s+${obj.counts["00"]}\\s`, "m"),
    );
    const bad = join(tmp, "bad.qasm");
    writeFileSync(bad, "OPENQASM 2.0;\nqreg q[1];\nfoo q[0];\n");
    const err = await output(
      run(["submit", bad, "--project", projectId, "--server", base], env),
    );
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/bad\.qasm:3:1: error: /);
  }, 60_000);
});
