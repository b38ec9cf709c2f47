/**
 * Cheap one-gate kernels for structured matrices (about half the arithmetic of a general 2x2):
 * a real 2x2 (ry, h, their products), the rx shape [[c, i s], [i s, c]], and a phase on the
 * amplitudes whose `cmask` bits are all set (cz, cp, ccz, and rz / p once their global phase is
 * factored out).
 *
 * Index arithmetic as in one-qubit.ts (outer index k in [0, N/2) inserts a zero bit at t, pairs
 * (i, i | 1<<t)) and controlled.ts (insert zero bits at the sorted `bits`, then OR in cmask).
 */
import type { Amplitudes } from "./one-qubit.ts";

/** Applies the real 2x2 [[m0, m1], [m2, m3]] (real parts of the interleaved m) to qubit t over outer [begin, end). */
export function applyMat1Real(
  a: Amplitudes,
  t: number,
  m: Float64Array,
  begin: number,
  end: number,
): void {
  const u00 = m[0],
    u01 = m[2],
    u10 = m[4],
    u11 = m[6];
  if (t === 0) {
    for (let p = 4 * begin, pe = 4 * end; p < pe; p += 4) {
      const ar = a[p],
        ai = a[p + 1],
        br = a[p + 2],
        bi = a[p + 3];
      a[p] = u00 * ar + u01 * br;
      a[p + 1] = u00 * ai + u01 * bi;
      a[p + 2] = u10 * ar + u11 * br;
      a[p + 3] = u10 * ai + u11 * bi;
    }
    return;
  }
  const lo = (1 << t) - 1;
  const off = 2 * 2 ** t;
  let k = begin;
  while (k < end) {
    const runEnd = Math.min(end, (k | lo) + 1);
    let p = 2 * (((k >> t) << (t + 1)) | (k & lo));
    for (; k < runEnd; k++, p += 2) {
      const q = p + off;
      const ar = a[p],
        ai = a[p + 1],
        br = a[q],
        bi = a[q + 1];
      a[p] = u00 * ar + u01 * br;
      a[p + 1] = u00 * ai + u01 * bi;
      a[q] = u10 * ar + u11 * br;
      a[q + 1] = u10 * ai + u11 * bi;
    }
  }
}

/** Applies [[c, i s], [i s, c]] (c = m00 real, s = imag of m01) to qubit t over outer [begin, end). */
export function applyMat1Rx(
  a: Amplitudes,
  t: number,
  m: Float64Array,
  begin: number,
  end: number,
): void {
  const c = m[0],
    s = m[3];
  if (t === 0) {
    for (let p = 4 * begin, pe = 4 * end; p < pe; p += 4) {
      const ar = a[p],
        ai = a[p + 1],
        br = a[p + 2],
        bi = a[p + 3];
      a[p] = c * ar - s * bi;
      a[p + 1] = c * ai + s * br;
      a[p + 2] = c * br - s * ai;
      a[p + 3] = c * bi + s * ar;
    }
    return;
  }
  const lo = (1 << t) - 1;
  const off = 2 * 2 ** t;
  let k = begin;
  while (k < end) {
    const runEnd = Math.min(end, (k | lo) + 1);
    let p = 2 * (((k >> t) << (t + 1)) | (k & lo));
    for (; k < runEnd; k++, p += 2) {
      const q = p + off;
      const ar = a[p],
        ai = a[p + 1],
        br = a[q],
        bi = a[q + 1];
      a[p] = c * ar - s * bi;
      a[p + 1] = c * ai + s * br;
      a[q] = c * br - s * ai;
      a[q + 1] = c * bi + s * ar;
    }
  }
}

/** Multiplies by (dr, di) every amplitude whose bits `cmask` are all set; `bits` = those positions, sorted; outer N >> bits.length. */
export function applyPhaseMask(
  a: Amplitudes,
  bits: Int32Array,
  cmask: number,
  dr: number,
  di: number,
  begin: number,
  end: number,
): void {
  const nb = bits.length;
  if (nb === 1 && bits[0] >= 3) {
    // Runs of 2^t consecutive amplitudes with bit t set (short runs take the general loop).
    const t = bits[0];
    const lo = (1 << t) - 1;
    let k = begin;
    while (k < end) {
      const runEnd = Math.min(end, (k | lo) + 1);
      let p = 2 * ((((k >> t) << (t + 1)) | (k & lo)) + (1 << t));
      for (; k < runEnd; k++, p += 2) {
        const xr = a[p],
          xi = a[p + 1];
        a[p] = dr * xr - di * xi;
        a[p + 1] = dr * xi + di * xr;
      }
    }
    return;
  }
  if (nb === 2) {
    const b0 = bits[0],
      b1 = bits[1];
    const m0 = (1 << b0) - 1,
      m1 = (1 << b1) - 1;
    for (let k = begin; k < end; k++) {
      let i = ((k >> b0) << (b0 + 1)) | (k & m0);
      i = ((i >> b1) << (b1 + 1)) | (i & m1);
      const p = 2 * (i | cmask);
      const xr = a[p],
        xi = a[p + 1];
      a[p] = dr * xr - di * xi;
      a[p + 1] = dr * xi + di * xr;
    }
    return;
  }
  for (let k = begin; k < end; k++) {
    let i = k;
    for (let b = 0; b < nb; b++) {
      const q = bits[b];
      i = ((i >> q) << (q + 1)) | (i & ((1 << q) - 1));
    }
    const p = 2 * (i | cmask);
    const xr = a[p],
      xi = a[p + 1];
    a[p] = dr * xr - di * xi;
    a[p + 1] = dr * xi + di * xr;
  }
}

/**
 * A diagonal on 2 or 3 qubits with d[0] = 1: for each group of 2^k amplitudes (outer index k in
 * [0, N >> k), zero bits inserted at the sorted `bits`), entry j multiplies the amplitude at array
 * offset offs[j]; entry 0 is skipped. No per-amplitude table lookups.
 */
export function applyDiagGroups(
  a: Amplitudes,
  bits: Int32Array,
  offs: Float64Array,
  d: Float64Array,
  begin: number,
  end: number,
): void {
  const nb = bits.length;
  const dn = offs.length;
  if (nb === 2) {
    applyDiagGroups2(a, bits[0], bits[1], offs, d, begin, end);
    return;
  }
  for (let k = begin; k < end; k++) {
    let i = k;
    for (let b = 0; b < nb; b++) {
      const q = bits[b];
      i = ((i >> q) << (q + 1)) | (i & ((1 << q) - 1));
    }
    const p0 = 2 * i;
    for (let j = 1; j < dn; j++) {
      const p = p0 + offs[j];
      const dr = d[2 * j],
        di = d[2 * j + 1];
      const xr = a[p],
        xi = a[p + 1];
      a[p] = dr * xr - di * xi;
      a[p + 1] = dr * xi + di * xr;
    }
  }
}

/** The 2-qubit case of applyDiagGroups, unrolled (lo < hi the sorted qubits). */
export function applyDiagGroups2(
  a: Amplitudes,
  lo: number,
  hi: number,
  offs: Float64Array,
  d: Float64Array,
  begin: number,
  end: number,
): void {
  const m0 = (1 << lo) - 1,
    m1 = (1 << hi) - 1;
  const o1 = offs[1],
    o2 = offs[2],
    o3 = offs[3];
  const d1r = d[2],
    d1i = d[3],
    d2r = d[4],
    d2i = d[5],
    d3r = d[6],
    d3i = d[7];
  for (let k = begin; k < end; k++) {
    let i = ((k >> lo) << (lo + 1)) | (k & m0);
    i = ((i >> hi) << (hi + 1)) | (i & m1);
    const p0 = 2 * i;
    const p1 = p0 + o1,
      p2 = p0 + o2,
      p3 = p0 + o3;
    const x1r = a[p1],
      x1i = a[p1 + 1],
      x2r = a[p2],
      x2i = a[p2 + 1],
      x3r = a[p3],
      x3i = a[p3 + 1];
    a[p1] = d1r * x1r - d1i * x1i;
    a[p1 + 1] = d1r * x1i + d1i * x1r;
    a[p2] = d2r * x2r - d2i * x2i;
    a[p2 + 1] = d2r * x2i + d2i * x2r;
    a[p3] = d3r * x3r - d3i * x3i;
    a[p3 + 1] = d3r * x3i + d3i * x3r;
  }
}
