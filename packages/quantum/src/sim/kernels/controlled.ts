/**
 * Controlled 2x2 kernel: a 2x2 matrix on target t applied where every control bit is 1.
 *
 * Index arithmetic: `bits` holds the target and the control positions sorted ascending (c+1 of
 * them). The outer index k in [0, N / 2^(c+1)) becomes i by inserting a zero bit at each position
 * in `bits` (ascending), then i |= cmask sets the controls. The pair is (i, i | 1<<t).
 */
import type { Amplitudes } from "./one-qubit.ts";

/** Inserts zero bits at the ascending positions in `bits` into k. */
export function insertZeroBits(k: number, bits: Int32Array): number {
  let i = k;
  for (let b = 0; b < bits.length; b++) {
    const q = bits[b];
    i = ((i >> q) << (q + 1)) | (i & ((1 << q) - 1));
  }
  return i;
}

/** Applies the 2x2 matrix m on t where all bits of cmask are set, for outer indices [begin, end). */
export function applyMat1Controlled(
  a: Amplitudes,
  t: number,
  bits: Int32Array,
  cmask: number,
  m: Float64Array,
  begin: number,
  end: number,
): void {
  const m00r = m[0],
    m00i = m[1],
    m01r = m[2],
    m01i = m[3];
  const m10r = m[4],
    m10i = m[5],
    m11r = m[6],
    m11i = m[7];
  const off = 2 * 2 ** t;
  const nb = bits.length;
  for (let k = begin; k < end; k++) {
    let i = k;
    for (let b = 0; b < nb; b++) {
      const q = bits[b];
      i = ((i >> q) << (q + 1)) | (i & ((1 << q) - 1));
    }
    const p = 2 * (i | cmask),
      q = p + off;
    const ar = a[p],
      ai = a[p + 1],
      br = a[q],
      bi = a[q + 1];
    a[p] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
    a[p + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
    a[q] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
    a[q + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
  }
}
