import type { AddressInfo } from "node:net";
import { expect, it } from "vitest";
import { describeOnEngines } from "./helpers/suite.ts";
import { bearer, signUp } from "./helpers/test-app.ts";
import { BELL } from "./helpers/circuits.ts";

const ORIGIN = "https://app.example";

describeOnEngines(
  "Server-Sent Events headers",
  (ctx) => {
    it("a job event stream carries the CORS and security headers of every other answer", async () => {
      const owner = await signUp(ctx.app, "sse");
      const p = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(owner.accessToken),
        payload: { name: "SSE" },
      });
      expect(p.statusCode, p.body).toBe(201);
      const projectId = (p.json() as { id: string }).id;
      const j = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/jobs`,
        headers: bearer(owner.accessToken),
        payload: { source: BELL, shots: 10 },
      });
      expect(j.statusCode, j.body).toBe(201);
      const jobId = (j.json() as { id: string }).id;

      await ctx.app.listen({ port: 0, host: "127.0.0.1" });
      const { port } = ctx.app.server.address() as AddressInfo;
      const abort = new AbortController();
      try {
        const res = await fetch(
          `http://127.0.0.1:${port}/api/v1/jobs/${jobId}/events`,
          {
            headers: { ...bearer(owner.accessToken), origin: ORIGIN },
            signal: abort.signal,
          },
        );
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
        expect(res.headers.get("access-control-allow-origin")).toBe(ORIGIN);
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
      } finally {
        abort.abort();
      }
    });
  },
  { config: { corsOrigins: [ORIGIN] } },
);
