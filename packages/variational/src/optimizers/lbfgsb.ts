/**
 * L-BFGS-B: limited-memory BFGS (Nocedal 1980, two-loop recursion, m = 10 pairs) with optional box
 * bounds handled by projection (a projected quasi-Newton method in the spirit of Byrd, Lu,
 * Nocedal and Zhu 1995, without their generalised Cauchy point: variables at a bound whose
 * gradient points outwards are held fixed, and the line search follows the projected path with
 * Armijo backtracking). Curvature pairs with s.y <= 0 are skipped, so the inverse Hessian
 * estimate stays positive definite. Converged when the projected gradient's largest component is
 * under `tolerance` (SciPy's `gtol`), or the cost's relative decrease is under `ftol` (SciPy's
 * factr * eps, 2.2e-9). Settings: `bounds` ([[lo, hi], ...], default none), `memory` (10), `ftol`.
 */
import { dot } from "./linalg.ts";
import { valueAndGradient } from "./gradient.ts";
import {
  norm,
  setting,
  type Optimizer,
  type OptimizerOptions,
  type StateBase,
} from "./types.ts";

/** L-BFGS-B's state: the gradient at x and the last curvature pairs. */
export interface LbfgsbState extends StateBase {
  readonly gradient: number[];
  readonly s: number[][];
  readonly y: number[][];
}

type Bounds = readonly (readonly [number, number])[] | undefined;

function boundsOf(options: OptimizerOptions, n: number): Bounds {
  const b = options.bounds;
  if (!Array.isArray(b) || b.length !== n) return undefined;
  return b.map((p) =>
    Array.isArray(p) && p.length === 2
      ? ([Number(p[0] ?? -Infinity), Number(p[1] ?? Infinity)] as const)
      : ([-Infinity, Infinity] as const),
  );
}

function project(x: number[], bounds: Bounds): number[] {
  if (!bounds) return x;
  return x.map((v, i) => Math.min(bounds[i][1], Math.max(bounds[i][0], v)));
}

/** The projected gradient: components that would push a variable through its bound are zero. */
function projectedGradient(x: number[], g: number[], bounds: Bounds): number[] {
  if (!bounds) return g;
  return g.map((gi, i) =>
    (x[i] <= bounds[i][0] && gi > 0) || (x[i] >= bounds[i][1] && gi < 0)
      ? 0
      : gi,
  );
}

function twoLoop(g: number[], s: number[][], y: number[][]): number[] {
  const q = g.slice();
  const alpha: number[] = [];
  for (let i = s.length - 1; i >= 0; i--) {
    const rho = 1 / dot(y[i], s[i]);
    const a = rho * dot(s[i], q);
    alpha[i] = a;
    for (let k = 0; k < q.length; k++) q[k] -= a * y[i][k];
  }
  if (s.length > 0) {
    const last = s.length - 1;
    const gamma = dot(s[last], y[last]) / dot(y[last], y[last]);
    for (let k = 0; k < q.length; k++) q[k] *= gamma;
  }
  for (let i = 0; i < s.length; i++) {
    const rho = 1 / dot(y[i], s[i]);
    const b = rho * dot(y[i], q);
    for (let k = 0; k < q.length; k++) q[k] += s[i][k] * (alpha[i] - b);
  }
  return q.map((v) => -v);
}

const infNorm = (v: readonly number[]) =>
  v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);

/** The L-BFGS-B optimiser. */
export const lbfgsb: Optimizer<LbfgsbState> = {
  name: "l-bfgs-b",
  usesGradient: true,
  async init(x0, f, options) {
    const bounds = boundsOf(options, x0.length);
    const x = project(x0.slice(), bounds);
    const { value, gradient } = await valueAndGradient(f, x);
    const pg = projectedGradient(x, gradient, bounds);
    const state = {
      x,
      fx: value,
      gradient,
      gradientNorm: norm(pg),
      s: [],
      y: [],
    };
    return infNorm(pg) <= options.tolerance
      ? { ...state, converged: "projected gradient under the tolerance" }
      : state;
  },
  async step(state, f, options) {
    const n = state.x.length;
    const bounds = boundsOf(options, n);
    const memory = Math.max(1, Math.round(setting(options, "memory", 10)));
    const ftol = setting(options, "ftol", 2.220446049250313e-9);
    const pg = projectedGradient(state.x, state.gradient, bounds);
    const free = pg.map((v, i) => v !== 0 || state.gradient[i] === 0);
    let s = state.s;
    let y = state.y;
    let d = twoLoop(pg, s, y).map((v, i) => (free[i] ? v : 0));
    if (dot(d, pg) >= 0) {
      s = [];
      y = [];
      d = pg.map((v) => -v);
    }
    // First step without curvature information: length at most 1.
    let t = s.length === 0 ? Math.min(1, 1 / Math.max(norm(d), 1e-12)) : 1;
    let xNew: number[] = state.x;
    let fNew = state.fx;
    let gNew = state.gradient;
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      xNew = project(
        state.x.map((v, i) => v + t * d[i]),
        bounds,
      );
      const step = xNew.map((v, i) => v - state.x[i]);
      const r = await valueAndGradient(f, xNew);
      fNew = r.value;
      gNew = r.gradient;
      if (fNew <= state.fx + 1e-4 * dot(state.gradient, step)) {
        accepted = true;
        break;
      }
      t *= 0.5;
    }
    if (!accepted)
      return { ...state, converged: "line search could not lower the cost" };
    const sk = xNew.map((v, i) => v - state.x[i]);
    const yk = gNew.map((v, i) => v - state.gradient[i]);
    if (dot(sk, yk) > 1e-10 * dot(yk, yk)) {
      s = [...s, sk].slice(-memory);
      y = [...y, yk].slice(-memory);
    }
    const pgNew = projectedGradient(xNew, gNew, bounds);
    const next: LbfgsbState = {
      x: xNew,
      fx: fNew,
      gradient: gNew,
      gradientNorm: norm(pgNew),
      s,
      y,
    };
    if (infNorm(pgNew) <= options.tolerance)
      return { ...next, converged: "projected gradient under the tolerance" };
    const scale = Math.max(Math.abs(state.fx), Math.abs(fNew), 1);
    if ((state.fx - fNew) / scale <= ftol)
      return { ...next, converged: "relative cost decrease under ftol" };
    return next;
  },
};
