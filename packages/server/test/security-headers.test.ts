import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { helmetHeaders } from "../src/api/plugins/security-headers.plugin.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import { bearer, signUp, testConfig } from "./helpers/test-app.ts";

/** Helmet 8's defaults without CSP, as @fastify/helmet sent them before. */
const EXPECTED: Record<string, string> = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "no-referrer",
  "strict-transport-security": "max-age=31536000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "SAMEORIGIN",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
};

describe("helmetHeaders", () => {
  it("computes helmet's header set once from its options", () => {
    const set = Object.fromEntries(
      helmetHeaders({ contentSecurityPolicy: false })
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(set).toEqual(EXPECTED);
  });

  it("refuses per-request CSP directives, which cannot be computed once", () => {
    expect(() =>
      helmetHeaders({
        contentSecurityPolicy: {
          directives: { scriptSrc: ["'self'", () => "'nonce-x'"] },
        },
      }),
    ).toThrow(/must be static/);
  });
});

describeOnEngines("Security headers", (ctx) => {
  it("sends helmet's headers and a request id on successes, errors and not-found answers", async () => {
    const user = await signUp(ctx.app, "headers");
    const responses = [
      await ctx.app.inject({ method: "GET", url: "/healthz" }),
      await ctx.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: bearer(user.accessToken),
      }),
      await ctx.app.inject({ method: "GET", url: "/api/v1/me" }),
      await ctx.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: { authorization: "Bearer nonsense" },
      }),
      await ctx.app.inject({ method: "GET", url: "/api/v1/nothing" }),
      await ctx.app.inject({ method: "OPTIONS", url: "/api/v1/me" }),
      await ctx.app.inject({ method: "GET", url: "/api/docs" }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([
      200, 200, 401, 401, 404, 404, 200,
    ]);
    for (const res of responses) {
      for (const [name, value] of Object.entries(EXPECTED))
        expect(res.headers[name], name).toBe(value);
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    }
  });

  it("keeps them on hijacked responses (server-sent events write the raw response)", async () => {
    const app = await buildApp(testConfig(), {
      database: ctx.database,
      webDir: null,
      jobs: { runWorker: false },
    });
    app.get("/raw", (_req, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { "content-type": "text/plain" });
      reply.raw.end("raw");
    });
    await app.ready();
    try {
      const res = await app.inject({ method: "GET", url: "/raw" });
      expect(res.body).toBe("raw");
      for (const [name, value] of Object.entries(EXPECTED))
        expect(res.headers[name], name).toBe(value);
    } finally {
      await app.close();
    }
  });
});
