import { randomBytes } from "node:crypto";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import { buildApp, type AppDeps } from "../../src/app.ts";
import { loadConfig, type ServerConfig } from "../../src/config/config.ts";
import type { Database } from "../../src/database/database.ts";

/** A config for tests: random JWT secret, silent logs, generous rate limits unless overridden. */
export function testConfig(
  overrides: Partial<ServerConfig> = {},
): ServerConfig {
  const loaded = loadConfig({
    LOG_LEVEL: "silent",
    STEPFAULT_DATA_DIR: "/nonexistent-stepfault-test",
  });
  if (!loaded.ok) throw new Error("invariant: default test config invalid");
  return {
    ...loaded.config,
    jwtSecret: randomBytes(32).toString("hex"),
    authRateLimitPerMinute: 10_000,
    apiRateLimitPerMinute: 100_000,
    ...overrides,
  };
}

/** Builds the real app on `database` for `app.inject`. */
export async function buildTestApp(
  database: Database,
  overrides: Partial<ServerConfig> = {},
  deps: Partial<AppDeps> = {},
): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(overrides), {
    database,
    webDir: null,
    ...deps,
  });
  await app.ready();
  return app;
}

/** A unique email for a test account. */
export function uniqueEmail(tag = "user"): string {
  return `${tag}-${randomBytes(5).toString("hex")}@example.test`;
}

/** A signed-in test account. */
export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly role: "admin" | "user";
}

/** Registers and signs in a new account through the API. */
export async function signUp(
  app: FastifyInstance,
  tag = "user",
): Promise<TestUser> {
  const email = uniqueEmail(tag);
  const password = "correct horse battery";
  const reg = await app.inject({
    method: "POST",
    url: "/api/v1/auth/register",
    payload: { email, password },
  });
  expect(reg.statusCode, reg.body).toBe(201);
  const login = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    payload: { email, password },
  });
  expect(login.statusCode, login.body).toBe(200);
  const user = reg.json() as { id: string; role: "admin" | "user" };
  const tokens = login.json() as { accessToken: string; refreshToken: string };
  return { id: user.id, email, password, role: user.role, ...tokens };
}

/** Authorization header for a token or API key. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/** Asserts a problem+json response with `status` and `code`; returns the body. */
export function expectProblem(
  res: LightMyRequestResponse,
  status: number,
  code: string,
): Record<string, unknown> {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as Record<string, unknown>;
  expect(body.code).toBe(code);
  expect(body.status).toBe(status);
  return body;
}
