/**
 * General dense kernel: a 2^k x 2^k matrix on k targets, optionally controlled (used for fused
 * blocks of 3+ qubits and for controlled multi-qubit gates).
 *
 * Index arithmetic: `bits` holds the targets and the controls sorted ascending. The outer index k
 * in [0, N / 2^bits.length) becomes a base index i by inserting a zero bit at each position in
 * `bits` (ascending), then i |= cmask. Matrix column/row j (bit b of j is target b) sits at
 * amplitude i + off(j), where offs[j] = 2 * sum of (1 << targets[b]) over the set bits b of j (in
 * array units). The 2^k amplitudes are gathered into `scratch` (re at [j], im at [D + j]), then
 * multiplied and scattered back.
 */
import type { Amplitudes } from "./one-qubit.ts";

/** Array offsets (2 * amplitude offset) of the 2^k matrix indices over `targets` (targets[0] = LSB). */
export function matrixOffsets(targets: readonly number[]): Float64Array {
  const d = 1 << targets.length;
  const offs = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let o = 0;
    for (let b = 0; b < targets.length; b++)
      if ((j >> b) & 1) o += 2 * 2 ** targets[b];
    offs[j] = o;
  }
  return offs;
}

/** Applies the dense matrix m on the targets encoded by offs, where cmask is set, for outer indices [begin, end). */
export function applyMatK(
  a: Amplitudes,
  offs: Float64Array,
  bits: Int32Array,
  cmask: number,
  m: Float64Array,
  scratch: Float64Array,
  begin: number,
  end: number,
): void {
  const d = offs.length;
  const nb = bits.length;
  for (let k = begin; k < end; k++) {
    let i = k;
    for (let b = 0; b < nb; b++) {
      const q = bits[b];
      i = ((i >> q) << (q + 1)) | (i & ((1 << q) - 1));
    }
    const p = 2 * (i | cmask);
    for (let j = 0; j < d; j++) {
      const x = p + offs[j];
      scratch[j] = a[x];
      scratch[d + j] = a[x + 1];
    }
    let mi = 0;
    for (let r = 0; r < d; r++) {
      let sr = 0,
        si = 0;
      for (let j = 0; j < d; j++) {
        const mr = m[mi],
          mim = m[mi + 1];
        mi += 2;
        const xr = scratch[j],
          xi = scratch[d + j];
        sr += mr * xr - mim * xi;
        si += mr * xi + mim * xr;
      }
      const x = p + offs[r];
      a[x] = sr;
      a[x + 1] = si;
    }
  }
}
