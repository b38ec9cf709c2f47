/**
 * The optimiser contract: every optimiser is a pair of pure steps over a plain-JSON state, so the
 * state can be written to a database after every iteration and a run resumed from it anywhere.
 */

/** What an optimiser may ask of the problem. Evaluations are counted and seeded by the runner. */
export interface Objective {
  /** The cost at `x`. */
  value(x: readonly number[]): Promise<number>;
  /** The cost and its gradient at `x` (gradient optimisers only). */
  valueAndGradient?(
    x: readonly number[],
  ): Promise<{ value: number; gradient: number[] }>;
}

/** Options every optimiser understands (others are optimiser-specific and ignored elsewhere). */
export interface OptimizerOptions {
  /** Iterations before stopping with reason "maxIterations". */
  readonly maxIterations: number;
  /** Convergence tolerance; its meaning is optimiser-specific (see each file). */
  readonly tolerance: number;
  /** Optimiser-specific settings (learning rate, initial step, bounds, ...). */
  readonly [setting: string]: unknown;
}

/** The part of an optimiser's state the runner reads. */
export interface StateBase {
  /** The current iterate. */
  readonly x: number[];
  /** The cost at `x` (or the optimiser's estimate of it, SPSA). */
  readonly fx: number;
  /** Norm of the gradient at `x`, for gradient optimisers. */
  readonly gradientNorm?: number;
  /** Set when the optimiser has converged; the runner stops. */
  readonly converged?: string;
}

/** An optimiser: `init` evaluates what it needs at the start, `step` runs one iteration. */
export interface Optimizer<S extends StateBase = StateBase> {
  readonly name: OptimizerName;
  /** True when it calls `valueAndGradient`. */
  readonly usesGradient: boolean;
  init(x0: number[], f: Objective, options: OptimizerOptions): Promise<S>;
  step(state: S, f: Objective, options: OptimizerOptions): Promise<S>;
}

/** The optimisers StepFault ships. */
export const OPTIMIZER_NAMES = [
  "cobyla",
  "nelder-mead",
  "spsa",
  "adam",
  "l-bfgs-b",
] as const;

/** One of `OPTIMIZER_NAMES`. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** Reads a numeric setting with a default. */
export function setting(
  options: OptimizerOptions,
  key: string,
  fallback: number,
): number {
  const v = options[key];
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}

/** Euclidean norm. */
export function norm(v: readonly number[]): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}
