/**
 * Dense 2x2 kernels on one target qubit t (no controls).
 *
 * Index arithmetic: the outer index k in [0, N/2) enumerates the amplitude pairs
 * (i, i | 1<<t) where i = ((k >> t) << (t + 1)) | (k & (2^t - 1)) inserts a zero bit at t.
 * Runs of consecutive k with the same high part map to consecutive i, so the loop walks one run
 * at a time (high-qubit shape); t = 0 pairs neighbours (low-qubit shape). Amplitude i lives at
 * a[2i] (re) and a[2i+1] (im). m is [m00, m01, m10, m11], interleaved re/im, row-major.
 */

/** A statevector: interleaved re/im, little-endian qubit order. */
export type Amplitudes = Float64Array | Float32Array;

/** Applies the 2x2 matrix m to qubit t for outer indices [begin, end) of N/2 pairs. */
export function applyMat1(
  a: Amplitudes,
  t: number,
  m: Float64Array,
  begin: number,
  end: number,
): void {
  if (t === 0) {
    applyMat1Low(a, m, begin, end);
    return;
  }
  const m00r = m[0],
    m00i = m[1],
    m01r = m[2],
    m01i = m[3];
  const m10r = m[4],
    m10i = m[5],
    m11r = m[6],
    m11i = m[7];
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
      a[p] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
      a[p + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
      a[q] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
      a[q + 1] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
    }
  }
}

/** The t = 0 case: pair k is amplitudes (2k, 2k+1), contiguous in memory. */
export function applyMat1Low(
  a: Amplitudes,
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
  const pEnd = 4 * end;
  for (let p = 4 * begin; p < pEnd; p += 4) {
    const ar = a[p],
      ai = a[p + 1],
      br = a[p + 2],
      bi = a[p + 3];
    a[p] = m00r * ar - m00i * ai + m01r * br - m01i * bi;
    a[p + 1] = m00r * ai + m00i * ar + m01r * bi + m01i * br;
    a[p + 2] = m10r * ar - m10i * ai + m11r * br - m11i * bi;
    a[p + 3] = m10r * ai + m10i * ar + m11r * bi + m11i * br;
  }
}
