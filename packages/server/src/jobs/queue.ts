/**
 * The job queue: pg-boss 10 on the system-of-record database (PGlite through an `executeSql`
 * adapter, PostgreSQL through the same pool). Messages are enqueued inside the caller's drizzle
 * transaction, so a job row and its message commit together.
 */
import { randomUUID } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { sql, type SQL } from "drizzle-orm";
import type pg from "pg";
import PgBoss from "pg-boss";
import type { Database, Db } from "../database/database.ts";
import { createWaker } from "./waker.ts";

/** The pg-boss queue of simulations that run on the simulation threads. */
export const SIMULATE_QUEUE = "simulate";
/**
 * The pg-boss queue of tiny simulations (see `runsInline`): a worker runs them on its event loop
 * in well under a few milliseconds each, so they skip the thread hop and never wait behind a
 * long simulation.
 */
export const SIMULATE_SMALL_QUEUE = "simulate-small";
/**
 * The dead-letter queue of both simulate queues: when pg-boss gives up on a message (its handler
 * failed, or its worker stopped, `retryLimit` + 1 times), it puts the payload here, in the same
 * statement. Its handler (jobs/dead-letter.ts) makes sure the job does not stay queued without a
 * message.
 */
export const SIMULATE_DEAD_QUEUE = "simulate-dead";

/** The payload of a simulate message. */
export interface SimulateMessage {
  readonly jobId: string;
  /**
   * How many times the job was sent after pg-boss gave up on its message (absent: never); see
   * jobs/dead-letter.ts.
   */
  readonly round?: number;
  /** Small jobs carry what running them needs, so the worker reads nothing first. */
  readonly job?: {
    readonly id: string;
    readonly source: string;
    readonly inputs: unknown;
    readonly shots: number;
    readonly seed: number | null;
    readonly precision: "double" | "single";
    /** Submission time (ISO), for the queue-wait figure. */
    readonly createdAt: string;
  };
}

/** One fetch loop: a queue, how many of its messages a worker holds at once, and their handler. */
export interface WorkLane {
  readonly queue: string;
  readonly capacity: number;
  readonly handler: (message: SimulateMessage) => Promise<void>;
  /** Idle polling interval of this lane (default: the queue's `pollingIntervalSeconds`). */
  readonly pollingIntervalSeconds?: number;
}

/** Queue tuning (crash-recovery delay, polling, retries). */
export interface QueueOptions {
  /** Seconds after which a job whose worker died is retried (pg-boss `expireInSeconds`). */
  readonly expireInSeconds: number;
  /** How often an idle worker polls for messages. */
  readonly pollingIntervalSeconds: number;
  /**
   * Redeliveries of a message whose handler threw or whose worker stopped; then pg-boss moves it
   * to the dead-letter queue (a job that fails on its own is not retried).
   */
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
  // The dead-letter queue first: the simulate queues refer to it.
  for (const name of [
    SIMULATE_DEAD_QUEUE,
    SIMULATE_QUEUE,
    SIMULATE_SMALL_QUEUE,
  ]) {
    const queueConfig = {
      name,
      expireInSeconds: options.expireInSeconds,
      retryLimit: options.retryLimit,
      retryDelay: 0,
      ...(name === SIMULATE_DEAD_QUEUE
        ? {}
        : { deadLetter: SIMULATE_DEAD_QUEUE }),
    };
    if ((await boss.getQueue(name)) === null)
      await boss.createQueue(name, queueConfig).catch(async () => {
        // another process created it at the same time
        await boss.updateQueue(name, queueConfig);
      });
    else await boss.updateQueue(name, queueConfig);
  }

  let stopped = false;
  const wakers = new Map<string, () => void>();
  const loops: Promise<void>[] = [];
  const running = new Set<Promise<void>>();
  const handlers = new Map<string, WorkLane>();
  let ranHere = 0;

  // Settled messages are completed (or failed) in batches: one statement per queue and outcome
  // for everything that finished in the same turn of the event loop.
  // Messages run here straight from the submit (`runHere`) were never fetched: they are deleted.
  type Settled = "ok" | "failed" | "consumed";
  const settling = new Map<string, Record<Settled, string[]>>();
  let flush: Promise<void> | undefined;
  let lastFlush: Promise<void> | undefined;
  const settle = (queue: string, id: string, how: Settled): Promise<void> => {
    let s = settling.get(queue);
    if (!s) settling.set(queue, (s = { ok: [], failed: [], consumed: [] }));
    s[how].push(id);
    if (flush) return flush;
    return (lastFlush = flush =
      new Promise<void>((r) => setImmediate(r)).then(async () => {
        flush = undefined;
        const batch = [...settling];
        settling.clear();
        await Promise.all(
          batch.flatMap(([name, { ok: done, failed, consumed }]) => [
            done.length > 0 ? boss.complete(name, done) : undefined,
            failed.length > 0 ? boss.fail(name, failed) : undefined,
            consumed.length > 0 ? boss.deleteJob(name, consumed) : undefined,
          ]),
        ).catch(() => undefined); // the messages expire and are retried
      }));
  };

  async function runLane(lane: WorkLane): Promise<void> {
    let inFlight = 0;
    const signal = createWaker();
    const waker = () => signal.wake();
    wakers.set(lane.queue, waker);
    while (!stopped) {
      const free = lane.capacity - inFlight;
      let fetched = 0;
      if (free > 0) {
        try {
          const batch = await boss.fetch<SimulateMessage>(lane.queue, {
            batchSize: free,
          });
          fetched = batch?.length ?? 0;
          for (const job of batch ?? []) {
            inFlight++;
            const done = lane.handler(job.data).then(
              () => settle(lane.queue, job.id, "ok"),
              () => settle(lane.queue, job.id, "failed"),
            );
            running.add(done);
            void done.finally(() => {
              // a full lane fetches again as soon as a message is done
              if (inFlight-- === lane.capacity) waker();
              running.delete(done);
            });
          }
        } catch {
          // database hiccup: try again after the interval
        }
      }
      if (stopped) break;
      // A full batch means more may be waiting; otherwise sleep until woken (by an enqueue here,
      // a notification from another process, or a free slot) or the polling interval.
      if (fetched > 0 && fetched === free && inFlight < lane.capacity) continue;
      await signal.wait(
        (lane.pollingIntervalSeconds ?? options.pollingIntervalSeconds) * 1000,
      );
    }
    wakers.delete(lane.queue);
  }

  return {
    /**
     * Enqueues a simulate message inside the drizzle transaction `tx`, on the small-job queue
     * when `small` (see `runsInline`).
     */
    async enqueue(
      tx: Db,
      message: SimulateMessage,
      small = false,
    ): Promise<void> {
      await boss.send(small ? SIMULATE_SMALL_QUEUE : SIMULATE_QUEUE, message, {
        db: {
          executeSql: async (text: string, values: unknown[]) => ({
            rows: rowsOf(await tx.execute(toDrizzleSql(text, values ?? []))),
          }),
        },
      } as PgBoss.SendOptions);
    },

    /**
     * Sends a simulate message on its own (not inside a transaction), on the small-job queue when
     * `small`, to be fetched no sooner than `startAfterSeconds` from now.
     */
    async send(
      message: SimulateMessage,
      small = false,
      startAfterSeconds = 0,
    ): Promise<void> {
      await boss.send(small ? SIMULATE_SMALL_QUEUE : SIMULATE_QUEUE, message, {
        startAfter: startAfterSeconds,
      });
    },

    /**
     * The SQL of pg-boss's INSERT for a simulate message, to run inside another statement or
     * transaction (the job row and its message commit together). Returns the queue name too.
     */
    async messageSql(
      message: SimulateMessage,
      small = false,
    ): Promise<{ queue: string; id: string; sql: SQL }> {
      const queue = small ? SIMULATE_SMALL_QUEUE : SIMULATE_QUEUE;
      const id = randomUUID();
      let captured: SQL | undefined;
      await boss.send(queue, message, {
        id,
        db: {
          executeSql: (text: string, values: unknown[]) => {
            captured = toDrizzleSql(text, values ?? []);
            return Promise.resolve({ rows: [{ id: "" }] });
          },
        },
      } as PgBoss.SendOptions);
      if (captured === undefined)
        throw new Error("invariant: pg-boss sent no SQL");
      return { queue, id, sql: captured };
    },

    /**
     * Starts one fetch loop per lane; each keeps up to `capacity` messages in hand, fetched in
     * batches and handled concurrently. A handler that throws leaves its message to be retried;
     * one that returns completes it. Idle, a loop polls every `pollingIntervalSeconds`, or at once
     * when `wake()` is called (after an enqueue in this process, or a notification from another).
     */
    work(lanes: readonly WorkLane[]): void {
      for (const lane of lanes) {
        handlers.set(lane.queue, lane);
        loops.push(runLane(lane));
      }
    },

    /**
     * Runs a just-committed small-job message in this process at once when this process works
     * that queue and is not busy (at most `capacity` such runs at a time): no notification, no
     * fetch. The message stays in the queue until the handler returns and is then deleted, so
     * if this process dies first, any worker fetches and runs it. False when not taken.
     */
    runHere(message: {
      queue: string;
      id: string;
      payload: SimulateMessage;
    }): boolean {
      const lane = handlers.get(message.queue);
      if (stopped || lane === undefined || ranHere >= lane.capacity)
        return false;
      ranHere++;
      const done = lane.handler(message.payload).then(
        () => settle(message.queue, message.id, "consumed"),
        () => undefined, // left in the queue: a fetch loop retries it
      );
      running.add(done);
      void done.finally(() => {
        ranHere--;
        running.delete(done);
      });
      return true;
    },

    /** Wakes this process's fetch loop of `queue` (default: every queue) at once. */
    wake(queue?: string): void {
      if (queue === undefined) for (const w of wakers.values()) w();
      else wakers.get(queue)?.();
    },

    /** Number of messages waiting in the queue. */
    async depth(): Promise<number> {
      return (
        (await boss.getQueueSize(SIMULATE_QUEUE)) +
        (await boss.getQueueSize(SIMULATE_SMALL_QUEUE))
      );
    },

    /** Stops fetching; running handlers get `timeoutMs` to finish. */
    async stop(timeoutMs = 5000): Promise<void> {
      if (stopped) return;
      stopped = true;
      for (const w of wakers.values()) w();
      await Promise.all(loops);
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise((r) => setTimeout(r, timeoutMs)),
      ]);
      await lastFlush;
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
