/**
 * A job worker: a simulation thread pool fed by the pg-boss `simulate` queue. Runs inside the API
 * process (`stepfault serve`) or alone (`stepfault worker`) against the same database.
 */
import type { FastifyBaseLogger } from "fastify";
import type { JobsRepository } from "../repositories/jobs.repository.ts";
import type { JobEventBus } from "./event-bus.ts";
import type { JobSettings } from "./limits.ts";
import type { JobMetrics } from "./metrics.ts";
import type { JobQueue } from "./queue.ts";
import type { ResultStore } from "./result-store.ts";
import { createSimPool } from "./sim-pool.ts";
import { createSimulateHandler } from "./simulate.job.ts";

/** A running worker. */
export interface JobWorker {
  /** Stops taking messages, lets running jobs finish (up to `timeoutMs`), stops the threads. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts a worker on `queue`. */
export async function startJobWorker(deps: {
  queue: JobQueue;
  jobs: JobsRepository;
  bus: JobEventBus;
  settings: JobSettings;
  log: FastifyBaseLogger;
  metrics?: JobMetrics;
  results?: ResultStore;
}): Promise<JobWorker> {
  const pool = createSimPool(Math.max(1, deps.settings.threads));
  const handle = createSimulateHandler({ ...deps, pool });
  deps.queue.work(Math.max(1, deps.settings.threads), handle);
  return {
    async stop(timeoutMs = 5000) {
      await deps.queue.stop(timeoutMs);
      await pool.close();
    },
  };
}
