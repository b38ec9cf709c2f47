/**
 * Job pipeline benchmark (`npm run bench:jobs`, not a test): end to end over HTTP on loopback with
 * one worker (one simulation thread) in the API process; the client runs in its own thread
 * (packages/cli/bench/jobs-client.ts; it lives in the cli package, which depends on both the server
 * and the SDK). After a warm-up it submits `--jobs N` (BENCH_JOBS, default
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
import { Worker } from "node:worker_threads";
import { buildApp } from "../../server/src/app.ts";
import { loadConfig } from "../../server/src/config/config.ts";
import {
  openPglite,
  openPostgres,
  type Database,
} from "../../server/src/database/database.ts";
import type { LoadReply, LoadRequest } from "./jobs-client.ts";

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
    // The client runs in its own thread; this thread is the whole server (API, worker, and on
    // PGlite the database), so its event-loop utilization is the server's.
    const thread = new Worker(new URL("./jobs-client.mjs", import.meta.url), {
      workerData: {
        base,
        jobs: JOBS,
        concurrency: CONCURRENCY,
        source: SOURCE,
      } satisfies LoadRequest,
    });
    let cpu0 = process.cpuUsage();
    let elu0 = performance.eventLoopUtilization();
    const result = await new Promise<Extract<LoadReply, { kind: "done" }>>(
      (resolve, reject) => {
        thread.on("message", (m: LoadReply) => {
          if (m.kind === "ready") {
            cpu0 = process.cpuUsage();
            elu0 = performance.eventLoopUtilization();
          } else resolve(m);
        });
        thread.on("error", reject);
        thread.on("exit", (code) =>
          reject(new Error(`load thread exited ${code}`)),
        );
      },
    );
    const cpu = process.cpuUsage(cpu0);
    const elu = performance.eventLoopUtilization(elu0);
    await thread.terminate();
    const latencies = [...result.latencies].sort((a, b) => a - b);
    const health = [...result.health].sort((a, b) => a - b);
    const wall = result.wallSeconds;
    console.log(
      `${name.padEnd(10)} ${JOBS} jobs (${CONCURRENCY} at a time) in ${wall.toFixed(1)} s: ${(JOBS / wall).toFixed(1)} jobs/s; ` +
        `submit->succeeded p50 ${pct(latencies, 50).toFixed(0)} ms, p99 ${pct(latencies, 99).toFixed(0)} ms; ` +
        `failed ${result.failed}; /healthz under load p50 ${pct(health, 50).toFixed(1)} ms, p99 ${pct(health, 99).toFixed(1)} ms; ` +
        `server event loop ${(elu.utilization * 100).toFixed(0)}% busy; ` +
        `process CPU ${((cpu.user + cpu.system) / 1000 / JOBS).toFixed(2)} ms/job (server + client threads)`,
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
