import { describe, expect, it } from "vitest";
import { simdKernels } from "../../src/sim/wasm/simd.ts";
import { applyMat1 } from "../../src/sim/kernels/one-qubit.ts";
import { seededRng } from "../helpers/dense.ts";

describe("WebAssembly SIMD kernels", () => {
  const k = simdKernels();

  it("are available in Node (so the SIMD path is really under test)", () => {
    expect(k).toBeDefined();
  });

  it.each([
    [false, 0],
    [false, 1],
    [false, 4],
    [false, 7],
    [true, 1],
    [true, 2],
    [true, 7],
  ])(
    "a general 2x2 (single=%s) on qubit %i of a chunk matches the TypeScript kernel",
    (single, t) => {
      if (!k) throw new Error("no SIMD kernels");
      const rng = seededRng(17 + t);
      const n = 8;
      const len = 2 << n;
      const buf = k.buffer(single, len);
      const ref = single ? new Float32Array(len) : new Float64Array(len);
      for (let i = 0; i < len; i++) ref[i] = buf[i] = rng() - 0.5;
      const m = Float64Array.from({ length: 8 }, () => rng() * 2 - 1);
      expect(k.handles(single, t)).toBe(true);
      k.mat1(single, t, m, 1 << (n - 1));
      applyMat1(ref, t, m, 0, 1 << (n - 1));
      let diff = 0,
        moved = 0;
      for (let i = 0; i < len; i++) {
        diff = Math.max(diff, Math.abs(buf[i] - ref[i]));
        moved += Math.abs(ref[i]);
      }
      expect(moved).toBeGreaterThan(0);
      expect(diff).toBeLessThan(single ? 1e-6 : 1e-14);
    },
  );

  it("grows its memory for a larger chunk and keeps working", () => {
    if (!k) throw new Error("no SIMD kernels");
    const len = 2 << 16; // 1 MiB of doubles: beyond the initial page
    const buf = k.buffer(false, len);
    buf.fill(0);
    buf[0] = 1;
    // X on qubit 15 moves amplitude 0 to 2^15
    k.mat1(false, 15, Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0), 1 << 15);
    expect(buf[0]).toBe(0);
    expect(buf[2 << 15]).toBe(1);
    expect(k.handles(true, 0)).toBe(false);
  });
});
