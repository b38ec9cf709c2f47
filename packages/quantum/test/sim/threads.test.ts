import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { closeThreadPool, simulateParallel } from "../../src/threads/index.ts";
import { ThreadPool } from "../../src/threads/pool.ts";
import { simulate, simulateOn } from "../../src/sim/simulate.ts";
import { sumSquares } from "../../src/sim/measure.ts";
import {
  applyMatrix,
  basisState,
  denseUnitary,
  fidelity,
  seededRng,
} from "../helpers/dense.ts";
import { circuit, measure, randomCircuit, std } from "./build.ts";

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("threads", () => {
  afterAll(async () => {
    await closeThreadPool();
  });

  it("agrees with the single-threaded simulator to 1e-12 on 17 qubits, same counts for the same seed", async () => {
    const c = randomCircuit(17, 120, seededRng(17), [
      "h",
      "rx",
      "ry",
      "rz",
      "cx",
      "cz",
      "cp",
      "swap",
      "ccx",
      "u3",
      "rzz",
    ]);
    const withMeasures = circuit(
      17,
      [...c.ops, ...Array.from({ length: 17 }, (_, q) => measure(q, q))],
      [17],
    );
    const one = simulate(c, { shots: 0, statevector: true, seed: 3 });
    const two = await simulateParallel(c, {
      shots: 0,
      statevector: true,
      seed: 3,
      threads: 2,
    });
    if (!one.ok || !two.ok) throw new Error("simulation failed");
    expect(
      maxDiff(one.result.statevector!, two.result.statevector!),
    ).toBeLessThan(1e-12);
    const c1 = simulate(withMeasures, { shots: 300, seed: 8 });
    const c2 = await simulateParallel(withMeasures, {
      shots: 300,
      seed: 8,
      threads: 2,
    });
    if (!c1.ok || !c2.ok)
      throw new Error("simulation with measurements failed");
    expect(Object.values(c1.result.counts).reduce((a, b) => a + b, 0)).toBe(
      300,
    );
    // a random 17-qubit state spreads 300 shots over many outcomes
    expect(Object.keys(c1.result.counts).length).toBeGreaterThan(100);
    expect(c2.result.counts).toEqual(c1.result.counts);
  });

  it("runs random small circuits on a 2-thread pool like the dense reference, double and single", async () => {
    const pool = await ThreadPool.start(2);
    try {
      for (let seed = 1; seed <= 8; seed++) {
        const n = 2 + (seed % 6);
        const c = randomCircuit(n, 40, seededRng(seed * 31));
        const want = applyMatrix(denseUnitary(c), basisState(n, 0));
        for (const precision of ["double", "single"] as const) {
          const out = simulateOn(
            c,
            { shots: 0, statevector: true, seed: 1, precision },
            pool.engine(),
          );
          pool.reset();
          if (!out.ok) throw new Error(out.error.message);
          expect(fidelity(out.result.statevector!, want)).toBeGreaterThan(
            precision === "double" ? 1 - 1e-10 : 1 - 1e-5,
          );
        }
      }
      // a dynamic circuit (trajectories) on the pool: teleport-like conditioned correction
      const dyn = circuit(
        2,
        [
          ...std("h", [0]),
          measure(0, 0),
          ...std("x", [1]).map((o) => ({
            ...o,
            condition: { clbits: [0], op: "==" as const, value: 1 },
          })),
          measure(1, 1),
        ],
        [2],
      );
      const out = simulateOn(dyn, { shots: 200, seed: 2 }, pool.engine());
      pool.reset();
      if (!out.ok) throw new Error(out.error.message);
      expect(Object.keys(out.result.counts).sort()).toEqual(["00", "11"]);
    } finally {
      await pool.close();
    }
  });

  it("splits sweeps over 3 threads (2 workers) correctly", async () => {
    const pool = await ThreadPool.start(3);
    try {
      const c = randomCircuit(7, 60, seededRng(99));
      const want = applyMatrix(denseUnitary(c), basisState(7, 0));
      const out = simulateOn(
        c,
        { shots: 0, statevector: true, seed: 1 },
        pool.engine(),
      );
      pool.reset();
      if (!out.ok) throw new Error(out.error.message);
      expect(maxDiff(out.result.statevector!, want)).toBeLessThan(1e-10);
    } finally {
      await pool.close();
    }
  });

  it("computes the sampler's norm on every thread, bit-identical to the sequential sum", async () => {
    const pool = await ThreadPool.start(3);
    try {
      const engine = pool.engine();
      const rng = seededRng(5);
      // 17 qubits: 8 norm blocks shared out; 3 qubits: one short block.
      for (const n of [17, 3])
        for (const precision of ["double", "single"] as const) {
          const a = engine.allocate(n, precision);
          for (let i = 0; i < a.length; i++) a[i] = rng() - 0.5;
          const got = engine.sumSquares!(a);
          expect(got).toBe(sumSquares(a));
          let plain = 0;
          for (let i = 0; i < a.length; i++) plain += a[i] * a[i];
          expect(Math.abs(got - plain)).toBeLessThan(1e-9 * plain);
        }
      expect(() => engine.sumSquares!(new Float64Array(8))).toThrow(
        /not allocated by this pool/,
      );
      pool.reset();
    } finally {
      await pool.close();
    }
  });

  it("reports a worker's error instead of waiting for it forever, and stays usable", async () => {
    const pool = await ThreadPool.start(2);
    try {
      const engine = pool.engine();
      // A state the main thread knows under an id the worker was never sent: the worker's norm throws.
      const fake = new Float64Array(2 * 2 ** 16);
      (pool as unknown as { stateIds: Map<unknown, number> }).stateIds.set(
        fake,
        99,
      );
      expect(() => engine.sumSquares!(fake)).toThrow(/a pool worker failed/);
      pool.reset();
      const c = randomCircuit(7, 40, seededRng(3));
      const out = simulateOn(
        c,
        { shots: 0, statevector: true, seed: 1 },
        pool.engine(),
      );
      pool.reset();
      if (!out.ok) throw new Error(out.error.message);
      const want = applyMatrix(denseUnitary(c), basisState(7, 0));
      expect(maxDiff(out.result.statevector!, want)).toBeLessThan(1e-10);
    } finally {
      await pool.close();
    }
  });

  it("shuts the pool down so the process can exit", async () => {
    await simulateParallel(circuit(16, std("h", [3])), {
      shots: 1,
      seed: 1,
      threads: 2,
    });
    await closeThreadPool();
    // a new pool starts on demand after a shutdown
    const again = await simulateParallel(circuit(16, std("x", [15])), {
      shots: 2,
      seed: 1,
      threads: 2,
    });
    expect(again.ok && again.result.counts).toEqual({
      ["1" + "0".repeat(15)]: 2,
    });
    await closeThreadPool();
  });

  it("unmaps a large state before the next run starts (back-to-back large runs need the memory again)", async () => {
    const rssMiB = (): number =>
      Number(
        /VmRSS:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))![1],
      ) / 1024;
    const n = 23; // 128 MiB in double precision, every page written by the H layer
    const hs = circuit(
      n,
      Array.from({ length: n }, (_, q) => std("h", [q])).flat(),
    );
    await simulateParallel(circuit(16, std("h", [3])), {
      shots: 1,
      threads: 2,
    });
    const before = rssMiB();
    for (const precision of ["double", "single", "double"] as const) {
      const out = await simulateParallel(hs, {
        shots: 1,
        threads: 2,
        precision,
      });
      expect(out.ok).toBe(true);
      // Without the synchronous release every thread keeps its view and RSS grows by a state per run.
      expect(rssMiB() - before).toBeLessThan(48);
    }
  });
});
