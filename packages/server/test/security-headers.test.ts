import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import {
  CONTENT_SECURITY_POLICY,
  helmetHeaders,
} from "../src/api/plugins/security-headers.plugin.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import { bearer, signUp, testConfig } from "./helpers/test-app.ts";

/** The policy: helmet's default directives plus what the web app needs; no upgrade to https. */
const CSP =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
  "frame-ancestors 'self';img-src 'self' data: blob:;object-src 'none';" +
  "script-src 'self' 'wasm-unsafe-eval';script-src-attr 'none';" +
  "style-src 'self' https: 'unsafe-inline';worker-src 'self' blob:;connect-src 'self'";

/** Helmet 8's defaults (as @fastify/helmet sent them before) plus the CSP above. */
const EXPECTED: Record<string, string> = {
  "content-security-policy": CSP,
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
      helmetHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY })
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k.toLowerCase(), v]),
    );
    expect(set).toEqual(EXPECTED);
    // Neither string evaluation nor inline scripts are allowed; wasm compilation is.
    expect(CSP).not.toContain("'unsafe-eval'");
    expect(CSP).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(CSP).not.toContain("upgrade-insecure-requests");
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

  it("lets Swagger UI at /api/docs and the web app load: only same-origin scripts, all served", async () => {
    const webDir = mkdtempSync(join(tmpdir(), "sf-csp-web-"));
    // The shape of Vite's built index.html: module script and stylesheet from /assets.
    writeFileSync(
      join(webDir, "index.html"),
      '<!doctype html><html><head><script type="module" crossorigin src="/assets/app.js"></script>' +
        '<link rel="stylesheet" crossorigin href="/assets/app.css"></head><body><div id="root"></div></body></html>',
    );
    const app = await buildApp(testConfig(), {
      database: ctx.database,
      webDir,
      jobs: { runWorker: false },
    });
    await app.ready();
    try {
      for (const url of ["/", "/projects/some-client-route", "/api/docs"]) {
        const page = await app.inject({
          method: "GET",
          url,
          headers: { accept: "text/html" },
        });
        const html = page.body;
        expect(page.statusCode, url).toBe(200);
        expect(page.headers["content-type"]).toMatch(/^text\/html/);
        expect(page.headers["content-security-policy"]).toBe(CSP);
        // Every script is an external same-origin file: nothing inline for script-src to block.
        const scripts = [
          ...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g),
        ];
        expect(scripts.length, url).toBeGreaterThan(0);
        for (const [, attrs, body] of scripts) {
          expect(body.trim(), url).toBe("");
          const src = /\bsrc="([^"]+)"/.exec(attrs)?.[1];
          expect(src, url).toBeDefined();
          expect(src, url).not.toMatch(/^(https?:)?\/\//);
          if (url === "/api/docs") {
            const asset = await app.inject({
              method: "GET",
              url: new URL(src as string, "http://x/api/docs/").pathname,
            });
            expect(asset.statusCode, src).toBe(200);
            expect(asset.headers["content-security-policy"]).toBe(CSP);
          }
        }
      }
    } finally {
      await app.close();
      rmSync(webDir, { recursive: true, force: true });
    }
  });
});
