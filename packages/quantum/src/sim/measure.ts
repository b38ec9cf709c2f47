/**
 * Measurement on a statevector: one-qubit probabilities and collapse (trajectories), and sampling
 * many shots from the final distribution with sorted uniforms over the cumulative distribution
 * (one pass over the state, no second 2^n buffer).
 */
import type { Rng } from "../math/rng.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";

/** Probability that qubit q reads 1 (relative to the state's norm, which is returned too). */
export function probabilityOfOne(
  a: Amplitudes,
  q: number,
): { p1: number; norm: number } {
  let one = 0,
    all = 0;
  const n2 = a.length;
  for (let p = 0, i = 0; p < n2; p += 2, i++) {
    const w = a[p] * a[p] + a[p + 1] * a[p + 1];
    all += w;
    if ((i >> q) & 1) one += w;
  }
  return { p1: all > 0 ? one / all : 0, norm: all };
}

/** Projects qubit q onto `bit` and renormalises (prob is the outcome's probability). */
export function collapse(
  a: Amplitudes,
  q: number,
  bit: number,
  prob: number,
  norm: number,
): void {
  const s = 1 / Math.sqrt(prob * norm);
  const n2 = a.length;
  for (let p = 0, i = 0; p < n2; p += 2, i++) {
    if (((i >> q) & 1) === bit) {
      a[p] *= s;
      a[p + 1] *= s;
    } else {
      a[p] = 0;
      a[p + 1] = 0;
    }
  }
}

/** Flips qubit q (X), used by reset after measuring 1. */
export function flipQubit(a: Amplitudes, q: number): void {
  const n2 = a.length;
  const off = 2 * 2 ** q;
  for (let p = 0, k = 0; p < n2; p += 2, k++) {
    if ((k >> q) & 1) continue;
    const x = p + off;
    const r = a[p],
      i = a[p + 1];
    a[p] = a[x];
    a[p + 1] = a[x + 1];
    a[x] = r;
    a[x + 1] = i;
  }
}

/**
 * Amplitudes per block of the blocked sum of squares. The blocks are the same on any number of
 * threads and their sums are added in block order, so the norm is bit-identical however it is split.
 */
export const NORM_BLOCK_AMPS = 2 ** 14;

/** Number of norm blocks of a state. */
export function normBlocks(a: Amplitudes): number {
  return Math.ceil(a.length / 2 / NORM_BLOCK_AMPS);
}

/** Writes the sum of |a_i|^2 over each norm block b in [b0, b1) to out[b]. */
export function blockSumSquares(
  a: Amplitudes,
  b0: number,
  b1: number,
  out: Float64Array,
): void {
  const step = 2 * NORM_BLOCK_AMPS;
  for (let b = b0; b < b1; b++) {
    const end = Math.min(a.length, (b + 1) * step);
    let s = 0;
    for (let p = b * step; p < end; p++) s += a[p] * a[p];
    out[b] = s;
  }
}

/** The squared norm of a, summed block by block (see `NORM_BLOCK_AMPS`). */
export function sumSquares(a: Amplitudes): number {
  const step = 2 * NORM_BLOCK_AMPS;
  let total = 0;
  for (let start = 0; start < a.length; start += step) {
    const end = Math.min(a.length, start + step);
    let s = 0;
    for (let p = start; p < end; p++) s += a[p] * a[p];
    total += s;
  }
  return total;
}

/**
 * Samples `shots` basis indices from |a|^2: sorted uniforms (scaled by the norm) walked against the
 * running cumulative sum. Returns a map from basis index to how many shots gave it. `norm` is the
 * state's `sumSquares` when the caller has it (the thread pool computes it on every thread).
 */
export function sampleIndices(
  a: Amplitudes,
  shots: number,
  rng: Rng,
  norm?: number,
): Map<number, number> {
  const out = new Map<number, number>();
  if (shots === 0) return out;
  norm ??= sumSquares(a);
  const u = new Float64Array(shots);
  for (let s = 0; s < shots; s++) u[s] = rng.nextDouble() * norm;
  u.sort();
  let cum = 0,
    s = 0,
    lastNonZero = 0;
  const dim = a.length / 2; // not >> 1: at 30 qubits the length is 2^31
  for (let i = 0; i < dim && s < shots; i++) {
    const w = a[2 * i] * a[2 * i] + a[2 * i + 1] * a[2 * i + 1];
    if (w === 0) continue;
    lastNonZero = i;
    cum += w;
    let c = 0;
    while (s < shots && u[s] < cum) {
      s++;
      c++;
    }
    if (c > 0) out.set(i, (out.get(i) ?? 0) + c);
  }
  // Rounding can leave the last few uniforms just above the final sum: give them to the last state with weight.
  if (s < shots)
    out.set(lastNonZero, (out.get(lastNonZero) ?? 0) + (shots - s));
  return out;
}
