import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "../src/database/schema.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  uniqueEmail,
} from "./helpers/test-app.ts";

const SECRET = "rate-limit-suite-secret-0123456789abcdef";
const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl)
  console.warn(
    "[server tests] TEST_REDIS_URL is not set: skipping the shared Redis rate-limit test",
  );

describeOnEngines(
  "Rate limits",
  (ctx) => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await buildTestApp(ctx.database, {
        authRateLimitPerMinute: 3,
        apiRateLimitPerMinute: 5,
        jwtSecret: SECRET,
      });
    });
    afterAll(async () => app?.close());

    function login(email: string, ip: string) {
      return app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        remoteAddress: ip,
        payload: { email, password: "wrong password" },
      });
    }

    describe("login", () => {
      it("limits attempts per IP across accounts, answering 429 with Retry-After", async () => {
        const codes: number[] = [];
        for (let i = 0; i < 4; i++)
          codes.push((await login(uniqueEmail(), "10.1.0.1")).statusCode);
        expect(codes).toEqual([401, 401, 401, 429]);
        const res = await login(uniqueEmail(), "10.1.0.1");
        expectProblem(res, 429, "RATE_LIMITED");
        expect(Number(res.headers["retry-after"])).toBeGreaterThan(0);
        expect(Number(res.headers["retry-after"])).toBeLessThanOrEqual(60);
        // Another IP is not affected.
        expect((await login(uniqueEmail(), "10.1.0.2")).statusCode).toBe(401);
      });

      it("limits attempts per account across IPs (brute force from many addresses)", async () => {
        const email = uniqueEmail("victim");
        const codes: number[] = [];
        for (let i = 0; i < 4; i++)
          codes.push((await login(email, `10.2.0.${i + 1}`)).statusCode);
        expect(codes).toEqual([401, 401, 401, 429]);
        expect((await login(email.toUpperCase(), "10.2.0.99")).statusCode).toBe(
          429,
        );
      });
    });

    describe("password reset", () => {
      it("limits reset requests per account", async () => {
        const email = uniqueEmail("reset");
        const codes: number[] = [];
        for (let i = 0; i < 4; i++) {
          const res = await app.inject({
            method: "POST",
            url: "/api/v1/auth/password-reset/request",
            remoteAddress: `10.3.0.${i + 1}`,
            payload: { email },
          });
          codes.push(res.statusCode);
        }
        expect(codes).toEqual([202, 202, 202, 429]);
      });
    });

    describe("API", () => {
      it("limits each user separately and leaves health, metrics and docs unlimited", async () => {
        const a = await signUp(ctx.app);
        const b = await signUp(ctx.app);
        const codes: number[] = [];
        for (let i = 0; i < 6; i++) {
          codes.push(
            (
              await app.inject({
                method: "GET",
                url: "/api/v1/me",
                headers: bearer(a.accessToken),
              })
            ).statusCode,
          );
        }
        expect(codes).toEqual([200, 200, 200, 200, 200, 429]);
        const limited = await app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: bearer(a.accessToken),
        });
        expect(limited.headers["retry-after"]).toBeDefined();
        expect(
          (
            await app.inject({
              method: "GET",
              url: "/api/v1/me",
              headers: bearer(b.accessToken),
            })
          ).statusCode,
        ).toBe(200);
        for (let i = 0; i < 10; i++) {
          for (const url of ["/healthz", "/metrics", "/api/openapi.json"]) {
            expect(
              (await app.inject({ method: "GET", url })).statusCode,
              url,
            ).toBe(200);
          }
        }
      });
    });

    it("counts clients by X-Forwarded-For behind a trusted proxy (TRUST_PROXY)", async () => {
      const behind = await buildTestApp(ctx.database, {
        authRateLimitPerMinute: 3,
        jwtSecret: SECRET,
        trustProxy: true,
      });
      try {
        const attempt = (client: string) =>
          behind.inject({
            method: "POST",
            url: "/api/v1/auth/login",
            remoteAddress: "10.99.0.1", // the load balancer
            headers: { "x-forwarded-for": client },
            payload: { email: uniqueEmail("xff"), password: "wrong password" },
          });
        const codes: number[] = [];
        for (let i = 0; i < 4; i++)
          codes.push((await attempt("203.0.113.7")).statusCode);
        expect(codes).toEqual([401, 401, 401, 429]);
        // Another client behind the same proxy has its own budget.
        const other = await attempt("203.0.113.8");
        expect(other.statusCode, other.body).toBe(401);
      } finally {
        await behind.close();
      }
    });

    describe.skipIf(!redisUrl)("with Redis", () => {
      it("shares counters between two app instances (replicas)", async () => {
        const ns = randomBytes(4).toString("hex");
        const r1 = await buildTestApp(
          ctx.database,
          { authRateLimitPerMinute: 3, redisUrl },
          { redisNamespace: ns },
        );
        const r2 = await buildTestApp(
          ctx.database,
          { authRateLimitPerMinute: 3, redisUrl },
          { redisNamespace: ns },
        );
        try {
          const email = uniqueEmail("shared");
          const codes: number[] = [];
          for (let i = 0; i < 4; i++) {
            const target = i % 2 === 0 ? r1 : r2;
            const res = await target.inject({
              method: "POST",
              url: "/api/v1/auth/login",
              remoteAddress: `10.4.0.${i + 1}`,
              payload: { email, password: "wrong password" },
            });
            codes.push(res.statusCode);
          }
          expect(codes).toEqual([401, 401, 401, 429]);
        } finally {
          await r1.close();
          await r2.close();
        }
      });

      it("refuses a user disabled through another replica at once (shared cache invalidation)", async () => {
        const ns = randomBytes(4).toString("hex");
        const r1 = await buildTestApp(
          ctx.database,
          { redisUrl, jwtSecret: SECRET },
          { redisNamespace: ns },
        );
        const r2 = await buildTestApp(
          ctx.database,
          { redisUrl, jwtSecret: SECRET },
          { redisNamespace: ns },
        );
        try {
          const admin = await signUp(r1, "replica-admin");
          await ctx.database.db
            .update(users)
            .set({ role: "admin" })
            .where(eq(users.id, admin.id));
          const victim = await signUp(r1, "replica-victim");
          const me = () =>
            r2.inject({
              method: "GET",
              url: "/api/v1/me",
              headers: bearer(victim.accessToken),
            });
          // r2 now holds the victim's row in its per-process cache (TTL 2 s).
          expect((await me()).statusCode).toBe(200);
          const off = await r1.inject({
            method: "POST",
            url: `/api/v1/admin/users/${victim.id}/disable`,
            headers: bearer(admin.accessToken),
          });
          expect(off.statusCode, off.body).toBeLessThan(300);
          // Pub/sub is asynchronous but fast: well inside the cache TTL, r2 must refuse.
          const deadline = Date.now() + 1000;
          let status = (await me()).statusCode;
          while (status === 200 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 20));
            status = (await me()).statusCode;
          }
          expect(status).toBe(401);
        } finally {
          await r1.close();
          await r2.close();
        }
      });
    });
  },
  { config: { jwtSecret: SECRET } },
);
