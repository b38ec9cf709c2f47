import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";
import { BELL, TELEPORT } from "./helpers/circuits.ts";
import { decodeTimeCursor } from "../src/services/core/time-cursor.ts";

const INPUT = `OPENQASM 3.0;
include "stdgates.inc";
input float theta;
qubit q;
bit c;
rx(theta) q;
c = measure q;
`;
const WIDE = (n: number) =>
  `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[${n}];\ncreg c[${n}];\nh q[0];\nmeasure q -> c;\n`;

interface JobBody {
  id: string;
  status: string;
  shots: number;
  seed: number;
  result: null | {
    counts: Record<string, number>;
    probabilities: Record<string, number>;
    statevector?: [number, number][];
    sweeps: number;
    timing: { queueWaitMs: number; compileMs: number; simulateMs: number };
  };
  record: null | {
    source: string;
    seed: number;
    circuit: unknown;
    stepfaultVersion: string;
  };
  error: null | { code: string; message: string };
}

async function waitFor(
  app: FastifyInstance,
  token: string,
  id: string,
  done: (j: JobBody) => boolean = (j) =>
    ["succeeded", "failed", "cancelled"].includes(j.status),
  timeoutMs = 20_000,
): Promise<JobBody> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({
      url: `/api/v1/jobs/${id}`,
      headers: bearer(token),
    });
    expect(res.statusCode, res.body).toBe(200);
    const j = res.json() as JobBody;
    if (done(j)) return j;
    if (Date.now() > until) throw new Error(`job ${id} still ${j.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Declares `body` per engine with an app whose job limits are small enough to test. */
function describeJobs(
  title: string,
  body: (ctx: { app: FastifyInstance }) => void,
) {
  for (const engine of ENGINES) {
    describe.skipIf(engine.skipReason !== undefined)(
      `${title} [${engine.name}]`,
      () => {
        let database: TestDatabase | undefined;
        let app: FastifyInstance | undefined;
        const ctx = {
          get app(): FastifyInstance {
            if (!app) throw new Error("invariant: app not built");
            return app;
          },
        };
        beforeAll(async () => {
          database = await engine.open();
          await database.migrate();
          app = await buildTestApp(
            database,
            {},
            {
              jobs: {
                maxQubits: 10,
                maxConcurrentJobsPerUser: 3,
                threads: 2,
                expireInSeconds: 30,
              },
            },
          );
        }, 60_000);
        afterAll(async () => {
          await app?.close();
          await database?.dispose();
        });
        body(ctx);
      },
    );
  }
}

/**
 * A job that runs for hours unless cancelled: every measurement of a fresh |+> splits the shots, so
 * after two rounds each of the million shots walks the remaining rounds alone.
 */
const SLOW = {
  source: `OPENQASM 3.0;
include "stdgates.inc";
qubit[10] q;
bit[10] c;
for int i in [0:199] {
  h q;
  c = measure q;
}
`,
  shots: 1_000_000,
};

/** Reads SSE messages from `url` until `stop` says so (or 15 s pass). */
async function readEvents(
  url: string,
  headers: Record<string, string>,
  stop: (m: { id?: string; event: string; data: unknown }) => boolean,
): Promise<{ id?: string; event: string; data: unknown }[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 15_000);
  const res = await fetch(url, { headers, signal: ac.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const out: { id?: string; event: string; data: unknown }[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return out;
      buf += value;
      let i;
      while ((i = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const m: { id?: string; event: string; data: unknown } = {
          event: "message",
          data: undefined,
        };
        let isMsg = false;
        for (const line of block.split("\n")) {
          if (line.startsWith("id: ")) m.id = line.slice(4);
          else if (line.startsWith("event: ")) m.event = line.slice(7);
          else if (line.startsWith("data: ")) {
            m.data = JSON.parse(line.slice(6));
            isMsg = true;
          }
        }
        if (!isMsg) continue;
        out.push(m);
        if (stop(m)) return out;
      }
    }
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
}

describeJobs("Jobs API", (ctx) => {
  let owner: TestUser;
  let stranger: TestUser;
  let projectId: string;
  const submit = (payload: object, token = owner.accessToken, headers = {}) =>
    ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/jobs`,
      headers: { ...bearer(token), ...headers },
      payload,
    });

  beforeAll(async () => {
    owner = await signUp(ctx.app, "owner");
    stranger = await signUp(ctx.app, "stranger");
    const p = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(owner.accessToken),
      payload: { name: "Jobs" },
    });
    projectId = (p.json() as { id: string }).id;
  });

  it("runs a saved Bell circuit to a result with a reproducible record", async () => {
    const c = await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/circuits`,
      headers: bearer(owner.accessToken),
      payload: { name: "bell", source: BELL },
    });
    const circuitId = (c.json() as { id: string }).id;
    const res = await submit({ circuitId, shots: 1000, seed: 7 });
    expect(res.statusCode, res.body).toBe(201);
    expect((res.json() as JobBody).status).toBe("queued");
    const job = await waitFor(
      ctx.app,
      owner.accessToken,
      (res.json() as JobBody).id,
    );
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    const counts = job.result?.counts ?? {};
    expect(Object.keys(counts).sort()).toEqual(["00", "11"]);
    expect(counts["00"] + counts["11"]).toBe(1000);
    expect(job.result?.probabilities["00"]).toBeCloseTo(counts["00"] / 1000);
    expect(job.result?.statevector?.[0][0]).toBeCloseTo(Math.SQRT1_2);
    expect(job.result?.statevector?.[3][0]).toBeCloseTo(Math.SQRT1_2);
    expect(job.result?.sweeps).toBeGreaterThan(0);
    expect(job.record?.seed).toBe(7);
    expect(job.record?.source).toBe(BELL);
    expect(job.record?.stepfaultVersion).toMatch(/^\d+\.\d+\.\d+/);
    // Running the record again gives the same counts.
    const again = await submit({
      source: job.record?.source,
      shots: 1000,
      seed: job.record?.seed,
    });
    const rerun = await waitFor(
      ctx.app,
      owner.accessToken,
      (again.json() as JobBody).id,
    );
    expect(rerun.result?.counts).toEqual(counts);
  });

  it("runs a dynamic teleportation circuit: the teleported qubit is always 1", async () => {
    const res = await submit({ source: TELEPORT, shots: 200 });
    expect(res.statusCode, res.body).toBe(201);
    const job = await waitFor(
      ctx.app,
      owner.accessToken,
      (res.json() as JobBody).id,
    );
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    const counts = job.result?.counts ?? {};
    let total = 0;
    for (const [k, n] of Object.entries(counts)) {
      expect(k.startsWith("1")).toBe(true); // `out` is the last register, printed leftmost
      total += n;
    }
    expect(total).toBe(200);
    expect(job.result?.statevector).toBeUndefined();
  });

  it("passes OpenQASM 3 inputs to the compiler", async () => {
    const res = await submit({
      source: INPUT,
      shots: 100,
      inputs: { theta: Math.PI },
    });
    const job = await waitFor(
      ctx.app,
      owner.accessToken,
      (res.json() as JobBody).id,
    );
    expect(job.result?.counts).toEqual({ "1": 100 });
  });

  it("returns the first job for a repeated Idempotency-Key", async () => {
    const key = { "idempotency-key": `k-${Date.now()}` };
    const a = await submit({ source: BELL, shots: 10 }, owner.accessToken, key);
    const b = await submit({ source: BELL, shots: 10 }, owner.accessToken, key);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(200);
    expect((b.json() as JobBody).id).toBe((a.json() as JobBody).id);
    const list = await ctx.app.inject({
      url: `/api/v1/projects/${projectId}/jobs?limit=100`,
      headers: bearer(owner.accessToken),
    });
    const ids = (list.json() as { items: JobBody[] }).items.map((j) => j.id);
    expect(ids.filter((i) => i === (a.json() as JobBody).id)).toHaveLength(1);
  });

  it("refuses circuits wider than the server allows, naming the limit and the excess", async () => {
    const res = await submit({ source: WIDE(12), shots: 1 });
    const body = expectProblem(res, 422, "JOB_LIMIT_EXCEEDED");
    expect(body.detail).toBe("uses 12 qubits; this server allows 10 (2 over)");
    expect(body.limit).toBe("maxQubits");
  });

  it("refuses a job beyond the concurrent-jobs quota with 429", async () => {
    const quota = await signUp(ctx.app, "quota");
    await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/members`,
      headers: bearer(owner.accessToken),
      payload: { email: quota.email, role: "editor" },
    });
    // Slow jobs keep the quota full while we submit the next one.
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await submit(SLOW, quota.accessToken);
      expect(r.statusCode, r.body).toBe(201);
      ids.push((r.json() as JobBody).id);
    }
    const last = await submit(SLOW, quota.accessToken);
    const body = expectProblem(last, 429, "JOB_QUOTA_EXCEEDED");
    expect(body.detail).toBe(
      "you have 3 queued or running jobs; the quota is 3 (1 over with this one)",
    );
    for (const id of ids)
      await ctx.app.inject({
        method: "POST",
        url: `/api/v1/jobs/${id}/cancel`,
        headers: bearer(quota.accessToken),
      });
    for (const id of ids)
      expect((await waitFor(ctx.app, quota.accessToken, id)).status).toBe(
        "cancelled",
      );
  });

  it("cancels a queued job at once; cancelling again answers 409", async () => {
    const cancel = (id: string) =>
      ctx.app.inject({
        method: "POST",
        url: `/api/v1/jobs/${id}/cancel`,
        headers: bearer(owner.accessToken),
      });
    // Two slow jobs fill both simulation threads, so the next one stays queued.
    const busy: string[] = [];
    for (let i = 0; i < 2; i++)
      busy.push(((await submit(SLOW)).json() as JobBody).id);
    for (const id of busy)
      await waitFor(
        ctx.app,
        owner.accessToken,
        id,
        (j) => j.status === "running",
      );
    // A dynamic circuit runs on the threads (tiny static ones run inline and never wait).
    const res = await submit({ source: TELEPORT, shots: 5 });
    const id = (res.json() as JobBody).id;
    await new Promise((r) => setTimeout(r, 300));
    const first = await cancel(id);
    expect(first.statusCode, first.body).toBe(200);
    expect((first.json() as JobBody).status).toBe("cancelled");
    expectProblem(await cancel(id), 409, "JOB_FINISHED");
    for (const b of busy) expect((await cancel(b)).statusCode).toBe(200);
    for (const b of busy)
      expect((await waitFor(ctx.app, owner.accessToken, b)).status).toBe(
        "cancelled",
      );
    const job = (
      await ctx.app.inject({
        url: `/api/v1/jobs/${id}`,
        headers: bearer(owner.accessToken),
      })
    ).json() as JobBody & { attempts: number };
    expect(job.status).toBe("cancelled");
    expect(job.attempts).toBe(0);
    expect(job.result).toBeNull();
  });

  it("hides jobs from non-members (404) and lets the owner delete them", async () => {
    const res = await submit({ source: BELL, shots: 5 });
    const id = (res.json() as JobBody).id;
    for (const [method, url] of [
      ["GET", `/api/v1/jobs/${id}`],
      ["POST", `/api/v1/jobs/${id}/cancel`],
      ["DELETE", `/api/v1/jobs/${id}`],
      ["GET", `/api/v1/jobs/${id}/events`],
    ] as const)
      expectProblem(
        await ctx.app.inject({
          method,
          url,
          headers: bearer(stranger.accessToken),
        }),
        404,
        "JOB_NOT_FOUND",
      );
    expectProblem(
      await submit({ source: BELL, shots: 5 }, stranger.accessToken),
      404,
      "PROJECT_NOT_FOUND",
    );
    await waitFor(ctx.app, owner.accessToken, id);
    // Once a viewer, the same user may watch the job's events (state first).
    const added = await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/members`,
      headers: bearer(owner.accessToken),
      payload: { email: stranger.email, role: "viewer" },
    });
    expect(added.statusCode, added.body).toBe(201);
    const watched = await ctx.app.inject({
      url: `/api/v1/jobs/${id}/events`,
      headers: bearer(stranger.accessToken),
    });
    expect(watched.statusCode).toBe(200);
    expect(watched.body).toMatch(/^event: state$/m);
    await ctx.app.inject({
      method: "DELETE",
      url: `/api/v1/projects/${projectId}/members/${stranger.id}`,
      headers: bearer(owner.accessToken),
    });
    const del = await ctx.app.inject({
      method: "DELETE",
      url: `/api/v1/jobs/${id}`,
      headers: bearer(owner.accessToken),
    });
    expect(del.statusCode).toBe(204);
    expectProblem(
      await ctx.app.inject({
        url: `/api/v1/jobs/${id}`,
        headers: bearer(owner.accessToken),
      }),
      404,
      "JOB_NOT_FOUND",
    );
  });

  it("marks a job that does not compile with its inputs as failed, not retried", async () => {
    const res = await submit({ source: INPUT, shots: 5 });
    // A missing input is a compile error caught before queueing.
    expectProblem(res, 422, "CIRCUIT_INVALID");
  });

  it("streams state, progress and cancellation of a running job, which stops and frees the pool", async () => {
    const base = await ctx.app.listen({ port: 0, host: "127.0.0.1" });
    const res = await submit(SLOW);
    const id = (res.json() as JobBody).id;
    await waitFor(
      ctx.app,
      owner.accessToken,
      id,
      (j) => j.status === "running",
    );
    let cancelledAt = 0;
    const events = await readEvents(
      `${base}/api/v1/jobs/${id}/events`,
      bearer(owner.accessToken),
      (m) => {
        if (m.event === "progress" && cancelledAt === 0) {
          cancelledAt = Date.now();
          void ctx.app.inject({
            method: "POST",
            url: `/api/v1/jobs/${id}/cancel`,
            headers: bearer(owner.accessToken),
          });
        }
        return (
          m.event === "status" &&
          (m.data as { status: string }).status === "cancelled"
        );
      },
    );
    expect(events[0].event).toBe("state");
    expect((events[0].data as JobBody).status).toBe("running");
    const progress = events.find((e) => e.event === "progress");
    expect((progress?.data as { fraction: number }).fraction).toBeGreaterThan(
      0,
    );
    // The pool is free again: a small job queued now runs and finishes (SLOW alone would hold
    // the pool far longer than waitFor waits).
    const next = await submit({ source: BELL, shots: 10 });
    const done = await waitFor(
      ctx.app,
      owner.accessToken,
      (next.json() as JobBody).id,
    );
    expect(done.status).toBe("succeeded");
    const final = await waitFor(ctx.app, owner.accessToken, id);
    expect(final.status).toBe("cancelled");
    // Last-Event-ID: 0 replays the whole history in order.
    const replay = await readEvents(
      `${base}/api/v1/jobs/${id}/events`,
      { ...bearer(owner.accessToken), "last-event-id": "0" },
      () => false,
    );
    const statuses = replay
      .filter((e) => e.event === "status")
      .map((e) => (e.data as { status: string }).status);
    expect(statuses).toEqual(["queued", "running", "cancelled"]);
    expect(replay.some((e) => e.event === "log")).toBe(true);
    const ids = replay.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    // Resuming after the second event gives only what followed.
    const resumed = await readEvents(
      `${base}/api/v1/jobs/${id}/events`,
      { ...bearer(owner.accessToken), "last-event-id": String(ids[1]) },
      () => false,
    );
    expect(resumed.map((e) => e.id)).toEqual(replay.slice(2).map((e) => e.id));
  });

  it("exports job metrics: jobs by state, queue depth, wait and run time", async () => {
    const res = await ctx.app.inject({ url: "/metrics" });
    expect(res.statusCode).toBe(200);
    const succeeded = /^stepfault_jobs\{state="succeeded"\} (\d+)$/m.exec(
      res.body,
    );
    expect(Number(succeeded?.[1])).toBeGreaterThanOrEqual(3);
    expect(res.body).toMatch(/^stepfault_job_queue_depth \d+$/m);
    const waits = /^stepfault_job_queue_wait_seconds_count (\d+)$/m.exec(
      res.body,
    );
    expect(Number(waits?.[1])).toBeGreaterThanOrEqual(3);
    expect(res.body).toMatch(
      /^stepfault_job_run_seconds_count\{status="cancelled"\} [1-9]/m,
    );
  });

  it("lists newest first with status filter and cursor pagination", async () => {
    const page1 = await ctx.app.inject({
      url: `/api/v1/projects/${projectId}/jobs?limit=2`,
      headers: bearer(owner.accessToken),
    });
    const p1 = page1.json() as {
      items: (JobBody & { createdAt: string })[];
      nextCursor: string;
    };
    expect(p1.items).toHaveLength(2);
    expect(p1.items[0].createdAt >= p1.items[1].createdAt).toBe(true);
    const page2 = await ctx.app.inject({
      url: `/api/v1/projects/${projectId}/jobs?limit=2&cursor=${p1.nextCursor}`,
      headers: bearer(owner.accessToken),
    });
    const p2 = page2.json() as { items: JobBody[] };
    expect(p2.items.length).toBeGreaterThan(0);
    // The cursor is the shared time cursor of the last item (services/core/time-cursor.ts).
    expect(decodeTimeCursor(p1.nextCursor)).toEqual({
      createdAt: new Date(p1.items[1].createdAt),
      id: p1.items[1].id,
    });
    expectProblem(
      await ctx.app.inject({
        url: `/api/v1/projects/${projectId}/jobs?cursor=not-a-cursor`,
        headers: bearer(owner.accessToken),
      }),
      400,
      "BAD_REQUEST",
    );
    expect(p2.items.map((j) => j.id)).not.toContain(p1.items[0].id);
    const cancelled = await ctx.app.inject({
      url: `/api/v1/projects/${projectId}/jobs?status=cancelled`,
      headers: bearer(owner.accessToken),
    });
    for (const j of (cancelled.json() as { items: JobBody[] }).items)
      expect(j.status).toBe("cancelled");
  });
});
