/**
 * Diagonal kernels: every amplitude is multiplied by one entry of a diagonal chosen by some of
 * its index bits (rz, p, cz, cp, fused runs of them, controlled phases).
 *
 * Index arithmetic: the outer index is the amplitude index i itself, in [0, N). The diagonal index
 * j gathers bit qs[b] of i into bit b of j; d holds 2^k entries, interleaved re/im. The gather is
 * three table lookups, one per 11-bit chunk of i: j = g[i & 2047] | g[2048 + (i >> 11 & 2047)] |
 * g[4096 + (i >> 22)]. The one-qubit shape walks runs of 2^t amplitudes that share bit t, so no
 * per-amplitude gather is needed.
 */
import type { Amplitudes } from "./one-qubit.ts";

/** Tables already built, by qubit list (shared: the kernels only read them). */
const tableCache = new Map<string, Int32Array>();
const TABLE_CACHE_SIZE = 1024;

/**
 * The three 2048-entry tables mapping each 11-bit chunk of an index to its gathered bits of qs
 * (read-only: one table is shared by every instruction on the same qubit list).
 */
export function gatherTables(qs: Int32Array): Int32Array {
  const key = qs.join(",");
  let g = tableCache.get(key);
  if (!g) {
    if (tableCache.size >= TABLE_CACHE_SIZE) tableCache.clear();
    g = buildGatherTables(qs);
    tableCache.set(key, g);
  }
  return g;
}

function buildGatherTables(qs: Int32Array): Int32Array {
  const g = new Int32Array(3 * 2048);
  const bitOf = new Int32Array(11); // what bit x of the chunk contributes to j
  for (let chunk = 0; chunk < 3; chunk++) {
    bitOf.fill(0);
    for (let b = 0; b < qs.length; b++) {
      const bit = qs[b] - 11 * chunk;
      if (bit >= 0 && bit < 11) bitOf[bit] = 1 << b;
    }
    // Entry x is entry x without its lowest set bit, plus that bit's contribution.
    const base = 2048 * chunk;
    for (let x = 1; x < 2048; x++)
      g[base + x] = g[base + (x & (x - 1))] | bitOf[31 - Math.clz32(x & -x)];
  }
  return g;
}

/** Multiplies amplitude i by d[j(i)] for i in [begin, end), j gathering the bits qs of i (tables g). */
export function applyDiag(
  a: Amplitudes,
  qs: Int32Array,
  d: Float64Array,
  g: Int32Array,
  begin: number,
  end: number,
): void {
  if (qs.length === 1) {
    applyDiag1(a, qs[0], d, begin, end);
    return;
  }
  if (qs.length === 0) {
    applyDiagScalar(a, d[0], d[1], begin, end);
    return;
  }
  for (let i = begin; i < end; i++) {
    const j = g[i & 2047] | g[2048 + ((i >> 11) & 2047)] | g[4096 + (i >> 22)];
    const dr = d[2 * j],
      di = d[2 * j + 1];
    if (dr === 1 && di === 0) continue;
    const p = 2 * i;
    const xr = a[p],
      xi = a[p + 1];
    a[p] = dr * xr - di * xi;
    a[p + 1] = dr * xi + di * xr;
  }
}

/** One-qubit diagonal diag(d0, d1) on qubit t over amplitudes [begin, end); skips a unit d0. */
export function applyDiag1(
  a: Amplitudes,
  t: number,
  d: Float64Array,
  begin: number,
  end: number,
): void {
  const d0r = d[0],
    d0i = d[1],
    d1r = d[2],
    d1i = d[3];
  const skip0 = d0r === 1 && d0i === 0;
  const s = 1 << t;
  let i = begin;
  while (i < end) {
    const runEnd = Math.min(end, (i | (s - 1)) + 1);
    const one = (i >> t) & 1;
    if (one === 0 && skip0) {
      i = runEnd;
      continue;
    }
    const dr = one ? d1r : d0r,
      di = one ? d1i : d0i;
    for (let p = 2 * i, pe = 2 * runEnd; p < pe; p += 2) {
      const xr = a[p],
        xi = a[p + 1];
      a[p] = dr * xr - di * xi;
      a[p + 1] = dr * xi + di * xr;
    }
    i = runEnd;
  }
}

/** Multiplies every amplitude in [begin, end) by one complex number. */
export function applyDiagScalar(
  a: Amplitudes,
  dr: number,
  di: number,
  begin: number,
  end: number,
): void {
  for (let p = 2 * begin, pe = 2 * end; p < pe; p += 2) {
    const xr = a[p],
      xi = a[p + 1];
    a[p] = dr * xr - di * xi;
    a[p + 1] = dr * xi + di * xr;
  }
}
