/**
 * API benchmark (`npm run bench:api`): autocannon against the real server on loopback with the
 * embedded database, compared with a bare node:http server answering a fixed JSON body.
 * autocannon runs in its own process so the load generator does not share the servers' thread.
 * The server runs as `npm start` runs it (startServer: PGlite, the job worker polling, helmet,
 * per-user rate limit, metrics), with two stated changes: LOG_LEVEL=warn (the default `info` writes
 * two log lines per request) and a per-user API limit of 10,000,000/min so the limiter still counts
 * every request but never answers 429.
 * Env: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (default 10).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { promisify } from "node:util";
import type { Result } from "autocannon";
import { resolveConfig, startServer } from "../src/server.ts";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
}

const autocannonCli = createRequire(import.meta.url).resolve(
  "autocannon/autocannon.js",
);

/** Runs the autocannon CLI in a child process and returns its JSON result. */
async function cannon(
  url: string,
  duration: number,
  headers: Record<string, string>,
): Promise<Result> {
  const args = [
    autocannonCli,
    "-j",
    "-c",
    String(connections),
    "-d",
    String(duration),
    url,
  ];
  for (const [k, v] of Object.entries(headers)) args.push("-H", `${k}=${v}`);
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Result;
}

async function run(
  name: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<Row> {
  // A short warm-up so JIT and caches are settled before measuring.
  await cannon(url, 1, headers);
  const r = await cannon(url, seconds, headers);
  return {
    name,
    rps: r.requests.average,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

async function bareServer(): Promise<{ server: Server; url: string }> {
  const body = JSON.stringify({
    id: "00000000-0000-4000-8000-000000000000",
    email: "bench@example.test",
    role: "user",
  });
  const server = createServer((_req, res) => {
    res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "sf-bench-"));
  const resolved = resolveConfig({
    STEPFAULT_DATA_DIR: dataDir,
    PORT: "0",
    LOG_LEVEL: "warn",
    API_RATE_LIMIT_PER_MINUTE: "10000000",
  });
  if (!resolved.ok) throw new Error(resolved.message);
  const server = await startServer(resolved.config);
  const bare = await bareServer();
  try {
    const api = `${server.url}/api/v1`;
    const post = async (path: string, body: unknown, token?: string) => {
      const res = await fetch(`${api}${path}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (!res.ok)
        throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, string>;
    };
    await post("/auth/register", {
      email: "bench@example.test",
      password: "bench password 1",
    });
    const { accessToken } = await post("/auth/login", {
      email: "bench@example.test",
      password: "bench password 1",
    });
    const project = await post("/projects", { name: "bench" }, accessToken);
    for (let i = 0; i < 20; i++) {
      const source = `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n`;
      await post(
        `/projects/${project.id}/circuits`,
        { name: `circuit-${String(i).padStart(2, "0")}`, source },
        accessToken,
      );
    }
    const auth = { authorization: `Bearer ${accessToken}` };
    const rows = [
      await run("bare node:http (fixed JSON)", bare.url),
      await run("GET /api/v1/me (bearer token)", `${api}/me`, auth),
      await run(
        "GET /api/v1/projects/{id}/circuits",
        `${api}/projects/${project.id}/circuits?limit=20`,
        auth,
      ),
    ];
    const base = rows[0].rps;
    console.log(
      `\nautocannon: ${connections} connections, ${seconds} s per target, embedded PGlite database\n`,
    );
    console.log(
      "target".padEnd(40) +
        "req/s".padStart(10) +
        "p99 ms".padStart(10) +
        "vs bare".padStart(10) +
        "errors".padStart(8),
    );
    for (const r of rows) {
      console.log(
        r.name.padEnd(40) +
          r.rps.toFixed(0).padStart(10) +
          r.p99.toFixed(1).padStart(10) +
          (r.rps / base).toFixed(2).padStart(10) +
          String(r.errors).padStart(8),
      );
    }
    console.log(
      "\nserver: LOG_LEVEL=warn, API_RATE_LIMIT_PER_MINUTE=10000000, otherwise the defaults",
    );
    const ratio = rows[1].rps / base;
    const ok = ratio >= 1 / 3 && rows[1].errors === 0;
    console.log(
      `${ok ? "PASS" : "FAIL"}: GET /me at ${ratio.toFixed(2)} of bare node:http ` +
        `(${rows[1].rps.toFixed(0)} vs ${base.toFixed(0)} req/s, ${rows[1].errors} errors; target: at least 0.33, no errors)`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await new Promise<void>((resolve) => bare.server.close(() => resolve()));
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
