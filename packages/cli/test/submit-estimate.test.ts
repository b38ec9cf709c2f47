/**
 * `stepfault submit` with the estimate options (--observable, --input, --sweep, --gradient,
 * --shots, --seed, --precision) against a real HTTP server (the app listening on loopback, its
 * in-process worker, PGlite): the printed object has the shape of `stepfault estimate --json`
 * (plus `jobId`) and the same values; a sweep on a sampling job gives counts per point; a bad
 * observable term or sweep key is refused with a message naming it, never a stack trace. With
 * --noise FILE and --method the job runs the model (a noisy estimate is exact, from the density
 * matrix); a bad model file is refused at its JSON path before anything is sent.
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "@stepfault/sdk";
import {
  ENGINES,
  type TestDatabase,
} from "../../server/test/helpers/engines.ts";
import { buildTestApp, signUp } from "../../server/test/helpers/test-app.ts";
import { STACK, cli, tempFiles } from "./helpers/cli.ts";

const HEADER = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';
const ANSATZ = `${HEADER}input float theta;\ninput float phi;\nqubit[2] q;\nry(theta) q[0];\ncx q[0], q[1];\nrz(2*phi) q[1];\nry(phi) q[1];\n`;
const THETAS = [0, 0.5, 1.5, Math.PI];

interface EstimateJson {
  observables: string[];
  parameters: string[];
  points: number;
  expectations: number[][];
  stddev: number[][] | null;
  gradients: number[][][] | null;
  shots: number | null;
  method: string;
  timeMs: number;
  jobId?: string;
}

describe("stepfault submit with estimate options", () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let base: string;
  let key: string;
  let projectId: string;
  const files = tempFiles("sf-submit-estimate-");
  const ansatz = files.file("ansatz.qasm", ANSATZ);
  const sweep = files.file("sweep.json", JSON.stringify({ theta: THETAS }));

  const submit = (...args: string[]) =>
    cli(
      "submit",
      ...args,
      "--project",
      projectId,
      "--server",
      base,
      "--api-key",
      key,
    );

  beforeAll(async () => {
    database = await ENGINES[0].open();
    await database.migrate();
    app = await buildTestApp(database);
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    key = (await signUp(app, "submit-estimate")).accessToken;
    projectId = (
      await createClient({ baseUrl: base, token: key }).projects.create(
        "Estimates",
      )
    ).id;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await database?.dispose();
    files.remove();
  });

  it("prints the estimate's JSON object with the job id, equal to `stepfault estimate`", async () => {
    const opts = [
      "--observable",
      "0.5*ZZ - 0.25*XX + YI",
      "--observable",
      "Z0",
      "--sweep",
      sweep,
      "--input",
      "phi=0.3",
      "--gradient",
      "--json",
    ];
    const [remote, local] = await Promise.all([
      submit(ansatz, ...opts),
      cli("estimate", ansatz, ...opts),
    ]);
    expect(remote.code, remote.err).toBe(0);
    expect(local.code, local.err).toBe(0);
    expect(remote.err).toBe("");
    const r = JSON.parse(remote.out) as EstimateJson;
    const l = JSON.parse(local.out) as EstimateJson;
    expect(Object.keys(r)).toEqual([...Object.keys(l), "jobId"]);
    expect(r.jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.observables).toEqual(["0.5*ZZ - 0.25*XX + YI", "Z0"]);
    expect(r.parameters).toEqual(["theta", "phi"]);
    expect(r.points).toBe(THETAS.length);
    expect(r.shots).toBeNull();
    expect(r.stddev).toBeNull();
    expect(r.method).toBe(l.method);
    r.expectations.forEach((row, p) =>
      row.forEach((e, k) => expect(e).toBeCloseTo(l.expectations[p][k], 12)),
    );
    // <Z0> = cos(theta) whatever phi.
    THETAS.forEach((t, p) =>
      expect(r.expectations[p][1]).toBeCloseTo(Math.cos(t), 12),
    );
    expect(r.gradients).toHaveLength(THETAS.length);
    r.gradients!.forEach((perObs, p) =>
      perObs.forEach((g, k) => {
        expect(g).toHaveLength(2);
        g.forEach((v, j) => expect(v).toBeCloseTo(l.gradients![p][k][j], 10));
      }),
    );
    THETAS.forEach((t, p) =>
      expect(r.gradients![p][1][0]).toBeCloseTo(-Math.sin(t), 10),
    );

    // The job record keeps what reproduces it.
    const job = await createClient({ baseUrl: base, token: key }).jobs.get(
      r.jobId!,
    );
    expect(job.record?.inputs).toMatchObject({ phi: 0.3 });
    expect(JSON.stringify(job)).toContain("0.5*ZZ - 0.25*XX + YI");
  }, 60_000);

  it("estimates from shots with --shots and --seed: standard errors, parameter-shift gradients, a table without --json", async () => {
    const opts = [
      "--observable",
      "ZI",
      "--input",
      "theta=0.8",
      "--input",
      "phi=0",
      "--shots",
      "4000",
      "--seed",
      "11",
      "--gradient",
      "--precision",
      "single",
    ];
    const json = await submit(ansatz, ...opts, "--json");
    expect(json.code, json.err).toBe(0);
    const r = JSON.parse(json.out) as EstimateJson;
    expect(r.shots).toBe(4000);
    expect(r.points).toBe(1);
    expect(r.method).toMatch(/shots\+parameter-shift/);
    const se = r.stddev![0][0];
    expect(se).toBeGreaterThan(0);
    expect(se).toBeLessThan(0.05);
    // cx copies qubit 0 onto qubit 1: <Z1> = cos(theta), standard error sin(theta)/sqrt(4000).
    expect(Math.abs(r.expectations[0][0] - Math.cos(0.8))).toBeLessThan(5 * se);
    expect(se).toBeCloseTo(Math.sin(0.8) / Math.sqrt(4000), 3);
    expect(r.gradients![0][0]).toHaveLength(2);

    const table = await submit(ansatz, ...opts);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/4000 shots per basis, seed 11/);
    expect(table.out).toMatch(
      /^point\s+theta\s+phi\s+E\s+dE\/dtheta\s+dE\/dphi/m,
    );
    expect(table.out).toMatch(/^job [0-9a-f-]{36}$/m);
  }, 60_000);

  it("a sampling job takes a sweep and gives counts per point", async () => {
    const measured = files.file(
      "measured.qasm",
      `${HEADER}input float theta;\nqubit[1] q;\nbit[1] c;\nry(theta) q[0];\nc = measure q;\n`,
    );
    const pts = files.file("pts.json", JSON.stringify({ theta: [0, Math.PI] }));
    const r = await submit(
      measured,
      "--sweep",
      pts,
      "--shots",
      "200",
      "--seed",
      "3",
      "--json",
    );
    expect(r.code, r.err).toBe(0);
    const obj = JSON.parse(r.out) as {
      sweep: { parameters: string[]; counts: Record<string, number>[] };
    };
    expect(obj.sweep.parameters).toEqual(["theta"]);
    expect(obj.sweep.counts).toEqual([{ "0": 200 }, { "1": 200 }]);
  }, 60_000);

  it("takes --noise FILE and --method: the job runs the model and says which method ran", async () => {
    const x = files.file(
      "x.qasm",
      `${HEADER}qubit[1] q;\nbit[1] c;\nx q[0];\nc = measure q;\n`,
    );
    const model = files.file(
      "damping.json",
      JSON.stringify({
        format: "stepfault.noise-model",
        version: 1,
        gateNoise: [
          {
            gates: ["x"],
            channel: { name: "amplitude_damping", params: [0.4] },
          },
        ],
      }),
    );
    for (const method of ["density_matrix", "trajectories"]) {
      const r = await submit(
        x,
        "--noise",
        model,
        "--method",
        method,
        "--shots",
        "2000",
        "--seed",
        "9",
        "--threads",
        "2",
        "--json",
      );
      expect(r.code, r.err).toBe(0);
      const obj = JSON.parse(r.out) as {
        method: string;
        counts: Record<string, number>;
        threads: number;
      };
      expect(obj.method).toBe(method);
      // One qubit: too small for threads to pay, so the worker ran it on one.
      expect(obj.threads).toBe(1);
      const p1 = (obj.counts["1"] ?? 0) / 2000;
      expect(Math.abs(p1 - 0.6)).toBeLessThan(5 * Math.sqrt(0.24 / 2000));
    }
    const z = files.file("z.qasm", `${HEADER}qubit[1] q;\nx q[0];\n`);
    const est = await submit(
      z,
      "--observable",
      "Z",
      "--noise",
      model,
      "--json",
    );
    expect(est.code, est.err).toBe(0);
    const e = JSON.parse(est.out) as EstimateJson;
    expect(e.method).toBe("density_matrix");
    expect(e.expectations[0][0]).toBeCloseTo(0.4 - 0.6, 10);

    const bad = files.file(
      "bad.json",
      JSON.stringify({
        format: "stepfault.noise-model",
        version: 1,
        gateNoise: [
          { gates: ["x"], channel: { name: "bit_flip", params: [2] } },
        ],
      }),
    );
    const refused = await submit(x, "--noise", bad);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /bad\.json: error: gateNoise\[0\]\.channel\.params: bit_flip: p must be in \[0, 1\]/,
    );
    expect(refused.err).not.toMatch(STACK);
    const usage = await submit(x, "--method", "fastest");
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--method must be one of auto, statevector/);
  }, 120_000);

  it("names the bad observable term, the bad sweep key, and refuses usage errors", async () => {
    const badTerm = await submit(
      ansatz,
      "--observable",
      "ZZ + 2*XQ",
      "--input",
      "theta=0",
      "--input",
      "phi=0",
    );
    expect(badTerm.code).toBe(3);
    expect(badTerm.err).toMatch(/XQ/);
    expect(badTerm.err).not.toMatch(STACK);

    const badLength = await submit(
      ansatz,
      "--observable",
      "ZZZ",
      "--input",
      "theta=0",
      "--input",
      "phi=0",
    );
    expect(badLength.code).toBe(3);
    expect(badLength.err).toMatch(/"ZZZ".*3 character/);

    const badKey = files.file(
      "bad-key.json",
      JSON.stringify({ thetta: [0, 1] }),
    );
    const r = await submit(
      ansatz,
      "--observable",
      "ZZ",
      "--sweep",
      badKey,
      "--input",
      "phi=0",
    );
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/thetta/);
    expect(r.err).not.toMatch(STACK);

    const usage = await submit(ansatz, "--gradient");
    expect(usage.code).toBe(2);
    expect(usage.err).toMatch(/--gradient needs --observable/);
  }, 60_000);
});
