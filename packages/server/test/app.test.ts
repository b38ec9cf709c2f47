import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import {
  brotliCompressSync,
  brotliDecompressSync,
  gunzipSync,
  gzipSync,
} from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildApp } from "../src/app.ts";
import { createLogger } from "../src/logger.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  testConfig,
} from "./helpers/test-app.ts";

describeOnEngines("HTTP edge", (ctx) => {
  describe("headers", () => {
    it("sets security headers and a request id, echoing a sane incoming one", async () => {
      const res = await ctx.app.inject({ method: "GET", url: "/healthz" });
      expect(res.headers["x-content-type-options"]).toBe("nosniff");
      expect(res.headers["x-frame-options"]).toBeDefined();
      expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
      const echoed = await ctx.app.inject({
        method: "GET",
        url: "/healthz",
        headers: { "x-request-id": "abc-123" },
      });
      expect(echoed.headers["x-request-id"]).toBe("abc-123");
      const bad = await ctx.app.inject({
        method: "GET",
        url: "/healthz",
        headers: { "x-request-id": "a b\nc" },
      });
      expect(bad.headers["x-request-id"]).not.toBe("a b\nc");
    });

    it("allows CORS only for configured origins", async () => {
      const app = await buildTestApp(ctx.database, {
        corsOrigins: ["https://app.example"],
      });
      try {
        const ok = await app.inject({
          method: "OPTIONS",
          url: "/api/v1/me",
          headers: {
            origin: "https://app.example",
            "access-control-request-method": "GET",
          },
        });
        expect(ok.headers["access-control-allow-origin"]).toBe(
          "https://app.example",
        );
        const no = await app.inject({
          method: "OPTIONS",
          url: "/api/v1/me",
          headers: {
            origin: "https://evil.example",
            "access-control-request-method": "GET",
          },
        });
        expect(no.headers["access-control-allow-origin"]).toBeUndefined();
      } finally {
        await app.close();
      }
    });
  });

  describe("errors", () => {
    it("answers 413 problem+json for a body over the limit", async () => {
      const app = await buildTestApp(ctx.database, { bodyLimitBytes: 2048 });
      try {
        const res = await app.inject({
          method: "POST",
          url: "/api/v1/auth/register",
          payload: { email: "a@b.test", password: "x".repeat(4000) },
        });
        expectProblem(res, 413, "PAYLOAD_TOO_LARGE");
      } finally {
        await app.close();
      }
    });

    it("hides internals of a 5xx and logs them with the request id", async () => {
      const lines: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, cb) {
          lines.push(chunk.toString("utf8"));
          cb();
        },
      });
      const app = await buildApp(testConfig({ logLevel: "info" }), {
        database: ctx.database,
        webDir: null,
        logger: createLogger("info", sink),
      });
      app.get("/boom", async () => {
        throw new Error("db password is hunter2");
      });
      await app.ready();
      try {
        const res = await app.inject({
          method: "GET",
          url: "/boom",
          headers: {
            authorization: "Bearer sf_supersecretapikey",
            "x-request-id": "req-boom-1",
          },
        });
        const body = expectProblem(res, 500, "INTERNAL");
        expect(res.body).not.toContain("hunter2");
        expect(body.requestId).toBe("req-boom-1");
        const log = lines.join("");
        expect(log).toContain("hunter2");
        expect(log).toContain("req-boom-1");
        expect(log).not.toContain("sf_supersecretapikey");
        expect(log).toContain("[redacted]");
      } finally {
        await app.close();
      }
    });

    it("answers unknown routes with 404 problem+json", async () => {
      expectProblem(
        await ctx.app.inject({ method: "GET", url: "/api/v1/nothing-here" }),
        404,
        "NOT_FOUND",
      );
    });
  });

  describe("documentation and operations", () => {
    it("serves the OpenAPI 3 document with every API route and the interactive docs", async () => {
      const res = await ctx.app.inject({
        method: "GET",
        url: "/api/openapi.json",
      });
      expect(res.statusCode).toBe(200);
      const doc = res.json() as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      };
      expect(doc.openapi).toMatch(/^3\./);
      for (const path of [
        "/api/v1/auth/login",
        "/api/v1/me",
        "/api/v1/me/api-keys",
        "/api/v1/admin/users",
        "/api/v1/projects/{id}/members",
        "/api/v1/projects/{id}/circuits",
        "/api/v1/projects/{id}/circuits/{circuitId}/revisions/{revision}",
      ]) {
        expect(Object.keys(doc.paths), path).toContain(path);
      }
      expect(doc.paths["/api/v1/projects"]).toHaveProperty("post");
      const docs = await ctx.app.inject({ method: "GET", url: "/api/docs/" });
      expect(docs.statusCode).toBe(200);
      expect(docs.headers["content-type"]).toMatch(/text\/html/);
    });

    it("exposes Prometheus metrics with a request-duration histogram by route and status", async () => {
      const u = await signUp(ctx.app);
      await ctx.app.inject({
        method: "GET",
        url: "/api/v1/projects/00000000-0000-4000-8000-000000000000",
        headers: bearer(u.accessToken),
      });
      const res = await ctx.app.inject({ method: "GET", url: "/metrics" });
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain("process_cpu_user_seconds_total");
      expect(res.body).toMatch(
        /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/projects\/:id",status_code="404"\} 1/,
      );
    });

    it("reports healthy and ready", async () => {
      expect(
        (await ctx.app.inject({ method: "GET", url: "/healthz" })).json(),
      ).toEqual({ status: "ok" });
      expect(
        (await ctx.app.inject({ method: "GET", url: "/readyz" })).json(),
      ).toEqual({ status: "ready" });
    });
  });

  describe("web app", () => {
    it("serves the built web app, falls back to index.html for client routes, and keeps API 404s as problems", async () => {
      const dir = mkdtempSync(join(tmpdir(), "sf-web-"));
      mkdirSync(join(dir, "assets"));
      writeFileSync(
        join(dir, "index.html"),
        "<!doctype html><title>StepFault web</title>",
      );
      writeFileSync(join(dir, "assets", "app.js"), "console.log(1)");
      const bigJs = "console.log('stepfault');\n".repeat(200);
      writeFileSync(join(dir, "assets", "big.js"), bigJs);
      writeFileSync(
        join(dir, "assets", "big.js.br"),
        brotliCompressSync(bigJs),
      );
      writeFileSync(join(dir, "assets", "big.js.gz"), gzipSync(bigJs));
      const app = await buildTestApp(ctx.database, {}, { webDir: dir });
      try {
        const root = await app.inject({ method: "GET", url: "/" });
        expect(root.statusCode).toBe(200);
        expect(root.body).toContain("StepFault web");
        const asset = await app.inject({
          method: "GET",
          url: "/assets/app.js",
        });
        expect(asset.body).toBe("console.log(1)");
        // Hashed assets are immutable; index.html is revalidated so a new build shows at once.
        expect(asset.headers["cache-control"]).toBe(
          "public, max-age=31536000, immutable",
        );
        expect(root.headers["cache-control"]).toBe("no-cache");
        // The precompressed file is sent to a client that accepts it, the plain one otherwise.
        const br = await app.inject({
          method: "GET",
          url: "/assets/big.js",
          headers: { "accept-encoding": "gzip, br" },
        });
        expect(br.headers["content-encoding"]).toBe("br");
        expect(brotliDecompressSync(br.rawPayload).toString()).toBe(bigJs);
        expect(br.headers["cache-control"]).toContain("immutable");
        const gz = await app.inject({
          method: "GET",
          url: "/assets/big.js",
          headers: { "accept-encoding": "gzip" },
        });
        expect(gz.headers["content-encoding"]).toBe("gzip");
        expect(gunzipSync(gz.rawPayload).toString()).toBe(bigJs);
        const plain = await app.inject({
          method: "GET",
          url: "/assets/big.js",
        });
        expect(plain.headers["content-encoding"]).toBeUndefined();
        expect(plain.body).toBe(bigJs);
        const route = await app.inject({
          method: "GET",
          url: "/projects/abc",
          headers: { accept: "text/html" },
        });
        expect(route.body).toContain("StepFault web");
        expect(route.headers["cache-control"]).toBe("no-cache");
        expectProblem(
          await app.inject({
            method: "GET",
            url: "/api/v1/missing",
            headers: { accept: "text/html" },
          }),
          404,
          "NOT_FOUND",
        );
        expectProblem(
          await app.inject({ method: "GET", url: "/assets/missing.js" }),
          404,
          "NOT_FOUND",
        );
      } finally {
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("graceful shutdown", () => {
    it("finishes an in-flight request when closing, then refuses new connections", async () => {
      const app = await buildApp(testConfig(), {
        database: ctx.database,
        webDir: null,
      });
      let release: () => void = () => undefined;
      const started = new Promise<void>((resolve) => {
        app.get("/slow", async () => {
          resolve();
          await new Promise<void>((r) => (release = r));
          return { done: true };
        });
      });
      const url = await app.listen({ port: 0, host: "127.0.0.1" });
      const inflight = fetch(`${url}/slow`).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as unknown,
      }));
      await started;
      const closing = app.close();
      setTimeout(() => release(), 100);
      const result = await inflight;
      await closing;
      expect(result).toEqual({ status: 200, body: { done: true } });
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    });
  });
});
