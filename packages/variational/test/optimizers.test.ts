import { describe, expect, it } from "vitest";
import {
  minimize,
  OPTIMIZER_NAMES,
  type Checkpoint,
  type CostFunction,
  type IterationRecord,
  type OptimizerName,
} from "../src/index.ts";

/** Rosenbrock's banana, minimum 0 at (1, 1), with its gradient. */
const rosenbrock: CostFunction = {
  value: async ([x, y]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  valueAndGradient: async ([x, y]) => ({
    value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    gradient: [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  }),
};

/** An ill-conditioned quadratic bowl in 4 dimensions, minimum 3 at c. */
const c = [1, -2, 0.5, 3];
const scales = [1, 10, 0.5, 4];
const bowl: CostFunction = {
  value: async (x) =>
    3 + x.reduce((s, v, i) => s + scales[i] * (v - c[i]) ** 2, 0),
  valueAndGradient: async (x) => ({
    value: 3 + x.reduce((s, v, i) => s + scales[i] * (v - c[i]) ** 2, 0),
    gradient: x.map((v, i) => 2 * scales[i] * (v - c[i])),
  }),
};

const settings: Record<OptimizerName, Record<string, number>> = {
  cobyla: {},
  "nelder-mead": {},
  spsa: { seed: 3 },
  adam: { learningRate: 0.1 },
  "l-bfgs-b": {},
};

describe("optimisers", () => {
  it.each(["cobyla", "nelder-mead", "adam", "l-bfgs-b"] as const)(
    "%s finds the minimum of a quadratic bowl",
    async (name) => {
      const r = await minimize({
        optimizer: name,
        options: { maxIterations: 5000, tolerance: 1e-7, ...settings[name] },
        x0: [0, 0, 0, 0],
        cost: bowl,
      });
      expect(r.reason).toBe("converged");
      expect(r.value).toBeCloseTo(3, 5);
      r.x.forEach((v, i) => expect(v).toBeCloseTo(c[i], 2));
    },
  );

  it.each(["cobyla", "nelder-mead", "l-bfgs-b", "adam"] as const)(
    "%s finds Rosenbrock's minimum from (-1.2, 1)",
    async (name) => {
      const r = await minimize({
        optimizer: name,
        options: {
          maxIterations: 20000,
          tolerance: name === "adam" ? 1e-6 : 1e-8,
          ...settings[name],
          ...(name === "adam" ? { learningRate: 0.02 } : {}),
        },
        x0: [-1.2, 1],
        cost: rosenbrock,
      });
      expect(r.value).toBeLessThan(1e-4);
      expect(r.x[0]).toBeCloseTo(1, 1);
      expect(r.x[1]).toBeCloseTo(1, 1);
    },
  );

  it("spsa gets close to a quadratic bowl's minimum with noise-free values", async () => {
    const r = await minimize({
      optimizer: "spsa",
      options: { maxIterations: 600, tolerance: 0, seed: 11 },
      x0: [0, 0, 0, 0],
      cost: bowl,
    });
    expect(r.reason).toBe("maxIterations");
    expect(r.value).toBeLessThan(3.2); // from 80.1 at the start
  });

  it("l-bfgs-b stops at a bound when the minimum lies outside the box", async () => {
    const r = await minimize({
      optimizer: "l-bfgs-b",
      options: {
        maxIterations: 200,
        tolerance: 1e-8,
        bounds: [
          [-5, 5],
          [-1, 5],
          [-5, 5],
          [-5, 2],
        ],
      },
      x0: [0, 0, 0, 0],
      cost: bowl,
    });
    expect(r.converged).toBe(true);
    expect(r.x[1]).toBeCloseTo(-1, 8);
    expect(r.x[3]).toBeCloseTo(2, 8);
    expect(r.x[0]).toBeCloseTo(1, 4);
  });
});

describe("minimize", () => {
  it.each(OPTIMIZER_NAMES)(
    "%s resumed from any checkpoint repeats the uninterrupted run exactly",
    async (name) => {
      const options = {
        maxIterations: 25,
        tolerance: 1e-12,
        ...settings[name],
      };
      const full: IterationRecord[] = [];
      const checkpoints: Checkpoint[] = [];
      const a = await minimize({
        optimizer: name,
        options,
        x0: [-1.2, 1],
        cost: rosenbrock,
        onIteration: async (rec, cp) => {
          full.push(rec);
          checkpoints.push(JSON.parse(JSON.stringify(cp)) as Checkpoint);
        },
      });
      expect(full.map((r) => r.iteration)).toEqual(
        Array.from({ length: full.length }, (_, i) => i),
      );
      const cut = checkpoints[Math.floor(checkpoints.length / 2)];
      const resumed: IterationRecord[] = [];
      const b = await minimize({
        optimizer: name,
        options,
        x0: [9, 9],
        cost: rosenbrock,
        checkpoint: cut,
        onIteration: async (rec) => void resumed.push(rec),
      });
      const strip = (r: IterationRecord) => ({ ...r, elapsedMs: 0 });
      expect(
        [...full.slice(0, cut.iteration + 1), ...resumed].map(strip),
      ).toEqual(full.map(strip));
      expect(b.value).toBe(a.value);
      expect(b.x).toEqual(a.x);
      expect(b.evaluations).toBe(a.evaluations);
    },
  );

  it("stops between evaluations when asked and keeps the best point seen", async () => {
    let calls = 0;
    const seen: number[] = [];
    const r = await minimize({
      optimizer: "nelder-mead",
      options: { maxIterations: 1000, tolerance: 1e-12 },
      x0: [-1.2, 1],
      cost: {
        value: async (x, evaluation) => {
          calls++;
          expect(evaluation).toBe(calls - 1);
          const v = await rosenbrock.value(x, evaluation);
          seen.push(v);
          return v;
        },
      },
      shouldStop: () => calls >= 17,
    });
    expect(r.reason).toBe("cancelled");
    expect(r.converged).toBe(false);
    expect(r.evaluations).toBe(17);
    expect(r.value).toBe(Math.min(...seen));
  });

  it("reports maxIterations when the budget runs out first", async () => {
    const records: IterationRecord[] = [];
    const r = await minimize({
      optimizer: "cobyla",
      options: { maxIterations: 5, tolerance: 1e-12 },
      x0: [-1.2, 1],
      cost: rosenbrock,
      onIteration: async (rec) => void records.push(rec),
    });
    expect(r.reason).toBe("maxIterations");
    expect(r.iterations).toBe(5);
    expect(records.map((x) => x.iteration)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(records.at(-1)!.evaluations).toBe(r.evaluations);
  });
});
