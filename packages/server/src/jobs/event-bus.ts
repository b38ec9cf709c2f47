/**
 * The job event bus: wakes SSE streams when a job changes, carries progress, tells running jobs
 * they were cancelled, and tells fetch loops that a message was queued.
 *
 * Signals are always delivered in-process at once. With a transport they also cross processes, so
 * an API replica streams a job that runs on another process without polling the database:
 * - `REDIS_URL` set: Redis pub/sub (`redisTransport`);
 * - otherwise on PostgreSQL: LISTEN/NOTIFY (`postgresTransport`);
 * - PGlite (one process): in-process only; streams keep a short database poll as a fallback.
 */
import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import pg from "pg";

/** A signal about one job: something was written (`changed`), or progress moved. */
export type JobSignal =
  | { readonly kind: "changed" }
  | { readonly kind: "progress"; readonly fraction: number };

/** A signal on the wire: origin process, then the job signal or a queued notice. */
type Wire =
  | { o: string; j: string; k: "c" }
  | { o: string; j: string; k: "p"; f: number }
  | { o: string; k: "q"; q: string };

/** Carries bus messages between processes. */
export interface BusTransport {
  /** Sends one message to every process (including, possibly, this one). */
  publish(message: string): void;
  /** Starts delivering messages from every process to `onMessage`. */
  start(onMessage: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

/** Creates a bus keyed by job id; with `transport`, signals also cross processes. */
export function createJobEventBus(transport?: BusTransport) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const origin = randomUUID();
  const QUEUED = "\u0000queued";
  const send = (w: Wire) => transport?.publish(JSON.stringify(w));
  const deliver = (raw: string) => {
    let w: Wire;
    try {
      w = JSON.parse(raw) as Wire;
    } catch {
      return;
    }
    if (w.o === origin) return; // already delivered in-process
    if (w.k === "q") emitter.emit(QUEUED, w.q);
    else if (w.k === "c")
      emitter.emit(w.j, { kind: "changed" } satisfies JobSignal);
    else if (typeof w.f === "number")
      emitter.emit(w.j, {
        kind: "progress",
        fraction: w.f,
      } satisfies JobSignal);
  };
  return {
    /** True when signals reach other processes (streams then poll the database rarely). */
    crossProcess: transport !== undefined,
    /** Starts receiving from other processes (no-op without a transport). */
    async start(): Promise<void> {
      await transport?.start(deliver);
    },
    /** Tells listeners of `jobId` that its row or events changed. */
    changed(jobId: string): void {
      emitter.emit(jobId, { kind: "changed" } satisfies JobSignal);
      send({ o: origin, j: jobId, k: "c" });
    },
    /** Publishes progress of a running job. */
    progress(jobId: string, fraction: number): void {
      emitter.emit(jobId, { kind: "progress", fraction } satisfies JobSignal);
      send({ o: origin, j: jobId, k: "p", f: fraction });
    },
    /** Tells fetch loops (here and in other processes) that `queue` has a new message. */
    queued(queue: string): void {
      emitter.emit(QUEUED, queue);
      send({ o: origin, k: "q", q: queue });
    },
    /** Listens to one job; returns the unsubscribe function. */
    subscribe(
      jobId: string,
      listener: (signal: JobSignal) => void,
    ): () => void {
      emitter.on(jobId, listener);
      return () => emitter.off(jobId, listener);
    },
    /** Listens to queued notices; returns the unsubscribe function. */
    onQueued(listener: (queue: string) => void): () => void {
      emitter.on(QUEUED, listener);
      return () => emitter.off(QUEUED, listener);
    },
    async close(): Promise<void> {
      emitter.removeAllListeners();
      await transport?.close();
    },
  };
}

/** The job event bus. */
export type JobEventBus = ReturnType<typeof createJobEventBus>;

/** Redis pub/sub on `channel`: `publisher` is any connection, `subscriber` a dedicated one. */
export function redisTransport(
  publisher: Redis,
  subscriber: Redis,
  channel: string,
): BusTransport {
  return {
    publish(message) {
      publisher.publish(channel, message).catch(() => undefined);
    },
    async start(onMessage) {
      subscriber.on("message", (ch: string, message: string) => {
        if (ch === channel) onMessage(message);
      });
      await subscriber.subscribe(channel);
    },
    async close() {
      await subscriber.quit().catch(() => subscriber.disconnect());
    },
  };
}

/**
 * PostgreSQL LISTEN/NOTIFY on `channel`: notifications go out through `pool`; one dedicated
 * connection listens and reconnects when it drops. Payloads stay far below NOTIFY's 8000 bytes.
 */
export function postgresTransport(
  pool: pg.Pool,
  channel = "stepfault_jobs",
): BusTransport {
  let listener: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (onMessage: (m: string) => void): Promise<void> => {
    const client = new pg.Client(pool.options);
    client.on("notification", (n) => {
      if (n.channel !== channel || !n.payload) return;
      try {
        for (const m of JSON.parse(n.payload) as unknown[])
          onMessage(JSON.stringify(m));
      } catch {
        // not ours
      }
    });
    client.on("error", () => {
      client.end().catch(() => undefined);
      if (closed || listener !== client) return;
      listener = undefined;
      retry = setTimeout(() => {
        connect(onMessage).catch(() => undefined);
      }, 500);
    });
    await client.connect();
    await client.query(`LISTEN ${channel}`);
    listener = client;
  };
  // Messages of one event-loop turn go out as one NOTIFY (a JSON array, duplicates dropped).
  let batch = new Set<string>();
  const flush = () => {
    const messages = [...batch];
    batch = new Set();
    let chunk: string[] = [];
    let size = 2;
    const send = () => {
      if (chunk.length === 0) return;
      pool
        .query("select pg_notify($1, $2)", [channel, `[${chunk.join(",")}]`])
        .catch(() => undefined);
      chunk = [];
      size = 2;
    };
    for (const m of messages) {
      if (size + m.length + 1 > 7000) send();
      chunk.push(m);
      size += m.length + 1;
    }
    send();
  };
  return {
    publish(message) {
      if (batch.size === 0) setImmediate(flush);
      batch.add(message);
    },
    start: (onMessage) => connect(onMessage),
    async close() {
      closed = true;
      clearTimeout(retry);
      await listener?.end().catch(() => undefined);
    },
  };
}

/**
 * The transport for this deployment: Redis pub/sub when `redis` is given, LISTEN/NOTIFY on
 * PostgreSQL, none on PGlite (a single process).
 */
export function busTransportFor(
  database: { readonly engine: "pglite" | "postgres"; readonly db: unknown },
  redis: Redis | undefined,
  namespace = "",
): BusTransport | undefined {
  if (redis)
    return redisTransport(redis, redis.duplicate(), `sf-jobs:${namespace}`);
  if (database.engine === "postgres")
    return postgresTransport((database.db as { $client: pg.Pool }).$client);
  return undefined;
}
