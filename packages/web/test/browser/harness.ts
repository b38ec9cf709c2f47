/**
 * Test harness for the browser suite: builds the app, starts the real StepFault server (CLI
 * `serve`) on a free loopback port with a fresh embedded database, and launches Debian's Chromium.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
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

/**
 * Runs `vite build` for the web package (the server serves `packages/web/dist`). A suite that
 * serves the app itself passes its own `outDir`, so parallel suites never rebuild a folder in use.
 */
export function buildWeb(outDir = "dist"): void {
  const r = spawnSync(
    process.execPath,
    [
      join(REPO, "node_modules/vite/bin/vite.js"),
      "build",
      "--logLevel",
      "warn",
      ...(outDir !== "dist" ? ["--outDir", outDir, "--emptyOutDir"] : []),
    ],
    { cwd: WEB_DIR, encoding: "utf8", timeout: 120_000 },
  );
  if (r.status !== 0)
    throw new Error(`vite build failed (${r.status}): ${r.stderr}${r.stdout}`);
  if (!existsSync(join(resolve(WEB_DIR, outDir), "index.html")))
    throw new Error(`vite build wrote no ${outDir}/index.html`);
}

/** A running server. */
export interface TestServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts `stepfault serve` with a fresh data dir and waits for /readyz; mail goes to `smtpUrl`. */
export async function startServer(smtpUrl = ""): Promise<TestServer> {
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

/** The app served in-process (fresh PGlite, no job worker) from a web build in `outDir`. */
export interface InProcessApp {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Builds the web app into `outDir` (relative to the web package; keep it under a "dist" folder
 * so lint and format skip it) and serves it with the real server app on a loopback port.
 */
export async function startInProcessApp(outDir: string): Promise<InProcessApp> {
  const { randomBytes } = await import("node:crypto");
  const { buildApp } = await import("../../../server/src/app.ts");
  const { loadConfig } = await import("../../../server/src/config/config.ts");
  const { openPglite } =
    await import("../../../server/src/database/database.ts");
  buildWeb(outDir);
  const database = await openPglite(undefined);
  await database.migrate();
  const loaded = loadConfig({
    LOG_LEVEL: "error",
    STEPFAULT_DATA_DIR: "/nonexistent-stepfault-e2e",
  });
  if (!loaded.ok) throw new Error("config");
  const app = await buildApp(
    { ...loaded.config, jwtSecret: randomBytes(32).toString("hex") },
    { database, webDir: join(WEB_DIR, outDir), jobs: { runWorker: false } },
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
