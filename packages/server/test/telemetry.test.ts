import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelemetry } from "../src/telemetry.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import { buildTestApp } from "./helpers/test-app.ts";

describe("startTelemetry without an endpoint", () => {
  it("does nothing and returns a no-op stop", async () => {
    const stop = await startTelemetry(undefined);
    await expect(stop()).resolves.toBeUndefined();
  });
});

// The OpenTelemetry SDK is process-global (it can start once per process), so this runs on one
// engine: tracing does not depend on the database engine.
describe("startTelemetry with an OTLP endpoint [pglite]", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await ENGINES[0].open();
    await database.migrate();
  });
  afterAll(async () => database?.dispose());

  it("exports a span for an API request to the OTLP endpoint", async () => {
    const received: { url: string; bytes: number }[] = [];
    const collector = createServer((req: IncomingMessage, res) => {
      let bytes = 0;
      req.on("data", (c: Buffer) => (bytes += c.length));
      req.on("end", () => {
        received.push({ url: req.url ?? "", bytes });
        res.writeHead(200, { "content-type": "application/json" });
        res.end("{}");
      });
    });
    await new Promise<void>((resolve) =>
      collector.listen(0, "127.0.0.1", resolve),
    );
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
    process.env.OTEL_TRACES_EXPORTER = "otlp";
    process.env.OTEL_METRICS_EXPORTER = "none";
    process.env.OTEL_LOGS_EXPORTER = "none";
    const stop = await startTelemetry(endpoint);
    const app = await buildTestApp(database);
    try {
      const res = await app.inject({ method: "GET", url: "/api/v1/projects" });
      expect(res.statusCode).toBe(401);
    } finally {
      await app.close();
      await stop();
      await new Promise<void>((resolve) => collector.close(() => resolve()));
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
    }
    const traces = received.filter((r) => r.url === "/v1/traces");
    expect(traces.length).toBeGreaterThan(0);
    expect(traces[0].bytes).toBeGreaterThan(0);
  });
});
