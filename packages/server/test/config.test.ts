import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig, resolveJwtSecret } from "../src/config/config.ts";
import { resolveConfig } from "../src/server.ts";

const repoRoot = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "..",
);
const cliBin = join(repoRoot, "packages", "cli", "bin", "stepfault.mjs");
const cliReady = existsSync(
  join(repoRoot, "packages", "cli", "src", "main.ts"),
);
const tmp = mkdtempSync(join(tmpdir(), "sf-config-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("loadConfig", () => {
  it("gives documented defaults for an empty environment", () => {
    const r = loadConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      redisUrl: undefined,
      jwtSecret: undefined,
      smtpUrl: undefined,
      corsOrigins: [],
      trustProxy: false,
      logLevel: "info",
      publicUrl: "http://localhost:3000",
    });
    expect(r.config.dataDir).toBe(resolve(".stepfault"));
  });

  it.each([
    ["PORT", "http"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/db"],
    ["DATABASE_URL", "not a url"],
    ["REDIS_URL", "http://localhost:6379"],
    ["SMTP_URL", "smtp//broken"],
    ["JWT_SECRET", "too-short"],
    ["CORS_ORIGINS", "https://ok.example,not an origin"],
    ["LOG_LEVEL", "loud"],
    ["API_RATE_LIMIT_PER_MINUTE", "-1"],
    ["TRUST_PROXY", "the load balancer"],
  ])("refuses %s=%s with a message naming the variable", (name, value) => {
    const r = loadConfig({ [name]: value });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.variable)).toEqual([name]);
    expect(r.errors[0].message).toContain(name);
  });

  it.each([
    ["true", true],
    ["2", 2],
    ["10.0.0.0/8, 192.168.1.7", ["10.0.0.0/8", "192.168.1.7"]],
  ])("reads TRUST_PROXY=%s", (value, expected) => {
    const r = loadConfig({ TRUST_PROXY: value });
    expect(r.ok && r.config.trustProxy).toEqual(expected);
  });

  it("reports every bad variable at once", () => {
    const r = loadConfig({ PORT: "x", REDIS_URL: "nope" });
    expect(r.ok ? [] : r.errors.map((e) => e.variable)).toEqual([
      "PORT",
      "REDIS_URL",
    ]);
  });

  it("accepts a full production configuration", () => {
    const r = loadConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      DATABASE_URL: "postgres://u:p@db:5432/stepfault",
      REDIS_URL: "redis://cache:6379",
      JWT_SECRET: "s".repeat(40),
      CORS_ORIGINS: "https://a.example, https://b.example:8443",
      SMTP_URL: "smtps://user:pass@mail.example:465",
      LOG_LEVEL: "warn",
    });
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.config.corsOrigins).toEqual([
        "https://a.example",
        "https://b.example:8443",
      ]);
  });
});

describe("resolveJwtSecret", () => {
  it("generates a secret once, stores it with mode 0600, and reuses it on the next start", () => {
    const dataDir = join(tmp, "secret");
    const base = loadConfig({ STEPFAULT_DATA_DIR: dataDir });
    if (!base.ok) throw new Error("config");
    const first = resolveJwtSecret(base.config).jwtSecret;
    const file = join(dataDir, "jwt-secret");
    expect(first?.length).toBeGreaterThanOrEqual(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toBe(first);
    expect(resolveJwtSecret(base.config).jwtSecret).toBe(first);
  });

  it("uses JWT_SECRET when set and writes nothing", () => {
    const dataDir = join(tmp, "given");
    const base = loadConfig({
      STEPFAULT_DATA_DIR: dataDir,
      JWT_SECRET: "g".repeat(32),
    });
    if (!base.ok) throw new Error("config");
    expect(resolveJwtSecret(base.config).jwtSecret).toBe("g".repeat(32));
    expect(existsSync(join(dataDir, "jwt-secret"))).toBe(false);
  });
});

describe("resolveConfig", () => {
  it("lets serve flags override the environment", () => {
    const r = resolveConfig(
      { PORT: "1", STEPFAULT_DATA_DIR: join(tmp, "env") },
      { port: 4321, dataDir: join(tmp, "flag") },
    );
    expect(r.ok && r.config.port).toBe(4321);
    expect(r.ok && r.config.dataDir).toBe(join(tmp, "flag"));
  });
});

describe.skipIf(!cliReady)("stepfault serve with a bad configuration", () => {
  it("refuses to start, exits non-zero and names the variable", () => {
    const res = spawnSync(process.execPath, [cliBin, "serve"], {
      env: {
        ...process.env,
        PORT: "not-a-port",
        DATABASE_URL: "mysql://x",
        STEPFAULT_DATA_DIR: join(tmp, "cli"),
      },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toContain("PORT");
    expect(res.stderr).toContain("DATABASE_URL");
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(tmp, "cli", "db"))).toBe(false);
  });
});
