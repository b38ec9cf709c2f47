/**
 * Small dense complex matrices: square, row-major, interleaved (re, im) in a Float64Array, so
 * entry (r, c) of a d x d matrix is at [2 (r d + c), 2 (r d + c) + 1]. Meant for gate-sized
 * matrices (up to a few qubits) and reference computations, not for hot loops.
 */
import { type Complex, cpow, csqrt } from "./complex.ts";

/** The dimension d of a d x d interleaved matrix. */
export function matrixDim(m: Float64Array): number {
  const d = Math.round(Math.sqrt(m.length / 2));
  if (d * d * 2 !== m.length)
    throw new Error(`not a square complex matrix: length ${m.length}`);
  return d;
}

/** Builds a matrix from rows of complex entries given as [re, im] pairs or real numbers. */
export function matrixFromRows(
  rows: readonly (readonly (number | readonly [number, number])[])[],
): Float64Array {
  const d = rows.length;
  const out = new Float64Array(2 * d * d);
  for (let r = 0; r < d; r++) {
    if (rows[r].length !== d)
      throw new Error("matrixFromRows: rows must form a square matrix");
    for (let c = 0; c < d; c++) {
      const v = rows[r][c];
      const k = 2 * (r * d + c);
      if (typeof v === "number") out[k] = v;
      else {
        out[k] = v[0];
        out[k + 1] = v[1];
      }
    }
  }
  return out;
}

/** The d x d identity. */
export function identity(d: number): Float64Array {
  const out = new Float64Array(2 * d * d);
  for (let i = 0; i < d; i++) out[2 * (i * d + i)] = 1;
  return out;
}

/** The product a * b of two d x d matrices. */
export function matMul(a: Float64Array, b: Float64Array): Float64Array {
  const d = matrixDim(a);
  if (b.length !== a.length) throw new Error("matMul: dimension mismatch");
  const out = new Float64Array(2 * d * d);
  for (let r = 0; r < d; r++) {
    for (let k = 0; k < d; k++) {
      const ar = a[2 * (r * d + k)];
      const ai = a[2 * (r * d + k) + 1];
      if (ar === 0 && ai === 0) continue;
      for (let c = 0; c < d; c++) {
        const br = b[2 * (k * d + c)];
        const bi = b[2 * (k * d + c) + 1];
        out[2 * (r * d + c)] += ar * br - ai * bi;
        out[2 * (r * d + c) + 1] += ar * bi + ai * br;
      }
    }
  }
  return out;
}

/** The Kronecker product a (x) b; a acts on the high (most-significant) index bits. */
export function kron(a: Float64Array, b: Float64Array): Float64Array {
  const da = matrixDim(a);
  const db = matrixDim(b);
  const d = da * db;
  const out = new Float64Array(2 * d * d);
  for (let ar = 0; ar < da; ar++) {
    for (let ac = 0; ac < da; ac++) {
      const xr = a[2 * (ar * da + ac)];
      const xi = a[2 * (ar * da + ac) + 1];
      if (xr === 0 && xi === 0) continue;
      for (let br = 0; br < db; br++) {
        for (let bc = 0; bc < db; bc++) {
          const yr = b[2 * (br * db + bc)];
          const yi = b[2 * (br * db + bc) + 1];
          const k = 2 * ((ar * db + br) * d + ac * db + bc);
          out[k] = xr * yr - xi * yi;
          out[k + 1] = xr * yi + xi * yr;
        }
      }
    }
  }
  return out;
}

/** The conjugate transpose of a. */
export function dagger(a: Float64Array): Float64Array {
  const d = matrixDim(a);
  const out = new Float64Array(a.length);
  for (let r = 0; r < d; r++) {
    for (let c = 0; c < d; c++) {
      out[2 * (c * d + r)] = a[2 * (r * d + c)];
      out[2 * (c * d + r) + 1] = -a[2 * (r * d + c) + 1];
    }
  }
  return out;
}

/** s * a for a complex scalar s. */
export function scale(a: Float64Array, s: Complex): Float64Array {
  const out = new Float64Array(a.length);
  for (let k = 0; k < a.length; k += 2) {
    out[k] = a[k] * s.re - a[k + 1] * s.im;
    out[k + 1] = a[k] * s.im + a[k + 1] * s.re;
  }
  return out;
}

/** The largest entrywise distance |a_ij - b_ij|. */
export function maxDistance(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let k = 0; k < a.length; k += 2)
    m = Math.max(m, Math.hypot(a[k] - b[k], a[k + 1] - b[k + 1]));
  return m;
}

/** Whether a and b agree entrywise within tol. */
export function approxEqual(
  a: Float64Array,
  b: Float64Array,
  tol = 1e-9,
): boolean {
  return maxDistance(a, b) <= tol;
}

/**
 * The unit-modulus phase e^{i g} with a close to e^{i g} b (taken from b's largest entry), or
 * undefined when no such phase exists within tol.
 */
export function relativePhase(
  a: Float64Array,
  b: Float64Array,
  tol = 1e-9,
): Complex | undefined {
  if (a.length !== b.length) return undefined;
  let best = 0;
  let bestMag = -1;
  for (let k = 0; k < b.length; k += 2) {
    const m = Math.hypot(b[k], b[k + 1]);
    if (m > bestMag) {
      bestMag = m;
      best = k;
    }
  }
  if (bestMag <= tol)
    return maxDistance(a, b) <= tol ? { re: 1, im: 0 } : undefined;
  const d = bestMag * bestMag;
  const pr = (a[best] * b[best] + a[best + 1] * b[best + 1]) / d;
  const pi = (a[best + 1] * b[best] - a[best] * b[best + 1]) / d;
  const n = Math.hypot(pr, pi);
  if (n === 0) return undefined;
  const phase = { re: pr / n, im: pi / n };
  return maxDistance(a, scale(b, phase)) <= tol ? phase : undefined;
}

/** Whether a equals e^{i g} b for some real g, within tol. */
export function approxEqualUpToPhase(
  a: Float64Array,
  b: Float64Array,
  tol = 1e-9,
): boolean {
  return relativePhase(a, b, tol) !== undefined;
}

/** Whether a is unitary within tol (a^dagger a = I). */
export function isUnitary(a: Float64Array, tol = 1e-9): boolean {
  return approxEqual(matMul(dagger(a), a), identity(matrixDim(a)), tol);
}

/**
 * The principal power u^k (real k) of a 2x2 unitary, by Sylvester's formula over its eigenvalues
 * (u^k = (l1^k (u - l2) - l2^k (u - l1)) / (l1 - l2); a scalar matrix when l1 = l2).
 */
export function matPow2(u: Float64Array, k: number): Float64Array {
  if (u.length !== 8) throw new Error("matPow2 needs a 2x2 matrix");
  const tr = { re: u[0] + u[6], im: u[1] + u[7] };
  const det = {
    re: u[0] * u[6] - u[1] * u[7] - (u[2] * u[4] - u[3] * u[5]),
    im: u[0] * u[7] + u[1] * u[6] - (u[2] * u[5] + u[3] * u[4]),
  };
  const disc = csqrt({
    re: tr.re * tr.re - tr.im * tr.im - 4 * det.re,
    im: 2 * tr.re * tr.im - 4 * det.im,
  });
  const l1 = { re: (tr.re + disc.re) / 2, im: (tr.im + disc.im) / 2 };
  const l2 = { re: (tr.re - disc.re) / 2, im: (tr.im - disc.im) / 2 };
  if (Math.hypot(disc.re, disc.im) < 1e-12) {
    const p = cpow(l1, k);
    return scale(identity(2), p);
  }
  const p1 = cpow(l1, k);
  const p2 = cpow(l2, k);
  // (p1 (u - l2 I) - p2 (u - l1 I)) / (l1 - l2)
  const a = scale(subScalar(u, l2), p1);
  const b = scale(subScalar(u, l1), p2);
  const diff = { re: l1.re - l2.re, im: l1.im - l2.im };
  const dd = diff.re * diff.re + diff.im * diff.im;
  const inv = { re: diff.re / dd, im: -diff.im / dd };
  const out = new Float64Array(8);
  for (let i = 0; i < 8; i++) out[i] = a[i] - b[i];
  return scale(out, inv);
}

function subScalar(u: Float64Array, s: Complex): Float64Array {
  const d = matrixDim(u);
  const out = Float64Array.from(u);
  for (let i = 0; i < d; i++) {
    out[2 * (i * d + i)] -= s.re;
    out[2 * (i * d + i) + 1] -= s.im;
  }
  return out;
}

/**
 * Eigenvectors of a Hermitian matrix by cyclic complex Jacobi rotations: returns V (columns are
 * orthonormal eigenvectors). Each rotation G = diag(1, e^{-i phi}) R on rows/cols (p, q) first
 * makes h_pq real, then a real Jacobi rotation R zeroes it: h <- G^dagger h G, V <- V G.
 */
export function hermitianEigenvectors(h: Float64Array): Float64Array {
  const d = matrixDim(h);
  const a = Float64Array.from(h);
  const v = identity(d);
  const at = (r: number, c: number) => 2 * (r * d + c);
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < d; p++) {
      diag += a[at(p, p)] ** 2;
      for (let q = p + 1; q < d; q++)
        off += a[at(p, q)] ** 2 + a[at(p, q) + 1] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const xr = a[at(p, q)];
        const xi = a[at(p, q) + 1];
        const r = Math.hypot(xr, xi);
        if (r < 1e-300) continue;
        const er = xr / r; // e^{-i phi} = conj(a_pq)/|a_pq|
        const ei = -xi / r;
        const tau = (a[at(q, q)] - a[at(p, p)]) / (2 * r);
        const t =
          (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        // G = [[c, s], [-s e, c e]] with e = e^{-i phi}
        const g = [c, 0, s, 0, -s * er, -s * ei, c * er, c * ei];
        rotateColumns(a, d, p, q, g);
        rotateRows(a, d, p, q, g);
        rotateColumns(v, d, p, q, g);
      }
    }
  }
  return v;
}

/** M <- M G on columns p, q (G is 2x2 interleaved). */
function rotateColumns(
  m: Float64Array,
  d: number,
  p: number,
  q: number,
  g: number[],
): void {
  for (let i = 0; i < d; i++) {
    const kp = 2 * (i * d + p);
    const kq = 2 * (i * d + q);
    const mpr = m[kp];
    const mpi = m[kp + 1];
    const mqr = m[kq];
    const mqi = m[kq + 1];
    m[kp] = mpr * g[0] - mpi * g[1] + mqr * g[4] - mqi * g[5];
    m[kp + 1] = mpr * g[1] + mpi * g[0] + mqr * g[5] + mqi * g[4];
    m[kq] = mpr * g[2] - mpi * g[3] + mqr * g[6] - mqi * g[7];
    m[kq + 1] = mpr * g[3] + mpi * g[2] + mqr * g[7] + mqi * g[6];
  }
}

/** M <- G^dagger M on rows p, q. */
function rotateRows(
  m: Float64Array,
  d: number,
  p: number,
  q: number,
  g: number[],
): void {
  for (let j = 0; j < d; j++) {
    const kp = 2 * (p * d + j);
    const kq = 2 * (q * d + j);
    const mpr = m[kp];
    const mpi = m[kp + 1];
    const mqr = m[kq];
    const mqi = m[kq + 1];
    // row p: conj(g00) m_p + conj(g10) m_q ; row q: conj(g01) m_p + conj(g11) m_q
    m[kp] = g[0] * mpr + g[1] * mpi + g[4] * mqr + g[5] * mqi;
    m[kp + 1] = g[0] * mpi - g[1] * mpr + g[4] * mqi - g[5] * mqr;
    m[kq] = g[2] * mpr + g[3] * mpi + g[6] * mqr + g[7] * mqi;
    m[kq + 1] = g[2] * mpi - g[3] * mpr + g[6] * mqi - g[7] * mqr;
  }
}

/**
 * The principal power u^k (real k) of a d x d unitary: 2x2 by `matPow2`; larger ones by
 * diagonalising the Hermitian (u + u^dagger)/2 + c (u - u^dagger)/(2i) (which shares u's
 * eigenvectors) and checking the result, retrying with another c when eigenvalues collided.
 */
export function unitaryPower(u: Float64Array, k: number): Float64Array {
  const d = matrixDim(u);
  if (d === 1) {
    const p = cpow({ re: u[0], im: u[1] }, k);
    return Float64Array.of(p.re, p.im);
  }
  if (d === 2) return matPow2(u, k);
  const ud = dagger(u);
  for (const c of [
    0.7390851332151607, 1.6180339887498949, 0.3183098861837907,
    2.718281828459045,
  ]) {
    const h = new Float64Array(u.length);
    for (let i = 0; i < u.length; i += 2) {
      // (u + ud)/2 + c (u - ud)/(2i) ; (x)/(2i) = (x.im - i x.re)/2
      h[i] = (u[i] + ud[i]) / 2 + (c * (u[i + 1] - ud[i + 1])) / 2;
      h[i + 1] = (u[i + 1] + ud[i + 1]) / 2 - (c * (u[i] - ud[i])) / 2;
    }
    const v = hermitianEigenvectors(h);
    const dm = matMul(matMul(dagger(v), u), v);
    let off = 0;
    for (let r = 0; r < d; r++)
      for (let cc = 0; cc < d; cc++)
        if (r !== cc)
          off = Math.max(
            off,
            Math.hypot(dm[2 * (r * d + cc)], dm[2 * (r * d + cc) + 1]),
          );
    if (off > 1e-9) continue;
    const pd = new Float64Array(u.length);
    for (let i = 0; i < d; i++) {
      const p = cpow(
        { re: dm[2 * (i * d + i)], im: dm[2 * (i * d + i) + 1] },
        k,
      );
      pd[2 * (i * d + i)] = p.re;
      pd[2 * (i * d + i) + 1] = p.im;
    }
    return matMul(matMul(v, pd), dagger(v));
  }
  throw new Error(
    "unitaryPower: could not diagonalise the matrix (is it unitary?)",
  );
}

/**
 * Angles (theta, phi, lambda, gamma) with u = e^{i gamma} U(theta, phi, lambda) for a 2x2 unitary u
 * (Qiskit's U: [[cos t/2, -e^{il} sin t/2], [e^{ip} sin t/2, e^{i(p+l)} cos t/2]]).
 */
export function u3Angles(u: Float64Array): {
  theta: number;
  phi: number;
  lambda: number;
  gamma: number;
} {
  const a00 = Math.hypot(u[0], u[1]);
  const a10 = Math.hypot(u[4], u[5]);
  const theta = 2 * Math.atan2(a10, a00);
  const arg = (k: number) => Math.atan2(u[k + 1], u[k]);
  if (a10 < 1e-12) {
    const gamma = arg(0);
    return { theta: 0, phi: 0, lambda: arg(6) - gamma, gamma };
  }
  if (a00 < 1e-12) {
    const gamma = Math.atan2(-u[3], -u[2]); // arg(-u01), with lambda = 0
    return { theta: Math.PI, phi: arg(4) - gamma, lambda: 0, gamma };
  }
  const gamma = arg(0);
  return {
    theta,
    phi: arg(4) - gamma,
    lambda: Math.atan2(-u[3], -u[2]) - gamma,
    gamma,
  };
}
