/**
 * Crash recovery without a time limit on jobs: heartbeats plus a reaper.
 *
 * pg-boss 10 has no heartbeat, so its `expireInSeconds` would be both the crash-recovery delay
 * and the longest a job may run: a simulation running longer than that would be handed to a
 * second worker while the first is still at it. StepFault therefore treats the pg-boss message
 * only as a wake-up call and keeps the truth on the job row:
 *
 * - A worker **claims** a job with one conditional UPDATE (`JobsRepository.claim`): `queued` ->
 *   `running`, or `running` -> `running` only when the row's `heartbeat_at` is older than the
 *   recovery delay (`recoverAfterSeconds`, the `expireInSeconds` setting / `--recover-after`).
 *   Each claim bumps `attempts`; results are written only by the attempt that holds the job, so
 *   a result is written exactly once.
 * - While an attempt runs, its worker refreshes `heartbeat_at` every `recoverAfter / 4` seconds
 *   (one UPDATE for all of its running jobs). A long simulation therefore stays claimed however
 *   long it runs: when its pg-boss message expires, the retried message finds a fresh heartbeat,
 *   claims nothing and is completed.
 * - Every worker also runs a **reaper** at the same interval: one transaction moves running jobs
 *   whose heartbeat is older than `recoverAfter` back to `queued` (a `status` event with
 *   `requeued: true`) and sends each a new pg-boss message. The conditional UPDATE (with
 *   `FOR UPDATE SKIP LOCKED`) lets exactly one reaper re-queue a job. So a job whose worker died
 *   (SIGKILL, out of memory, host lost) runs again after about `recoverAfter` to
 *   `1.25 × recoverAfter` seconds, on any live worker.
 * - **Poison jobs**: a job whose worker dies on every attempt (it needs more memory than a worker
 *   has, or crashes the simulator) is not re-queued forever. A stale job that has used
 *   `maxAttempts` attempts (`JOB_MAX_ATTEMPTS`, default 3) is failed by the same reaper pass with
 *   error `WORKER_LOST`, in one statement with its `failed` event and webhook deliveries (the
 *   finish hooks of any final state). A claim never starts an attempt past that cap on a stale
 *   job. A simulation thread that dies counts the same way (jobs/simulate.job.ts).
 * - **Messages pg-boss gives up on** go to a dead-letter queue (jobs/dead-letter.ts), so a job
 *   never stays `queued` without a message.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../database/database.ts";
import type { JobsRepository } from "../repositories/jobs.repository.ts";

/** Tracks this worker's running attempts, heartbeats them and re-queues dead workers' jobs. */
export interface Liveness {
  /** Marks an attempt as running here until the returned function is called. */
  track(jobId: string, attempt: number): () => void;
  /** One heartbeat and reaper pass now (the timer runs them on its own). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts heartbeats and the reaper for one worker. */
export function startLiveness(deps: {
  jobs: JobsRepository;
  recoverAfterSeconds: number;
  /** Attempts after which a stale job is failed (`WORKER_LOST`) instead of re-queued. */
  maxAttempts: number;
  /** Sends a new message for a re-queued job inside the reaper's transaction. */
  enqueue: (tx: Db, jobId: string) => Promise<void>;
  /** Called after jobs were re-queued (wakes fetch loops and event streams). */
  requeued: (jobIds: readonly string[]) => void;
  /** Called after stale jobs out of attempts were failed (wakes event streams). */
  failed: (jobIds: readonly string[]) => void;
  log: FastifyBaseLogger;
}): Liveness {
  const running = new Map<string, number>();
  let pass: Promise<void> | undefined;
  const tick = () =>
    (pass ??= (async () => {
      try {
        await deps.jobs.heartbeat([...running]);
        const lost = await deps.jobs.failStale(
          deps.recoverAfterSeconds,
          deps.maxAttempts,
        );
        if (lost.length > 0) {
          deps.log.error(
            { jobIds: lost, maxAttempts: deps.maxAttempts },
            "failed jobs whose worker stopped on every attempt (WORKER_LOST)",
          );
          deps.failed(lost);
        }
        const ids = await deps.jobs.requeueStale(
          deps.recoverAfterSeconds,
          deps.enqueue,
          deps.maxAttempts,
        );
        if (ids.length > 0) {
          deps.log.warn(
            { jobIds: ids },
            "re-queued jobs whose worker stopped sending heartbeats",
          );
          deps.requeued(ids);
        }
      } catch (err) {
        deps.log.debug({ err }, "heartbeat/reaper pass failed");
      } finally {
        pass = undefined;
      }
    })());
  const timer = setInterval(
    () => void tick(),
    Math.max(250, (deps.recoverAfterSeconds * 1000) / 4),
  );
  timer.unref();
  return {
    track(jobId, attempt) {
      running.set(jobId, attempt);
      return () => {
        if (running.get(jobId) === attempt) running.delete(jobId);
      };
    },
    tick,
    async stop() {
      clearInterval(timer);
      await pass;
    },
  };
}
