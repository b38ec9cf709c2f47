import { describe, expect, it } from "vitest";
import {
  type SimdVariant,
  planInstr,
  relaxedSimdAvailable,
  simdKernels,
} from "../../src/sim/wasm/simd.ts";
import { applyInstr, makeScratch } from "../../src/sim/execute.ts";
import { outerSize, type KernelInstr } from "../../src/sim/instructions.ts";
import { diagInstr, lowerControlled } from "../../src/sim/lower.ts";
import { seededRng } from "../helpers/dense.ts";

const L = 9; // chunk qubits

function randomUnitaryish(rng: () => number, d: number): Float64Array {
  return Float64Array.from({ length: 2 * d * d }, () => rng() * 2 - 1);
}

function unitPhase(rng: () => number): [number, number] {
  const a = rng() * 2 * Math.PI;
  return [Math.cos(a), Math.sin(a)];
}

/** Every instruction shape the SIMD kernels take, on qubits chosen to hit lane and in-vector cases. */
function cases(): [string, KernelInstr][] {
  const rng = seededRng(4242);
  const out: [string, KernelInstr][] = [];
  for (const t of [0, 1, 2, 5, L - 1]) {
    out.push([
      `mat1 on ${t}`,
      lowerControlled([t], [], randomUnitaryish(rng, 2)),
    ]);
    const [c, s] = unitPhase(rng);
    out.push([
      `ry-shaped (real) on ${t}`,
      lowerControlled([t], [], Float64Array.of(c, 0, -s, 0, s, 0, c, 0)),
    ]);
    out.push([
      `rx-shaped on ${t}`,
      lowerControlled([t], [], Float64Array.of(c, 0, 0, -s, 0, -s, c, 0)),
    ]);
    const [pr, pi] = unitPhase(rng);
    out.push([`phase on ${t}`, diagInstr([t], Float64Array.of(1, 0, pr, pi))]);
  }
  const X = Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0);
  for (const [ctl, tgt] of [
    [0, 1],
    [1, 0],
    [0, 5],
    [5, 0],
    [3, 6],
    [6, 2],
  ]) {
    out.push([`cx ${ctl}->${tgt}`, lowerControlled([tgt], [ctl], X)]);
    out.push([
      `controlled 2x2 ${ctl}->${tgt}`,
      lowerControlled([tgt], [ctl], randomUnitaryish(rng, 2)),
    ]);
    const [pr, pi] = unitPhase(rng);
    out.push([
      `cz-like phase ${ctl},${tgt}`,
      diagInstr([ctl, tgt], Float64Array.of(1, 0, 1, 0, 1, 0, pr, pi)),
    ]);
  }
  out.push(["ccx 0,3->5", lowerControlled([5], [0, 3], X)]);
  out.push(["ccx 2,6->0", lowerControlled([0], [2, 6], X)]);
  out.push([
    "controlled-controlled 2x2 4,0->2",
    lowerControlled([2], [4, 0], randomUnitaryish(rng, 2)),
  ]);
  const diag = (qs: number[], first1: boolean): Float64Array => {
    const d = new Float64Array(2 << qs.length);
    for (let j = 0; j < 1 << qs.length; j++)
      [d[2 * j], d[2 * j + 1]] = unitPhase(rng);
    if (first1) [d[0], d[1]] = [1, 0];
    return d;
  };
  for (const qs of [
    [0, 1],
    [3, 0],
    [2, 5],
    [6, 0, 3],
    [1, 4, 2],
    [0, 1, 2, 3, 4],
    [6, 5, 0, 2, 1],
    [6, 5, 0, 2, 1, 3, 4],
    [1, 2, 3, 4, 5, 6, 0, 8],
  ])
    for (const first1 of [true, false])
      out.push([
        `diagonal on ${qs.join(",")}${first1 ? " (d0 = 1)" : ""}`,
        diagInstr(qs, diag(qs, first1)),
      ]);
  return out;
}

it("relaxed SIMD (fused multiply-add) is available in Node, switched on at run time where V8 keeps it behind a flag", () => {
  expect(relaxedSimdAvailable()).toBe(true);
  expect(simdKernels()?.variant).toBe("relaxed");
});

describe.each(["plain", "relaxed"] as SimdVariant[])(
  "WebAssembly SIMD kernels (%s)",
  (variant) => {
    const k = simdKernels(variant);

    it("are available in Node (so the SIMD path is really under test)", () => {
      expect(k).toBeDefined();
      expect(k?.variant).toBe(variant);
    });

    const all = cases();
    it("covers the shapes it claims (every case here is planned)", () => {
      for (const [name, instr] of all)
        for (const single of [false, true])
          expect(
            planInstr(instr, single, L),
            `${name} single=${single}`,
          ).toBeDefined();
      expect(all.map(([, i]) => i.kind)).toEqual(
        expect.arrayContaining([
          "mat1",
          "mat1r",
          "mat1x",
          "mat1c",
          "swap",
          "phase",
          "diag",
          "diagg",
        ]),
      );
    });

    it.each(
      all.flatMap(([name, instr]) => [
        [name, false, instr] as const,
        [name, true, instr] as const,
      ]),
    )(
      "%s (single=%s) matches the TypeScript kernel on a chunk",
      (_, single, instr) => {
        if (!k) throw new Error("no SIMD kernels");
        const rng = seededRng(17);
        const len = 2 << L;
        const buf = k.buffer(single, len);
        const ref = single ? new Float32Array(len) : new Float64Array(len);
        for (let i = 0; i < len; i++) ref[i] = buf[i] = rng() - 0.5;
        const before = Float64Array.from(ref);
        expect(k.apply(single, instr, L)).toBe(true);
        applyInstr(ref, instr, 0, outerSize(instr, L), makeScratch());
        let diff = 0,
          changed = 0;
        for (let i = 0; i < len; i++) {
          diff = Math.max(diff, Math.abs(buf[i] - ref[i]));
          changed = Math.max(changed, Math.abs(buf[i] - before[i]));
        }
        expect(changed).toBeGreaterThan(0);
        expect(diff).toBeLessThan(single ? 1e-6 : 1e-14);
      },
    );

    it("declines what it has no kernel for (a two-qubit dense matrix, SWAP), so the TypeScript kernel runs", () => {
      if (!k) throw new Error("no SIMD kernels");
      const m4 = randomUnitaryish(seededRng(3), 4);
      const swap = Float64Array.of(
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        1,
        0,
      );
      for (const instr of [
        lowerControlled([1, 3], [], m4),
        lowerControlled([1, 3], [], swap),
      ]) {
        k.buffer(false, 2 << L);
        expect(k.apply(false, instr, L)).toBe(false);
        expect(k.apply(true, instr, L)).toBe(false);
      }
    });

    it("grows its memory for a larger chunk and keeps working", () => {
      if (!k) throw new Error("no SIMD kernels");
      const len = 2 << 16; // 1 MiB of doubles: beyond the initial page
      const buf = k.buffer(false, len);
      buf.fill(0);
      buf[0] = 1;
      const x = lowerControlled(
        [15],
        [],
        Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0),
      );
      expect(k.apply(false, x, 16)).toBe(true);
      expect(buf[0]).toBe(0);
      expect(buf[2 << 15]).toBe(1);
    });
  },
);
