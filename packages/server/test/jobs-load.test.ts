import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import { bearer, buildTestApp, signUp } from "./helpers/test-app.ts";

const QUBITS = 24;
// Shallow and wide: layers of H and a measurement, 2^24 amplitudes (256 MiB).
const WIDE = `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[${QUBITS}];\ncreg c[${QUBITS}];\nh q;\ncx q[0],q[1];\nh q;\nmeasure q -> c;\n`;

const engine = ENGINES[0];

describe(`Jobs under load [${engine.name}]`, () => {
  let database: TestDatabase | undefined;
  let app: FastifyInstance | undefined;
  beforeAll(async () => {
    database = await engine.open();
    await database.migrate();
    app = await buildTestApp(
      database,
      {},
      { jobs: { maxQubits: 24, threads: 1 } },
    );
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    await database?.dispose();
  });

  it(`answers /healthz well under a second while a ${QUBITS}-qubit job runs`, async () => {
    if (!app) throw new Error("invariant: app not built");
    const user = await signUp(app, "load");
    const p = await app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(user.accessToken),
      payload: { name: "Load" },
    });
    const projectId = (p.json() as { id: string }).id;
    const sub = await app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/jobs`,
      headers: bearer(user.accessToken),
      payload: { source: WIDE, shots: 1000, seed: 1 },
    });
    expect(sub.statusCode, sub.body).toBe(201);
    const id = (sub.json() as { id: string }).id;
    const latencies: number[] = [];
    let status = "queued";
    let sawRunning = false;
    const until = Date.now() + 60_000;
    while (status === "queued" || status === "running") {
      const t0 = performance.now();
      const h = await app.inject({ url: "/healthz" });
      const dt = performance.now() - t0;
      expect(h.statusCode).toBe(200);
      const j = await app.inject({
        url: `/api/v1/jobs/${id}`,
        headers: bearer(user.accessToken),
      });
      status = (j.json() as { status: string }).status;
      if (status === "running") {
        sawRunning = true;
        latencies.push(dt);
      }
      if (Date.now() > until) throw new Error("job did not finish");
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe("succeeded");
    expect(sawRunning).toBe(true);
    expect(latencies.length).toBeGreaterThan(3);
    expect(Math.max(...latencies)).toBeLessThan(250);
  }, 90_000);
});
