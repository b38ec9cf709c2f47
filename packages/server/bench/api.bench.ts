/**
 * API benchmark (`npm run bench:api`): autocannon against the real server on loopback with the
 * embedded database, compared with a bare node:http server answering a fixed JSON body.
 * autocannon runs in its own process so the load generator does not share the servers' thread.
 * The server runs as `npm start` runs it (startServer: PGlite, the job worker polling, helmet,
 * per-user rate limit, metrics), with two stated changes: LOG_LEVEL=warn (the default `info` writes
 * two log lines per request) and a per-user API limit of 10,000,000/min so the limiter still counts
 * every request but never answers 429.
 * The targets run in interleaved rounds (bare, /me, circuits, bare, /me, ...): the machine is shared,
 * and a burst of other work during one long phase would otherwise skew the ratio. Each round gives
 * a ratio of /me to bare; the verdict uses the median. The servers run in this process, so the CPU
 * time this process spends per request during a phase (autocannon runs in a child) is printed too:
 * a figure that depends much less on other load than requests/s.
 * Env: BENCH_SECONDS per target per round (default 4), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 10).
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

const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Row {
  readonly name: string;
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  /** CPU time of this process (the servers) per request, in microseconds. */
  readonly cpuUs: number;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
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
  const before = process.cpuUsage();
  const r = await cannon(url, seconds, headers);
  const cpu = process.cpuUsage(before);
  return {
    name,
    rps: r.requests.average,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
    cpuUs: (cpu.user + cpu.system) / Math.max(1, r.requests.total),
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
    const targets: [string, string, Record<string, string>][] = [
      ["bare node:http (fixed JSON)", bare.url, {}],
      ["GET /api/v1/me (bearer token)", `${api}/me`, auth],
      [
        "GET /api/v1/projects/{id}/circuits",
        `${api}/projects/${project.id}/circuits?limit=20`,
        auth,
      ],
    ];
    // A short warm-up of each target so JIT and caches are settled before measuring.
    for (const [, url, headers] of targets) await cannon(url, 1, headers);
    const byRound: Row[][] = [];
    for (let i = 0; i < rounds; i++) {
      const round: Row[] = [];
      for (const [name, url, headers] of targets)
        round.push(await run(name, url, headers));
      byRound.push(round);
    }
    console.log(
      `\nautocannon: ${connections} connections, ${rounds} interleaved rounds of ${seconds} s per target, embedded PGlite database\n`,
    );
    const header =
      "target".padEnd(40) +
      "req/s".padStart(10) +
      "p99 ms".padStart(9) +
      "vs bare".padStart(9) +
      "cpu us/req".padStart(12) +
      "errors".padStart(8);
    const line = (r: Row, base: number) =>
      r.name.padEnd(40) +
      r.rps.toFixed(0).padStart(10) +
      r.p99.toFixed(1).padStart(9) +
      (r.rps / base).toFixed(2).padStart(9) +
      r.cpuUs.toFixed(1).padStart(12) +
      String(r.errors).padStart(8);
    console.log(header);
    byRound.forEach((round, i) => {
      console.log(`round ${i + 1}`.padEnd(40));
      for (const r of round) console.log(line(r, round[0].rps));
    });
    const summary: Row[] = targets.map(([name], t) => ({
      name,
      rps: median(byRound.map((round) => round[t].rps)),
      p99: median(byRound.map((round) => round[t].p99)),
      errors: byRound.reduce((n, round) => n + round[t].errors, 0),
      cpuUs: median(byRound.map((round) => round[t].cpuUs)),
    }));
    console.log(
      `\nmedian of ${rounds} rounds (errors: total; "vs bare": of the medians)`,
    );
    console.log(header);
    for (const r of summary) console.log(line(r, summary[0].rps));
    console.log(
      "\nserver: LOG_LEVEL=warn, API_RATE_LIMIT_PER_MINUTE=10000000, otherwise the defaults",
    );
    const ratios = byRound.map((round) => round[1].rps / round[0].rps);
    const ratio = median(ratios);
    const ok = ratio >= 1 / 3 && summary[1].errors === 0;
    console.log(
      `${ok ? "PASS" : "FAIL"}: GET /me at ${ratio.toFixed(2)} of bare node:http ` +
        `(median of rounds: ${ratios.map((x) => x.toFixed(2)).join(", ")}; ${summary[1].errors} errors; ` +
        `target: at least 0.33, no errors)`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    await new Promise<void>((resolve) => bare.server.close(() => resolve()));
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
