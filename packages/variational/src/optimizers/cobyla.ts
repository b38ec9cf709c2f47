/**
 * COBYLA (Powell 1994, "A direct search optimization method that models the objective and
 * constraint functions by linear interpolation") for unconstrained problems, which is how VQE and
 * QAOA use it: a linear model interpolates the cost on a simplex of n + 1 points, each iteration
 * steps to the model's minimum inside a trust region of radius rho, the simplex keeps its shape
 * (a vertex too far or too flat is replaced by one at distance rho along the dual direction, as
 * in Powell's code), and rho halves when steps stop paying, down to `tolerance` (Powell's
 * rhoend). Settings: `rhobeg` (initial radius, default 0.5 radians).
 * One iteration is one trial step (one evaluation), or one geometry repair.
 */
import { dot, invert } from "./linalg.ts";
import {
  norm,
  setting,
  type Optimizer,
  type OptimizerOptions,
  type StateBase,
} from "./types.ts";

/** COBYLA's state: the simplex (vertex 0 the best), its values and the trust radius. */
export interface CobylaState extends StateBase {
  readonly simplex: number[][];
  readonly values: number[];
  readonly rho: number;
}

/** Powell's acceptable-geometry constants: vertices within BETA rho, faces at least ALPHA rho. */
const ALPHA = 0.25;
const BETA = 2.1;

function withBestFirst(
  simplex: number[][],
  values: number[],
  rho: number,
): CobylaState {
  let b = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[b]) b = i;
  if (b !== 0) {
    [simplex[0], simplex[b]] = [simplex[b], simplex[0]];
    [values[0], values[b]] = [values[b], values[0]];
  }
  return { simplex, values, rho, x: simplex[0], fx: values[0] };
}

/** Edges from the best vertex, and their dual vectors (w_j . e_i = delta_ij), when not degenerate. */
function geometry(simplex: number[][]) {
  const edges = simplex.slice(1).map((v) => v.map((x, k) => x - simplex[0][k]));
  const inv = invert(edges);
  const duals = inv ? edges.map((_, j) => inv.map((row) => row[j])) : undefined;
  return { edges, duals };
}

/** The COBYLA optimiser (unconstrained). */
export const cobyla: Optimizer<CobylaState> = {
  name: "cobyla",
  usesGradient: false,
  async init(x0, f, options: OptimizerOptions) {
    const rho = Math.max(setting(options, "rhobeg", 0.5), options.tolerance);
    const simplex = [x0.slice()];
    const values = [await f.value(x0)];
    for (let i = 0; i < x0.length; i++) {
      const v = x0.slice();
      v[i] += rho;
      simplex.push(v);
      values.push(await f.value(v));
    }
    return withBestFirst(simplex, values, rho);
  },
  async step(state, f, options) {
    const n = state.x.length;
    const rhoEnd = options.tolerance;
    const simplex = state.simplex.map((v) => v.slice());
    const values = state.values.slice();
    let rho = state.rho;
    const best = simplex[0];
    const { edges, duals } = geometry(simplex);

    // Geometry repair: a vertex farther than BETA rho, or one whose distance to the opposite face
    // (1 / |w_j|) is under ALPHA rho, is replaced by best + rho w_j / |w_j|.
    let repair = -1;
    let worstScore = 0;
    for (let j = 0; j < n; j++) {
      const far = norm(edges[j]) / (BETA * rho);
      const flat = duals ? ALPHA * rho * norm(duals[j]) : Infinity;
      const score = Math.max(far, flat);
      if (score > 1 && score > worstScore) [repair, worstScore] = [j, score];
    }
    if (repair >= 0) {
      let dir: number[];
      if (
        duals &&
        Number.isFinite(norm(duals[repair])) &&
        norm(duals[repair]) > 0
      ) {
        const w = duals[repair];
        dir = w.map((x) => x / norm(w));
      } else {
        dir = new Array<number>(n).fill(0);
        dir[repair] = 1;
      }
      // Powell picks the sign that lowers the linear model: without a model, the one away from
      // the worse neighbourhood is as good as any; keep +.
      const v = best.map((x, k) => x + rho * dir[k]);
      simplex[repair + 1] = v;
      values[repair + 1] = await f.value(v);
      return withBestFirst(simplex, values, rho);
    }

    // Linear model: g . e_j = f_j - f_0, so g = sum_j (f_j - f_0) w_j.
    const g = new Array<number>(n).fill(0);
    for (let j = 0; j < n; j++)
      for (let k = 0; k < n; k++)
        g[k] += (values[j + 1] - values[0]) * duals![j][k];
    const gn = norm(g);
    const reduceRho = (): CobylaState => {
      if (rho <= rhoEnd)
        return {
          ...withBestFirst(simplex, values, rho),
          converged: "trust region reached the tolerance",
        };
      // Powell's rule: halve, or jump to rhoend when close to it.
      rho = rho * 0.5 <= 1.5 * rhoEnd ? rhoEnd : rho * 0.5;
      return withBestFirst(simplex, values, rho);
    };
    if (gn === 0) return reduceRho();
    const d = g.map((x) => (-rho * x) / gn);
    const trial = best.map((x, k) => x + d[k]);
    const ft = await f.value(trial);
    const predicted = rho * gn;
    const ratio = (values[0] - ft) / predicted;
    // Replace the vertex whose swap keeps the biggest simplex (|d . w_j| is the volume ratio),
    // preferring vertices far from the best.
    let drop = 0;
    let bestScore = -1;
    for (let j = 0; j < n; j++) {
      const dist = norm(edges[j]) / rho;
      const score = Math.abs(dot(d, duals![j])) * Math.max(1, dist * dist);
      if (score > bestScore) [drop, bestScore] = [j, score];
    }
    const improves = ft < values[0];
    if (improves || ft < values[drop + 1]) {
      simplex[drop + 1] = trial;
      values[drop + 1] = ft;
    }
    if (ratio < 0.1) return reduceRho();
    return withBestFirst(simplex, values, rho);
  },
};
