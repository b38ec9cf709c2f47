/**
 * Job pipeline benchmark (`npm run bench:jobs`, not a test): end to end over HTTP on loopback with
 * one worker (one simulation thread) in the API process. Submits `--jobs N` (BENCH_JOBS, default
 * 1000) jobs of a 5-qubit circuit with 1000 shots, `--concurrency N` (BENCH_CONCURRENCY, default
 * 16) at a time, follows each over SSE and reports jobs/s and p50/p99 from submit to the
 * `succeeded` SSE event, plus /healthz latency under that load. Runs on the embedded database,
 * and on PostgreSQL when BENCH_DATABASE_URL is set (BENCH_SKIP_PGLITE=1 runs PostgreSQL only).
 *
 *   npm run bench:jobs -- --jobs 1000
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench npm run bench:jobs
 */
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createClient } from "@stepfault/sdk";
import { buildApp } from "../src/app.ts";
import { loadConfig } from "../src/config/config.ts";
import {
  openPglite,
  openPostgres,
  type Database,
} from "../src/database/database.ts";

const { values: flags } = parseArgs({
  options: {
    jobs: { type: "string" },
    concurrency: { type: "string" },
  },
});
const JOBS = Number(flags.jobs ?? process.env.BENCH_JOBS ?? 1000);
const CONCURRENCY = Number(
  flags.concurrency ?? process.env.BENCH_CONCURRENCY ?? 16,
);
if (!(JOBS >= 1) || !(CONCURRENCY >= 1))
  throw new Error("--jobs and --concurrency must be positive integers");
const SOURCE = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[5];
creg c[5];
h q[0];
cx q[0],q[1];
cx q[1],q[2];
cx q[2],q[3];
cx q[3],q[4];
rz(0.3) q[2];
measure q -> c;
`;

function pct(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function benchOn(name: string, database: Database): Promise<void> {
  await database.migrate();
  const loaded = loadConfig({
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent",
    STEPFAULT_DATA_DIR: "/nonexistent-bench",
  });
  if (!loaded.ok) throw new Error("invariant: bench config");
  const app = await buildApp(
    {
      ...loaded.config,
      jwtSecret: "bench-secret-bench-secret-bench-secret!",
      apiRateLimitPerMinute: 10_000_000,
      authRateLimitPerMinute: 10_000,
    },
    {
      database,
      webDir: null,
      jobs: { threads: 1, maxConcurrentJobsPerUser: 100_000 },
    },
  );
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  try {
    const client = createClient({ baseUrl: base });
    const email = `bench-${Date.now()}@example.test`;
    await client.auth.register({ email, password: "correct horse battery" });
    client.setToken(
      (await client.auth.login({ email, password: "correct horse battery" }))
        .accessToken,
    );
    const projectId = (await client.projects.create("bench")).id;
    // Warm up the simulation thread.
    await client.waitForJob(
      (await client.submitJob(projectId, { source: SOURCE, shots: 1000 })).id,
    );

    const latencies: number[] = [];
    const health: number[] = [];
    let failed = 0;
    let next = 0;
    let done = false;
    const probe = (async () => {
      while (!done) {
        const t = performance.now();
        await fetch(`${base}/healthz`);
        health.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < JOBS) {
          next++;
          const t = performance.now();
          const job = await client.submitJob(projectId, {
            source: SOURCE,
            shots: 1000,
          });
          let at: number | undefined;
          const end = await client.waitForJob(job.id, {
            onEvent: (e) => {
              const status =
                e.event === "state" || e.event === "status"
                  ? e.data.status
                  : undefined;
              if (status === "succeeded") at ??= performance.now();
            },
          });
          if (end.status !== "succeeded") failed++;
          latencies.push((at ?? performance.now()) - t);
        }
      }),
    );
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    done = true;
    await probe;
    latencies.sort((a, b) => a - b);
    health.sort((a, b) => a - b);
    console.log(
      `${name.padEnd(10)} ${JOBS} jobs (${CONCURRENCY} at a time) in ${wall.toFixed(1)} s: ${(JOBS / wall).toFixed(1)} jobs/s; ` +
        `submit->succeeded p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms; ` +
        `failed ${failed}; /healthz under load p50 ${pct(health, 50).toFixed(1)} ms, p99 ${pct(health, 99).toFixed(1)} ms; ` +
        `process CPU ${((cpu.user + cpu.system) / 1000 / JOBS).toFixed(2)} ms/job (API, worker, client${name === "pglite" ? ", database" : ""})`,
    );
  } finally {
    await app.close();
    await database.close();
  }
}

if (process.env.BENCH_SKIP_PGLITE !== "1")
  await benchOn("pglite", await openPglite(undefined));
const pgUrl = process.env.BENCH_DATABASE_URL;
if (pgUrl) await benchOn("postgres", await openPostgres(pgUrl));
else
  console.log(
    "postgres   skipped (set BENCH_DATABASE_URL=postgres://... to run it)",
  );
