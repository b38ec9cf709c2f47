/**
 * Nelder-Mead downhill simplex (Nelder and Mead 1965, the ordering and shrink rules of Lagarias et
 * al. 1998; adaptive coefficients of Gao and Han 2012 above 2 dimensions, as SciPy's
 * `adaptive=True`). One iteration is one reflect / expand / contract / shrink cycle.
 * Converged when both the spread of values and of vertices fall below `tolerance` (SciPy's
 * `fatol` and `xatol`). Settings: `step` (initial simplex edge, default 0.4 radians).
 */
import {
  setting,
  type Objective,
  type Optimizer,
  type OptimizerOptions,
  type StateBase,
} from "./types.ts";

/** Nelder-Mead's state: the simplex, sorted best first, and its values. */
export interface NelderMeadState extends StateBase {
  readonly simplex: number[][];
  readonly values: number[];
}

function coefficients(n: number) {
  if (n <= 2) return { rho: 1, chi: 2, psi: 0.5, sigma: 0.5 };
  return { rho: 1, chi: 1 + 2 / n, psi: 0.75 - 1 / (2 * n), sigma: 1 - 1 / n };
}

function sorted(simplex: number[][], values: number[]): NelderMeadState {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b]);
  const s = order.map((i) => simplex[i]);
  const v = order.map((i) => values[i]);
  return { simplex: s, values: v, x: s[0], fx: v[0] };
}

function converged(state: NelderMeadState, tol: number): boolean {
  const [best, ...rest] = state.simplex;
  let xs = 0;
  let fs = 0;
  for (let i = 0; i < rest.length; i++) {
    for (let k = 0; k < best.length; k++)
      xs = Math.max(xs, Math.abs(rest[i][k] - best[k]));
    fs = Math.max(fs, Math.abs(state.values[i + 1] - state.values[0]));
  }
  return xs <= tol && fs <= tol;
}

const along = (a: number[], b: number[], t: number) =>
  a.map((ai, k) => ai + t * (b[k] - ai));

/** The Nelder-Mead optimiser. */
export const nelderMead: Optimizer<NelderMeadState> = {
  name: "nelder-mead",
  usesGradient: false,
  async init(x0: number[], f: Objective, options: OptimizerOptions) {
    const step = setting(options, "step", 0.4);
    const simplex = [x0.slice()];
    for (let i = 0; i < x0.length; i++) {
      const v = x0.slice();
      v[i] += step;
      simplex.push(v);
    }
    const values: number[] = [];
    for (const v of simplex) values.push(await f.value(v));
    return sorted(simplex, values);
  },
  async step(state, f, options) {
    const n = state.x.length;
    const { rho, chi, psi, sigma } = coefficients(n);
    const simplex = state.simplex.map((v) => v.slice());
    const values = state.values.slice();
    const worst = simplex[n];
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) centroid[k] += simplex[i][k] / n;
    // x_r = c + rho (c - worst): `along(c, worst, -rho)`
    const xr = along(centroid, worst, -rho);
    const fr = await f.value(xr);
    let shrink = false;
    if (fr < values[0]) {
      const xe = along(centroid, worst, -rho * chi);
      const fe = await f.value(xe);
      if (fe < fr) [simplex[n], values[n]] = [xe, fe];
      else [simplex[n], values[n]] = [xr, fr];
    } else if (fr < values[n - 1]) {
      [simplex[n], values[n]] = [xr, fr];
    } else if (fr < values[n]) {
      const xc = along(centroid, worst, -rho * psi);
      const fc = await f.value(xc);
      if (fc <= fr) [simplex[n], values[n]] = [xc, fc];
      else shrink = true;
    } else {
      const xcc = along(centroid, worst, psi);
      const fcc = await f.value(xcc);
      if (fcc < values[n]) [simplex[n], values[n]] = [xcc, fcc];
      else shrink = true;
    }
    if (shrink) {
      for (let i = 1; i <= n; i++) {
        simplex[i] = along(simplex[0], simplex[i], sigma);
        values[i] = await f.value(simplex[i]);
      }
    }
    const next = sorted(simplex, values);
    return converged(next, options.tolerance)
      ? { ...next, converged: "simplex smaller than the tolerance" }
      : next;
  },
};
