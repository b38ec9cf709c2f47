/**
 * Adam (Kingma and Ba 2015) on the problem's gradient (adjoint gradients from the primitives).
 * One iteration is one value-and-gradient evaluation and one update. Converged when the gradient
 * norm falls below `tolerance`, or the cost changes less than tolerance^2 for 10 iterations.
 * Settings: `learningRate` (default 0.05), `beta1` (0.9), `beta2` (0.999), `epsilon` (1e-8).
 */
import { valueAndGradient } from "./gradient.ts";
import { norm, setting, type Optimizer, type StateBase } from "./types.ts";

/** Adam's state: the moment estimates, the step count, and the gradient at x. */
export interface AdamState extends StateBase {
  readonly m: number[];
  readonly v: number[];
  readonly t: number;
  readonly gradient: number[];
  readonly flat: number;
}

/** The Adam optimiser. */
export const adam: Optimizer<AdamState> = {
  name: "adam",
  usesGradient: true,
  async init(x0, f, options) {
    const { value, gradient } = await valueAndGradient(f, x0);
    const n = x0.length;
    const state = {
      x: x0.slice(),
      fx: value,
      gradient,
      gradientNorm: norm(gradient),
      m: new Array<number>(n).fill(0),
      v: new Array<number>(n).fill(0),
      t: 0,
      flat: 0,
    };
    return state.gradientNorm < options.tolerance
      ? { ...state, converged: "gradient norm under the tolerance" }
      : state;
  },
  async step(state, f, options) {
    const lr = setting(options, "learningRate", 0.05);
    const b1 = setting(options, "beta1", 0.9);
    const b2 = setting(options, "beta2", 0.999);
    const eps = setting(options, "epsilon", 1e-8);
    const t = state.t + 1;
    const g = state.gradient;
    const m = state.m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
    const v = state.v.map((vi, i) => b2 * vi + (1 - b2) * g[i] * g[i]);
    const c1 = 1 - Math.pow(b1, t);
    const c2 = 1 - Math.pow(b2, t);
    const x = state.x.map(
      (xi, i) => xi - (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps),
    );
    const { value, gradient } = await valueAndGradient(f, x);
    const gradientNorm = norm(gradient);
    const tol = options.tolerance;
    const flat = Math.abs(value - state.fx) < tol * tol ? state.flat + 1 : 0;
    const next: AdamState = {
      x,
      fx: value,
      gradient,
      gradientNorm,
      m,
      v,
      t,
      flat,
    };
    if (gradientNorm < tol)
      return { ...next, converged: "gradient norm under the tolerance" };
    if (flat >= 10) return { ...next, converged: "cost stopped changing" };
    return next;
  },
};
