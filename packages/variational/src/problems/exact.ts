/**
 * Exact ground energies for reference lines and tests: the lowest eigenvalue of a Pauli sum by
 * Lanczos with full reorthogonalisation on the 2^n vector (the Hamiltonian applied term by term,
 * never stored), up to `EXACT_MAX_QUBITS`; a diagonal (Z and I only) sum is read off directly, up
 * to `EXACT_MAX_DIAGONAL_QUBITS`.
 */
import type { PauliTerm } from "./pauli.ts";

/** The widest Pauli sum `groundEnergy` diagonalises (Lanczos). */
export const EXACT_MAX_QUBITS = 12;
/** The widest diagonal (Z and I only) Pauli sum `groundEnergy` scans. */
export const EXACT_MAX_DIAGONAL_QUBITS = 20;

/** A Pauli string as bit masks (bit q: X or Y on qubit q; Z or Y on qubit q) and its coefficient. */
export interface PauliMasks {
  readonly x: number;
  readonly z: number;
  readonly coefficient: number;
}

interface Compiled {
  readonly x: number;
  readonly z: number;
  /** i^(number of Y): Y = i X Z in this bit order. */
  readonly yCount: number;
  readonly c: number;
}

/** Labels (Qiskit order) to masks. */
export function pauliMasks(terms: readonly PauliTerm[]): {
  n: number;
  masks: PauliMasks[];
} {
  const n = terms.reduce((m, t) => Math.max(m, t.pauli.length), 0);
  const masks = terms.map((t) => {
    let x = 0;
    let z = 0;
    const label = t.pauli;
    for (let k = 0; k < label.length; k++) {
      const q = label.length - 1 - k;
      const p = label[k].toUpperCase();
      if (p === "X" || p === "Y") x |= 1 << q;
      if (p === "Z" || p === "Y") z |= 1 << q;
    }
    return { x, z, coefficient: t.coefficient };
  });
  return { n, masks };
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * out = H v for complex vectors stored as separate real and imaginary arrays.
 * A Pauli string P = i^y X^x Z^z (bits per qubit) maps |b> to i^y (-1)^{|b & z|} |b ^ x>.
 */
function apply(
  ops: readonly Compiled[],
  vr: Float64Array,
  vi: Float64Array,
  or: Float64Array,
  oi: Float64Array,
): void {
  or.fill(0);
  oi.fill(0);
  const dim = vr.length;
  for (const op of ops) {
    // phase i^y as (re, im)
    const ph = op.yCount & 3;
    const pr = ph === 0 ? 1 : ph === 2 ? -1 : 0;
    const pi = ph === 1 ? 1 : ph === 3 ? -1 : 0;
    for (let b = 0; b < dim; b++) {
      const s = popcount(b & op.z) & 1 ? -op.c : op.c;
      const t = b ^ op.x;
      const ar = vr[b] * s;
      const ai = vi[b] * s;
      or[t] += ar * pr - ai * pi;
      oi[t] += ar * pi + ai * pr;
    }
  }
}

/** Smallest eigenvalue of a real symmetric tridiagonal matrix (bisection on Sturm counts). */
function tridiagonalMin(alpha: number[], beta: number[]): number {
  const m = alpha.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < m; i++) {
    const r =
      (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < m - 1 ? Math.abs(beta[i]) : 0);
    lo = Math.min(lo, alpha[i] - r);
    hi = Math.max(hi, alpha[i] + r);
  }
  const below = (x: number) => {
    let count = 0;
    let d = 1;
    for (let i = 0; i < m; i++) {
      d = alpha[i] - x - (i > 0 ? (beta[i - 1] * beta[i - 1]) / d : 0);
      if (d === 0) d = 1e-300;
      if (d < 0) count++;
    }
    return count;
  };
  for (
    let it = 0;
    it < 200 && hi - lo > 1e-13 * Math.max(1, Math.abs(lo));
    it++
  ) {
    const mid = (lo + hi) / 2;
    if (below(mid) >= 1) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The lowest eigenvalue of the Pauli sum (Hermitian: real coefficients), or undefined when it is
 * too wide to diagonalise here.
 */
export function groundEnergy(terms: readonly PauliTerm[]): number | undefined {
  const { n, masks } = pauliMasks(terms);
  return groundEnergyOfMasks(n, masks);
}

/** `groundEnergy` of a Pauli sum of `n` qubits given as bit masks. */
export function groundEnergyOfMasks(
  n: number,
  masks: readonly PauliMasks[],
): number | undefined {
  const ops: Compiled[] = masks.map((m) => ({
    x: m.x,
    z: m.z,
    yCount: popcount(m.x & m.z),
    c: m.coefficient,
  }));
  const diagonal = ops.every((o) => o.x === 0);
  if (n > (diagonal ? EXACT_MAX_DIAGONAL_QUBITS : EXACT_MAX_QUBITS))
    return undefined;
  const dim = 1 << n;
  if (diagonal) {
    let min = Infinity;
    for (let b = 0; b < dim; b++) {
      let e = 0;
      for (const o of ops) e += popcount(b & o.z) & 1 ? -o.c : o.c;
      min = Math.min(min, e);
    }
    return min;
  }
  const steps = Math.min(dim, 120);
  const basisR: Float64Array[] = [];
  const basisI: Float64Array[] = [];
  let vr = new Float64Array(dim);
  let vi = new Float64Array(dim);
  // A fixed, generic start vector (not an eigenvector by accident).
  let nrm = 0;
  for (let b = 0; b < dim; b++) {
    vr[b] = Math.sin(1.3 * b + 0.7) + 1.1;
    vi[b] = Math.cos(0.9 * b + 0.2) * 0.5;
    nrm += vr[b] * vr[b] + vi[b] * vi[b];
  }
  nrm = Math.sqrt(nrm);
  for (let b = 0; b < dim; b++) {
    vr[b] /= nrm;
    vi[b] /= nrm;
  }
  const alpha: number[] = [];
  const beta: number[] = [];
  const wr = new Float64Array(dim);
  const wi = new Float64Array(dim);
  for (let k = 0; k < steps; k++) {
    basisR.push(vr);
    basisI.push(vi);
    apply(ops, vr, vi, wr, wi);
    let a = 0;
    for (let b = 0; b < dim; b++) a += vr[b] * wr[b] + vi[b] * wi[b];
    alpha.push(a);
    // full reorthogonalisation (twice is enough)
    for (let pass = 0; pass < 2; pass++)
      for (let j = 0; j < basisR.length; j++) {
        const ur = basisR[j];
        const ui = basisI[j];
        let cr = 0;
        let ci = 0;
        for (let b = 0; b < dim; b++) {
          cr += ur[b] * wr[b] + ui[b] * wi[b];
          ci += ur[b] * wi[b] - ui[b] * wr[b];
        }
        for (let b = 0; b < dim; b++) {
          wr[b] -= cr * ur[b] - ci * ui[b];
          wi[b] -= cr * ui[b] + ci * ur[b];
        }
      }
    let bn = 0;
    for (let b = 0; b < dim; b++) bn += wr[b] * wr[b] + wi[b] * wi[b];
    bn = Math.sqrt(bn);
    if (k === steps - 1 || bn < 1e-10) break;
    beta.push(bn);
    vr = new Float64Array(dim);
    vi = new Float64Array(dim);
    for (let b = 0; b < dim; b++) {
      vr[b] = wr[b] / bn;
      vi[b] = wi[b] / bn;
    }
  }
  return tridiagonalMin(alpha, beta.slice(0, alpha.length - 1));
}
