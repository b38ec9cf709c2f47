import { monitorEventLoopDelay } from "node:perf_hooks";
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

  it(`keeps the event loop turning (the simulation runs off it) while a ${QUBITS}-qubit job runs`, async () => {
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
    // Event-loop delay over the time the job is seen running. Were the simulation on this
    // thread, the loop would stall for about as long as the job runs; off it, the loop keeps
    // answering and its longest stall is a small fraction of the job (GC, JSON of the result).
    const delay = monitorEventLoopDelay({ resolution: 10 });
    let status = "queued";
    let healthyWhileRunning = 0;
    let runningSince = 0;

    const until = Date.now() + 60_000;
    while (status === "queued" || status === "running") {
      const h = await app.inject({ url: "/healthz" });
      expect(h.statusCode).toBe(200);
      const j = await app.inject({
        url: `/api/v1/jobs/${id}`,
        headers: bearer(user.accessToken),
      });
      status = (j.json() as { status: string }).status;
      if (status === "running") {
        if (runningSince === 0) {
          runningSince = performance.now();
          delay.enable();
        } else healthyWhileRunning++;
      }
      if (Date.now() > until) throw new Error("job did not finish");
      await new Promise((r) => setTimeout(r, 20));
    }
    delay.disable();
    const runningMs = performance.now() - runningSince;
    expect(status).toBe("succeeded");
    expect(runningSince).toBeGreaterThan(0);
    // the loop answered /healthz and the job's status several times while the job ran
    expect(healthyWhileRunning).toBeGreaterThan(3);
    const maxStallMs = delay.max / 1e6;
    expect(
      maxStallMs,
      `longest event-loop stall ${maxStallMs.toFixed(0)} ms of a ${runningMs.toFixed(0)} ms run`,
    ).toBeLessThan(runningMs / 2);
  }, 90_000);
});
