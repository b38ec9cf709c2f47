/**
 * Jobs' `threads`: a job's sweeps split over the threads it asks for (default and most: the
 * worker's JOB_THREADS), the same outcome as on one thread, and a worker never running more
 * threads at once than JOB_THREADS.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createSimPool, type SimRequest } from "../src/jobs/sim-pool.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import { bearer, expectProblem, signUp } from "./helpers/test-app.ts";
import { waitForJob } from "./helpers/variational.ts";

/** A 14-qubit circuit (the smallest that threads split) with every qubit entangled. */
function wide(n = 14, layers = 3): string {
  const lines = ["OPENQASM 3.0;", 'include "stdgates.inc";', `qubit[${n}] q;`];
  for (let l = 0; l < layers; l++) {
    for (let i = 0; i < n; i++) lines.push(`rx(${0.3 + 0.1 * i + l}) q[${i}];`);
    for (let i = l % 2; i + 1 < n; i += 2)
      lines.push(`cx q[${i}], q[${i + 1}];`);
  }
  lines.push(`bit[${n}] c = measure q;`);
  return lines.join("\n");
}

interface ThreadedJob {
  id: string;
  status: string;
  threads: number | null;
  result: null | {
    threads?: number;
    counts: Record<string, number>;
    expectations?: number[][];
  };
  record: null | { options: { threads?: number | null } };
}

describeOnEngines(
  "job threads",
  (ctx) => {
    let token: string;
    let projectId: string;
    const submit = (payload: Record<string, unknown>) =>
      ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/jobs`,
        headers: bearer(token),
        payload,
      });
    const run = async (payload: Record<string, unknown>) => {
      const res = await submit(payload);
      expect(res.statusCode, res.body).toBe(201);
      const { id } = res.json() as { id: string };
      const job = (await waitForJob(
        ctx.app,
        token,
        id,
      )) as unknown as ThreadedJob;
      expect(job.status, JSON.stringify(job)).toBe("succeeded");
      return job;
    };

    beforeAll(async () => {
      token = (await signUp(ctx.app, "threads")).accessToken;
      const p = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(token),
        payload: { name: "threads" },
      });
      projectId = (p.json() as { id: string }).id;
    });

    it("runs a sampling job on the threads it asks for, with the counts of one thread", async () => {
      const source = wide();
      const two = await run({ source, shots: 2000, seed: 9, threads: 2 });
      expect(two.threads).toBe(2);
      expect(two.result?.threads).toBe(2);
      expect(two.record?.options.threads).toBe(2);
      const one = await run({ source, shots: 2000, seed: 9, threads: 1 });
      expect(one.result?.threads).toBe(1);
      expect(one.result?.counts).toEqual(two.result?.counts);
      // Absent: the worker's JOB_THREADS (2 here); more than it: capped at it.
      const dflt = await run({ source, shots: 10, seed: 9 });
      expect(dflt.threads).toBeNull();
      expect(dflt.result?.threads).toBe(2);
      const many = await run({ source, shots: 10, seed: 9, threads: 16 });
      expect(many.threads).toBe(16);
      expect(many.result?.threads).toBe(2);
      // Under 14 qubits threads do not pay: one.
      const small = await run({ source: wide(6), shots: 10, threads: 2 });
      expect(small.result?.threads).toBe(1);
    });

    if (ctx.primary)
      it("runs an estimate job on two threads with one thread's values", async () => {
        const body = {
          kind: "estimate",
          source: wide().replace(/bit\[14\] c = measure q;/, ""),
          observables: ["Z0 Z1", "0.5*X3 Y7 - Z13"],
        };
        const two = await run({ ...body, threads: 2 });
        const one = await run({ ...body, threads: 1 });
        expect(two.result?.threads).toBe(2);
        expect(one.result?.threads).toBe(1);
        const a = two.result?.expectations?.flat() ?? [];
        const b = one.result?.expectations?.flat() ?? [];
        expect(a).toHaveLength(2);
        a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 12));
      });

    it("refuses threads that are not an integer in [1, 256] (400 naming the field)", async () => {
      // (A numeric string is coerced, as for every integer field of the API.)
      for (const threads of [0, 257, 1.5, "two", null]) {
        const body = expectProblem(
          await submit({ source: wide(2, 1), shots: 1, threads }),
          400,
          "VALIDATION_FAILED",
        );
        expect(JSON.stringify(body)).toContain("threads");
      }
    });
  },
  { deps: { jobs: { threads: 2, maxQubits: 16 } } },
);

describe("the simulation pool's thread slots", () => {
  it("runs two one-thread tasks side by side, but a two-thread task alone", async () => {
    const pool = createSimPool(2);
    const request = (t: number): SimRequest => ({
      source: wide(18, 16),
      inputs: undefined,
      shots: 1,
      seed: 1,
      precision: "double",
      statevectorMaxQubits: 0,
      memoryLimitBytes: 2 ** 30,
      threads: t,
    });
    /** Start (first log line) and end of each task. */
    const timeline = (threads: readonly number[]) =>
      Promise.all(
        threads.map(async (t) => {
          let start = 0;
          const h = pool.run(request(t), {
            onLog: () => (start ||= performance.now()),
          });
          const out = await h.outcome;
          expect(out.ok, JSON.stringify(out)).toBe(true);
          return {
            start,
            end: performance.now(),
            threads: out.ok ? out.result.threads : 0,
          };
        }),
      );
    try {
      // Both threads started (loading a thread's modules takes longer than a task) first.
      await timeline([1, 1]);
      const [a, b] = await timeline([1, 1]);
      expect(b.start).toBeLessThan(a.end);
      const [c, d] = await timeline([2, 1]);
      expect(c.threads).toBe(2);
      expect(d.threads).toBe(1);
      expect(d.start).toBeGreaterThanOrEqual(c.end - 5);
    } finally {
      await pool.close();
    }
  });
});
