/** Small dense linear algebra for the optimisers (n is the number of parameters, tens at most). */

/** Inverse of a square matrix by Gauss-Jordan with partial pivoting; undefined when singular. */
export function invert(a: readonly number[][]): number[][] | undefined {
  const n = a.length;
  const m = a.map((row, i) => [
    ...row,
    ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)),
  ]);
  let scale = 0;
  for (const row of a)
    for (const v of row) scale = Math.max(scale, Math.abs(v));
  if (scale === 0) return undefined;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++)
      if (Math.abs(m[r][c]) > Math.abs(m[p][c])) p = r;
    if (Math.abs(m[p][c]) <= 1e-13 * scale) return undefined;
    [m[c], m[p]] = [m[p], m[c]];
    const d = m[c][c];
    for (let k = 0; k < 2 * n; k++) m[c][k] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const factor = m[r][c];
      if (factor === 0) continue;
      for (let k = 0; k < 2 * n; k++) m[r][k] -= factor * m[c][k];
    }
  }
  return m.map((row) => row.slice(n));
}

/** Dot product. */
export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
