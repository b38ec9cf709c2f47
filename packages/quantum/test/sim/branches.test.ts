import { describe, expect, it } from "vitest";
import type { Condition, Operation } from "../../src/ir/types.ts";
import { Rng } from "../../src/math/rng.ts";
import { binomial } from "../../src/sim/binomial.ts";
import { runBranches } from "../../src/sim/branches.ts";
import { singleThreadEngine } from "../../src/sim/engine.ts";
import { compileProgram } from "../../src/sim/program.ts";
import { simulate, stateBytes } from "../../src/sim/simulate.ts";
import { circuit, measure, std } from "./build.ts";
import {
  chiSquare,
  chiSquareBound,
  exactDistribution,
} from "./branch-reference.ts";

const when = (
  clbits: number[],
  op: Condition["op"],
  value: number,
): Condition => ({
  clbits,
  op,
  value,
});
const cond = (ops: Operation[], c: Condition): Operation[] =>
  ops.map((o) => ({ ...o, condition: c }));
const reset = (qubit: number, condition?: Condition): Operation =>
  condition ? { kind: "reset", qubit, condition } : { kind: "reset", qubit };

/** Teleports ry(1.1)|0> from q0 to q2 with conditioned corrections. */
const teleport = circuit(
  3,
  [
    ...std("ry", [0], [1.1]),
    ...std("h", [1]),
    ...std("cx", [1, 2]),
    ...std("cx", [0, 1]),
    ...std("h", [0]),
    measure(0, 0),
    measure(1, 1),
    ...cond(std("x", [2]), when([1], "==", 1)),
    ...cond(std("z", [2]), when([0], "==", 1)),
    measure(2, 2),
  ],
  [2, 1],
);

/** One qubit measured and reset three times between different rotations. */
const measureReset = circuit(
  1,
  [
    ...std("ry", [0], [0.7]),
    measure(0, 0),
    reset(0),
    ...std("ry", [0], [2.2]),
    measure(0, 1),
    reset(0),
    ...std("h", [0]),
    measure(0, 2),
  ],
  [3],
);

/** Gates and a reset conditioned on a two-bit register with ==, >=, != and <. */
const conditioned = circuit(
  4,
  [
    ...std("ry", [0], [1.3]),
    ...std("h", [1]),
    measure(0, 0),
    measure(1, 1),
    ...cond(std("x", [2]), when([0, 1], "==", 2)),
    ...cond(std("ry", [3], [0.9]), when([0, 1], ">=", 1)),
    ...std("cx", [3, 2]),
    reset(3, when([0, 1], "!=", 3)),
    ...cond(std("h", [3]), when([0, 1], "<", 2)),
    measure(2, 2),
    measure(3, 3),
  ],
  [2, 2],
);

/** A mid-circuit measurement of one half of an entangled pair, then more gates on both halves. */
const entangled = circuit(
  3,
  [
    ...std("h", [0]),
    ...std("cx", [0, 1]),
    ...std("ry", [2], [0.8]),
    ...std("cx", [1, 2]),
    measure(0, 0),
    ...std("h", [1]),
    ...std("cx", [0, 2]),
    measure(1, 1),
    measure(2, 2),
  ],
  [3],
);

/** Dynamic without classical bits (reset of a used qubit): keys are basis states. */
const noClbits = circuit(2, [
  ...std("ry", [0], [1.0]),
  ...std("cx", [0, 1]),
  reset(0),
  ...std("h", [0]),
  ...std("cx", [1, 0]),
]);

const cases = { teleport, measureReset, conditioned, entangled, noClbits };

function counts(
  c: typeof teleport,
  shots: number,
  seed: number,
  memoryLimitBytes?: number,
): Record<string, number> {
  const out = simulate(c, { shots, seed, memoryLimitBytes });
  if (!out.ok) throw new Error(out.error.message);
  expect(out.result.method).toBe("trajectories");
  return out.result.counts;
}

describe("branch-split sampling of dynamic circuits", () => {
  it.each(Object.entries(cases))(
    "%s: counts match the exact branch distribution (chi-square)",
    (_name, c) => {
      const dist = exactDistribution(c);
      expect([...dist.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      const got = counts(c, 4000, 11);
      expect(Object.values(got).reduce((a, b) => a + b, 0)).toBe(4000);
      const { stat, df } = chiSquare(got, dist);
      expect(stat).toBeLessThan(chiSquareBound(df));
    },
  );

  it("teleports: q2 reads 1 with probability sin^2(1.1/2) whatever the corrections", () => {
    const got = counts(teleport, 4000, 5);
    let ones = 0;
    for (const [k, v] of Object.entries(got)) if (k.startsWith("1")) ones += v;
    const p = Math.sin(0.55) ** 2;
    expect(Math.abs(ones / 4000 - p)).toBeLessThan(
      4 * Math.sqrt((p * (1 - p)) / 4000),
    );
  });

  it("gives identical counts for the same seed and different counts for another", () => {
    for (const c of Object.values(cases)) {
      const a = counts(c, 3000, 99);
      expect(counts(c, 3000, 99)).toEqual(a);
    }
    expect(counts(conditioned, 3000, 100)).not.toEqual(
      counts(conditioned, 3000, 99),
    );
  });

  it("keeps at most 1 + log2(shots) states alive, and only what maxStates allows", () => {
    // six qubits measured and reset three times: 2^18 outcome paths, far more than the shots
    const ops: Operation[] = [];
    for (let round = 0; round < 3; round++)
      for (let q = 0; q < 6; q++)
        ops.push(...std("h", [q]), measure(q, q), reset(q));
    const c = circuit(6, ops, [6]);
    const prog = compileProgram(c);
    const ctx = () => ({
      engine: singleThreadEngine(),
      precision: "double" as const,
      rng: new Rng(3),
    });
    const free = runBranches(c, prog, 1024, ctx());
    expect(free.peakStates).toBeGreaterThan(2);
    expect(free.peakStates).toBeLessThanOrEqual(11);
    const capped = runBranches(c, prog, 1024, ctx(), 3);
    expect(capped.peakStates).toBeLessThanOrEqual(3);
    const total = (r: Record<string, number>) =>
      Object.values(r).reduce((a, b) => a + b, 0);
    expect(total(free.counts)).toBe(1024);
    expect(total(capped.counts)).toBe(1024);
  });

  it("stays exact when the memory limit holds only two states (per-shot fallback)", () => {
    const limit = 2 * stateBytes(4, "double");
    const got = counts(conditioned, 4000, 21, limit);
    const run = simulate(conditioned, {
      shots: 4000,
      seed: 21,
      memoryLimitBytes: limit,
    });
    expect(run.ok && run.result.peakStates).toBe(2);
    const free = simulate(conditioned, { shots: 4000, seed: 21 });
    expect(free.ok && free.result.peakStates).toBeGreaterThan(2);
    const { stat, df } = chiSquare(got, exactDistribution(conditioned));
    expect(stat).toBeLessThan(chiSquareBound(df));
    // Below two states the factorised simulator takes over (factorised.test.ts); a limit that
    // holds no entangled pair at all is refused.
    const refused = simulate(conditioned, {
      shots: 10,
      memoryLimitBytes: 64,
    });
    expect(refused.ok || refused.error.code).toBe("SIM_TOO_LARGE");
  });
});

describe("binomial", () => {
  const pmf = (k: number, p: number, x: number): number => {
    let logC = 0;
    for (let i = 1; i <= x; i++) logC += Math.log((k - x + i) / i);
    return Math.exp(logC + x * Math.log(p) + (k - x) * Math.log1p(-p));
  };

  it.each([
    [20, 0.3],
    [15, 0.85],
    [1, 0.4],
  ])("Binomial(%i, %f) matches its pmf (chi-square)", (k, p) => {
    const rng = new Rng(k * 7 + 1);
    const n = 20000;
    const obs = new Array<number>(k + 1).fill(0);
    for (let i = 0; i < n; i++) obs[binomial(k, p, rng)]++;
    const dist = new Map<string, number>();
    const got: Record<string, number> = {};
    for (let x = 0; x <= k; x++) {
      const e = pmf(k, p, x);
      if (e * n < 5) continue; // pooled out of the test; still must be rare
      dist.set(String(x), e);
      got[String(x)] = obs[x];
    }
    const pooled = n - Object.values(got).reduce((a, b) => a + b, 0);
    const pooledP = 1 - [...dist.values()].reduce((a, b) => a + b, 0);
    if (pooledP > 0) {
      dist.set("rest", pooledP);
      got.rest = pooled;
    }
    const { stat, df } = chiSquare(got, dist);
    expect(stat).toBeLessThan(chiSquareBound(df));
  });

  it("handles the edges and large k (mean and spread of Binomial(10^5, 0.5))", () => {
    const rng = new Rng(1);
    expect(binomial(50, 0, rng)).toBe(0);
    expect(binomial(50, 1, rng)).toBe(50);
    expect(binomial(0, 0.5, rng)).toBe(0);
    const xs = Array.from({ length: 30 }, () => binomial(100000, 0.5, rng));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(100000 * 0.25);
    expect(Math.abs(mean - 50000)).toBeLessThan((4 * sd) / Math.sqrt(30));
    for (const x of xs) expect(Math.abs(x - 50000)).toBeLessThan(6 * sd);
    const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
    expect(v).toBeGreaterThan(sd * sd * 0.3);
    expect(v).toBeLessThan(sd * sd * 2.5);
  });
});
