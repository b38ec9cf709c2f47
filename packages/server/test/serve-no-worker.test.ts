/**
 * `stepfault serve --no-worker`: the API process queues jobs but runs none; a `stepfault worker`
 * process runs them. Job limits come from the environment (JOB_*). PostgreSQL only (the two
 * processes share its queue); the embedded database refuses --no-worker.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "./helpers/engines.ts";
import { BELL } from "./helpers/circuits.ts";

const pgUrl = process.env.TEST_DATABASE_URL;
const BIN = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../cli/bin/stepfault.mjs",
);
const FOUR =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[4];\ncreg c[4];\nh q;\nmeasure q -> c;\n';

if (!pgUrl)
  console.warn("[serve-no-worker] TEST_DATABASE_URL is not set: skipping");

const tmp = mkdtempSync(join(tmpdir(), "sf-noworker-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function start(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: "warn",
      STEPFAULT_DATA_DIR: tmp,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("close", r));
  return {
    child,
    exited,
    stderr: () => stderr,
    /** Resolves with the stderr line matching `re` (rejects if the process exits first). */
    waitFor(re: RegExp): Promise<RegExpExecArray> {
      return new Promise((ok, fail) => {
        const check = () => {
          const m = re.exec(stderr);
          if (m) ok(m);
        };
        child.stderr.on("data", check);
        check();
        void exited.then((code) =>
          fail(new Error(`exited ${code} before ${re}: ${stderr}`)),
        );
      });
    },
  };
}

async function stop(p: { child: ChildProcess; exited: Promise<unknown> }) {
  if (p.child.exitCode === null && p.child.signalCode === null)
    p.child.kill("SIGTERM");
  await p.exited;
}

describe("stepfault serve --no-worker", () => {
  it("refuses to start on the embedded database, where no worker could run the jobs", async () => {
    const p = start(["serve", "--no-worker", "--port", "0"], {
      DATABASE_URL: "",
    });
    expect(await p.exited).toBe(78);
    expect(p.stderr()).toMatch(/--no-worker needs DATABASE_URL/);
  });
});

describe.skipIf(!pgUrl)("stepfault serve --no-worker [postgres]", () => {
  let created: { url: string; drop: () => Promise<void> };
  let api: ReturnType<typeof start>;
  let base: string;
  let token: string;
  let projectId: string;
  const procs: ReturnType<typeof start>[] = [];

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return {
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
    };
  };

  beforeAll(async () => {
    created = await createPostgresDatabase(pgUrl ?? "");
    api = start(["serve", "--no-worker", "--port", "0"], {
      DATABASE_URL: created.url,
      JOB_MAX_QUBITS: "3",
      JOB_MAX_SHOTS: "5000",
    });
    procs.push(api);
    base = (await api.waitFor(/listening on (http:\/\/\S+) /))[1];
    expect(api.stderr()).toMatch(/no job worker in this process/);
    const email = `nw-${Date.now()}@example.test`;
    const password = "correct horse battery";
    expect(
      (await call("POST", "/auth/register", { email, password })).status,
    ).toBe(201);
    token = String(
      (await call("POST", "/auth/login", { email, password })).body.accessToken,
    );
    projectId = String(
      (await call("POST", "/projects", { name: "NW" })).body.id,
    );
  }, 60_000);

  afterAll(async () => {
    for (const p of procs) await stop(p);
    await created?.drop();
  });

  it("applies job limits from the environment", async () => {
    const wide = await call("POST", `/projects/${projectId}/jobs`, {
      source: FOUR,
      shots: 10,
    });
    expect(wide.status).toBe(422);
    expect(wide.body).toMatchObject({
      code: "JOB_LIMIT_EXCEEDED",
      limit: "maxQubits",
      allowed: 3,
      requested: 4,
    });
    const shots = await call("POST", `/projects/${projectId}/jobs`, {
      source: BELL,
      shots: 6000,
    });
    expect(shots.status).toBe(422);
    expect(shots.body).toMatchObject({ limit: "maxShots", allowed: 5000 });
  });

  it("queues without running until a `stepfault worker` process takes the job", async () => {
    const sub = await call("POST", `/projects/${projectId}/jobs`, {
      source: BELL,
      shots: 100,
    });
    expect(sub.status).toBe(201);
    const id = String(sub.body.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await call("GET", `/jobs/${id}`)).body.status).toBe("queued");

    const worker = start(["worker"], {
      DATABASE_URL: created.url,
      JOB_THREADS: "2",
    });
    procs.push(worker);
    await worker.waitFor(/worker running with 2 thread/);
    const until = Date.now() + 20_000;
    let job: Record<string, unknown>;
    for (;;) {
      job = (await call("GET", `/jobs/${id}`)).body;
      if (job.status === "succeeded" || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(job.status).toBe("succeeded");
    const counts = (job.result as { counts: Record<string, number> }).counts;
    expect((counts["00"] ?? 0) + (counts["11"] ?? 0)).toBe(100);
  });
});
