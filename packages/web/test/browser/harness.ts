/**
 * Test harness for the browser suite: builds the app, starts the real StepFault server (CLI
 * `serve`) on a free loopback port with a fresh embedded database, and launches Debian's Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser } from "playwright-core";

/** Debian's Chromium, the browser the suite drives. */
export const CHROMIUM = "/usr/bin/chromium";

/** The web package folder. */
export const WEB_DIR = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../..",
);
const REPO = resolve(WEB_DIR, "../..");

/** Where screenshots go (git-ignored). */
export const RESULTS_DIR = join(WEB_DIR, "test-results");

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      s.close(() =>
        typeof addr === "object" && addr
          ? ok(addr.port)
          : fail(new Error("no port")),
      );
    });
  });
}

/** What the web bundle is built from: a change to any of these makes a new build. */
const WEB_INPUTS = [
  "packages/web/src",
  "packages/web/public",
  "packages/web/index.html",
  "packages/web/vite.config.ts",
  "packages/quantum/src",
  "packages/contract/src",
  "packages/sdk/src",
  "packages/variational/src",
  "package-lock.json",
];

function hashWebInputs(): string {
  const hash = createHash("sha256");
  for (const input of WEB_INPUTS) {
    const path = join(REPO, input);
    if (!existsSync(path)) continue;
    const files = statSync(path).isDirectory()
      ? readdirSync(path, { recursive: true, encoding: "utf8" })
          .map((f) => join(path, f))
          .filter((f) => statSync(f).isFile())
          .sort()
      : [path];
    for (const f of files) hash.update(f).update("\0").update(readFileSync(f));
  }
  return hash.digest("hex").slice(0, 16);
}

const sleepSync = (ms: number) =>
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The web app built by `vite build` from the current sources, once for a whole test run: the
 * build is kept under `test-results/web-build/<hash of its inputs>`, and suites in parallel
 * processes wait for the one that builds it (a lock folder) instead of building it again.
 * Returns the folder to serve.
 */
export function buildWeb(): string {
  const root = join(WEB_DIR, "test-results/web-build");
  const out = join(root, hashWebInputs());
  const lock = join(root, "lock");
  mkdirSync(root, { recursive: true });
  const deadline = Date.now() + 300_000;
  while (!existsSync(join(out, "index.html"))) {
    try {
      mkdirSync(lock);
    } catch {
      // Someone builds: wait, unless its process is gone.
      let holder = NaN;
      try {
        holder = Number(readFileSync(join(lock, "pid"), "utf8"));
      } catch {
        // not written yet
      }
      if (Number.isInteger(holder) && !alive(holder))
        rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`waited 300 s for the web build (lock ${lock})`);
      sleepSync(250);
      continue;
    }
    try {
      writeFileSync(join(lock, "pid"), String(process.pid));
      if (existsSync(join(out, "index.html"))) break;
      for (const old of readdirSync(root))
        if (old !== "lock")
          rmSync(join(root, old), { recursive: true, force: true });
      const tmp = `${out}.tmp-${process.pid}`;
      const r = spawnSync(
        process.execPath,
        [
          join(REPO, "node_modules/vite/bin/vite.js"),
          "build",
          "--logLevel",
          "warn",
          "--outDir",
          tmp,
          "--emptyOutDir",
        ],
        { cwd: WEB_DIR, encoding: "utf8", timeout: 240_000 },
      );
      if (r.status !== 0)
        throw new Error(
          `vite build failed (${r.status}): ${r.stderr}${r.stdout}`,
        );
      if (!existsSync(join(tmp, "index.html")))
        throw new Error(`vite build wrote no index.html in ${tmp}`);
      renameSync(tmp, out);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  return out;
}

/** A running server. */
export interface TestServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts `stepfault serve` on the test run's web build (see buildWeb) with a fresh data dir and
 * waits for /readyz; mail goes to `smtpUrl`.
 */
export async function startServer(smtpUrl = ""): Promise<TestServer> {
  const webDir = buildWeb();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), "sf-web-e2e-"));
  const url = `http://127.0.0.1:${port}`;
  let log = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(REPO, "packages/cli/bin/stepfault.mjs"),
      "serve",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--data-dir",
      dataDir,
    ],
    {
      cwd: REPO,
      env: {
        ...process.env,
        DATABASE_URL: "",
        REDIS_URL: "",
        SMTP_URL: smtpUrl,
        STEPFAULT_WEB_DIR: webDir,
        LOG_LEVEL: "warn",
        AUTH_RATE_LIMIT_PER_MINUTE: "1000",
        PUBLIC_URL: url,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`server exited early:\n${log}`);
    }
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`server not ready in 120 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop };
}

/** Launches headless Chromium with the flags this machine needs. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
    ],
  });
}

/** The loopback fake LLM provider (OpenAI and Anthropic protocols) for assistant tests. */
export {
  startFakeAiProvider,
  type FakeAiProvider,
  type FakeTurn,
} from "../../../server/test/helpers/fake-ai-provider.ts";

/** The app served in-process (fresh PGlite, no job worker). */
export interface InProcessApp {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the test run's web build (see buildWeb) with the real server app on a loopback port. */
export async function startInProcessApp(): Promise<InProcessApp> {
  const { randomBytes } = await import("node:crypto");
  const { buildApp } = await import("../../../server/src/app.ts");
  const { loadConfig } = await import("../../../server/src/config/config.ts");
  const { openPglite } =
    await import("../../../server/src/database/database.ts");
  const webDir = buildWeb();
  const database = await openPglite(undefined);
  await database.migrate();
  const loaded = loadConfig({
    LOG_LEVEL: "error",
    STEPFAULT_DATA_DIR: "/nonexistent-stepfault-e2e",
  });
  if (!loaded.ok) throw new Error("config");
  const app = await buildApp(
    { ...loaded.config, jwtSecret: randomBytes(32).toString("hex") },
    { database, webDir, jobs: { runWorker: false } },
  );
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    url,
    async close() {
      await app.close();
      await database.close();
    },
  };
}
