/**
 * Wires webhooks into a process: the repository, the hook that queues deliveries inside the
 * transaction finishing a job, and the dispatcher loop that sends them.
 */
import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../database/database.ts";
import type { JobHooks } from "../repositories/jobs.repository.ts";
import {
  createWebhooksRepository,
  ENQUEUE_FOR_FINISHED_JOB_SQL,
  type WebhooksRepository,
} from "../repositories/webhooks.repository.ts";
import {
  startWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookSettings,
} from "./dispatcher.ts";
import type { WebhookMetrics } from "./metrics.ts";

/** Webhooks running in this process. */
export interface WebhookRuntime {
  readonly repo: WebhooksRepository;
  /** Pass to `createJobsRepository` so finished jobs queue their deliveries. */
  readonly jobHooks: JobHooks;
  readonly dispatcher: WebhookDispatcher;
}

/** How long after a job finishes this process looks for its deliveries (the commit lands first). */
const WAKE_DELAY_MS = 25;

/** Starts webhook delivery on `db`. */
export function startWebhooks(
  db: Db,
  settings: WebhookSettings,
  log: FastifyBaseLogger,
  metrics?: WebhookMetrics,
): WebhookRuntime {
  const repo = createWebhooksRepository(db);
  const dispatcher = startWebhookDispatcher({
    webhooks: repo,
    settings,
    log,
    ...(metrics ? { metrics } : {}),
  });
  return {
    repo,
    dispatcher,
    jobHooks: {
      async onFinished(tx, job) {
        if ((await repo.enqueueForJob(tx, job)) > 0)
          setTimeout(() => dispatcher.wake(), WAKE_DELAY_MS).unref();
      },
      // The same, inside the job's final statement (no extra round trip or transaction).
      finishedSql: ENQUEUE_FOR_FINISHED_JOB_SQL,
      afterFinished(_job, rows) {
        if (rows > 0) dispatcher.wake();
      },
    },
  };
}
