/**
 * The job queue: pg-boss 10 on the system-of-record database (PGlite through an `executeSql`
 * adapter, PostgreSQL through the same pool). Messages are enqueued inside the caller's drizzle
 * transaction, so a job row and its message commit together.
 */
import type { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import type pg from "pg";
import PgBoss from "pg-boss";
import type { Database, Db } from "../database/database.ts";

/** The pg-boss queue that runs simulations. */
export const SIMULATE_QUEUE = "simulate";

/** The payload of a simulate message. */
export interface SimulateMessage {
  readonly jobId: string;
}

/** Queue tuning (crash-recovery delay, polling, retries). */
export interface QueueOptions {
  /** Seconds after which a job whose worker died is retried (pg-boss `expireInSeconds`). */
  readonly expireInSeconds: number;
  /** How often an idle worker polls for messages. */
  readonly pollingIntervalSeconds: number;
  /** Retries after a crash (a job that fails on its own is not retried). */
  readonly retryLimit: number;
}

type SqlRunner = (
  text: string,
  values: unknown[],
) => Promise<{ rows: unknown[] }>;

/** Rewrites `$n` placeholders into a drizzle SQL object so pg-boss SQL runs in a drizzle transaction. */
function toDrizzleSql(text: string, values: readonly unknown[]): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const m of text.matchAll(/\$(\d+)/g)) {
    chunks.push(sql.raw(text.slice(last, m.index)));
    chunks.push(sql`${values[Number(m[1]) - 1] ?? null}`);
    last = m.index + m[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks, sql.raw(""));
}

function rowsOf(result: unknown): unknown[] {
  return (result as { rows?: unknown[] }).rows ?? [];
}

/** The raw SQL runner for pg-boss's own connection on either engine. */
function runnerFor(database: Database): SqlRunner {
  const client = (database.db as unknown as { $client: unknown }).$client;
  if (database.engine === "pglite") {
    const lite = client as PGlite;
    return async (text, values) =>
      values.length > 0
        ? { rows: (await lite.query(text, values)).rows }
        : { rows: (await lite.exec(text)).at(-1)?.rows ?? [] };
  }
  const pool = client as pg.Pool;
  return async (text, values) => ({
    rows: (await pool.query(text, values.length > 0 ? values : undefined)).rows,
  });
}

/** Opens the queue (installs pg-boss's schema on first start) and creates the simulate queue. */
export async function openJobQueue(database: Database, options: QueueOptions) {
  const run = runnerFor(database);
  const boss = new PgBoss({
    db: { executeSql: (text, values) => run(text, values ?? []) },
    schedule: false,
    supervise: true,
    migrate: true,
    maintenanceIntervalSeconds: Math.max(
      1,
      Math.min(options.expireInSeconds, 30),
    ),
    superviseIntervalSeconds: Math.max(
      1,
      Math.min(options.expireInSeconds, 30),
    ),
  } as PgBoss.ConstructorOptions);
  boss.on("error", () => undefined);
  await boss.start();
  const queueConfig = {
    name: SIMULATE_QUEUE,
    expireInSeconds: options.expireInSeconds,
    retryLimit: options.retryLimit,
    retryDelay: 0,
  };
  if ((await boss.getQueue(SIMULATE_QUEUE)) === null)
    await boss.createQueue(SIMULATE_QUEUE, queueConfig).catch(async () => {
      // another process created it at the same time
      await boss.updateQueue(SIMULATE_QUEUE, queueConfig);
    });
  else await boss.updateQueue(SIMULATE_QUEUE, queueConfig);

  let stopped = false;
  let wakeLoop: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  const running = new Set<Promise<void>>();
  return {
    /** Enqueues a simulate message inside the drizzle transaction `tx`. */
    async enqueue(tx: Db, message: SimulateMessage): Promise<void> {
      await boss.send(SIMULATE_QUEUE, message, {
        db: {
          executeSql: async (text: string, values: unknown[]) => ({
            rows: rowsOf(await tx.execute(toDrizzleSql(text, values ?? []))),
          }),
        },
      } as PgBoss.SendOptions);
    },

    /**
     * Starts a fetch loop that keeps up to `capacity` messages in hand, each handled on its own.
     * A handler that throws leaves its message to be retried; one that returns completes it.
     * Idle, the loop polls every `pollingIntervalSeconds`, or at once when `wake()` is called.
     */
    work(
      capacity: number,
      handler: (message: SimulateMessage) => Promise<void>,
    ): void {
      let inFlight = 0;
      const settle = async (id: string, ok: boolean) => {
        try {
          if (ok) await boss.complete(SIMULATE_QUEUE, id);
          else await boss.fail(SIMULATE_QUEUE, id);
        } catch {
          // the message expires and is retried
        }
      };
      loop = (async () => {
        while (!stopped) {
          const free = capacity - inFlight;
          let fetched = 0;
          if (free > 0) {
            try {
              const batch = await boss.fetch<SimulateMessage>(SIMULATE_QUEUE, {
                batchSize: free,
              });
              fetched = batch?.length ?? 0;
              for (const job of batch ?? []) {
                inFlight++;
                const done = handler(job.data).then(
                  () => settle(job.id, true),
                  () => settle(job.id, false),
                );
                running.add(done);
                void done.finally(() => {
                  inFlight--;
                  running.delete(done);
                  wakeLoop?.();
                });
              }
            } catch {
              // database hiccup: try again after the interval
            }
          }
          if (stopped) break;
          if (fetched > 0 && inFlight < capacity) continue;
          await new Promise<void>((resolve) => {
            const t = setTimeout(
              resolve,
              options.pollingIntervalSeconds * 1000,
            );
            wakeLoop = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wakeLoop = undefined;
        }
      })();
    },

    /** Wakes this process's idle fetch loop at once (after an enqueue committed). */
    wake(): void {
      wakeLoop?.();
    },

    /** Number of messages waiting in the queue. */
    async depth(): Promise<number> {
      return boss.getQueueSize(SIMULATE_QUEUE);
    },

    /** Stops fetching; running handlers get `timeoutMs` to finish. */
    async stop(timeoutMs = 5000): Promise<void> {
      if (stopped) return;
      stopped = true;
      wakeLoop?.();
      await loop;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((r) => setTimeout(r, timeoutMs)),
      ]);
      await boss.stop({
        graceful: true,
        close: false,
        wait: true,
        timeout: timeoutMs,
      });
    },
  };
}

/** An open job queue. */
export type JobQueue = Awaited<ReturnType<typeof openJobQueue>>;
