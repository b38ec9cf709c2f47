import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  lt,
  or,
  sql,
} from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { jobEvents, jobs } from "../database/schema.ts";

/** A job row. */
export type JobRow = typeof jobs.$inferSelect;
/** A job event row. */
export type JobEventRow = typeof jobEvents.$inferSelect;
/** Job states. */
export type JobStatus = JobRow["status"];
/** Values of a new job row. */
export type NewJob = typeof jobs.$inferInsert;

/** States a job never leaves. */
export const TERMINAL_STATES: readonly JobStatus[] = [
  "succeeded",
  "failed",
  "cancelled",
];

/** The unique-violation SQLSTATE, raised by both engines. */
function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; typeof e === "object" && e !== null;) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** What the finish hooks see of a job: everything but source, result and record. */
export type FinishedJob = Omit<JobRow, "source" | "result" | "record">;

/** Callbacks run inside the transaction that moves a job to a final state (e.g. queue webhooks). */
export interface JobHooks {
  onFinished?(tx: Db, job: FinishedJob): Promise<void>;
}

/** The columns of a `FinishedJob` (RETURNING them keeps large results off the wire). */
const finishedColumns = (() => {
  const { source: _s, result: _r, record: _c, ...rest } = getTableColumns(jobs);
  return rest;
})();

/** Creates the jobs repository (jobs and their events); every method takes an optional transaction. */
export function createJobsRepository(db: Db, hooks: JobHooks = {}) {
  async function addEvent(
    jobId: string,
    type: "status" | "log",
    data: Record<string, unknown>,
    tx: Db = db,
  ): Promise<void> {
    await tx.insert(jobEvents).values({ jobId, type, data });
  }

  return {
    addEvent,

    /**
     * Inserts a job and its first status event, then calls `enqueue` in the same transaction.
     * Returns undefined when the (user, idempotency key) pair already exists.
     */
    async create(
      values: NewJob,
      enqueue: (tx: Db, row: JobRow) => Promise<void>,
    ): Promise<JobRow | undefined> {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.insert(jobs).values(values).returning();
          await addEvent(row.id, "status", { status: "queued" }, tx);
          await enqueue(tx, row);
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },

    /** A job by id. */
    async findById(id: string, tx: Db = db): Promise<JobRow | undefined> {
      const [row] = await tx
        .select()
        .from(jobs)
        .where(eq(jobs.id, id))
        .limit(1);
      return row;
    },

    /** The job a user submitted with an idempotency key. */
    async findByIdempotencyKey(
      userId: string,
      key: string,
    ): Promise<JobRow | undefined> {
      const [row] = await db
        .select()
        .from(jobs)
        .where(and(eq(jobs.createdBy, userId), eq(jobs.idempotencyKey, key)))
        .limit(1);
      return row;
    },

    /** A page of a project's jobs, newest first, after the (createdAt, id) cursor. */
    async list(
      projectId: string,
      opts: {
        limit: number;
        status?: JobStatus;
        circuitId?: string;
        before?: { createdAt: Date; id: string };
      },
    ): Promise<JobRow[]> {
      const conds = [eq(jobs.projectId, projectId)];
      if (opts.status) conds.push(eq(jobs.status, opts.status));
      if (opts.circuitId) conds.push(eq(jobs.circuitId, opts.circuitId));
      if (opts.before) {
        const b = opts.before;
        const older = or(
          lt(jobs.createdAt, b.createdAt),
          and(eq(jobs.createdAt, b.createdAt), lt(jobs.id, b.id)),
        );
        if (older) conds.push(older);
      }
      return db
        .select()
        .from(jobs)
        .where(and(...conds))
        .orderBy(desc(jobs.createdAt), desc(jobs.id))
        .limit(opts.limit);
    },

    /** Jobs of a user that are queued or running. */
    async countActiveByUser(userId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(jobs)
        .where(
          and(
            eq(jobs.createdBy, userId),
            inArray(jobs.status, ["queued", "running"]),
          ),
        );
      return Number(row?.n ?? 0);
    },

    /** Marks a queued or running job as running for a new attempt; undefined when it is finished. */
    async start(id: string): Promise<JobRow | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(jobs)
          .set({
            status: "running",
            attempts: sql`${jobs.attempts} + 1`,
            progress: 0,
            startedAt: sql`coalesce(${jobs.startedAt}, now())`,
          })
          .where(
            and(eq(jobs.id, id), inArray(jobs.status, ["queued", "running"])),
          )
          .returning();
        if (row === undefined) return undefined;
        await addEvent(
          id,
          "status",
          { status: "running", attempt: row.attempts },
          tx,
        );
        return row;
      });
    },

    /** Stores progress of a running attempt (ignored once the job moved on). */
    async setProgress(
      id: string,
      attempt: number,
      progress: number,
    ): Promise<void> {
      await db
        .update(jobs)
        .set({ progress })
        .where(
          and(
            eq(jobs.id, id),
            eq(jobs.status, "running"),
            eq(jobs.attempts, attempt),
          ),
        );
    },

    /**
     * Finishes attempt `attempt` of a running job exactly once: the conditional UPDATE only matches
     * while the job is running that attempt. Returns false when another writer got there first.
     */
    async finish(
      id: string,
      attempt: number,
      outcome: {
        status: "succeeded" | "failed" | "cancelled";
        result?: unknown;
        record?: unknown;
        error?: { code: string; message: string };
      },
    ): Promise<boolean> {
      return db.transaction(async (tx) => {
        const rows = await tx
          .update(jobs)
          .set({
            status: outcome.status,
            progress: outcome.status === "succeeded" ? 1 : jobs.progress,
            result: outcome.result ?? null,
            record: outcome.record ?? null,
            error: outcome.error ?? null,
            finishedAt: sql`now()`,
          })
          .where(
            and(
              eq(jobs.id, id),
              eq(jobs.status, "running"),
              eq(jobs.attempts, attempt),
            ),
          )
          .returning(hooks.onFinished ? finishedColumns : { id: jobs.id });
        if (rows.length === 0) return false;
        await hooks.onFinished?.(tx, rows[0] as FinishedJob);
        await addEvent(
          id,
          "status",
          {
            status: outcome.status,
            ...(outcome.error ? { error: outcome.error } : {}),
          },
          tx,
        );
        return true;
      });
    },

    /** Cancels a queued or running job; returns the row, or undefined when it had already finished. */
    async cancel(id: string): Promise<JobRow | undefined> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(jobs)
          .set({ status: "cancelled", finishedAt: sql`now()` })
          .where(
            and(eq(jobs.id, id), inArray(jobs.status, ["queued", "running"])),
          )
          .returning();
        if (row === undefined) return undefined;
        await addEvent(id, "status", { status: "cancelled" }, tx);
        await hooks.onFinished?.(tx, row);
        return row;
      });
    },

    /** The status of a job (cheap poll for cancellation). */
    async statusOf(id: string): Promise<JobStatus | undefined> {
      const [row] = await db
        .select({ status: jobs.status })
        .from(jobs)
        .where(eq(jobs.id, id))
        .limit(1);
      return row?.status;
    },

    /** Deletes a job (its events cascade). */
    async delete(id: string): Promise<void> {
      await db.delete(jobs).where(eq(jobs.id, id));
    },

    /** Events of a job after `afterId`, oldest first. */
    async eventsAfter(jobId: string, afterId: number): Promise<JobEventRow[]> {
      return db
        .select()
        .from(jobEvents)
        .where(and(eq(jobEvents.jobId, jobId), gt(jobEvents.id, afterId)))
        .orderBy(asc(jobEvents.id))
        .limit(500);
    },

    /** The keys of the result files that a project's jobs keep in the file store. */
    async storedResultKeys(projectId: string): Promise<string[]> {
      const rows = await db
        .select({ key: sql<string>`${jobs.result}->'stored'->>'key'` })
        .from(jobs)
        .where(
          and(
            eq(jobs.projectId, projectId),
            sql`${jobs.result}->'stored'->>'key' is not null`,
          ),
        );
      return rows.map((r) => r.key);
    },

    /** Number of jobs in each state. */
    async countByStatus(): Promise<Record<string, number>> {
      const rows = await db
        .select({ status: jobs.status, n: sql<number>`count(*)::int` })
        .from(jobs)
        .groupBy(jobs.status);
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
    },
  };
}

/** The jobs repository. */
export type JobsRepository = ReturnType<typeof createJobsRepository>;
