import type { Job } from "@stepfault/contract";
import { beforeAll, describe, expect, it } from "vitest";
import { BELL } from "./helpers/circuits.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";
import { waitForJob } from "./helpers/variational.ts";

const MODEL = {
  format: "stepfault.noise-model",
  version: 1,
  gateNoise: [
    { gates: ["x"], channel: { name: "amplitude_damping", params: [0.3] } },
  ],
};
const X1 =
  'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nbit[1] c;\nx q[0];\nc = measure q;\n';
const X1_NO_MEASURE =
  'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nx q[0];\n';

/** |P(1) - expected| within 5 standard deviations of `shots` samples. */
function expectFraction(
  counts: Record<string, number>,
  key: string,
  p: number,
  shots: number,
) {
  const got = (counts[key] ?? 0) / shots;
  expect(Math.abs(got - p)).toBeLessThan(
    5 * Math.sqrt((p * (1 - p)) / shots) + 1e-9,
  );
}

describeOnEngines("Noise models API and noisy jobs", (ctx) => {
  let owner: TestUser;
  let viewer: TestUser;
  let outsider: TestUser;
  let projectId: string;
  let otherProjectId: string;
  const base = () => `/api/v1/projects/${projectId}/noise-models`;
  const as = (u: TestUser) => bearer(u.accessToken);

  beforeAll(async () => {
    owner = await signUp(ctx.app, "owner");
    viewer = await signUp(ctx.app, "viewer");
    outsider = await signUp(ctx.app, "outsider");
    for (const name of ["Noise", "Other"]) {
      const p = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: as(owner),
        payload: { name },
      });
      if (name === "Noise") projectId = (p.json() as { id: string }).id;
      else otherProjectId = (p.json() as { id: string }).id;
    }
    await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/members`,
      headers: as(owner),
      payload: { email: viewer.email, role: "viewer" },
    });
  });

  const create = (
    name: string,
    model: unknown = MODEL,
    user = owner,
    url = base(),
  ) =>
    ctx.app.inject({
      method: "POST",
      url,
      headers: as(user),
      payload: { name, model },
    });

  const submit = (payload: Record<string, unknown>) =>
    ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/jobs`,
      headers: as(owner),
      payload,
    });

  async function run(payload: Record<string, unknown>): Promise<Job> {
    const res = await submit(payload);
    expect(res.statusCode, res.body).toBe(201);
    const job = (await waitForJob(
      ctx.app,
      owner.accessToken,
      (res.json() as { id: string }).id,
    )) as unknown as Job;
    expect(job.status, JSON.stringify(job.error)).toBe("succeeded");
    return job;
  }

  describe("saved noise models", () => {
    it("creates, reads, lists (without the models), renames, replaces and deletes", async () => {
      const res = await create("  damping  ");
      expect(res.statusCode, res.body).toBe(201);
      const m = res.json() as { id: string; name: string; model: unknown };
      expect(m).toMatchObject({ name: "damping", model: MODEL, projectId });
      const got = await ctx.app.inject({
        url: `${base()}/${m.id}`,
        headers: as(viewer),
      });
      expect(got.statusCode).toBe(200);
      expect(got.json()).toMatchObject({ id: m.id, model: MODEL });
      expect((await create("b-second")).statusCode).toBe(201);
      const page1 = await ctx.app.inject({
        url: `${base()}?limit=1`,
        headers: as(viewer),
      });
      const p1 = page1.json() as {
        items: Record<string, unknown>[];
        nextCursor: string;
      };
      expect(p1.items.map((i) => i.name)).toEqual(["b-second"]);
      expect(p1.items[0]).not.toHaveProperty("model");
      const page2 = await ctx.app.inject({
        url: `${base()}?limit=1&cursor=${p1.nextCursor}`,
        headers: as(viewer),
      });
      expect(
        (page2.json() as { items: { name: string }[] }).items.map(
          (i) => i.name,
        ),
      ).toEqual(["damping"]);
      const search = await ctx.app.inject({
        url: `${base()}?q=DAMP`,
        headers: as(viewer),
      });
      expect((search.json() as { items: unknown[] }).items).toHaveLength(1);

      const replaced = {
        ...MODEL,
        readout: [
          {
            matrix: [
              [0.9, 0.1],
              [0.2, 0.8],
            ],
          },
        ],
      };
      const upd = await ctx.app.inject({
        method: "PATCH",
        url: `${base()}/${m.id}`,
        headers: as(owner),
        payload: { name: "damped", model: replaced },
      });
      expect(upd.statusCode, upd.body).toBe(200);
      expect(upd.json()).toMatchObject({ name: "damped", model: replaced });
      expectProblem(
        await ctx.app.inject({
          method: "PATCH",
          url: `${base()}/${m.id}`,
          headers: as(owner),
          payload: { name: "b-second" },
        }),
        409,
        "NOISE_MODEL_NAME_TAKEN",
      );
      const del = await ctx.app.inject({
        method: "DELETE",
        url: `${base()}/${m.id}`,
        headers: as(owner),
      });
      expect(del.statusCode).toBe(204);
      expectProblem(
        await ctx.app.inject({ url: `${base()}/${m.id}`, headers: as(owner) }),
        404,
        "NOISE_MODEL_NOT_FOUND",
      );
    });

    it("refuses an invalid model with 422 naming the JSON path, and a taken name with 409", async () => {
      const bad = {
        ...MODEL,
        gateNoise: [
          { gates: ["x"], channel: { name: "depolarizing", params: [1.5] } },
        ],
      };
      const p = expectProblem(
        await create("bad", bad),
        422,
        "NOISE_MODEL_INVALID",
      );
      expect(p.field).toBe("model/gateNoise/0/channel/params");
      expect(String(p.detail)).toContain("[0, 1]");
      const notCptp = {
        ...MODEL,
        gateNoise: [
          {
            gates: ["x"],
            channel: {
              name: "kraus",
              matrices: [
                [
                  [1, 0],
                  [0, 1],
                ],
                [
                  [0, 1],
                  [0, 0],
                ],
              ],
            },
          },
        ],
      };
      const q = expectProblem(
        await create("bad", notCptp),
        422,
        "NOISE_MODEL_INVALID",
      );
      expect(q.field).toBe("model/gateNoise/0/channel/matrices");
      const r = expectProblem(
        await create("bad", { format: "nope", version: 1 }),
        422,
        "NOISE_MODEL_INVALID",
      );
      expect(r.field).toBe("model/format");
      expect((await create("dup")).statusCode).toBe(201);
      expectProblem(await create("dup"), 409, "NOISE_MODEL_NAME_TAKEN");
    });

    it("applies the string policy to names", async () => {
      expectProblem(await create("bad\u0007name"), 400, "VALIDATION_FAILED");
      expectProblem(await create("   "), 400, "VALIDATION_FAILED");
    });

    it("keeps models inside their project: outsiders get 404, viewers cannot write", async () => {
      const m = (await create("private")).json() as { id: string };
      expectProblem(
        await ctx.app.inject({
          url: `${base()}/${m.id}`,
          headers: as(outsider),
        }),
        404,
        "PROJECT_NOT_FOUND",
      );
      expectProblem(
        await ctx.app.inject({
          url: `/api/v1/projects/${otherProjectId}/noise-models/${m.id}`,
          headers: as(owner),
        }),
        404,
        "NOISE_MODEL_NOT_FOUND",
      );
      expectProblem(await create("v", MODEL, viewer), 403, "FORBIDDEN");
    });
  });

  describe("jobs with noise", () => {
    it("runs an inline model as a density matrix under auto and keeps it in the record", async () => {
      const job = await run({
        source: X1,
        shots: 4000,
        seed: 11,
        noise: MODEL,
      });
      expect(job.method).toBe("auto");
      expect(job.noise).toEqual({
        model: MODEL,
        noiseModelId: null,
        noiseModelName: null,
      });
      expect(job.result?.method).toBe("density_matrix");
      expectFraction(job.result!.counts, "1", 0.7, 4000);
      expect(job.record?.options).toMatchObject({
        method: "auto",
        noise: { model: MODEL },
        shots: 4000,
      });
    });

    it("runs trajectories when asked, with the same statistics", async () => {
      const job = await run({
        source: X1,
        shots: 4000,
        seed: 12,
        noise: MODEL,
        method: "trajectories",
      });
      expect(job.method).toBe("trajectories");
      expect(job.result?.method).toBe("trajectories");
      expectFraction(job.result!.counts, "1", 0.7, 4000);
    });

    it("runs a saved model by id and keeps its copy after the model is deleted", async () => {
      const m = (
        await create("readout only", {
          format: "stepfault.noise-model",
          version: 1,
          readout: [
            {
              matrix: [
                [0.8, 0.2],
                [0.1, 0.9],
              ],
            },
          ],
        })
      ).json() as { id: string };
      const job = await run({
        source: BELL,
        shots: 4000,
        seed: 3,
        noiseModelId: m.id,
      });
      expect(job.noise).toMatchObject({
        noiseModelId: m.id,
        noiseModelName: "readout only",
      });
      // Bell pair then readout error on both bits: P(01) = P(10) = 0.5 (0.8*0.2 + 0.1*0.9) / ... :
      // |00> recorded as 01: 0.8*0.2; |11> recorded as 01: 0.1*0.9 (bit 0 read 1, bit 1 read 0).
      expectFraction(job.result!.counts, "01", 0.5 * 0.16 + 0.5 * 0.09, 4000);
      // The job list names the model; only the job itself carries the whole document.
      const list = (
        await ctx.app.inject({
          url: `/api/v1/projects/${projectId}/jobs?limit=100`,
          headers: as(owner),
        })
      ).json() as { items: { id: string; noise: unknown }[] };
      const items = new Map(list.items.map((j) => [j.id, j.noise]));
      expect(items.get(job.id)).toEqual({
        noiseModelId: m.id,
        noiseModelName: "readout only",
        name: null,
      });
      expect(list.items.some((j) => j.noise === null)).toBe(false);
      for (const n of items.values())
        expect(Object.keys(n as object)).not.toContain("model");
      await ctx.app.inject({
        method: "DELETE",
        url: `${base()}/${m.id}`,
        headers: as(owner),
      });
      const again = (
        await ctx.app.inject({
          url: `/api/v1/jobs/${job.id}`,
          headers: as(owner),
        })
      ).json() as Job;
      expect(again.noise?.model).toMatchObject({
        readout: [
          {
            matrix: [
              [0.8, 0.2],
              [0.1, 0.9],
            ],
          },
        ],
      });
    });

    it("gives exact noisy expectation values from the density matrix", async () => {
      const dep = {
        format: "stepfault.noise-model",
        version: 1,
        gateNoise: [
          { gates: ["x"], channel: { name: "depolarizing", params: [0.3] } },
        ],
      };
      const job = await run({
        kind: "estimate",
        source: X1_NO_MEASURE,
        observables: ["Z"],
        noise: dep,
      });
      expect(job.result?.method).toBe("density_matrix");
      // depolarizing(p) after x: P(1) = 1 - 2p/3 = 0.8, so <Z> = 0.2 - 0.8.
      expect(job.result?.expectations?.[0][0]).toBeCloseTo(-0.6, 10);
    });

    it("leaves readout errors out of exact expectation values (as Aer does): they act on recorded bits", async () => {
      const readoutAndDamping = {
        format: "stepfault.noise-model",
        version: 1,
        gateNoise: [
          { gates: ["x"], channel: { name: "depolarizing", params: [0.3] } },
        ],
        readout: [
          {
            matrix: [
              [0.7, 0.3],
              [0.4, 0.6],
            ],
          },
        ],
      };
      const job = await run({
        kind: "estimate",
        source: X1_NO_MEASURE,
        observables: ["Z"],
        noise: readoutAndDamping,
      });
      expect(job.result?.method).toBe("density_matrix");
      // Tr(Z rho) after x then depolarizing(0.3): -0.6, the readout matrix does not enter.
      expect(job.result?.expectations?.[0][0]).toBeCloseTo(-0.6, 10);
      const readoutOnly = await run({
        kind: "estimate",
        source: X1_NO_MEASURE,
        observables: ["Z"],
        noise: { ...readoutAndDamping, gateNoise: [] },
      });
      expect(readoutOnly.result?.expectations?.[0][0]).toBeCloseTo(-1, 10);
    });

    it("refuses bad noise with 422 naming the field, before queueing", async () => {
      const bad = {
        ...MODEL,
        readout: [
          {
            qubits: [0],
            matrix: [
              [0.9, 0.2],
              [0.1, 0.9],
            ],
          },
        ],
      };
      const a = expectProblem(
        await submit({ source: X1, shots: 10, noise: bad }),
        422,
        "NOISE_MODEL_INVALID",
      );
      expect(a.field).toBe("noise/readout/0/matrix/0");
      const outside = {
        ...MODEL,
        readout: [
          {
            qubits: [5],
            matrix: [
              [1, 0],
              [0, 1],
            ],
          },
        ],
      };
      const b = expectProblem(
        await submit({ source: X1, shots: 10, noise: outside }),
        422,
        "NOISE_MODEL_INVALID",
      );
      expect(b.field).toBe("noise/readout/0/qubits");
      expect(String(b.detail)).toContain("outside");
      const twoQ = {
        ...MODEL,
        gateNoise: [
          {
            gates: ["x"],
            channel: { name: "two_qubit_depolarizing", params: [0.1] },
          },
        ],
      };
      const c = expectProblem(
        await submit({ source: X1, shots: 10, noise: twoQ }),
        422,
        "NOISE_MODEL_INVALID",
      );
      expect(c.field).toBe("noise/gateNoise/0/channel");
      const d = expectProblem(
        await submit({
          source: X1,
          shots: 10,
          noise: MODEL,
          method: "statevector",
        }),
        422,
        "JOB_INPUT_INVALID",
      );
      expect(d.field).toBe("method");
      const e = expectProblem(
        await submit({
          source: X1,
          shots: 10,
          noise: MODEL,
          noiseModelId: "00000000-0000-4000-8000-000000000000",
        }),
        422,
        "JOB_INPUT_INVALID",
      );
      expect(e.field).toBe("noiseModelId");
      expectProblem(
        await submit({
          source: X1,
          shots: 10,
          noiseModelId: "00000000-0000-4000-8000-000000000000",
        }),
        404,
        "NOISE_MODEL_NOT_FOUND",
      );
      const f = expectProblem(
        await submit({
          kind: "estimate",
          source: X1_NO_MEASURE,
          observables: ["Z"],
          noise: MODEL,
          method: "trajectories",
        }),
        422,
        "JOB_INPUT_INVALID",
      );
      expect(f.field).toBe("method");
      expectProblem(
        await submit({ source: X1, shots: 10, method: "fast" }),
        400,
        "VALIDATION_FAILED",
      );
    });

    it("refuses a density matrix too wide for the method with the memory it would need", async () => {
      const wide = `OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[15] q;\nbit[15] c;\nh q;\nc = measure q;\n`;
      const p = expectProblem(
        await submit({
          source: wide,
          shots: 10,
          noise: MODEL,
          method: "density_matrix",
        }),
        422,
        "JOB_LIMIT_EXCEEDED",
      );
      expect(p.field).toBe("method");
      expect(String(p.detail)).toMatch(/15 qubits needs 16\.00 GiB/);
    });
  });
});
