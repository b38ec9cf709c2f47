import { randomBytes } from "node:crypto";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";
import { loadAiConfig, type AiConfig } from "./ai-config.ts";
import { loadJobsConfig, type JobsConfig } from "./jobs-config.ts";

/** Log levels accepted by `LOG_LEVEL`. */
export const LOG_LEVELS = [
  "fatal",
  "error",
  "warn",
  "info",
  "debug",
  "trace",
  "silent",
] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The one validated, typed server configuration (built once at boot from the environment). */
export interface ServerConfig extends JobsConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** PostgreSQL URL; undefined means the embedded PGlite database in `<dataDir>/db`. */
  readonly databaseUrl: string | undefined;
  /** Redis URL; undefined means in-memory rate-limit counters. */
  readonly redisUrl: string | undefined;
  /** Secret for signing access tokens; undefined until resolved (see `resolveJwtSecret`). */
  readonly jwtSecret: string | undefined;
  readonly corsOrigins: readonly string[];
  /** SMTP URL for outgoing mail; undefined means log + dev outbox table. */
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly publicUrl: string;
  readonly logLevel: LogLevel;
  readonly bodyLimitBytes: number;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** Login / password-reset attempts allowed per minute, per IP and per account. */
  readonly authRateLimitPerMinute: number;
  /** Authenticated API requests allowed per minute per user. */
  readonly apiRateLimitPerMinute: number;
  /** OTLP endpoint; tracing is on only when set. */
  readonly otelEndpoint: string | undefined;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (rate limits, logs): false
   * (none, the default), true (any), a hop count, or a list of proxy addresses/CIDRs.
   */
  readonly trustProxy: boolean | number | readonly string[];
  /** The AI assistant (`AI_*`); `ai.provider` undefined means not configured. */
  readonly ai: AiConfig;
}

/** One problem found in the environment, naming the variable. */
export interface ConfigError {
  readonly variable: string;
  readonly message: string;
}

/** The result of `loadConfig`: a config or the list of bad variables. */
export type ConfigResult =
  | { ok: true; config: ServerConfig }
  | { ok: false; errors: readonly ConfigError[] };

type Env = Readonly<Record<string, string | undefined>>;

/** Reads an integer variable in [min, max]; a bad value is reported in `errors`. */
export function intVar(
  env: Env,
  name: string,
  def: number,
  min: number,
  max: number,
  errors: ConfigError[],
): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (
    !/^\d+$/.test(raw.trim()) ||
    !Number.isSafeInteger(n) ||
    n < min ||
    n > max
  ) {
    errors.push({
      variable: name,
      message: `${name} must be an integer between ${min} and ${max} (got "${raw}")`,
    });
    return def;
  }
  return n;
}

function urlVar(
  env: Env,
  name: string,
  protocols: readonly string[],
  errors: ConfigError[],
): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return undefined;
  try {
    const url = new URL(raw);
    if (!protocols.includes(url.protocol)) {
      errors.push({
        variable: name,
        message: `${name} must use ${protocols.join(" or ")} (got "${url.protocol}")`,
      });
    }
  } catch {
    errors.push({ variable: name, message: `${name} is not a valid URL` });
  }
  return raw.trim();
}

/** Parses TRUST_PROXY: unset/false, true, a hop count, or a comma-separated list of addresses/CIDRs. */
function trustProxyVar(
  raw: string | undefined,
  errors: ConfigError[],
): boolean | number | readonly string[] {
  const value = raw?.trim() ?? "";
  if (value === "" || value === "false") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value.split(",").map((s) => s.trim());
  if (list.every((s) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s))) return list;
  errors.push({
    variable: "TRUST_PROXY",
    message:
      "TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses/CIDRs",
  });
  return false;
}

/** Reads and validates the environment into a `ServerConfig`; never throws. */
export function loadConfig(env: Env = process.env): ConfigResult {
  const errors: ConfigError[] = [];
  const port = intVar(env, "PORT", 3000, 0, 65535, errors);
  const host = env.HOST?.trim() || "127.0.0.1";
  const dataDir = resolve(env.STEPFAULT_DATA_DIR?.trim() || ".stepfault");
  const databaseUrl = urlVar(
    env,
    "DATABASE_URL",
    ["postgres:", "postgresql:"],
    errors,
  );
  const redisUrl = urlVar(env, "REDIS_URL", ["redis:", "rediss:"], errors);
  const smtpUrl = urlVar(env, "SMTP_URL", ["smtp:", "smtps:"], errors);
  const otelEndpoint = urlVar(
    env,
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    ["http:", "https:"],
    errors,
  );
  const jwtSecret =
    env.JWT_SECRET === undefined || env.JWT_SECRET === ""
      ? undefined
      : env.JWT_SECRET;
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    errors.push({
      variable: "JWT_SECRET",
      message: "JWT_SECRET must be at least 32 characters",
    });
  }
  const corsOrigins = (env.CORS_ORIGINS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  for (const origin of corsOrigins) {
    if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
      errors.push({
        variable: "CORS_ORIGINS",
        message: `CORS_ORIGINS entry "${origin}" must be an origin like https://app.example.com`,
      });
    }
  }
  const logLevel = (env.LOG_LEVEL?.trim() || "info") as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    errors.push({
      variable: "LOG_LEVEL",
      message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}`,
    });
  }
  const trustProxy = trustProxyVar(env.TRUST_PROXY, errors);
  const publicUrl =
    urlVar(env, "PUBLIC_URL", ["http:", "https:"], errors) ??
    `http://localhost:${port}`;
  const config: ServerConfig = {
    port,
    host,
    dataDir,
    databaseUrl,
    redisUrl,
    jwtSecret,
    corsOrigins,
    trustProxy,
    smtpUrl,
    mailFrom: env.MAIL_FROM?.trim() || "StepFault <no-reply@stepfault.local>",
    publicUrl: publicUrl.replace(/\/$/, ""),
    logLevel,
    bodyLimitBytes: intVar(
      env,
      "BODY_LIMIT_BYTES",
      1_048_576,
      1024,
      104_857_600,
      errors,
    ),
    accessTokenTtlSeconds: intVar(
      env,
      "ACCESS_TOKEN_TTL_SECONDS",
      900,
      10,
      86_400,
      errors,
    ),
    refreshTokenTtlSeconds: intVar(
      env,
      "REFRESH_TOKEN_TTL_SECONDS",
      2_592_000,
      60,
      31_536_000,
      errors,
    ),
    authRateLimitPerMinute: intVar(
      env,
      "AUTH_RATE_LIMIT_PER_MINUTE",
      10,
      1,
      100_000,
      errors,
    ),
    apiRateLimitPerMinute: intVar(
      env,
      "API_RATE_LIMIT_PER_MINUTE",
      1200,
      1,
      10_000_000,
      errors,
    ),
    otelEndpoint,
    ...loadJobsConfig(
      env,
      dataDir,
      (name, def, min, max) => intVar(env, name, def, min, max, errors),
      errors,
    ),
    ai: loadAiConfig(
      env,
      (name, def, min, max) => intVar(env, name, def, min, max, errors),
      errors,
    ),
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}

/** Formats config errors as one message per line, each naming its variable. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors.map((e) => `config error: ${e.message}`).join("\n");
}

/**
 * Returns the config with a JWT secret: the configured one, or one generated once and kept in
 * `<dataDir>/jwt-secret` (mode 0600), so restarts keep sessions valid.
 */
export function resolveJwtSecret(config: ServerConfig): ServerConfig {
  if (config.jwtSecret !== undefined) return config;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, "jwt-secret");
  if (existsSync(file)) {
    const secret = readFileSync(file, "utf8").trim();
    if (secret.length >= 32) return { ...config, jwtSecret: secret };
  }
  const secret = randomBytes(48).toString("base64url");
  writeFileSync(file, secret + "\n", { mode: 0o600 });
  chmodSync(file, 0o600);
  return { ...config, jwtSecret: secret };
}
