/**
 * SPSA (Spall 1992/1998): two evaluations per iteration at x +- c_k Delta (Delta random +-1 per
 * parameter), gain sequences a_k = a / (k + 1 + A)^alpha and c_k = c / (k + 1)^gamma with Spall's
 * alpha = 0.602, gamma = 0.101. When `learningRate` is not given, `a` is calibrated as Qiskit does:
 * a few gradient estimates at the start set the first step to `targetMagnitude` (2 pi / 10).
 * The iteration's cost is the mean of its two evaluations (as Qiskit reports). Converged when the
 * step stays under `tolerance` for 5 iterations in a row. The random stream is part of the state
 * (one uint32), so a resumed run draws the same perturbations.
 * Settings: `learningRate` (a), `perturbation` (c, default 0.2), `stability` (A, default
 * 10% of maxIterations), `calibrationSteps` (default 10), `seed`.
 */
import {
  norm,
  setting,
  type Optimizer,
  type OptimizerOptions,
  type StateBase,
} from "./types.ts";

/** SPSA's state: gain constants, iteration counter, random stream and quiet-step count. */
export interface SpsaState extends StateBase {
  readonly a: number;
  readonly k: number;
  readonly rng: number;
  readonly quiet: number;
}

const ALPHA = 0.602;
const GAMMA = 0.101;

/** mulberry32: one uint32 of state, so it serialises as a number. Returns [next state, u in [0,1)). */
function mulberry32(state: number): [number, number] {
  const s = (state + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [s, ((t ^ (t >>> 14)) >>> 0) / 4294967296];
}

function perturbation(rng: number, n: number): [number, number[]] {
  const delta: number[] = [];
  for (let i = 0; i < n; i++) {
    const [next, u] = mulberry32(rng);
    rng = next;
    delta.push(u < 0.5 ? -1 : 1);
  }
  return [rng, delta];
}

/** The SPSA optimiser. */
export const spsa: Optimizer<SpsaState> = {
  name: "spsa",
  usesGradient: false,
  async init(x0, f, options: OptimizerOptions) {
    const c = setting(options, "perturbation", 0.2);
    let rng = setting(options, "seed", 0) >>> 0;
    let a = setting(options, "learningRate", NaN);
    const fx = await f.value(x0);
    if (Number.isNaN(a)) {
      const steps = Math.max(
        1,
        Math.round(setting(options, "calibrationSteps", 10)),
      );
      const target = setting(options, "targetMagnitude", (2 * Math.PI) / 10);
      const A = setting(options, "stability", 0.1 * options.maxIterations);
      let magnitude = 0;
      for (let i = 0; i < steps; i++) {
        let delta: number[];
        [rng, delta] = perturbation(rng, x0.length);
        const plus = await f.value(x0.map((x, k) => x + c * delta[k]));
        const minus = await f.value(x0.map((x, k) => x - c * delta[k]));
        magnitude += Math.abs(plus - minus) / (2 * c) / steps;
      }
      a =
        magnitude > 0 ? (target * Math.pow(A + 1, ALPHA)) / magnitude : target;
    }
    return { x: x0.slice(), fx, a, k: 0, rng, quiet: 0 };
  },
  async step(state, f, options) {
    const n = state.x.length;
    const c0 = setting(options, "perturbation", 0.2);
    const A = setting(options, "stability", 0.1 * options.maxIterations);
    const ak = state.a / Math.pow(state.k + 1 + A, ALPHA);
    const ck = c0 / Math.pow(state.k + 1, GAMMA);
    const [rng, delta] = perturbation(state.rng, n);
    const plus = await f.value(state.x.map((x, i) => x + ck * delta[i]));
    const minus = await f.value(state.x.map((x, i) => x - ck * delta[i]));
    const gScale = (plus - minus) / (2 * ck);
    const stepVec = delta.map((d) => -ak * gScale * d);
    const x = state.x.map((xi, i) => xi + stepVec[i]);
    const quiet = norm(stepVec) < options.tolerance ? state.quiet + 1 : 0;
    const next: SpsaState = {
      x,
      fx: (plus + minus) / 2,
      a: state.a,
      k: state.k + 1,
      rng,
      quiet,
      gradientNorm: Math.abs(gScale) * Math.sqrt(n),
    };
    return quiet >= 5
      ? { ...next, converged: "steps stayed under the tolerance" }
      : next;
  },
};
