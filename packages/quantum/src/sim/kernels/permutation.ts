/**
 * Permutation kernels: (controlled) X and SWAP only move amplitudes, with no arithmetic.
 *
 * Index arithmetic: `bits` holds the targets and controls sorted ascending. The outer index k in
 * [0, N / 2^bits.length) becomes a base index i by inserting a zero bit at each position of `bits`,
 * then i |= cmask. X on t swaps i and i | 1<<t; SWAP on (q0, q1) swaps i | 1<<q0 and i | 1<<q1.
 */
import type { Amplitudes } from "./one-qubit.ts";

/** Swaps the amplitudes at array offsets p + oa and p + ob for every base index p; [begin, end) outer indices. */
export function applySwapPairs(
  a: Amplitudes,
  bits: Int32Array,
  cmask: number,
  oa: number,
  ob: number,
  begin: number,
  end: number,
): void {
  const nb = bits.length;
  if (nb === 2) {
    applySwapPairs2(a, bits[0], bits[1], cmask, oa, ob, begin, end);
    return;
  }
  for (let k = begin; k < end; k++) {
    let i = k;
    for (let b = 0; b < nb; b++) {
      const q = bits[b];
      i = ((i >> q) << (q + 1)) | (i & ((1 << q) - 1));
    }
    const p = 2 * (i | cmask);
    const x = p + oa,
      y = p + ob;
    const r = a[x],
      im = a[x + 1];
    a[x] = a[y];
    a[x + 1] = a[y + 1];
    a[y] = r;
    a[y + 1] = im;
  }
}

/** The two-bit shape (cx, swap): both insertions unrolled with masks hoisted out of the loop. */
export function applySwapPairs2(
  a: Amplitudes,
  lo: number,
  hi: number,
  cmask: number,
  oa: number,
  ob: number,
  begin: number,
  end: number,
): void {
  const loMask = (1 << lo) - 1,
    hiMask = (1 << hi) - 1;
  for (let k = begin; k < end; k++) {
    let i = ((k >> lo) << (lo + 1)) | (k & loMask);
    i = ((i >> hi) << (hi + 1)) | (i & hiMask);
    const p = 2 * (i | cmask);
    const x = p + oa,
      y = p + ob;
    const r = a[x],
      im = a[x + 1];
    a[x] = a[y];
    a[x + 1] = a[y + 1];
    a[y] = r;
    a[y + 1] = im;
  }
}
