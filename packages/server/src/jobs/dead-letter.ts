/**
 * What happens when pg-boss gives up on a simulate message (its handler failed, or its worker
 * stopped, `retryLimit` + 1 times): pg-boss copies the payload to the `simulate-dead` queue in the
 * same statement that fails the message, and this handler makes sure the job does not stay
 * `queued` with no message to run it.
 *
 * - The job is not queued (running on a live worker, or stale and left to the reaper; finished;
 *   deleted): nothing to do.
 * - It is queued and was sent fewer than `maxAttempts` rounds: it is sent again, after the
 *   recovery delay (a database that failed every delivery for a moment gets time to come back).
 * - Otherwise it is failed with `QUEUE_RETRIES_EXHAUSTED` (claimed and finished in one statement,
 *   so its events read `running`, `failed` and webhooks are delivered as for any final state).
 */
import type { FastifyBaseLogger } from "fastify";
import type { JobsRepository } from "../repositories/jobs.repository.ts";
import type { JobSettings } from "./limits.ts";
import type { SimulateMessage } from "./queue.ts";

/** Creates the handler of the dead-letter queue. */
export function createDeadLetterHandler(deps: {
  jobs: JobsRepository;
  settings: Pick<JobSettings, "maxAttempts" | "retryLimit" | "expireInSeconds">;
  /** Sends a message again (small-job queue when `small`), no sooner than `startAfterSeconds`. */
  send: (
    message: SimulateMessage,
    small: boolean,
    startAfterSeconds: number,
  ) => Promise<void>;
  /** Called after the job was failed (wakes event streams). */
  changed: (jobId: string) => void;
  log: FastifyBaseLogger;
}): (message: SimulateMessage) => Promise<void> {
  const { jobs, settings, log } = deps;
  return async (message) => {
    if ((await jobs.statusOf(message.jobId)) !== "queued") return;
    const round = message.round ?? 1;
    const deliveries = settings.retryLimit + 1;
    if (round < settings.maxAttempts) {
      log.warn(
        { jobId: message.jobId, round, deliveries },
        "the queue gave up on a queued job's message: sending it again",
      );
      await deps.send(
        { ...message, round: round + 1 },
        message.job !== undefined,
        settings.expireInSeconds,
      );
      return;
    }
    const failed = await jobs.claimAndFinish(
      message.jobId,
      settings.expireInSeconds,
      {
        status: "failed",
        error: {
          code: "QUEUE_RETRIES_EXHAUSTED",
          message: `the job queue gave up on this job: it was sent ${round} times and every time its message failed ${deliveries} times before a worker could run it (see the worker logs); submit it again`,
        },
      },
      [],
      settings.maxAttempts,
    );
    if (failed) {
      log.error(
        { jobId: message.jobId, round, deliveries },
        "failed a job the queue gave up on (QUEUE_RETRIES_EXHAUSTED)",
      );
      deps.changed(message.jobId);
    }
  };
}
