/**
 * The admin's system health view: the database (answers, migrated), the job queue (depth, jobs by
 * state), the workers (this process's, and liveness of running jobs by their heartbeats) and the
 * file store (a small write-read-delete round trip, free disk space of a local store).
 */
import { statfs } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import type { SystemHealth } from "@stepfault/contract";
import { sql } from "drizzle-orm";
import type { Database } from "../../database/database.ts";
import type { FileStore } from "../../files/file-store.ts";
import { DomainError } from "../../errors/domain-error.ts";
import type { AuthUser } from "./auth.service.ts";

const PROBE_TIMEOUT_MS = 5_000;

/** Runs `work` and measures it; a failure or a timeout is reported, never thrown. */
async function probe<T>(work: () => Promise<T>): Promise<{
  ok: boolean;
  latencyMs: number | null;
  error: string | null;
  value?: T;
}> {
  const start = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      work(),
      new Promise<never>((_, fail) => {
        timer = setTimeout(
          () => fail(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return {
      ok: true,
      latencyMs: Math.round((performance.now() - start) * 10) / 10,
      error: null,
      value,
    };
  } catch (err) {
    return {
      ok: false,
      latencyMs: null,
      error: err instanceof Error ? err.message : String(err),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Creates the health check (admin only: others get 404, like every admin endpoint). */
export function createSystemHealth(deps: {
  database: Database;
  queueDepth: () => Promise<number>;
  countByStatus: () => Promise<Record<string, number>>;
  fileStore: FileStore;
  /** The local store's folder (for free space), when the store is local. */
  localDir: string | undefined;
  runWorker: boolean;
  threads: number;
  recoverAfterSeconds: number;
}) {
  const { db } = deps.database;
  type Rows<T> = { rows: T[] };

  return async (caller: AuthUser): Promise<SystemHealth> => {
    if (caller.role !== "admin") throw new DomainError("NOT_FOUND");
    const [database, migrated, depth, jobs, beats, storage] = await Promise.all(
      [
        probe(() => db.execute(sql`select 1`)),
        deps.database.isReady(),
        deps.queueDepth().catch(() => -1),
        deps.countByStatus().catch(() => ({})),
        probe(
          async () =>
            (
              (await db.execute(
                sql`select count(*) filter (where heartbeat_at >= now() - make_interval(secs => ${deps.recoverAfterSeconds}))::int as alive,
                  count(*) filter (where heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${deps.recoverAfterSeconds}))::int as stale,
                  max(heartbeat_at) as last
                  from jobs where status = 'running'`,
              )) as unknown as Rows<{
                alive: number;
                stale: number;
                last: Date | string | null;
              }>
            ).rows[0],
        ),
        probe(async () => {
          const key = `health/probe-${randomBytes(6).toString("hex")}`;
          await deps.fileStore.put(key, "ok", "text/plain");
          const back = await deps.fileStore.get(key);
          await deps.fileStore.delete(key);
          if (back?.toString() !== "ok")
            throw new Error("the probe file read back differently");
        }),
      ],
    );
    let freeBytes: number | null = null;
    if (deps.localDir !== undefined && deps.fileStore.kind === "local") {
      const s = await statfs(deps.localDir).catch(() => undefined);
      if (s !== undefined) freeBytes = Number(s.bavail) * Number(s.bsize);
    }
    const last = beats.value?.last ?? null;
    return {
      checkedAt: new Date().toISOString(),
      database: {
        ok: database.ok,
        latencyMs: database.latencyMs,
        error: database.error,
        engine: deps.database.engine,
        migrated,
      },
      queue: {
        depth: Math.max(0, depth),
        jobs: jobs as Record<string, number>,
      },
      workers: {
        inProcess: deps.runWorker,
        threads: deps.threads,
        alive: Number(beats.value?.alive ?? 0),
        stale: Number(beats.value?.stale ?? 0),
        lastHeartbeatAt: last === null ? null : new Date(last).toISOString(),
      },
      storage: {
        ok: storage.ok,
        latencyMs: storage.latencyMs,
        error: storage.error,
        kind: deps.fileStore.kind,
        freeBytes,
      },
    };
  };
}

/** The health check. */
export type SystemHealthCheck = ReturnType<typeof createSystemHealth>;
