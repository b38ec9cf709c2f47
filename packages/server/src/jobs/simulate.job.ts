/**
 * The `simulate` job handler: claims the job (queued/running -> running, next attempt), runs it in
 * the simulation thread pool, watches for cancellation, and writes the outcome exactly once.
 * Safe to run twice: a finished job is skipped, and a stale attempt cannot overwrite a newer one.
 */
import { readFileSync } from "node:fs";
import { DM_MAX_QUBITS } from "@stepfault/quantum";
import { MIN_QUBITS_FOR_THREADS } from "@stepfault/quantum/threads";
import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../database/database.ts";
import type {
  JobRow,
  JobsRepository,
} from "../repositories/jobs.repository.ts";
import type { JobEventBus } from "./event-bus.ts";
import type { JobSettings } from "./limits.ts";
import type { JobMetrics } from "./metrics.ts";
import type { Liveness } from "./recovery.ts";
import { SIMULATE_QUEUE, type SimulateMessage } from "./queue.ts";
import { storedRef, type ResultStore } from "./result-store.ts";
import type { SimPool, SimRequest } from "./sim-pool.ts";
import type { SimSuccess } from "./sim-task.ts";
import { createVariationalRunner } from "./variational.job.ts";

/** The StepFault version written into every job record. */
export const STEPFAULT_VERSION = (
  JSON.parse(
    readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
  ) as { version: string }
).version;

const CANCEL_POLL_MS = 250;
/** With a cross-process bus a cancel arrives as a signal; the poll is only a safety net. */
const CANCEL_POLL_CROSS_PROCESS_MS = 1000;
const PROGRESS_WRITE_MS = 250;

/** What running a job needs: its row, or the copy a small-job message carries (plain sampling). */
export type JobSpec = Pick<
  JobRow,
  "id" | "source" | "inputs" | "shots" | "seed" | "precision" | "createdAt"
> &
  Partial<
    Pick<
      JobRow,
      "kind" | "primitive" | "method" | "noise" | "threads" | "numQubits"
    >
  >;

function resultOf(row: JobSpec, r: SimSuccess, startedAt: Date) {
  const timing = {
    queueWaitMs: Math.max(0, startedAt.getTime() - row.createdAt.getTime()),
    compileMs: r.compileMs,
    simulateMs: r.simulateMs,
  };
  const threads = r.threads ?? 1;
  if (r.estimate)
    return {
      kind: "estimate",
      counts: {},
      probabilities: {},
      shots: row.shots,
      seed: r.seed,
      qubits: r.qubits,
      clbits: r.clbits,
      method: r.estimate.method,
      sweeps: r.sweeps,
      peakMemoryBytes: r.peakMemoryBytes,
      threads,
      timing,
      observables: r.estimate.observables,
      parameters: r.estimate.parameters,
      points: r.estimate.points,
      expectations: r.estimate.expectations,
      stddev: r.estimate.stddev,
      gradients: r.estimate.gradients,
      timeMs: r.estimate.timeMs,
    };
  const probabilities: Record<string, number> = {};
  for (const [k, n] of Object.entries(r.counts))
    probabilities[k] = n / row.shots;
  let statevector: [number, number][] | undefined;
  if (r.statevector) {
    statevector = [];
    for (let i = 0; i < r.statevector.length; i += 2)
      statevector.push([r.statevector[i], r.statevector[i + 1]]);
  }
  return {
    counts: r.counts,
    probabilities,
    shots: row.shots,
    seed: r.seed,
    qubits: r.qubits,
    clbits: r.clbits,
    method: r.method,
    sweeps: r.sweeps,
    peakMemoryBytes: r.peakMemoryBytes,
    threads,
    timing,
    ...(statevector ? { statevector } : {}),
    ...(r.sweep
      ? {
          sweep: {
            parameters: r.sweep.parameters,
            points: r.sweep.counts.length,
            counts: r.sweep.counts,
          },
        }
      : {}),
  };
}

/**
 * Threads a job's sweeps are split over: what it asked for (default: the worker's `JOB_THREADS`),
 * at most the worker's; one when its state is too small for threads to pay (under
 * MIN_QUBITS_FOR_THREADS; a noisy job that will use the density matrix counts twice its qubits).
 */
export function jobThreads(
  row: Pick<JobSpec, "threads" | "numQubits" | "method" | "noise">,
  workerThreads: number,
): number {
  const n = row.numQubits ?? 0;
  const density =
    row.method === "density_matrix" ||
    ((row.method ?? "auto") === "auto" &&
      row.noise !== null &&
      row.noise !== undefined &&
      n <= DM_MAX_QUBITS.double);
  if ((density ? 2 * n : n) < MIN_QUBITS_FOR_THREADS) return 1;
  return Math.max(1, Math.min(row.threads ?? workerThreads, workerThreads));
}

/** How a finished attempt ended, as written to the job row. */
export type JobOutcome =
  | {
      readonly status: "succeeded";
      readonly result: unknown;
      readonly record: unknown;
    }
  | { readonly status: "cancelled" }
  | {
      readonly status: "failed";
      readonly error: { code: string; message: string };
    };

/** Called once per job after its final status was written (webhooks, metrics, file stores). */
export type JobFinishedHook = (
  jobId: string,
  outcome: JobOutcome,
) => void | Promise<void>;

/** Creates the handlers for `simulate` (threads) and `simulate-small` (inline) messages. */
export function createSimulateHandler(deps: {
  jobs: JobsRepository;
  pool: SimPool;
  bus: JobEventBus;
  settings: JobSettings;
  log: FastifyBaseLogger;
  liveness: Liveness;
  metrics?: JobMetrics;
  /** Moves large results to the file store (inline in the row without it). */
  results?: ResultStore;
  onFinished?: JobFinishedHook;
  /** Sends a new message for a job given back to the queue, inside the transaction `tx`. */
  enqueue: (tx: Db, jobId: string) => Promise<void>;
}) {
  const { jobs, pool, bus, settings, log, liveness } = deps;

  /**
   * The one "job finished" path: writes the outcome of attempt `attempt` (with any buffered log
   * lines) exactly once, wakes event streams, then calls `onFinished`. Returns false when the
   * attempt no longer held the job (cancelled meanwhile, or re-run elsewhere).
   */
  async function finishJob(
    row: JobSpec,
    attempt: number | "claim",
    outcome: JobOutcome,
    logs: readonly string[] = [],
  ): Promise<boolean> {
    let written: boolean;
    try {
      written =
        attempt === "claim"
          ? await jobs.claimAndFinish(
              row.id,
              settings.expireInSeconds,
              outcome,
              logs,
              settings.maxAttempts,
            )
          : await jobs.finish(row.id, attempt, outcome, logs);
    } catch (err) {
      await dropOrphanFile(row.id, outcome, "failed", err);
      throw err;
    }
    bus.changed(row.id);
    if (!written) {
      log.info({ jobId: row.id, attempt }, "job outcome already written");
      // This attempt's stored result file (if any) is not referenced by the row: drop it.
      await dropOrphanFile(row.id, outcome, "did not take");
      return false;
    }
    try {
      await deps.onFinished?.(row.id, outcome);
    } catch (err) {
      log.error({ err, jobId: row.id }, "job finished hook failed");
    }
    return true;
  }

  /**
   * Deletes the result file an attempt wrote when its finishing statement failed or did not take
   * (best effort, logged): no row refers to it. After an error the statement may still have
   * committed (the connection broke after the commit), so the row is read first; when that read
   * fails too, the file is left in place rather than risk deleting a written result.
   */
  async function dropOrphanFile(
    jobId: string,
    outcome: JobOutcome,
    how: "failed" | "did not take",
    cause?: unknown,
  ): Promise<void> {
    if (outcome.status !== "succeeded" || deps.results === undefined) return;
    const ref = storedRef(outcome.result);
    if (ref === undefined) return;
    if (how === "failed") {
      let current: JobRow | undefined;
      try {
        current = await jobs.findById(jobId);
      } catch (err) {
        log.warn(
          { err, cause, jobId, resultKey: ref.key },
          "finishing a job failed and its row cannot be read: its result file is left in place",
        );
        return;
      }
      if (storedRef(current?.result)?.key === ref.key) return;
    }
    try {
      await deps.results.remove(outcome.result);
      log.warn(
        { err: cause, jobId, resultKey: ref.key },
        `finishing a job ${how}: deleted the result file it wrote`,
      );
    } catch (err) {
      log.warn(
        { err, jobId, resultKey: ref.key },
        `finishing a job ${how}: could not delete the result file it wrote`,
      );
    }
  }

  function request(row: JobSpec) {
    return {
      source: row.source,
      inputs: (row.inputs ?? undefined) as
        Record<string, number | boolean> | undefined,
      shots: row.shots,
      seed: Number(row.seed ?? 0),
      precision: row.precision,
      kind:
        row.kind === "estimate" ? ("estimate" as const) : ("sample" as const),
      primitive: (row.primitive ?? null) as SimRequest["primitive"],
      method: row.method ?? "auto",
      noise:
        (row.noise as { model?: unknown } | null | undefined)?.model ?? null,
      statevectorMaxQubits: settings.statevectorMaxQubits,
      memoryLimitBytes: settings.memoryLimitBytes,
      threads: jobThreads(row, settings.threads),
    };
  }

  /**
   * The outcome of a successful run; a large result goes to the file store first (under a key
   * of this attempt, so a stale attempt never overwrites the file of the one that won).
   */
  async function succeeded(
    row: JobSpec,
    r: SimSuccess,
    startedAt: Date,
    attempt: number,
  ): Promise<JobOutcome> {
    return successOutcome(
      row,
      r,
      await store(row.id, attempt, r, row, startedAt),
    );
  }

  async function store(
    jobId: string,
    attempt: number,
    r: SimSuccess,
    row: JobSpec,
    startedAt: Date,
  ): Promise<unknown> {
    const full = resultOf(row, r, startedAt);
    return deps.results ? deps.results.prepare(jobId, attempt, full) : full;
  }

  function successOutcome(
    row: JobSpec,
    r: SimSuccess,
    result: unknown,
  ): JobOutcome {
    return {
      status: "succeeded",
      result,
      record: {
        source: row.source,
        inputs: row.inputs ?? null,
        circuit: r.circuitJson,
        seed: r.seed,
        options: {
          shots: row.shots,
          precision: row.precision,
          kind: row.kind ?? "sample",
          primitive: row.primitive ?? null,
          method: row.method ?? "auto",
          noise: row.noise ?? null,
          threads: row.threads ?? null,
        },
        stepfaultVersion: STEPFAULT_VERSION,
      },
    };
  }

  function failure(error: { code: string; message: string }): JobOutcome {
    return error.code === "SIM_CANCELLED"
      ? { status: "cancelled" }
      : { status: "failed", error };
  }

  /** Claims the job; undefined when there is nothing to run (finished, gone, live elsewhere). */
  async function claim(message: SimulateMessage) {
    const row = await jobs.claim(
      message.jobId,
      settings.expireInSeconds,
      settings.maxAttempts,
    );
    if (row === undefined) return undefined;
    const startedAt = new Date();
    deps.metrics?.observeQueueWait(
      Math.max(0, startedAt.getTime() - row.createdAt.getTime()) / 1000,
    );
    return { row, attempt: row.attempts, startedAt };
  }

  /**
   * A tiny job (`simulate-small`): its message carries what it needs, so it runs inline at once
   * and one statement claims the job, writes the outcome with its events (running, log lines,
   * final status) and bumps the attempt, only if the job is still queued (or held by a dead
   * attempt). Running it twice is harmless; only one run's result is ever written.
   */
  async function handleSmall(message: SimulateMessage): Promise<void> {
    const spec = message.job;
    if (spec === undefined) return handle(message);
    const row: JobSpec = { ...spec, createdAt: new Date(spec.createdAt) };
    const startedAt = new Date();
    deps.metrics?.observeQueueWait(
      Math.max(0, startedAt.getTime() - row.createdAt.getTime()) / 1000,
    );
    let finalStatus = "retry";
    try {
      const logs: string[] = [];
      const outcome = await pool.runInline(request(row), {
        onLog: (line) => logs.push(line),
      }).outcome;
      const full = outcome.ok
        ? resultOf(row, outcome.result, startedAt)
        : undefined;
      if (outcome.ok && full && deps.results?.isLarge(full)) {
        // A large result goes to the file store under its attempt's key, and the attempt number
        // is known only once claimed: claim, store, then finish (as a threaded job would).
        const claimed = await jobs.claim(
          row.id,
          settings.expireInSeconds,
          settings.maxAttempts,
        );
        if (claimed === undefined) return;
        const attempt = claimed.attempts;
        const untrack = liveness.track(row.id, attempt);
        try {
          const stored = await deps.results.prepare(row.id, attempt, full);
          const end = successOutcome(row, outcome.result, stored);
          finalStatus = end.status;
          await finishJob(row, attempt, end, logs);
        } finally {
          untrack();
        }
        return;
      }
      const end = outcome.ok
        ? successOutcome(row, outcome.result, full)
        : failure(outcome.error);
      finalStatus = end.status;
      await finishJob(row, "claim", end, logs);
    } finally {
      deps.metrics?.observeRunTime(
        (Date.now() - startedAt.getTime()) / 1000,
        finalStatus,
      );
    }
  }

  // Set when the worker stops: a variational loop gives its job back at the next evaluation
  // (its checkpoint is saved every iteration), instead of holding the stop until the timeout.
  let draining = false;
  const runVariational = createVariationalRunner({
    jobs,
    bus,
    liveness,
    log,
    finishJob,
    draining: () => draining,
    release: async (row, attempt) => {
      log.warn(
        { jobId: row.id, attempt },
        "the worker is stopping: giving a variational job back to the queue at its checkpoint",
      );
      if (await jobs.release(row.id, attempt, deps.enqueue))
        bus.queued(SIMULATE_QUEUE);
      bus.changed(row.id);
    },
    record: (row, extra) => ({
      source: row.source,
      inputs: null,
      circuit: null,
      seed: Number(row.seed ?? 0),
      options: { shots: row.shots, precision: row.precision },
      stepfaultVersion: STEPFAULT_VERSION,
      ...extra,
    }),
  });

  /** A job on the simulation threads: live progress and log lines, cancellable while it runs. */
  async function handle(message: SimulateMessage): Promise<void> {
    const claimed = await claim(message);
    if (claimed === undefined) return;
    const { row, attempt, startedAt } = claimed;
    if (row.kind === "vqe" || row.kind === "qaoa") {
      // A variational job (VQE, QAOA): its own loop, checkpointed every iteration.
      let status = "retry";
      bus.changed(row.id);
      try {
        status = await runVariational(row, attempt);
      } finally {
        deps.metrics?.observeRunTime(
          (Date.now() - startedAt.getTime()) / 1000,
          status,
        );
      }
      return;
    }
    const untrack = liveness.track(row.id, attempt);
    let finalStatus = "retry";
    bus.changed(row.id);
    let lastWrite = 0;
    const handle = pool.run(request(row), {
      onProgress: (fraction) => {
        bus.progress(row.id, fraction);
        const now = Date.now();
        if (now - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = now;
        jobs.setProgress(row.id, attempt, fraction).catch(() => undefined);
      },
      onLog: (line) => {
        jobs
          .addEvent(row.id, "log", { message: line })
          .then(() => bus.changed(row.id))
          .catch(() => undefined);
      },
    });
    // Cancellation: the API flips the row to `cancelled`; the bus wakes us (in-process, or from
    // other processes over Redis / LISTEN-NOTIFY) and the poll covers the rest.
    const check = () => {
      jobs.statusOf(row.id).then(
        (s) => {
          if (s !== "running") handle.cancel();
        },
        () => undefined,
      );
    };
    const unsubscribe = bus.subscribe(row.id, (sig) => {
      if (sig.kind === "changed") check();
    });
    const timer = setInterval(
      check,
      bus.crossProcess ? CANCEL_POLL_CROSS_PROCESS_MS : CANCEL_POLL_MS,
    );
    try {
      const outcome = await handle.outcome;
      if (outcome.ok) {
        finalStatus = "succeeded";
        await finishJob(
          row,
          attempt,
          await succeeded(row, outcome.result, startedAt, attempt),
        );
      } else if (
        outcome.error.code === "SIM_POOL_CLOSED" ||
        (outcome.error.code === "SIM_THREAD_DIED" &&
          attempt < settings.maxAttempts)
      ) {
        // This process could not finish it (stopping, or the thread died): give the job back
        // with a new message, so any worker runs it again now. A stop is not the job's fault
        // and is not capped; a thread death is (a poison job kills every thread it runs on).
        log.warn(
          { jobId: row.id, attempt, error: outcome.error },
          "giving a job back to the queue",
        );
        if (await jobs.release(row.id, attempt, deps.enqueue))
          bus.queued(SIMULATE_QUEUE);
        bus.changed(row.id);
      } else if (outcome.error.code === "SIM_THREAD_DIED") {
        finalStatus = "failed";
        await finishJob(row, attempt, {
          status: "failed",
          error: {
            code: "WORKER_LOST",
            message: `the simulation thread running this job died ${attempt} times (last: ${outcome.error.message}); it may need more memory than a worker has, or crash the simulator, so it is not run again (JOB_MAX_ATTEMPTS is ${settings.maxAttempts}): submit it again, perhaps with fewer qubits or shots`,
          },
        });
      } else {
        const end = failure(outcome.error);
        finalStatus = end.status;
        await finishJob(row, attempt, end);
      }
    } finally {
      deps.metrics?.observeRunTime(
        (Date.now() - startedAt.getTime()) / 1000,
        finalStatus,
      );
      clearInterval(timer);
      unsubscribe();
      untrack();
    }
  }

  return {
    handle,
    handleSmall,
    finishJob,
    /** The worker is stopping: running variational loops hand their jobs back to the queue. */
    drain() {
      draining = true;
    },
  };
}
