/**
 * Sweep throughput through the API (part of `npm run bench`; alone: `node
 * packages/cli/bin/run-ts.mjs packages/server/bench/sweep-api.bench.ts [--quick]`): one estimate job
 * of 1,000 points of the 12-qubit, 3-layer hardware-efficient ansatz with a 20-term observable
 * (the library figure of bench/primitives.bench.ts, same circuit, observable and points), submitted
 * to the real server as `npm start` runs it (embedded PGlite, its in-process worker and simulation
 * thread). Prints points per second from submit to the finished job (request, queue, compile once,
 * the sweep, storing the result, the GET that reads it) and the job's own simulate time.
 * Writes bench-results/sweep-api.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import {
  hea,
  pointValue,
  randomSumText,
} from "../../quantum/bench/primitives.bench.ts";
import { resolveConfig, startServer } from "../src/server.ts";

const quick = process.argv.includes("--quick");
const POINTS = quick ? 200 : 1000;
const PARAMETERS = 72; // 12 qubits x 3 layers x (ry, rz)

interface JobView {
  id: string;
  status: string;
  error: { message: string } | null;
  result: {
    expectations?: number[][];
    timing: { queueWaitMs: number; compileMs: number; simulateMs: number };
  } | null;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "sf-bench-sweep-"));
  const resolved = resolveConfig({
    STEPFAULT_DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
  });
  if (!resolved.ok) throw new Error(resolved.message);
  const server = await startServer(resolved.config);
  try {
    const api = `${server.url}/api/v1`;
    let token = "";
    const call = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      if (!res.ok)
        throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const account = {
      email: "bench@example.test",
      password: "bench password 1",
    };
    await call("POST", "/auth/register", account);
    token = (
      await call<{ accessToken: string }>("POST", "/auth/login", account)
    ).accessToken;
    const project = await call<{ id: string }>("POST", "/projects", {
      name: "bench",
    });
    const sweep = Object.fromEntries(
      Array.from({ length: PARAMETERS }, (_, j) => [
        `t${j}`,
        Array.from({ length: POINTS }, (_, k) => pointValue(j, k)),
      ]),
    );
    const body = {
      kind: "estimate",
      source: hea(12, 3),
      observables: [randomSumText(12, 20, 1)],
      sweep,
      shots: null,
    };
    const runOnce = async () => {
      const t0 = performance.now();
      const { id } = await call<{ id: string }>(
        "POST",
        `/projects/${project.id}/jobs`,
        body,
      );
      for (;;) {
        const job = await call<JobView>("GET", `/jobs/${id}`);
        if (["succeeded", "failed", "cancelled"].includes(job.status)) {
          if (job.status !== "succeeded")
            throw new Error(`job ${job.status}: ${job.error?.message}`);
          if (job.result?.expectations?.length !== POINTS)
            throw new Error("the job's result has the wrong number of points");
          return { wallMs: performance.now() - t0, job };
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await runOnce(); // warm-up: the simulation thread starts and compiles its code
    const runs = [await runOnce(), await runOnce()];
    const best = runs.reduce((a, b) => (a.wallMs <= b.wallMs ? a : b));
    const t = best.job.result!.timing;
    const out = {
      qubits: 12,
      layers: 3,
      parameters: PARAMETERS,
      terms: 20,
      points: POINTS,
      wallMs: best.wallMs,
      pointsPerSecond: (POINTS / best.wallMs) * 1000,
      simulateMs: t.simulateMs,
      compileMs: t.compileMs,
      queueWaitMs: t.queueWaitMs,
      requestBytes: JSON.stringify(body).length,
      load1: loadavg()[0],
    };
    console.log(
      `sweep through one API job: ${POINTS} points, 12 qubits, 3-layer HEA (${PARAMETERS} parameters), 20-term observable: ${best.wallMs.toFixed(0)} ms submit-to-result, ${out.pointsPerSecond.toFixed(0)} points/s (job: queue ${t.queueWaitMs.toFixed(0)} ms, compile ${t.compileMs.toFixed(0)} ms, simulate ${t.simulateMs.toFixed(0)} ms; request ${(out.requestBytes / 1024).toFixed(0)} KiB)`,
    );
    mkdirSync("bench-results", { recursive: true });
    writeFileSync("bench-results/sweep-api.json", JSON.stringify(out, null, 2));
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
