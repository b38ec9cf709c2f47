import { afterAll, describe, expect, it } from "vitest";
import { type SimdVariant, simdKernels } from "../../src/sim/wasm/simd.ts";
import {
  DEFAULT_WINDOWS,
  useWindows,
  windowSetting,
  windowSlots,
  windowStage,
} from "../../src/sim/wasm/window.ts";
import { useSimdVariant } from "../../src/sim/wasm/simd.ts";
import { applyInstr, makeScratch } from "../../src/sim/execute.ts";
import { outerSize, type KernelInstr } from "../../src/sim/instructions.ts";
import { lowerControlled } from "../../src/sim/lower.ts";
import { simulate, simulateOn } from "../../src/sim/simulate.ts";
import { ThreadPool } from "../../src/threads/pool.ts";
import {
  basisState,
  denseApply,
  fidelity,
  seededRng,
} from "../helpers/dense.ts";
import type { Circuit } from "../../src/ir/types.ts";
import { X, maxDiff, randomStage, runTs } from "./random-stage.ts";
import { randomCircuit } from "./build.ts";

const L = 8; // chunk qubits
const VARIANTS: SimdVariant[] = ["plain", "relaxed"];

/** The stage through register windows of k qubits on a chunk buffer in the module's memory. */
function runWindows(
  single: boolean,
  subs: readonly KernelInstr[],
  init: Float64Array,
  k: number,
  variant: SimdVariant,
): Float64Array {
  const simd = simdKernels(variant);
  if (!simd) throw new Error("no SIMD kernels");
  const steps = windowStage(simd, subs, single, L, k);
  if (!steps) throw new Error("windows did not compile");
  const buf = simd.buffer(single, init.length);
  buf.set(init);
  for (const st of steps)
    if ("kind" in st) applyInstr(buf, st, 0, outerSize(st, L), makeScratch());
    else if ("window" in st) st.window();
    else simd.run(st);
  return Float64Array.from(buf);
}

/** The dense reference's final state, gate by gate from |0...0>. */
function reference(c: Circuit): Float64Array {
  let s = basisState(c.numQubits, 0);
  for (const op of c.ops) if (op.kind === "gate") s = denseApply(s, op);
  return s;
}

describe("register windows", () => {
  afterAll(() => {
    useWindows(undefined);
    useSimdVariant(undefined);
  });

  describe("windowStage", () => {
    it.each([1, 2, 3, 4, 5, 6])(
      "random stage %i: windows of 1 to 5 qubits (plain and relaxed SIMD) match the TypeScript kernels one by one, double and single",
      (seed) => {
        const rng = seededRng(seed * 977);
        const subs = randomStage(rng, 40, L);
        const init = Float64Array.from({ length: 2 << L }, () => rng() - 0.5);
        for (const single of [false, true]) {
          const want = runTs(single, subs, init, L);
          for (const variant of VARIANTS)
            for (let k = 1; k <= 5; k++)
              expect(
                maxDiff(runWindows(single, subs, init, k, variant), want),
              ).toBeLessThan(single ? 1e-4 : 1e-12);
        }
      },
    );

    it("handles controls on qubit 0 in single precision (coefficients per lane) and a window on qubit 0 alone", () => {
      const rng = seededRng(3);
      const g = Float64Array.from({ length: 8 }, () => rng() * 2 - 1);
      const subs = [
        lowerControlled([3], [0], g), // control inside the vector
        lowerControlled([0], [], g), // target inside the vector
        lowerControlled([0], [5], X), // controlled swap of the two complexes
        lowerControlled([2], [0, 6], g),
      ];
      const init = Float64Array.from({ length: 2 << L }, () => rng() - 0.5);
      for (const variant of VARIANTS)
        for (const k of [1, 2, 3])
          expect(
            maxDiff(
              runWindows(true, subs, init, k, variant),
              runTs(true, subs, init, L),
            ),
          ).toBeLessThan(1e-5);
    });
  });

  describe("windowSlots", () => {
    it("puts gates on at most k qubits (bar qubit 0 in single precision) in one window, moving a gate only past gates on other qubits", () => {
      const rng = seededRng(11);
      const subs = randomStage(rng, 60, L);
      for (const single of [false, true])
        for (let k = 1; k <= 4; k++) {
          const slots = windowSlots(subs, single, k);
          for (const s of slots)
            if ("ops" in s) {
              expect(s.win.size).toBeLessThanOrEqual(k);
              if (single) expect(s.win.has(0)).toBe(false);
            }
          const placed = slots.reduce(
            (acc, s) => acc + ("ops" in s ? s.ops.length : 1),
            0,
          );
          expect(placed).toBe(subs.length);
        }
    });

    it("makes one window of a layer of cx and rotations on 3 qubits (cx only renames registers)", () => {
      const rng = seededRng(4);
      const rot = (t: number): KernelInstr =>
        lowerControlled(
          [t],
          [],
          Float64Array.from({ length: 8 }, () => rng()),
        );
      const subs = [
        rot(1),
        rot(2),
        lowerControlled([2], [1], X),
        rot(3),
        lowerControlled([3], [2], X),
      ];
      expect(windowSlots(subs, false, 3)).toHaveLength(1);
      expect(windowSlots(subs, false, 2).length).toBeGreaterThan(1);
    });
  });

  describe("windowSetting", () => {
    it("defaults to DEFAULT_WINDOWS and follows useWindows", () => {
      useWindows(undefined);
      const before = process.env.STEPFAULT_WINDOW;
      delete process.env.STEPFAULT_WINDOW;
      try {
        expect(windowSetting()).toEqual(DEFAULT_WINDOWS);
        useWindows(undefined);
        process.env.STEPFAULT_WINDOW = "3:16";
        expect(windowSetting()).toEqual({ qubits: 3, minStateQubits: 16 });
        useWindows(undefined);
        process.env.STEPFAULT_WINDOW = "off";
        expect(windowSetting().qubits).toBe(0);
        useWindows({ qubits: 2, minStateQubits: 0 });
        expect(windowSetting()).toEqual({ qubits: 2, minStateQubits: 0 });
      } finally {
        if (before === undefined) delete process.env.STEPFAULT_WINDOW;
        else process.env.STEPFAULT_WINDOW = before;
        useWindows(undefined);
      }
    });
  });

  describe("simulate with windows", () => {
    it("agrees with the dense reference on random circuits for every window size, plain and relaxed, double and single (staged: chunks of 2^6, 2 high qubits)", () => {
      for (let seed = 1; seed <= 3; seed++) {
        const n = 6 + (seed % 3);
        const c = randomCircuit(n, 60, seededRng(seed * 57));
        const want = reference(c);
        for (const variant of VARIANTS) {
          useSimdVariant(variant);
          for (let k = 1; k <= 4; k++) {
            useWindows({ qubits: k, minStateQubits: 0 });
            for (const precision of ["double", "single"] as const) {
              const out = simulate(c, {
                shots: 0,
                statevector: true,
                seed: 1,
                precision,
                blocking: { chunkQubits: 6, highQubits: 2 },
              });
              if (!out.ok) throw new Error(out.error.message);
              expect(fidelity(out.result.statevector!, want)).toBeGreaterThan(
                precision === "double" ? 1 - 1e-10 : 1 - 1e-5,
              );
            }
          }
        }
      }
    });

    it.each([2, 3])(
      "agrees with the dense reference on a 2-thread pool with windows of %i qubits, plain and relaxed",
      async (k) => {
        const saved = [
          process.env.STEPFAULT_WINDOW,
          process.env.STEPFAULT_SIMD,
        ];
        try {
          for (const variant of VARIANTS) {
            // Workers read the setting from the environment they start with.
            process.env.STEPFAULT_WINDOW = `${k}:0`;
            process.env.STEPFAULT_SIMD = variant;
            useWindows({ qubits: k, minStateQubits: 0 });
            useSimdVariant(variant);
            const pool = await ThreadPool.start(2);
            try {
              for (let seed = 1; seed <= 2; seed++) {
                const c = randomCircuit(8, 60, seededRng(seed * 13 + k));
                const want = reference(c);
                for (const precision of ["double", "single"] as const) {
                  const out = simulateOn(
                    c,
                    {
                      shots: 0,
                      statevector: true,
                      seed: 1,
                      precision,
                      blocking: { chunkQubits: 5, highQubits: 2 },
                    },
                    pool.engine(),
                  );
                  pool.reset();
                  if (!out.ok) throw new Error(out.error.message);
                  expect(
                    fidelity(out.result.statevector!, want),
                  ).toBeGreaterThan(
                    precision === "double" ? 1 - 1e-10 : 1 - 1e-5,
                  );
                }
              }
            } finally {
              await pool.close();
            }
          }
        } finally {
          const [w, s] = saved;
          if (w === undefined) delete process.env.STEPFAULT_WINDOW;
          else process.env.STEPFAULT_WINDOW = w;
          if (s === undefined) delete process.env.STEPFAULT_SIMD;
          else process.env.STEPFAULT_SIMD = s;
        }
      },
    );
  });
});
