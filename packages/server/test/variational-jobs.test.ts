/**
 * VQE and QAOA jobs through the API on both engines: correctness against exact references computed
 * here (dense diagonalisation, brute force), the iteration history (SSE and result), cancel keeping
 * the best point, and bad input answered 422 naming the field.
 */
import {
  hardwareEfficient,
  pauliSumText,
  type PauliTerm,
} from "@stepfault/variational";
import { beforeAll, expect, it } from "vitest";
import { dense, denseMin, tfim } from "../../variational/test/helpers/dense.ts";
import { newProject, parseSse } from "./helpers/ai-test.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";
import {
  H2,
  randomThreeRegular,
  waitForJob,
  type VariationalJobBody,
} from "./helpers/variational.ts";

/** Brute-force maximum cut of an unweighted graph. */
function maxCut(n: number, edges: number[][]): number {
  let best = 0;
  for (let b = 0; b < 1 << n; b++) {
    let cut = 0;
    for (const [i, j] of edges) if (((b >> i) & 1) !== ((b >> j) & 1)) cut++;
    best = Math.max(best, cut);
  }
  return best;
}

const exact = (terms: readonly PauliTerm[]) => denseMin(dense(terms));

describeOnEngines(
  "Variational jobs",
  (ctx) => {
    let user: TestUser;
    let project: string;
    const submit = async (
      kind: "vqe" | "qaoa",
      payload: Record<string, unknown>,
    ) =>
      ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${project}/jobs`,
        headers: bearer(user.accessToken),
        payload: { kind, ...payload },
      });
    const run = async (
      kind: "vqe" | "qaoa",
      payload: Record<string, unknown>,
    ): Promise<VariationalJobBody> => {
      const res = await submit(kind, payload);
      expect(res.statusCode, res.body).toBe(201);
      const job = res.json() as VariationalJobBody;
      expect(job.kind).toBe(kind);
      const done = await waitForJob(ctx.app, user.accessToken, job.id);
      expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
      return done;
    };

    beforeAll(async () => {
      user = await signUp(ctx.app, "vqe");
      project = await newProject(ctx.app, user.accessToken, "variational");
    });

    it("VQE finds H2's ground energy to chemical accuracy (exact expectations)", async () => {
      const reference = exact(H2);
      const job = await run("vqe", {
        source: hardwareEfficient(2, 1),
        observable: pauliSumText(H2),
        optimizer: { name: "l-bfgs-b", maxIterations: 200, tolerance: 1e-8 },
        initialPoint: "random",
        seed: 3,
      });
      const r = job.result!;
      expect(Math.abs(r.energy - reference)).toBeLessThan(1.6e-3);
      expect(job.variational!.exactEnergy).toBeCloseTo(reference, 9);
      expect(r.converged).toBe(true);
      // the history is every iteration once, in order, and the SSE replay carries the same
      expect(r.history.map((h) => h.iteration)).toEqual(
        Array.from({ length: r.iterations + 1 }, (_, i) => i),
      );
      const sse = await ctx.app.inject({
        url: `/api/v1/jobs/${job.id}/events`,
        headers: { ...bearer(user.accessToken), "last-event-id": "0" },
      });
      const iterations = parseSse(sse.body).filter(
        (e) => e.event === "iteration",
      );
      expect(iterations.map((e) => e.data)).toEqual(r.history);
    });

    // The optimisation's accuracy does not depend on the database: once, on the first engine.
    if (ctx.primary) {
      it("VQE reaches H2's ground energy within 10 mHa with 8192 shots", async () => {
        const job = await run("vqe", {
          source: hardwareEfficient(2, 1),
          observable: pauliSumText(H2),
          optimizer: { name: "cobyla", maxIterations: 300, tolerance: 1e-3 },
          shots: 8192,
          seed: 11,
        });
        expect(Math.abs(job.result!.energy - exact(H2))).toBeLessThan(10e-3);
      });

      it("VQE gets within 1% of a 6-qubit transverse-field Ising chain's ground energy", async () => {
        const terms = tfim(6, 1, 1);
        const reference = exact(terms);
        const job = await run("vqe", {
          source: hardwareEfficient(6, 3),
          observable: pauliSumText(terms),
          optimizer: { name: "l-bfgs-b", maxIterations: 500, tolerance: 1e-7 },
          initialPoint: "random",
          seed: 5,
        });
        expect(
          Math.abs((job.result!.energy - reference) / reference),
        ).toBeLessThan(0.01);
      });

      it.each([8, 10, 12, 14])(
        "QAOA p = 1 on a 3-regular graph of %i nodes beats the 0.6924 bound and samples the maximum cut",
        async (n) => {
          const edges = randomThreeRegular(n, n * 101);
          const best = maxCut(n, edges);
          const job = await run("qaoa", {
            problem: { type: "maxcut", nodes: n, edges },
            layers: 1,
            optimizer: { name: "cobyla", maxIterations: 200, tolerance: 1e-5 },
            seed: 7,
          });
          const r = job.result!;
          expect(r.maxCut).toBe(best);
          expect(r.expectedCut! / best).toBeGreaterThanOrEqual(0.6924);
          expect(r.approximationRatio).toBeCloseTo(r.expectedCut! / best, 12);
          expect(r.bestCut).toBe(best);
          let cut = 0;
          const bits = r.bestBitstring!;
          for (const [i, j] of edges)
            if (bits[n - 1 - i] !== bits[n - 1 - j]) cut++;
          expect(cut).toBe(best);
          expect(r.topBitstrings!.length).toBeGreaterThan(0);
          // the circuit is kept as OpenQASM 3 with the angles as inputs
          expect(job.record!.source).toMatch(/^OPENQASM 3\.0;/);
          expect(job.record!.source).toContain("input float[64] gamma_0;");
        },
      );
    }

    it("cancel stops a run between evaluations and keeps the best point", async () => {
      const res = await submit("vqe", {
        source: hardwareEfficient(6, 3),
        observable: pauliSumText(tfim(6, 1, 1)),
        optimizer: {
          name: "nelder-mead",
          maxIterations: 10000,
          tolerance: 1e-14,
        },
        seed: 2,
      });
      expect(res.statusCode, res.body).toBe(201);
      const { id } = res.json() as { id: string };
      await waitForJob(
        ctx.app,
        user.accessToken,
        id,
        (j) => (j as { progress?: number }).progress! > 0,
      );
      const cancel = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/jobs/${id}/cancel`,
        headers: bearer(user.accessToken),
      });
      expect(cancel.statusCode, cancel.body).toBe(200);
      const job = await waitForJob(
        ctx.app,
        user.accessToken,
        id,
        (j) => j.result !== null,
      );
      expect(job.status).toBe("cancelled");
      const r = job.result!;
      expect(r.reason).toBe("cancelled");
      expect(r.history.length).toBeGreaterThan(0);
      expect(r.energy).toBeLessThanOrEqual(
        Math.min(...r.history.map((h) => h.energy)),
      );
    });

    it.each([
      [
        "vqe",
        {
          source: hardwareEfficient(2, 0),
          observable: "1j * XX + ZZ",
          optimizer: { name: "cobyla" },
        },
        "observable",
      ],
      [
        "qaoa",
        {
          problem: {
            type: "maxcut",
            nodes: 4,
            edges: [
              [0, 1],
              [1, 9],
            ],
          },
          optimizer: { name: "cobyla" },
        },
        "problem/edges/1/1",
      ],
      [
        "vqe",
        {
          source:
            'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\n',
          observable: "ZZ",
          optimizer: { name: "cobyla" },
        },
        "source",
      ],
      [
        "vqe",
        {
          source: hardwareEfficient(2, 0),
          observable: "ZZ",
          optimizer: { name: "gradient-descent-deluxe" },
        },
        "optimizer/name",
      ],
      [
        "qaoa",
        {
          problem: { type: "maxcut", nodes: 3, edges: [[0, 1]] },
          optimizer: { name: "spsa", maxIterations: 10_000_000 },
        },
        "optimizer/maxIterations",
      ],
    ])(
      "rejects bad %s input with 422 naming %j",
      async (kind, payload, field) => {
        const res = await submit(kind as "vqe" | "qaoa", payload);
        const body = expectProblem(res, 422, "JOB_INPUT_INVALID");
        expect(body.field).toBe(field);
        expect(String(body.detail)).toContain(field);
      },
    );
  },
  { config: {} },
);
