/**
 * Independent references for tests: dense matrices of Pauli sums from Kronecker products, their
 * lowest eigenvalue by Jacobi sweeps on the real 2d x 2d embedding, and the TFIM chain.
 */
import { pauliLabel, type PauliTerm } from "../../src/index.ts";

/** A small dense Hermitian matrix of a Pauli sum, built from Kronecker products (the reference). */
export function dense(terms: readonly PauliTerm[]): {
  re: number[][];
  im: number[][];
} {
  const n = terms[0].pauli.length;
  const dim = 2 ** n;
  const re = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const im = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  const single: Record<string, [number, number][][]> = {
    I: [
      [
        [1, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [1, 0],
      ],
    ],
    X: [
      [
        [0, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 0],
      ],
    ],
    Y: [
      [
        [0, 0],
        [0, -1],
      ],
      [
        [0, 1],
        [0, 0],
      ],
    ],
    Z: [
      [
        [1, 0],
        [0, 0],
      ],
      [
        [0, 0],
        [-1, 0],
      ],
    ],
  };
  for (const t of terms)
    for (let r = 0; r < dim; r++)
      for (let c = 0; c < dim; c++) {
        let pr = 1;
        let pi = 0;
        for (let k = 0; k < n; k++) {
          const q = n - 1 - k; // label position k is qubit q
          const [er, ei] = single[t.pauli[k]][(r >> q) & 1][(c >> q) & 1];
          [pr, pi] = [pr * er - pi * ei, pr * ei + pi * er];
        }
        re[r][c] += t.coefficient * pr;
        im[r][c] += t.coefficient * pi;
      }
  return { re, im };
}

/** Lowest eigenvalue of a small Hermitian matrix by the real 2d x 2d embedding and Jacobi sweeps. */
export function denseMin(m: { re: number[][]; im: number[][] }): number {
  const d = m.re.length;
  const a = Array.from({ length: 2 * d }, (_, r) =>
    Array.from({ length: 2 * d }, (_, c) => {
      const rr = r % d;
      const cc = c % d;
      if (r < d && c < d) return m.re[rr][cc];
      if (r >= d && c >= d) return m.re[rr][cc];
      if (r < d) return -m.im[rr][cc];
      return m.im[rr][cc];
    }),
  );
  const n = 2 * d;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++)
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t =
          Math.sign(theta || 1) /
          (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
      }
  }
  return Math.min(...a.map((row, i) => row[i]));
}

/** Transverse-field Ising chain: -J sum Z_i Z_{i+1} - h sum X_i (open ends). */
export function tfim(n: number, J: number, h: number): PauliTerm[] {
  const terms: PauliTerm[] = [];
  for (let i = 0; i + 1 < n; i++)
    terms.push({
      pauli: pauliLabel(n, { [i]: "Z", [i + 1]: "Z" }),
      coefficient: -J,
    });
  for (let i = 0; i < n; i++)
    terms.push({ pauli: pauliLabel(n, { [i]: "X" }), coefficient: -h });
  return terms;
}
