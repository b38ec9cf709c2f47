/**
 * The variational loop: runs an optimiser iteration by iteration, counts evaluations, keeps the
 * best point ever evaluated, and after every iteration hands the caller the iteration record and
 * a checkpoint (plain JSON) to store. Given a checkpoint it resumes from it: the next iteration
 * is the one after the checkpoint's, so a stored history stays continuous. Stop requests are
 * honoured between evaluations; the best point is kept.
 */
import { OPTIMIZERS } from "./optimizers/registry.ts";
import type {
  OptimizerName,
  OptimizerOptions,
  StateBase,
} from "./optimizers/types.ts";

/** The cost function as the runner sees it: `evaluation` numbers every call (seeds shot noise). */
export interface CostFunction {
  value(x: readonly number[], evaluation: number): Promise<number>;
  valueAndGradient?(
    x: readonly number[],
    evaluation: number,
  ): Promise<{ value: number; gradient: number[] }>;
}

/** One iteration, as streamed and stored. */
export interface IterationRecord {
  readonly iteration: number;
  /** The cost at the iterate (energy for VQE, cost for QAOA). */
  readonly energy: number;
  readonly parameters: number[];
  readonly gradientNorm?: number;
  /** Evaluations so far, in total. */
  readonly evaluations: number;
  /** Time since the run started, summed over resumed attempts. */
  readonly elapsedMs: number;
}

/** What is saved after every iteration, and all a resume needs. */
export interface Checkpoint {
  readonly optimizer: OptimizerName;
  readonly iteration: number;
  readonly evaluations: number;
  readonly elapsedMs: number;
  readonly best: { readonly value: number; readonly x: number[] };
  readonly state: StateBase;
}

/** Why a run ended. */
export type StopReason = "converged" | "maxIterations" | "cancelled";

/** The outcome of `minimize`. */
export interface MinimizeResult {
  /** The best cost found (over every evaluation). */
  readonly value: number;
  readonly x: number[];
  /**
   * The optimiser's last iterate and its cost (with shot noise a better answer than the best
   * evaluation, whose value is biased low by the selection).
   */
  readonly last: { readonly value: number; readonly x: number[] };
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
  readonly reason: StopReason;
  /** The optimiser's own words when it converged. */
  readonly detail?: string;
  readonly elapsedMs: number;
}

/** Thrown inside an evaluation when a stop was requested; caught by `minimize`. */
class Stopped extends Error {}

/** Runs (or resumes) a minimisation. */
export async function minimize(args: {
  optimizer: OptimizerName;
  options: OptimizerOptions;
  x0: number[];
  cost: CostFunction;
  /** Resume from here instead of starting at `x0`. */
  checkpoint?: Checkpoint;
  /** Called after every iteration (after the initial evaluations: iteration 0); awaited. */
  onIteration?: (
    record: IterationRecord,
    checkpoint: Checkpoint,
  ) => Promise<void>;
  /** Polled before every evaluation; true stops the run (reason "cancelled"). */
  shouldStop?: () => boolean;
  /** The clock (tests). */
  now?: () => number;
}): Promise<MinimizeResult> {
  const opt = OPTIMIZERS[args.optimizer];
  const now = args.now ?? (() => performance.now());
  const cp = args.checkpoint;
  let evaluations = cp?.evaluations ?? 0;
  let best = cp?.best ?? { value: Infinity, x: args.x0.slice() };
  const start = now() - (cp?.elapsedMs ?? 0);
  const note = (x: readonly number[], value: number) => {
    if (value < best.value) best = { value, x: x.slice() };
  };
  const guard = () => {
    if (args.shouldStop?.()) throw new Stopped();
  };
  const cost = args.cost;
  const f = {
    async value(x: readonly number[]) {
      guard();
      const v = await cost.value(x, evaluations++);
      note(x, v);
      return v;
    },
    ...(cost.valueAndGradient
      ? {
          async valueAndGradient(x: readonly number[]) {
            guard();
            const r = await cost.valueAndGradient!(x, evaluations++);
            note(x, r.value);
            return r;
          },
        }
      : {}),
  };
  let iteration = cp?.iteration ?? 0;
  let state = cp?.state;
  const record = async (s: StateBase) => {
    const elapsedMs = now() - start;
    const rec: IterationRecord = {
      iteration,
      energy: s.fx,
      parameters: s.x.slice(),
      ...(s.gradientNorm !== undefined ? { gradientNorm: s.gradientNorm } : {}),
      evaluations,
      elapsedMs,
    };
    await args.onIteration?.(rec, {
      optimizer: args.optimizer,
      iteration,
      evaluations,
      elapsedMs,
      best,
      state: s,
    });
  };
  const finish = (reason: StopReason, detail?: string): MinimizeResult => ({
    value: best.value,
    x: best.x,
    last: state
      ? { value: state.fx, x: state.x.slice() }
      : { value: best.value, x: best.x },
    iterations: iteration,
    evaluations,
    converged: reason === "converged",
    reason,
    ...(detail ? { detail } : {}),
    elapsedMs: now() - start,
  });
  try {
    if (state === undefined) {
      state = await opt.init(args.x0.slice(), f, args.options);
      await record(state);
    }
    while (state.converged === undefined) {
      if (iteration >= args.options.maxIterations)
        return finish("maxIterations");
      const next: StateBase = await opt.step(state, f, args.options);
      iteration++;
      state = next;
      await record(state);
    }
    return finish("converged", state.converged);
  } catch (err) {
    if (err instanceof Stopped) return finish("cancelled");
    throw err;
  }
}
