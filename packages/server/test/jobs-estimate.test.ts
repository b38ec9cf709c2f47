import { beforeAll, expect, it } from "vitest";
import type { FastifyInstance } from "fastify";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

const ANSATZ = `OPENQASM 3.0;
include "stdgates.inc";
input float theta;
input float phi;
qubit[2] q;
ry(theta) q[0];
cx q[0], q[1];
ry(phi) q[1];
`;

interface JobBody {
  id: string;
  kind: string;
  status: string;
  shots: number;
  primitive: unknown;
  result: null | Record<string, unknown>;
  record: null | { options: Record<string, unknown>; source: string };
  error: null | { code: string; message: string };
}

async function finished(
  app: FastifyInstance,
  token: string,
  id: string,
): Promise<JobBody> {
  const until = Date.now() + 20_000;
  for (;;) {
    const res = await app.inject({
      url: `/api/v1/jobs/${id}`,
      headers: bearer(token),
    });
    const j = res.json() as JobBody;
    if (["succeeded", "failed", "cancelled"].includes(j.status)) return j;
    if (Date.now() > until) throw new Error(`job ${id} still ${j.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeOnEngines(
  "estimate and sweep jobs",
  (ctx) => {
    let user: TestUser;
    let projectId: string;
    const submit = (payload: Record<string, unknown>) =>
      ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/jobs`,
        headers: bearer(user.accessToken),
        payload,
      });

    beforeAll(async () => {
      user = await signUp(ctx.app, "estimate");
      const p = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(user.accessToken),
        payload: { name: "primitives" },
      });
      projectId = (p.json() as { id: string }).id;
    });

    it("runs an estimate over a sweep with gradients and keeps what reproduces it", async () => {
      const thetas = [0, 0.5, 1, 1.5];
      const res = await submit({
        kind: "estimate",
        source: ANSATZ,
        observables: ["ZI", "0.5*Z0 Z1 + XX"],
        sweep: { theta: thetas },
        inputs: { phi: 0.3 },
        gradient: true,
      });
      expect(res.statusCode, res.body).toBe(201);
      const job = await finished(ctx.app, user.accessToken, res.json().id);
      expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
      expect(job.kind).toBe("estimate");
      const r = job.result!;
      expect(r).toMatchObject({
        kind: "estimate",
        observables: ["ZI", "0.5*Z0 Z1 + XX"],
        parameters: ["theta", "phi"],
        points: 4,
        stddev: null,
        shots: 0,
        method: "statevector+adjoint",
      });
      const e = r.expectations as number[][];
      const g = r.gradients as number[][][];
      thetas.forEach((t, p) => {
        // ZI is Z on qubit 1: cos(theta) cos(phi) after the cx and ry(phi).
        expect(e[p][0]).toBeCloseTo(Math.cos(t) * Math.cos(0.3), 10);
        expect(g[p][0][0]).toBeCloseTo(-Math.sin(t) * Math.cos(0.3), 8);
        expect(g[p][0][1]).toBeCloseTo(-Math.cos(t) * Math.sin(0.3), 8);
      });
      expect(job.record!.options).toMatchObject({
        kind: "estimate",
        primitive: {
          observables: ["ZI", "0.5*Z0 Z1 + XX"],
          sweep: { theta: thetas },
          gradient: true,
        },
      });
      const list = await ctx.app.inject({
        url: `/api/v1/projects/${projectId}/jobs`,
        headers: bearer(user.accessToken),
      });
      const summary = (list.json() as { items: JobBody[] }).items.find(
        (j) => j.id === job.id,
      )!;
      expect(summary.result).toMatchObject({ kind: "estimate", points: 4 });
      expect(summary.result).not.toHaveProperty("expectations");
    });

    it("estimates from shots with standard errors", async () => {
      const res = await submit({
        kind: "estimate",
        source: ANSATZ,
        observables: ["Z0"],
        inputs: { theta: 1, phi: 0 },
        shots: 4000,
        seed: 11,
      });
      expect(res.statusCode, res.body).toBe(201);
      const job = await finished(ctx.app, user.accessToken, res.json().id);
      const r = job.result!;
      const sd = (r.stddev as number[][])[0][0];
      expect(r).toMatchObject({ shots: 4000, seed: 11, method: "shots" });
      expect(
        Math.abs((r.expectations as number[][])[0][0] - Math.cos(1)),
      ).toBeLessThan(5 * sd);
    });

    it("samples every point of a sweep", async () => {
      const res = await submit({
        source: `${ANSATZ}bit[2] c;\nc = measure q;\n`,
        shots: 500,
        seed: 3,
        sweep: { theta: [0, Math.PI] },
        inputs: { phi: 0 },
      });
      expect(res.statusCode, res.body).toBe(201);
      const job = await finished(ctx.app, user.accessToken, res.json().id);
      expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
      const sweep = job.result!.sweep as {
        parameters: string[];
        points: number;
        counts: Record<string, number>[];
      };
      expect(sweep.parameters).toEqual(["theta", "phi"]);
      expect(sweep.counts).toEqual([{ "00": 500 }, { "11": 500 }]);
      expect(job.result!.counts).toEqual({ "00": 500 });
    });

    it("refuses bad observables, sweeps and limits before queueing, naming them", async () => {
      let p = expectProblem(
        await submit({
          kind: "estimate",
          source: ANSATZ,
          observables: ["ZZ", "ZQ"],
          inputs: { theta: 1, phi: 0 },
        }),
        422,
        "JOB_INPUT_INVALID",
      );
      expect(p.detail).toContain(`observables[1] "ZQ"`);
      expect(p.field).toBe("observables/1");
      p = expectProblem(
        await submit({
          kind: "estimate",
          source: ANSATZ,
          observables: ["ZZ"],
          sweep: { theta: [0, 1], psi: [0, 1] },
          inputs: { phi: 0 },
        }),
        422,
        "JOB_INPUT_INVALID",
      );
      expect(p.detail).toContain("sweep key 'psi' is not an input");
      expect(p.field).toBe("sweep/psi");
      p = expectProblem(
        await submit({
          kind: "estimate",
          source: ANSATZ,
          observables: ["ZZ"],
          sweep: { theta: Array.from({ length: 11 }, (_, i) => i) },
          inputs: { phi: 0 },
        }),
        422,
        "JOB_LIMIT_EXCEEDED",
      );
      expect(p).toMatchObject({ limit: "maxSweepPoints", allowed: 10 });
      p = expectProblem(
        await submit({
          kind: "estimate",
          source: ANSATZ,
          observables: ["ZZ + XX + YY + ZI + IZ + XI"],
          sweep: { theta: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] },
          inputs: { phi: 0 },
        }),
        422,
        "JOB_LIMIT_EXCEEDED",
      );
      expect(p).toMatchObject({ limit: "maxEstimateTerms", requested: 60 });
      expectProblem(
        await submit({
          kind: "estimate",
          source: ANSATZ,
          inputs: { theta: 1 },
        }),
        400,
        "VALIDATION_FAILED",
      );
      expectProblem(
        await submit({ source: ANSATZ, inputs: { theta: 1, phi: 1 } }),
        400,
        "VALIDATION_FAILED",
      );
    });
  },
  {
    deps: {
      jobs: { maxQubits: 10, maxSweepPoints: 10, maxEstimateTerms: 50 },
    },
  },
);
