/**
 * The published packages, as a user gets them: `npm pack` of @stepfault/quantum,
 * @stepfault/contract, @stepfault/sdk, @stepfault/server and `stepfault` (each runs its full
 * build through prepack), installed from those tarballs alone into an empty folder outside the
 * repository (`npm install --prefer-offline`: third-party packages come from the npm registry or
 * its local cache, ours from the tarballs). There: a plain Node program on @stepfault/quantum
 * (main entry and threads), `npx stepfault run`, `npx stepfault serve` (the web app at `/` and the
 * API), and a TypeScript program that uses only @stepfault/sdk against that server, type-checked
 * with `tsc --strict` and run.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { builtinModules } from "node:module";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const PACKAGES = [
  ["packages/quantum", "@stepfault/quantum"],
  ["packages/contract", "@stepfault/contract"],
  ["packages/variational", "@stepfault/variational"],
  ["packages/sdk", "@stepfault/sdk"],
  ["packages/server", "@stepfault/server"],
  ["packages/cli", "stepfault"],
] as const;
const BELL = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0],q[1];
measure q -> c;
`;

/** `npm pack --json` entries: name, size and the files of each tarball. */
interface Packed {
  name: string;
  version: string;
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

// The command's environment: nothing of the repository's test set-up (no source mode).
const env = () => {
  const e: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production" };
  delete e.STEPFAULT_SOURCE;
  delete e.STEPFAULT_BUILD_DTS; // the full build: declarations too
  delete e.NODE_OPTIONS;
  delete e.DATABASE_URL;
  delete e.REDIS_URL;
  return e;
};

/** Writes a TypeScript program on @stepfault/sdk alone (and its strict tsconfig) into `app`. */
function writeClientProgram(app: string): void {
  writeFileSync(
    join(app, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "ES2023",
        module: "nodenext",
        moduleResolution: "nodenext",
        lib: ["ES2023", "DOM"],
        types: [],
        skipLibCheck: false,
        outDir: "out",
      },
      files: ["client.ts"],
    }),
  );
  writeFileSync(
    join(app, "client.ts"),
    `import { createClient, StepFaultApiError, type Job } from "@stepfault/sdk";

declare const process: { argv: string[] };
const baseUrl = process.argv[2];
const sf = createClient({ baseUrl });
const email = "packed@example.test";
const password = "correct horse battery staple";
await sf.auth.register({ email, password });
const tokens = await sf.auth.login({ email, password });
sf.setToken(tokens.accessToken);
const project = await sf.projects.create("Packed");
const job: Job = await sf.submitJob(project.id, {
source: ${JSON.stringify(BELL)},
shots: 200,
seed: 5,
});
const done = await sf.waitForJob(job.id, { timeoutMs: 60_000 });
let code = "";
try {
await sf.projects.get("00000000-0000-0000-0000-000000000000");
} catch (err) {
if (err instanceof StepFaultApiError) code = err.code;
}
console.log(JSON.stringify({ status: done.status, counts: done.result?.counts, code }));
`,
  );
}

describe("packed packages installed outside the repository", () => {
  const dir = mkdtempSync(join(tmpdir(), "sf-pack-"));
  const app = join(dir, "app");
  let packed: Packed[] = [];
  let server: ChildProcess | undefined;
  let url = "";
  /** The type check of the SDK program: "" when it passed, else tsc's report. */
  let compiled: Promise<string> = Promise.resolve("not started");

  beforeAll(async () => {
    const t0 = performance.now();
    // The full build (declarations, source maps), then pack without prepack: prepack would also
    // rebuild the web app, whose dist/ the browser tests may be serving at the same moment (it is
    // built only when missing here).
    if (!existsSync(join(repo, "packages/web/dist/index.html")))
      await run("npm", ["run", "build", "-w", "packages/web"], {
        cwd: repo,
        env: env(),
      });
    // The packages' builds are independent (declarations are built from the sources through the
    // `stepfault-source` condition, imports of each other stay imports): two at a time.
    const queue = PACKAGES.map(([p]) => p);
    const tsdown = join(repo, "node_modules/.bin/tsdown");
    await Promise.all(
      [0, 1].map(async () => {
        for (let p = queue.shift(); p !== undefined; p = queue.shift())
          await run(tsdown, ["--logLevel", "warn"], {
            cwd: join(repo, p),
            env: env(),
            maxBuffer: 64 << 20,
          });
      }),
    );
    const out = await run(
      "npm",
      [
        "pack",
        "--ignore-scripts",
        "--json",
        "--pack-destination",
        dir,
        ...PACKAGES.flatMap(([p]) => ["-w", p]),
      ],
      { cwd: repo, env: env(), maxBuffer: 64 << 20 },
    );
    packed = JSON.parse(out.stdout.slice(out.stdout.indexOf("[")));
    const t1 = performance.now();
    writeFileSync(
      join(dir, "package.json"),
      "{}\n", // keeps npm from walking up into another project
    );
    await run("mkdir", ["-p", app]);
    writeFileSync(
      join(app, "package.json"),
      JSON.stringify({ name: "sf-app", private: true, type: "module" }),
    );
    await run(
      "npm",
      [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--loglevel=error",
        ...packed.map((p) => join(dir, p.filename)),
      ],
      { cwd: app, env: env(), maxBuffer: 64 << 20 },
    );
    // The SDK program is type-checked while the other tests run (it needs no server).
    writeClientProgram(app);
    compiled = run(
      process.execPath,
      [join(repo, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"],
      { cwd: app, env: env() },
    ).then(
      () => "",
      (err: { stdout?: string }) => `tsc --strict failed:\n${err.stdout}`,
    );
    console.info(
      `[pack-install] pack ${((t1 - t0) / 1000).toFixed(1)} s, install ${((performance.now() - t1) / 1000).toFixed(1)} s; ` +
        packed
          .map(
            (p) =>
              `${p.name} ${(p.size / 1024).toFixed(0)} KiB packed, ${(p.unpackedSize / 1024).toFixed(0)} KiB unpacked, ${p.files.length} files`,
          )
          .join("; "),
    );
  }, 600_000);

  afterAll(async () => {
    // (stops the server started by the serve test)
    if (server && server.exitCode === null) {
      const gone = new Promise((r) => server!.once("exit", r));
      process.kill(-server.pid!, "SIGTERM");
      const stopped = await Promise.race([
        gone.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 15_000)),
      ]);
      if (!stopped) process.kill(-server.pid!, "SIGKILL");
    }
    await compiled;
    // The installed tree is large: removed in the background, so a loaded machine does not hold
    // the suite up for it.
    spawn("rm", ["-rf", dir], { detached: true, stdio: "ignore" }).unref();
  });

  it("packs compiled JavaScript with declarations and source maps, no sources or tests, one version", () => {
    const root = JSON.parse(
      readFileSync(join(repo, "package.json"), "utf8"),
    ) as { version: string };
    expect(packed.map((p) => p.name).sort()).toEqual(
      PACKAGES.map(([, n]) => n).sort(),
    );
    for (const p of packed) {
      expect(p.version, p.name).toBe(root.version);
      const files = p.files.map((f) => f.path);
      expect(files, p.name).toContain("package.json");
      expect(files, p.name).toContain("README.md");
      expect(
        files.filter((f) => /(^|\/)(src|test)\//.test(f) || f.endsWith(".ts")),
        p.name,
      ).toEqual(
        files.filter((f) => f.endsWith(".d.ts")), // declarations are the only .ts files
      );
      expect(
        files.some((f) => f.endsWith(".js.map")),
        p.name,
      ).toBe(true);
      const manifest = JSON.parse(
        readFileSync(join(app, "node_modules", p.name, "package.json"), "utf8"),
      ) as { dependencies?: Record<string, string>; private?: boolean };
      expect(manifest.private, p.name).toBeUndefined();
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {}))
        if (dep.startsWith("@stepfault/"))
          expect(range, `${p.name} -> ${dep}`).toBe(root.version);
      if (p.name !== "stepfault")
        expect(
          files.filter((f) => f.endsWith(".d.ts")).length,
          p.name,
        ).toBeGreaterThan(0);
    }
    const cli = packed.find((p) => p.name === "stepfault")!;
    expect(cli.files.map((f) => f.path)).toContain("dist/web/dist/index.html");
    const sdk = JSON.parse(
      readFileSync(
        join(app, "node_modules/@stepfault/sdk/package.json"),
        "utf8",
      ),
    ) as { dependencies: Record<string, string> };
    expect(Object.keys(sdk.dependencies)).not.toContain("@stepfault/server");
  });

  it("runs a plain Node program on @stepfault/quantum, whose main entry imports no Node built-in", async () => {
    writeFileSync(
      join(app, "bell.mjs"),
      `import { compileQasm, simulate } from "@stepfault/quantum";
import { simulateParallel, closeThreadPool } from "@stepfault/quantum/threads";
const c = compileQasm(${JSON.stringify(BELL)});
if (!c.ok) throw new Error("compile failed");
const one = simulate(c.circuit, { shots: 1000, seed: 7 });
const two = await simulateParallel(c.circuit, { shots: 1000, seed: 7, threads: 2 });
await closeThreadPool();
console.log(JSON.stringify({ one: one.ok && one.result.counts, two: two.ok && two.result.counts }));
`,
    );
    const { stdout } = await run(process.execPath, ["bell.mjs"], {
      cwd: app,
      env: env(),
    });
    const { one, two } = JSON.parse(stdout) as Record<
      string,
      Record<string, number>
    >;
    expect(Object.keys(one).sort()).toEqual(["00", "11"]);
    expect(one["00"] + one["11"]).toBe(1000);
    expect(two).toEqual(one);

    // Every module the main entry loads, followed through relative imports: no Node built-ins
    // (so a browser bundler needs no polyfills), and only relative imports.
    const distDir = join(app, "node_modules/@stepfault/quantum/dist");
    const seen = new Set<string>();
    const external: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const code = readFileSync(file, "utf8");
      for (const m of code.matchAll(
        /(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g,
      )) {
        const spec = m[1];
        if (spec.startsWith(".")) visit(resolve(dirname(file), spec));
        else external.push(spec);
      }
    };
    visit(join(distDir, "index.js"));
    expect(seen.size).toBeGreaterThan(0);
    expect(
      external.filter(
        (s) => s.startsWith("node:") || builtinModules.includes(s),
      ),
    ).toEqual([]);
    expect(external).toEqual([]);
  });

  it("runs `npx stepfault run` and `--version`", async () => {
    writeFileSync(join(app, "bell.qasm"), BELL);
    const r = await run(
      "npx",
      [
        "--no-install",
        "stepfault",
        "run",
        "bell.qasm",
        "--shots",
        "500",
        "--seed",
        "3",
        "--json",
      ],
      { cwd: app, env: env() },
    );
    const out = JSON.parse(r.stdout) as { counts: Record<string, number> };
    expect(Object.keys(out.counts).sort()).toEqual(["00", "11"]);
    const v = await run("npx", ["--no-install", "stepfault", "--version"], {
      cwd: app,
      env: env(),
    });
    expect(v.stdout.trim()).toMatch(/^stepfault \d+\.\d+\.\d+/);
  }, 120_000);

  it("serves the web app and the API with `npx stepfault serve`, used by a TypeScript program on @stepfault/sdk alone (tsc --strict)", async () => {
    server = spawn(
      "npx",
      [
        "--no-install",
        "stepfault",
        "serve",
        "--port",
        "0",
        "--data-dir",
        join(app, "data"),
      ],
      {
        cwd: app,
        env: { ...env(), LOG_LEVEL: "warn" },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true, // its own process group: npx and the server stop together
      },
    );
    url = await new Promise<string>((ok, fail) => {
      let log = "";
      const onData = (d: Buffer) => {
        log += d.toString();
        const m = /StepFault listening on (http:\/\/\S+)/.exec(log);
        if (m) ok(m[1]);
      };
      server!.stdout!.on("data", onData);
      server!.stderr!.on("data", onData);
      server!.once("exit", (code) =>
        fail(new Error(`serve exited ${code}: ${log}`)),
      );
    });
    const home = await fetch(`${url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get("content-type")).toMatch(/text\/html/);
    expect(await home.text()).toMatch(/<div id="root">/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const anon = await fetch(`${url}/api/v1/projects`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get("content-type")).toMatch(/problem\+json/);

    expect(await compiled).toBe("");
    const { stdout } = await run(
      process.execPath,
      [join(app, "out/client.js"), url],
      { cwd: app, env: env() },
    );
    const res = JSON.parse(stdout) as {
      status: string;
      counts: Record<string, number>;
      code: string;
    };
    expect(res.status).toBe("succeeded");
    expect(Object.keys(res.counts).sort()).toEqual(["00", "11"]);
    expect(res.code).toMatch(/NOT_FOUND$/);
  }, 300_000);
});
