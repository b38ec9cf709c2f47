/**
 * A job worker: a simulation thread pool fed by the pg-boss `simulate` queue (plus the inline
 * `simulate-small` queue and the `simulate-dead` dead-letter queue). Runs inside the API
 * process (`stepfault serve`) or alone (`stepfault worker`) against the same database.
 */
import type { FastifyBaseLogger } from "fastify";
import type { JobsRepository } from "../repositories/jobs.repository.ts";
import type { JobEventBus } from "./event-bus.ts";
import type { JobSettings } from "./limits.ts";
import type { JobMetrics } from "./metrics.ts";
import type { Db } from "../database/database.ts";
import { createDeadLetterHandler } from "./dead-letter.ts";
import {
  SIMULATE_DEAD_QUEUE,
  SIMULATE_QUEUE,
  SIMULATE_SMALL_QUEUE,
  type JobQueue,
} from "./queue.ts";
import { startLiveness } from "./recovery.ts";
import type { ResultStore } from "./result-store.ts";
import { createSimPool } from "./sim-pool.ts";
import { createSimulateHandler, type JobFinishedHook } from "./simulate.job.ts";

/** A running worker. */
export interface JobWorker {
  /** Stops taking messages, lets running jobs finish (up to `timeoutMs`), stops the threads. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Jobs of the small-job queue a worker holds at once (they run inline, one after another). */
const SMALL_JOBS_IN_HAND = 32;
/** Dead-letter messages a worker holds at once. */
const DEAD_LETTERS_IN_HAND = 4;

/** Starts a worker on `queue`. */
export async function startJobWorker(deps: {
  queue: JobQueue;
  jobs: JobsRepository;
  bus: JobEventBus;
  settings: JobSettings;
  log: FastifyBaseLogger;
  metrics?: JobMetrics;
  /** Moves large results to the file store. */
  results?: ResultStore;
  onFinished?: JobFinishedHook;
}): Promise<JobWorker> {
  const threads = Math.max(1, deps.settings.threads);
  const pool = createSimPool(threads);
  const enqueue = (tx: Db, jobId: string) => deps.queue.enqueue(tx, { jobId });
  const liveness = startLiveness({
    jobs: deps.jobs,
    recoverAfterSeconds: deps.settings.expireInSeconds,
    maxAttempts: deps.settings.maxAttempts,
    enqueue,
    requeued: (ids) => {
      deps.bus.queued(SIMULATE_QUEUE);
      for (const id of ids) deps.bus.changed(id);
    },
    failed: (ids) => {
      for (const id of ids) deps.bus.changed(id);
    },
    log: deps.log,
  });
  const { handle, handleSmall, drain } = createSimulateHandler({
    ...deps,
    pool,
    liveness,
    enqueue,
  });
  const handleDead = createDeadLetterHandler({
    jobs: deps.jobs,
    settings: deps.settings,
    send: async (message, small, startAfterSeconds) => {
      await deps.queue.send(message, small, startAfterSeconds);
      deps.bus.queued(small ? SIMULATE_SMALL_QUEUE : SIMULATE_QUEUE);
    },
    changed: (id) => deps.bus.changed(id),
    log: deps.log,
  });
  const offQueued = deps.bus.onQueued((queue) => deps.queue.wake(queue));
  deps.queue.work([
    { queue: SIMULATE_QUEUE, capacity: threads, handler: handle },
    {
      queue: SIMULATE_SMALL_QUEUE,
      capacity: SMALL_JOBS_IN_HAND,
      handler: handleSmall,
    },
    {
      // Not urgent, and empty but for failures: polled less often when idle.
      queue: SIMULATE_DEAD_QUEUE,
      capacity: DEAD_LETTERS_IN_HAND,
      handler: handleDead,
      pollingIntervalSeconds: Math.max(
        deps.settings.pollingIntervalSeconds,
        Math.min(5, deps.settings.expireInSeconds / 4),
      ),
    },
  ]);
  return {
    async stop(timeoutMs = 5000) {
      offQueued();
      drain();
      await deps.queue.stop(timeoutMs);
      await liveness.stop();
      await pool.close();
    },
  };
}
