import { describe, expect, it } from "vitest";
import { type SimdVariant, simdKernels } from "../../src/sim/wasm/simd.ts";
import { planStage } from "../../src/sim/wasm/stage.ts";
import { applyInstr, makeScratch } from "../../src/sim/execute.ts";
import { outerSize, type KernelInstr } from "../../src/sim/instructions.ts";
import { diagInstr, lowerControlled } from "../../src/sim/lower.ts";
import { seededRng } from "../helpers/dense.ts";
import { X, maxDiff, phase, randomStage, runTs } from "./random-stage.ts";

const L = 8; // chunk qubits

function runPlanned(
  single: boolean,
  subs: readonly KernelInstr[],
  init: Float64Array,
  variant?: SimdVariant,
): { out: Float64Array; passes: number } {
  const k = simdKernels(variant);
  if (!k) throw new Error("no SIMD kernels");
  const buf = k.buffer(single, init.length);
  buf.set(init);
  const steps = planStage(subs, single, L);
  for (const st of steps)
    if ("kind" in st) applyInstr(buf, st, 0, outerSize(st, L), makeScratch());
    else k.run(st);
  return { out: Float64Array.from(buf), passes: steps.length };
}

describe("SIMD stage planning (merged instructions)", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])(
    "random stage %i: merged SIMD passes (plain and relaxed) match the TypeScript kernels one by one, double and single",
    (seed) => {
      const rng = seededRng(seed * 131);
      const subs = randomStage(rng, 40, L);
      const init = Float64Array.from({ length: 2 << L }, () => rng() - 0.5);
      for (const single of [false, true])
        for (const variant of ["plain", "relaxed"] as const) {
          const want = runTs(single, subs, init, L);
          const got = runPlanned(single, subs, init, variant);
          expect(maxDiff(got.out, want)).toBeLessThan(single ? 1e-4 : 1e-12);
          expect(got.passes).toBeLessThan(subs.length);
        }
    },
  );

  it("folds cx and cz into the rotations around them: one pass per target qubit", () => {
    const rng = seededRng(5);
    const [c, s] = phase(rng);
    const rx = (t: number): KernelInstr =>
      lowerControlled([t], [], Float64Array.of(c, 0, 0, -s, 0, -s, c, 0));
    const ry = (t: number): KernelInstr =>
      lowerControlled([t], [], Float64Array.of(c, 0, -s, 0, s, 0, c, 0));
    const subs = [
      rx(0),
      ry(3),
      lowerControlled([3], [0], X), // cx 0 -> 3 joins ry(3)
      diagInstr([0, 5], Float64Array.of(1, 0, 1, 0, 1, 0, -1, 0)), // cz 0,5 joins rx(0)
      ry(5),
    ];
    const init = Float64Array.from({ length: 2 << L }, () => rng() - 0.5);
    for (const single of [false, true]) {
      const got = runPlanned(single, subs, init);
      expect(got.passes).toBe(3);
      expect(maxDiff(got.out, runTs(single, subs, init, L))).toBeLessThan(
        single ? 1e-5 : 1e-13,
      );
    }
  });

  it("keeps instructions it cannot plan (SWAP, dense 4x4) in order, run by the TypeScript kernels", () => {
    const subs = randomStage(seededRng(77), 30, L);
    const steps = planStage(subs, false, L);
    const kept = steps.filter((s) => "kind" in s);
    expect(kept).toEqual(
      subs.filter((s) => (s.kind === "swap" ? s.oa !== 0 : s.kind === "mat2")),
    );
  });
});
