import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  testConfig,
  type TestUser,
} from "./helpers/test-app.ts";

const COOKIE_SESSION = { "x-stepfault-session": "cookie" } as const;
const TTL = testConfig().refreshTokenTtlSeconds;

/** The one `sf_refresh` Set-Cookie header of a response, split into value and attributes. */
function refreshCookieOf(res: LightMyRequestResponse): {
  value: string;
  attributes: string[];
} {
  const raw = res.headers["set-cookie"];
  const all = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const mine = all.filter((c) => c.startsWith("sf_refresh="));
  expect(mine, `Set-Cookie: ${JSON.stringify(all)}`).toHaveLength(1);
  const [pair, ...attributes] = mine[0].split(";").map((s) => s.trim());
  return { value: pair.slice("sf_refresh=".length), attributes };
}

function cookieHeader(token: string): Record<string, string> {
  return { cookie: `theme=dark; sf_refresh=${token}` };
}

describeOnEngines(
  "Browser session cookie",
  (ctx) => {
    /** Signs in a fresh account asking for the cookie session; returns the cookie's token. */
    async function cookieLogin(
      app: FastifyInstance,
      headers: Record<string, string> = {},
    ): Promise<{
      user: TestUser;
      cookie: string;
      res: LightMyRequestResponse;
    }> {
      const user = await signUp(app, "cookie");
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        headers: { ...COOKIE_SESSION, ...headers },
        payload: { email: user.email, password: user.password },
      });
      expect(res.statusCode, res.body).toBe(200);
      return { user, cookie: refreshCookieOf(res).value, res };
    }

    async function refreshWithCookie(token: string, extra = {}) {
      return ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        headers: { ...COOKIE_SESSION, ...cookieHeader(token), ...extra },
        payload: {},
      });
    }

    describe("login", () => {
      it("sets the refresh token as an HttpOnly, SameSite=Strict cookie on the auth path and leaves it out of the body", async () => {
        const { cookie, res } = await cookieLogin(ctx.app);
        const { attributes } = refreshCookieOf(res);
        expect(cookie).toMatch(/^sfr_[A-Za-z0-9_-]{40,}$/);
        expect(attributes).toEqual([
          `Max-Age=${TTL}`,
          "Path=/api/v1/auth",
          "HttpOnly",
          "SameSite=Strict",
        ]);
        const body = res.json() as Record<string, unknown>;
        expect(Object.keys(body).sort()).toEqual([
          "accessToken",
          "expiresIn",
          "tokenType",
        ]);
        expect(res.body).not.toContain(cookie);
        expect(res.headers["cache-control"]).toBe("no-store");
        const me = await ctx.app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: bearer(body.accessToken as string),
        });
        expect(me.statusCode).toBe(200);
      });

      it("sets the page-readable hint cookie sf_session=1 with it (no secret, whole site) and clears both on logout", async () => {
        const { cookie, res } = await cookieLogin(ctx.app);
        const hints = [res.headers["set-cookie"]]
          .flat()
          .filter((c): c is string => !!c && c.startsWith("sf_session="));
        expect(hints).toEqual([
          `sf_session=1; Max-Age=${TTL}; Path=/; SameSite=Strict`,
        ]);
        expect(hints[0]).not.toContain(cookie);
        const out = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/logout",
          headers: { ...COOKIE_SESSION, ...cookieHeader(cookie) },
          payload: {},
        });
        expect(
          [out.headers["set-cookie"]]
            .flat()
            .filter((c): c is string => !!c && c.startsWith("sf_session=")),
        ).toEqual(["sf_session=; Max-Age=0; Path=/; SameSite=Strict"]);
        // A refused cookie drops the hint too, so the page stops asking.
        const dead = await refreshWithCookie(`sfr_${"y".repeat(43)}`);
        expect(String(dead.headers["set-cookie"])).toContain(
          "sf_session=; Max-Age=0",
        );
      });

      it("marks the cookie Secure when a trusted proxy says the request came over https, and only then", async () => {
        const viaProxy = await cookieLogin(ctx.app, {
          "x-forwarded-proto": "https",
        });
        expect(refreshCookieOf(viaProxy.res).attributes).toContain("Secure");
        // The same header from an address TRUST_PROXY does not name is not believed.
        const user = await signUp(ctx.app, "cookie");
        const direct = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          remoteAddress: "203.0.113.9",
          headers: { ...COOKIE_SESSION, "x-forwarded-proto": "https" },
          payload: { email: user.email, password: user.password },
        });
        expect(direct.statusCode).toBe(200);
        expect(refreshCookieOf(direct).attributes).not.toContain("Secure");
      });

      it("sets no cookie for API clients that do not ask, and returns both tokens as before", async () => {
        const user = await signUp(ctx.app, "api");
        const res = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: user.email, password: user.password },
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers["set-cookie"]).toBeUndefined();
        expect((res.json() as { refreshToken: string }).refreshToken).toMatch(
          /^sfr_/,
        );
      });

      it("refuses another value of the opt-in header with 400 VALIDATION_FAILED", async () => {
        const user = await signUp(ctx.app, "cookie");
        const res = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          headers: { "x-stepfault-session": "yes" },
          payload: { email: user.email, password: user.password },
        });
        expectProblem(res, 400, "VALIDATION_FAILED");
      });
    });

    describe("refresh", () => {
      it("rotates the cookie: a new token replaces it, the new access token works and the old cookie is spent", async () => {
        const { cookie } = await cookieLogin(ctx.app);
        const r1 = await refreshWithCookie(cookie);
        expect(r1.statusCode, r1.body).toBe(200);
        const next = refreshCookieOf(r1);
        expect(next.value).not.toBe(cookie);
        expect(next.attributes).toContain(`Max-Age=${TTL}`);
        expect(r1.json()).not.toHaveProperty("refreshToken");
        const me = await ctx.app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: bearer((r1.json() as { accessToken: string }).accessToken),
        });
        expect(me.statusCode).toBe(200);
        const r2 = await refreshWithCookie(next.value);
        expect(r2.statusCode).toBe(200);
        expect(refreshCookieOf(r2).value).not.toBe(next.value);
      });

      it("answers 401 UNAUTHENTICATED as problem+json when the cookie is missing or malformed", async () => {
        const missing = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/refresh",
          headers: { ...COOKIE_SESSION, cookie: "theme=dark" },
          payload: {},
        });
        expectProblem(missing, 401, "UNAUTHENTICATED");
        const malformed = await refreshWithCookie("<script>");
        expectProblem(malformed, 401, "UNAUTHENTICATED");
      });

      it("answers 401 INVALID_TOKEN for an unknown cookie token and clears the cookie", async () => {
        const res = await refreshWithCookie(`sfr_${"x".repeat(43)}`);
        expectProblem(res, 401, "INVALID_TOKEN");
        const cleared = refreshCookieOf(res);
        expect(cleared.value).toBe("");
        expect(cleared.attributes).toContain("Max-Age=0");
      });

      it("moves a token given in the body into the cookie (a web app upgrading from stored tokens)", async () => {
        const user = await signUp(ctx.app, "legacy");
        const res = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/refresh",
          headers: COOKIE_SESSION,
          payload: { refreshToken: user.refreshToken },
        });
        expect(res.statusCode, res.body).toBe(200);
        const moved = refreshCookieOf(res).value;
        expect(res.body).not.toContain(moved);
        expect((await refreshWithCookie(moved)).statusCode).toBe(200);
      });

      it("lets two tabs refresh the same cookie at once: each gets a pair of its own and the session lives", async () => {
        const { cookie } = await cookieLogin(ctx.app);
        const both = await Promise.all([
          refreshWithCookie(cookie),
          refreshWithCookie(cookie),
        ]);
        expect(both.map((r) => r.statusCode)).toEqual([200, 200]);
        const [a, b] = both.map((r) => refreshCookieOf(r).value);
        expect(a).not.toBe(b);
        // Either cookie the browser ends up holding goes on working.
        for (const next of [a, b]) {
          const r = await refreshWithCookie(next);
          expect(r.statusCode, r.body).toBe(200);
        }
      });

      it("rotates again when the first answer never reached the browser (a reload mid-refresh)", async () => {
        const { cookie } = await cookieLogin(ctx.app);
        // The first refresh rotates the token but its answer (the new cookie) is lost.
        expect((await refreshWithCookie(cookie)).statusCode).toBe(200);
        const again = await refreshWithCookie(cookie);
        expect(again.statusCode, again.body).toBe(200);
        const r = await refreshWithCookie(refreshCookieOf(again).value);
        expect(r.statusCode, r.body).toBe(200);
      });

      it("still treats a replay after the grace window as theft: 401 REFRESH_TOKEN_REUSED and the session is revoked", async () => {
        const { cookie } = await cookieLogin(ctx.app);
        const r1 = await refreshWithCookie(cookie);
        const latest = refreshCookieOf(r1).value;
        await ctx.database.db.execute(
          sql`update refresh_tokens set used_at = now() - interval '1 minute' where used_at is not null and revoked_at is null`,
        );
        const replay = await refreshWithCookie(cookie);
        expectProblem(replay, 401, "REFRESH_TOKEN_REUSED");
        expect(refreshCookieOf(replay).attributes).toContain("Max-Age=0");
        expectProblem(await refreshWithCookie(latest), 401, "INVALID_TOKEN");
      });

      it("keeps instant reuse detection for tokens sent in the body (no grace for API clients)", async () => {
        const user = await signUp(ctx.app, "api");
        const send = () =>
          ctx.app.inject({
            method: "POST",
            url: "/api/v1/auth/refresh",
            payload: { refreshToken: user.refreshToken },
          });
        expect((await send()).statusCode).toBe(200);
        expectProblem(await send(), 401, "REFRESH_TOKEN_REUSED");
      });
    });

    describe("CSRF", () => {
      it("refuses cross-site style requests that carry the cookie but cannot send the header or a JSON body", async () => {
        const { cookie } = await cookieLogin(ctx.app);
        const crossSite = {
          origin: "https://evil.example",
          ...cookieHeader(cookie),
        };
        // An HTML form posting to the API (form-encoded), with or without the header.
        for (const headers of [crossSite, { ...crossSite, ...COOKIE_SESSION }])
          for (const url of ["/api/v1/auth/refresh", "/api/v1/auth/logout"])
            expectProblem(
              await ctx.app.inject({
                method: "POST",
                url,
                headers: {
                  ...headers,
                  "content-type": "application/x-www-form-urlencoded",
                },
                payload: "refreshToken=",
              }),
              415,
              "UNSUPPORTED_MEDIA_TYPE",
            );
        // A form with enctype=text/plain, and a "simple" fetch with a JSON-looking body but no
        // custom header: the cookie is not read.
        for (const contentType of ["text/plain", "application/json"])
          for (const url of ["/api/v1/auth/refresh", "/api/v1/auth/logout"]) {
            const res = await ctx.app.inject({
              method: "POST",
              url,
              headers: { ...crossSite, "content-type": contentType },
              payload: "{}",
            });
            expect(res.statusCode).toBe(400);
            expect(res.headers["content-type"]).toMatch(
              /^application\/problem\+json/,
            );
            expect(res.headers["set-cookie"]).toBeUndefined();
          }
        // Nothing was rotated or revoked: the cookie still refreshes.
        expect((await refreshWithCookie(cookie)).statusCode).toBe(200);
      });
    });

    describe("logout", () => {
      it("revokes the cookie's session and clears the cookie; a later refresh with it is refused", async () => {
        const { cookie } = await cookieLogin(ctx.app);
        const out = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/logout",
          headers: { ...COOKIE_SESSION, ...cookieHeader(cookie) },
          payload: {},
        });
        expect(out.statusCode).toBe(204);
        expect(out.headers["cache-control"]).toBe("no-store");
        const cleared = refreshCookieOf(out);
        expect(cleared.value).toBe("");
        expect(cleared.attributes).toEqual([
          "Max-Age=0",
          "Path=/api/v1/auth",
          "HttpOnly",
          "SameSite=Strict",
        ]);
        expectProblem(await refreshWithCookie(cookie), 401, "INVALID_TOKEN");
      });

      it("answers 401 UNAUTHENTICATED without a cookie, and still takes a token in the body without one", async () => {
        expectProblem(
          await ctx.app.inject({
            method: "POST",
            url: "/api/v1/auth/logout",
            headers: COOKIE_SESSION,
            payload: {},
          }),
          401,
          "UNAUTHENTICATED",
        );
        const user = await signUp(ctx.app, "api");
        const out = await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/logout",
          payload: { refreshToken: user.refreshToken },
        });
        expect(out.statusCode).toBe(204);
        expect(out.headers["set-cookie"]).toBeUndefined();
      });
    });

    it("documents the opt-in header on login, refresh and logout in the OpenAPI document", async () => {
      const doc = (
        await ctx.app.inject({ method: "GET", url: "/api/openapi.json" })
      ).json() as {
        paths: Record<
          string,
          { post: { parameters?: { name: string; in: string }[] } }
        >;
      };
      for (const path of ["login", "refresh", "logout"]) {
        const params = doc.paths[`/api/v1/auth/${path}`].post.parameters ?? [];
        expect(params).toContainEqual(
          expect.objectContaining({
            name: "x-stepfault-session",
            in: "header",
          }),
        );
      }
    });
  },
  // Loopback (what app.inject uses) is the trusted proxy, so X-Forwarded-Proto counts from it.
  { config: { trustProxy: ["127.0.0.1"] } },
);
