/**
 * Node-only multi-threaded simulator entry (`@stepfault/quantum/threads`): the same simulator as
 * `simulate`, with every sweep split over a persistent pool of worker_threads sharing the state.
 */
import { availableParallelism } from "node:os";
import type { Circuit } from "../ir/types.ts";
import {
  type SimulateOptions,
  type SimulateOutcome,
  simulate,
  simulateOn,
} from "../sim/simulate.ts";
import { ThreadPool } from "./pool.ts";
import { COLLECT_MIN_BYTES, collectGarbage } from "./collect.ts";
import { releaseExpvalKernels } from "../sim/wasm/expval.ts";
import { releaseSimdKernels } from "../sim/wasm/simd.ts";
import { simulationWidth } from "../sim/noisy.ts";
import type { ParametricCircuit } from "../ir/parametric.ts";
import type { Observable } from "../sim/observable.ts";
import {
  type EstimateOptions,
  type EstimateOutcome,
  estimate,
  estimateOn,
} from "../sim/estimate.ts";

/** Options of `simulateParallel`: the simulator's, plus the thread count. */
export interface ParallelSimulateOptions extends SimulateOptions {
  /** Threads including the caller's (default: available parallelism); 1 runs single-threaded. */
  readonly threads?: number;
}

/** Below this many qubits a sweep is too short for threads to pay; such runs stay single-threaded. */
export const MIN_QUBITS_FOR_THREADS = 14;

let pool: ThreadPool | undefined;
let queue: Promise<unknown> = Promise.resolve();

async function poolOf(threads: number): Promise<ThreadPool> {
  if (pool && pool.threads === threads) return pool;
  if (pool) await pool.close();
  pool = undefined;
  pool = await ThreadPool.start(threads);
  return pool;
}

/** Simulates on several threads (falls back to one thread for small circuits or threads: 1). */
export function simulateParallel(
  circuit: Circuit,
  options: ParallelSimulateOptions = {},
): Promise<SimulateOutcome> {
  const threads = Math.max(
    1,
    Math.floor(options.threads ?? availableParallelism()),
  );
  if (
    threads === 1 ||
    simulationWidth(circuit, options) < MIN_QUBITS_FOR_THREADS
  )
    return Promise.resolve(simulate(circuit, options));
  const run = queue.then(async () => {
    const p = await poolOf(threads);
    try {
      return simulateOn(circuit, options, p.engine());
    } finally {
      p.reset();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/** `estimate` with every state sweep split over the pool (one thread below MIN_QUBITS_FOR_THREADS). */
export function estimateParallel(
  program: ParametricCircuit,
  observables: readonly Observable[],
  options: EstimateOptions & { readonly threads?: number } = {},
): Promise<EstimateOutcome> {
  const threads = Math.max(
    1,
    Math.floor(options.threads ?? availableParallelism()),
  );
  if (threads === 1 || program.circuit.numQubits < MIN_QUBITS_FOR_THREADS)
    return Promise.resolve(estimate(program, observables, options));
  const run = queue.then(async () => {
    const p = await poolOf(threads);
    try {
      return estimateOn(program, observables, options, p.engine());
    } finally {
      p.reset();
    }
  });
  queue = run.catch(() => undefined);
  return run;
}

/**
 * Frees this thread's WebAssembly kernel memory when a run grew it to at least `minBytes`
 * (default: 64 MiB, the size from which a run's states are unmapped at once): the modules are
 * dropped (rebuilt on next use, a few milliseconds) and a GC frees them now. A thread that runs
 * job after job calls this between them, so one large estimate does not hold its peak for good.
 * True when memory was released.
 */
export function releaseKernelMemory(minBytes = COLLECT_MIN_BYTES): boolean {
  const expval = releaseExpvalKernels(minBytes);
  const simd = releaseSimdKernels(minBytes);
  if (!expval && !simd) return false;
  collectGarbage();
  return true;
}

/** Stops the worker pool (workers are unref'd, so an idle pool never keeps the process alive). */
export async function closeThreadPool(): Promise<void> {
  await queue;
  const p = pool;
  pool = undefined;
  await p?.close();
}
