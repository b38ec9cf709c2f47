/**
 * `stepfault run` and a job submitted through the HTTP API compile with the same compiler: the
 * same file gives the same counts (same seed) and the same statevector, for a specification-style
 * OpenQASM 3 file without a version line whose phases show only under `ctrl @`, a plainly 2.0
 * file without one, and a dynamic program. PGlite (the compile path does not depend on the engine).
 */
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ENGINES,
  type TestDatabase,
} from "../../server/test/helpers/engines.ts";
import {
  bearer,
  buildTestApp,
  signUp,
} from "../../server/test/helpers/test-app.ts";
import { cli, tempFiles } from "./helpers/cli.ts";

interface JobBody {
  id: string;
  status: string;
  result: {
    counts: Record<string, number>;
    statevector?: [number, number][];
  } | null;
}

const PROGRAMS = {
  "spec-phases": `include "stdgates.inc";
qubit[3] q;
bit[3] c;
h q[0];
ry(0.7) q[1];
ctrl @ u2(0.4, 1.3) q[0], q[1];
inv @ ctrl @ u3(-3.317, -pi/3, 3.317+pi/3) q[0], q[2];
negctrl @ U(0.9, 0.4, 1.3) q[2], q[1];
h q;
c = measure q;
`,
  "qelib1-without-version": `include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cu3(0.9, 0.4, 1.3) q[0], q[1];
u2(0.4, 1.3) q[1];
cu1(0.7) q[1], q[0];
h q[0];
measure q -> c;
`,
  dynamic: `OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] m;
h q[0];
m[0] = measure q[0];
if (m[0]) ctrl @ u2(0.4, 1.3) q[0], q[1];
h q[1];
m[1] = measure q[1];
`,
  // Run-time classical code: repeat until success, a syndrome into an int, a run-time qubit index,
  // a float of measured values, return inside a branch, and a lenient reading (its warning).
  "dynamic-classical": `OPENQASM 3.0;
include "stdgates.inc";
def first_one(qubit[2] r) -> uint[2] {
  bit b;
  for int i in [0:1] { b = measure r[i]; if (b) return i + 1; }
  return 0;
}
qubit[5] q; bit[2] flags; uint[2] tries; bit[3] out;
while (int[2](flags) == 0 && tries < 3) { reset q[0:1]; h q[0]; ry(0.9) q[1]; flags = measure q[0:1]; tries += 1; }
int syndrome = uint[2](flags);
float[64] f = 0.5 * syndrome;
x q[1 + syndrome];
if (f > 0.9) rx(0.4) q[2];
uint[2] k = first_one(q[3:4]);
out = measure q[2:4];
`,
};

describe("stepfault run and the API job path", () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let token: string;
  let projectId: string;
  const files = tempFiles("sf-parity-");

  beforeAll(async () => {
    database = await ENGINES[0].open();
    await database.migrate();
    app = await buildTestApp(database);
    token = (await signUp(app, "parity")).accessToken;
    const p = await app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(token),
      payload: { name: "Parity" },
    });
    projectId = (p.json() as { id: string }).id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.dispose();
    files.remove();
  });

  async function job(source: string): Promise<JobBody> {
    const res = await app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/jobs`,
      headers: bearer(token),
      payload: { source, shots: 3000, seed: 21 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as JobBody).id;
    const until = Date.now() + 30_000;
    for (;;) {
      const j = (
        await app.inject({ url: `/api/v1/jobs/${id}`, headers: bearer(token) })
      ).json() as JobBody;
      if (["succeeded", "failed", "cancelled"].includes(j.status)) {
        expect(j.status, JSON.stringify(j)).toBe("succeeded");
        return j;
      }
      if (Date.now() > until) throw new Error(`job ${id} is ${j.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it.each(Object.entries(PROGRAMS))(
    "gives the same counts and statevector for %s",
    async (name, source) => {
      const file = files.file(`${name}.qasm`, source);
      const [fromJob, counts] = await Promise.all([
        job(source),
        cli("run", file, "--shots", "3000", "--seed", "21", "--json"),
      ]);
      expect(counts.code, counts.err).toBe(0);
      expect(
        (JSON.parse(counts.out) as { counts: Record<string, number> }).counts,
      ).toEqual(fromJob.result?.counts);
      if (name.startsWith("dynamic")) {
        expect(fromJob.result?.statevector).toBeUndefined();
        return;
      }
      const state = await cli("run", file, "--statevector", "--json");
      expect(state.code, state.err).toBe(0);
      const sv = (JSON.parse(state.out) as { statevector: number[][] })
        .statevector;
      const other = fromJob.result?.statevector ?? [];
      expect(other).toHaveLength(sv.length);
      sv.forEach(([re, im], i) => {
        expect(Math.abs(re - other[i][0])).toBeLessThan(1e-12);
        expect(Math.abs(im - other[i][1])).toBeLessThan(1e-12);
      });
    },
    60_000,
  );
});
