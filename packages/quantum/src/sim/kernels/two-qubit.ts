/**
 * Dense 4x4 kernel on two target qubits (q0 is the matrix index's least-significant bit).
 *
 * Index arithmetic: with lo < hi the sorted targets, the outer index k in [0, N/4) becomes the base
 * index i = insert a zero bit at lo, then at hi: i = ((k >> lo) << (lo+1)) | (k & (2^lo - 1)), then the same
 * with hi. The four amplitudes are i, i|b0, i|b1, i|b0|b1 with b0 = 1<<q0, b1 = 1<<q1 (matrix
 * rows/columns 0..3). The matrix is read into locals once; the loop body is fully unrolled.
 */
import type { Amplitudes } from "./one-qubit.ts";

/** Applies the 4x4 matrix m (interleaved, row-major) to (q0, q1) for outer indices [begin, end) of N/4. */
export function applyMat2(
  a: Amplitudes,
  q0: number,
  q1: number,
  m: Float64Array,
  begin: number,
  end: number,
): void {
  const lo = Math.min(q0, q1),
    hi = Math.max(q0, q1);
  const loMask = (1 << lo) - 1,
    hiMask = (1 << hi) - 1;
  const o1 = 2 * 2 ** q0,
    o2 = 2 * 2 ** q1,
    o3 = o1 + o2;
  const a00r = m[0],
    a00i = m[1],
    a01r = m[2],
    a01i = m[3],
    a02r = m[4],
    a02i = m[5],
    a03r = m[6],
    a03i = m[7];
  const a10r = m[8],
    a10i = m[9],
    a11r = m[10],
    a11i = m[11],
    a12r = m[12],
    a12i = m[13],
    a13r = m[14],
    a13i = m[15];
  const a20r = m[16],
    a20i = m[17],
    a21r = m[18],
    a21i = m[19],
    a22r = m[20],
    a22i = m[21],
    a23r = m[22],
    a23i = m[23];
  const a30r = m[24],
    a30i = m[25],
    a31r = m[26],
    a31i = m[27],
    a32r = m[28],
    a32i = m[29],
    a33r = m[30],
    a33i = m[31];
  for (let k = begin; k < end; k++) {
    let i = ((k >> lo) << (lo + 1)) | (k & loMask);
    i = ((i >> hi) << (hi + 1)) | (i & hiMask);
    const p0 = 2 * i,
      p1 = p0 + o1,
      p2 = p0 + o2,
      p3 = p0 + o3;
    const x0r = a[p0],
      x0i = a[p0 + 1],
      x1r = a[p1],
      x1i = a[p1 + 1];
    const x2r = a[p2],
      x2i = a[p2 + 1],
      x3r = a[p3],
      x3i = a[p3 + 1];
    a[p0] =
      a00r * x0r -
      a00i * x0i +
      a01r * x1r -
      a01i * x1i +
      a02r * x2r -
      a02i * x2i +
      a03r * x3r -
      a03i * x3i;
    a[p0 + 1] =
      a00r * x0i +
      a00i * x0r +
      a01r * x1i +
      a01i * x1r +
      a02r * x2i +
      a02i * x2r +
      a03r * x3i +
      a03i * x3r;
    a[p1] =
      a10r * x0r -
      a10i * x0i +
      a11r * x1r -
      a11i * x1i +
      a12r * x2r -
      a12i * x2i +
      a13r * x3r -
      a13i * x3i;
    a[p1 + 1] =
      a10r * x0i +
      a10i * x0r +
      a11r * x1i +
      a11i * x1r +
      a12r * x2i +
      a12i * x2r +
      a13r * x3i +
      a13i * x3r;
    a[p2] =
      a20r * x0r -
      a20i * x0i +
      a21r * x1r -
      a21i * x1i +
      a22r * x2r -
      a22i * x2i +
      a23r * x3r -
      a23i * x3i;
    a[p2 + 1] =
      a20r * x0i +
      a20i * x0r +
      a21r * x1i +
      a21i * x1r +
      a22r * x2i +
      a22i * x2r +
      a23r * x3i +
      a23i * x3r;
    a[p3] =
      a30r * x0r -
      a30i * x0i +
      a31r * x1r -
      a31i * x1i +
      a32r * x2r -
      a32i * x2i +
      a33r * x3r -
      a33i * x3i;
    a[p3 + 1] =
      a30r * x0i +
      a30i * x0r +
      a31r * x1i +
      a31i * x1r +
      a32r * x2i +
      a32i * x2r +
      a33r * x3i +
      a33i * x3r;
  }
}
