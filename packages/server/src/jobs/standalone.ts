/**
 * A worker process without the HTTP API (`stepfault worker`): opens the same database, applies
 * migrations, and runs simulate jobs from the shared queue until stopped.
 */
import type { ServerConfig } from "../config/config.ts";
import { openDatabase, type Database } from "../database/database.ts";
import { createLogger } from "../logger.ts";
import { createJobsRepository } from "../repositories/jobs.repository.ts";
import { Redis } from "ioredis";
import { busTransportFor, createJobEventBus } from "./event-bus.ts";
import { DEFAULT_JOB_SETTINGS, type JobSettings } from "./limits.ts";
import { openJobQueue } from "./queue.ts";
import { startJobWorker } from "./worker.ts";
import { openFileStore } from "../files/file-store.ts";
import { createResultStore } from "./result-store.ts";
import { startWebhooks } from "../webhooks/runtime.ts";

/** A running standalone worker. */
export interface RunningWorker {
  readonly database: Database;
  /** Stops taking jobs, lets running ones finish (up to `timeoutMs`), closes the database. */
  stop(timeoutMs?: number): Promise<void>;
}

/** Starts a worker process on the configured database. */
export async function startWorker(
  config: ServerConfig,
  settings: Partial<JobSettings> = {},
): Promise<RunningWorker> {
  const merged: JobSettings = {
    ...DEFAULT_JOB_SETTINGS,
    ...config.jobs,
    ...settings,
  };
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config);
  try {
    await database.migrate();
    const queue = await openJobQueue(database, merged);
    const webhooks = startWebhooks(database.db, config.webhooks, log);
    const files = openFileStore(config.fileStore);
    const redis = config.redisUrl
      ? new Redis(config.redisUrl, { maxRetriesPerRequest: 2 })
      : undefined;
    const bus = createJobEventBus(busTransportFor(database, redis));
    await bus.start();
    const worker = await startJobWorker({
      queue,
      jobs: createJobsRepository(database.db, webhooks.jobHooks),
      bus,
      settings: merged,
      log,
      results: createResultStore(files, merged.resultInlineMaxBytes),
    });
    log.info({ threads: merged.threads }, "worker started");
    let stopping: Promise<void> | undefined;
    return {
      database,
      stop: (timeoutMs = 5000) =>
        (stopping ??= (async () => {
          await worker.stop(timeoutMs);
          await webhooks.dispatcher.stop();
          await files.close();
          await bus.close();
          if (redis) await redis.quit().catch(() => redis.disconnect());
          await database.close();
        })()),
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
