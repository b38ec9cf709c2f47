/** Shared set-up of the variational job tests: problems with literature coefficients, waiting. */
import type { FastifyInstance } from "fastify";
import { expect } from "vitest";
import { bearer } from "./test-app.ts";

// For the SDK's tests, which depend on the contract only (see contract/test/layers.test.ts).
export { hardwareEfficient, pauliSumText } from "@stepfault/variational";

/** H2 on two qubits (STO-3G, 0.735 angstrom): the record kept in @stepfault/variational. */
export { H2_STO3G as H2 } from "@stepfault/variational";

/** A variational job as the API shows it (the fields the tests read). */
export interface VariationalJobBody {
  id: string;
  kind: string;
  status: string;
  attempts: number;
  source: string;
  error: null | { code: string; message: string };
  variational: null | {
    parameters: string[];
    exactEnergy: number | null;
    observable: string;
  };
  record: null | { source: string; variational?: unknown };
  result: null | {
    energy: number;
    parameters: Record<string, number>;
    iterations: number;
    evaluations: number;
    converged: boolean;
    reason: string;
    exactEnergy: number | null;
    history: {
      iteration: number;
      energy: number;
      parameters: number[];
      evaluations: number;
      elapsedMs: number;
    }[];
    bestBitstring?: string;
    bestCut?: number;
    expectedCut?: number;
    maxCut?: number | null;
    approximationRatio?: number | null;
    topBitstrings?: { bitstring: string; count: number; cut?: number }[];
    timing: { simulateMs: number; wallMs: number };
  };
}

/** Polls a job until `done` (default: a final state). */
export async function waitForJob(
  app: FastifyInstance,
  token: string,
  id: string,
  done: (j: VariationalJobBody) => boolean = (j) =>
    ["succeeded", "failed", "cancelled"].includes(j.status),
  timeoutMs = 60_000,
): Promise<VariationalJobBody> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await app.inject({
      url: `/api/v1/jobs/${id}`,
      headers: bearer(token),
    });
    expect(res.statusCode, res.body).toBe(200);
    const j = res.json() as VariationalJobBody;
    if (done(j)) return j;
    if (Date.now() > until) throw new Error(`job ${id} still ${j.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A random 3-regular graph on n nodes (pairing model, retried until simple), seeded. */
export function randomThreeRegular(n: number, seed: number): number[][] {
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  for (;;) {
    const stubs: number[] = [];
    for (let v = 0; v < n; v++) stubs.push(v, v, v);
    for (let i = stubs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [stubs[i], stubs[j]] = [stubs[j], stubs[i]];
    }
    const edges: number[][] = [];
    const seen = new Set<string>();
    let ok = true;
    for (let i = 0; i < stubs.length; i += 2) {
      const [a, b] = [
        Math.min(stubs[i], stubs[i + 1]),
        Math.max(stubs[i], stubs[i + 1]),
      ];
      if (a === b || seen.has(`${a},${b}`)) {
        ok = false;
        break;
      }
      seen.add(`${a},${b}`);
      edges.push([a, b]);
    }
    if (ok) return edges;
  }
}
