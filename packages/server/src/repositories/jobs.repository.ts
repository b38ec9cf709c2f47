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
  type SQL,
} from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { jobEvents, jobs, projectMembers } from "../database/schema.ts";

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
  /**
   * The same work as one data-modifying statement over `u`, the row the final-state UPDATE
   * returns (its `FinishedJob` columns, by database name): an `INSERT ... SELECT ... FROM u ...
   * RETURNING ...`. It runs as a CTE of that UPDATE's own statement, so it commits with the final
   * state without a transaction round trip. Takes precedence over `onFinished`.
   */
  finishedSql?: SQL;
  /** Called after a `finishedSql` statement, with the number of rows its RETURNING gave. */
  afterFinished?(job: FinishedJob, rows: number): void;
}

/** The columns of a `FinishedJob` (RETURNING them keeps large results off the wire). */
const finishedColumns = (() => {
  const { source: _s, result: _r, record: _c, ...rest } = getTableColumns(jobs);
  return rest;
})();

/** The RETURNING list of a final-state change: the `FinishedJob` columns the hooks get. */
const FINISHED_RETURNING = sql.raw(
  Object.values(finishedColumns)
    .map((c) => `"${c.name}"`)
    .join(", "),
);

const JOB_COLUMNS = Object.entries(getTableColumns(jobs));

/** Maps a raw `jobs` row (database column names, driver values) to a JobRow. */
function mapJobRow(raw: Record<string, unknown>): JobRow {
  const out: Record<string, unknown> = {};
  for (const [key, col] of JOB_COLUMNS) {
    const v = raw[col.name];
    out[key] = v === null || v === undefined ? null : col.mapFromDriverValue(v);
  }
  return out as JobRow;
}

function rowsOf(result: unknown): Record<string, unknown>[] {
  return (result as { rows?: Record<string, unknown>[] }).rows ?? [];
}

/** A jsonb parameter. */
function json(value: unknown): SQL {
  return value === undefined || value === null
    ? sql`null::jsonb`
    : sql`${JSON.stringify(value)}::jsonb`;
}

/** `maxAttempts` when there is none (the largest integer column value). */
const NO_ATTEMPT_LIMIT = 2_147_483_647;

/**
 * The condition under which a job can be claimed by a new attempt: it is queued, or running on an
 * attempt whose heartbeat is older than `staleSeconds` (its worker died) with attempts left.
 */
function claimable(staleSeconds: number, maxAttempts: number): SQL {
  return sql`(status = 'queued' or (status = 'running' and attempts < ${maxAttempts} and
    (heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${staleSeconds}))))`;
}

/**
 * One statement that changes a job and appends the matching status event: `change` is an
 * `UPDATE jobs ... RETURNING *`, `event` the event data as SQL over the updated row `u`. Being one
 * statement it is atomic without a transaction, and costs one round trip.
 */
function withStatusEvent(change: SQL, event: SQL): SQL {
  return sql`with u as (${change}), e as (insert into ${jobEvents} (job_id, type, data) select u.id, 'status', ${event} from u) select * from u`;
}

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

  /** RETURNING list of a final-state change: just the id unless hooks need the job. */
  function finishedReturning(minimal: SQL = sql`id`): SQL {
    return hooks.onFinished || hooks.finishedSql ? FINISHED_RETURNING : minimal;
  }

  /**
   * Runs one statement moving jobs to a final state: `ctes` are its CTEs (`u`, the UPDATE
   * returning the rows, then the events), and it ends `select ... from u`. Without finish hooks
   * that statement is all (atomic on its own). With `hooks.finishedSql` that SQL joins it as one
   * more CTE (still one statement); with only `hooks.onFinished` it runs in a transaction together
   * with the hook. Either way webhook deliveries commit with the final state or not at all.
   * Returns the changed rows (none when nothing changed).
   */
  async function finalChanges(ctes: SQL): Promise<JobRow[]> {
    const { finishedSql, onFinished } = hooks;
    if (finishedSql !== undefined) {
      const raws = rowsOf(
        await db.execute(
          sql`with ${ctes}, h as (${finishedSql}) select u.*, (select count(*) from h) as hooked_rows from u`,
        ),
      );
      const rows = raws.map(mapJobRow);
      // `hooked_rows` counts the hook's rows of the whole statement: reported once.
      rows.forEach((row, i) =>
        hooks.afterFinished?.(row, i === 0 ? Number(raws[0].hooked_rows) : 0),
      );
      return rows;
    }
    if (onFinished === undefined)
      return rowsOf(await db.execute(sql`with ${ctes} select * from u`)).map(
        mapJobRow,
      );
    return db.transaction(async (tx) => {
      const rows = rowsOf(
        await tx.execute(sql`with ${ctes} select * from u`),
      ).map(mapJobRow);
      for (const row of rows) await onFinished(tx, row);
      return rows;
    });
  }

  /** `finalChanges` for a statement that changes at most one job. */
  async function finalChange(ctes: SQL): Promise<JobRow | undefined> {
    return (await finalChanges(ctes))[0];
  }

  return {
    addEvent,

    /**
     * Inserts a job, its first status event and its queue message (`message`, an INSERT from
     * `JobQueue.messageSql`) in one statement: they commit together or not at all. Returns
     * undefined when the (user, idempotency key) pair already exists.
     */
    async create(
      values: NewJob & { id: string },
      message: SQL,
    ): Promise<JobRow | undefined> {
      try {
        const insert = db.insert(jobs).values(values).returning().getSQL();
        const [raw] = rowsOf(
          await db.execute(sql`with j as (${insert}),
            e as (insert into ${jobEvents} (job_id, type, data) select j.id, 'status', '{"status":"queued"}'::jsonb from j),
            m as (${message})
            select * from j`),
        );
        return mapJobRow(raw);
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },

    /**
     * A job and the id of its newest event, read in one statement (one snapshot): an event
     * stream starts after that id from exactly that state. With `memberId`, also that user's
     * role in the job's project (null when not a member), saving the access query.
     */
    async snapshot(
      id: string,
      memberId?: string,
    ): Promise<
      | { row: JobRow; lastEventId: number; memberRole: string | null }
      | undefined
    > {
      const role =
        memberId === undefined
          ? sql`null`
          : sql`(select m.role from ${projectMembers} m where m.project_id = j.project_id and m.user_id = ${memberId})`;
      const [raw] = rowsOf(
        await db.execute(sql`select j.*, (select coalesce(max(e.id), 0) from ${jobEvents} e where e.job_id = j.id) as last_event_id,
          ${role} as member_role
          from ${jobs} j where j.id = ${id}`),
      );
      return raw === undefined
        ? undefined
        : {
            row: mapJobRow(raw),
            lastEventId: Number(raw.last_event_id),
            memberRole: (raw.member_role as string | null) ?? null,
          };
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

    /**
     * Claims a job for a new attempt: queued -> running, or running -> running when the attempt
     * that held it stopped sending heartbeats `staleSeconds` ago (its worker died) and it has
     * used fewer than `maxAttempts` attempts (otherwise the reaper fails it: `failStale`).
     * Undefined when the job is finished, gone, or running on a live worker. One statement (row +
     * event).
     */
    async claim(
      id: string,
      staleSeconds: number,
      maxAttempts = NO_ATTEMPT_LIMIT,
    ): Promise<JobRow | undefined> {
      const change = sql`update ${jobs} set status = 'running', attempts = attempts + 1, progress = 0,
        started_at = coalesce(started_at, now()), heartbeat_at = now()
        where id = ${id} and ${claimable(staleSeconds, maxAttempts)}
        returning *`;
      const [raw] = rowsOf(
        await db.execute(
          withStatusEvent(
            change,
            sql`jsonb_build_object('status', 'running', 'attempt', u.attempts)`,
          ),
        ),
      );
      return raw === undefined ? undefined : mapJobRow(raw);
    },

    /** Refreshes the heartbeat of running attempts (`[jobId, attempt]` pairs); one statement. */
    async heartbeat(
      running: readonly (readonly [string, number])[],
    ): Promise<void> {
      if (running.length === 0) return;
      const ids = running.map(([id]) => id).join(",");
      const attempts = running.map(([, a]) => a).join(",");
      await db.execute(sql`update ${jobs} j set heartbeat_at = now()
        from unnest(string_to_array(${ids}, ',')::uuid[], string_to_array(${attempts}, ',')::int[]) as h(id, attempt)
        where j.id = h.id and j.attempts = h.attempt and j.status = 'running'`);
    },

    /**
     * Puts running jobs whose heartbeat is older than `staleSeconds` back to `queued` (their worker
     * died) when they have used fewer than `maxAttempts` attempts, and calls `enqueue` for each,
     * all in one transaction. Returns the re-queued ids.
     */
    async requeueStale(
      staleSeconds: number,
      enqueue: (tx: Db, jobId: string) => Promise<void>,
      maxAttempts = NO_ATTEMPT_LIMIT,
    ): Promise<string[]> {
      return db.transaction(async (tx) => {
        const change = sql`update ${jobs} set status = 'queued', heartbeat_at = null
          where id in (select id from ${jobs} where status = 'running' and attempts < ${maxAttempts}
            and (heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${staleSeconds}))
            limit 100 for update skip locked)
          returning *`;
        const rows = rowsOf(
          await tx.execute(
            withStatusEvent(
              change,
              sql`jsonb_build_object('status', 'queued', 'requeued', true, 'attempt', u.attempts)`,
            ),
          ),
        );
        const ids = rows.map((r) => String(r.id));
        for (const id of ids) await enqueue(tx, id);
        return ids;
      });
    },

    /**
     * Fails running jobs whose heartbeat is older than `staleSeconds` and that have used
     * `maxAttempts` attempts: their worker died on every one (a poison job: out of memory, a
     * native crash). Error `WORKER_LOST`; one statement with the `failed` status events and the
     * finish hooks (webhook deliveries), as any final state. Returns the failed ids.
     */
    async failStale(
      staleSeconds: number,
      maxAttempts: number,
    ): Promise<string[]> {
      const message = sql`format('the worker running this job stopped %s times (no heartbeat for %s s each time); it may need more memory than a worker has, or crash the simulator, so it is not run again (JOB_MAX_ATTEMPTS is %s): submit it again, perhaps with fewer qubits or shots', attempts, ${String(staleSeconds)}::text, ${String(maxAttempts)}::text)`;
      const change = sql`update ${jobs} set status = 'failed', finished_at = now(), heartbeat_at = null,
          error = jsonb_build_object('code', 'WORKER_LOST', 'message', ${message})
        where id in (select id from ${jobs} where status = 'running' and attempts >= ${maxAttempts}
          and (heartbeat_at is null or heartbeat_at < now() - make_interval(secs => ${staleSeconds}))
          limit 100 for update skip locked)
        returning ${finishedReturning(sql`id, error`)}`;
      const rows = await finalChanges(sql`u as (${change}),
          e as (insert into ${jobEvents} (job_id, type, data)
            select u.id, 'status', jsonb_build_object('status', 'failed', 'error', u.error) from u)`);
      return rows.map((r) => r.id);
    },

    /** Stores progress of a running attempt (ignored once the job moved on). */
    async setProgress(
      id: string,
      attempt: number,
      progress: number,
    ): Promise<void> {
      await db
        .update(jobs)
        .set({ progress, heartbeatAt: sql`now()` })
        .where(
          and(
            eq(jobs.id, id),
            eq(jobs.status, "running"),
            eq(jobs.attempts, attempt),
          ),
        );
    },

    /**
     * Stores one iteration of a variational job's attempt `attempt` in one statement: the
     * checkpoint, progress and heartbeat on the row, and the `iteration` event (the history entry
     * the SSE stream sends). Nothing is written once the attempt no longer holds the job, and the
     * unique index on (job, iteration) refuses a second copy of an iteration: the stored history
     * has no duplicates and, as each attempt resumes after the last stored checkpoint, no gaps.
     * Returns false when not written.
     */
    async saveIteration(
      id: string,
      attempt: number,
      record: { readonly iteration: number },
      checkpoint: unknown,
      progress: number,
    ): Promise<boolean> {
      const rows = rowsOf(
        await db.execute(sql`with u as (update ${jobs} set checkpoint = ${json(checkpoint)},
            progress = ${progress}, heartbeat_at = now()
            where id = ${id} and status = 'running' and attempts = ${attempt} returning id)
          insert into ${jobEvents} (job_id, type, data)
            select u.id, 'iteration', ${json(record)} from u returning id`),
      );
      return rows.length > 0;
    },

    /** A variational job's stored iterations, in order. */
    async iterations(jobId: string): Promise<unknown[]> {
      const rows = await db
        .select({ data: jobEvents.data })
        .from(jobEvents)
        .where(and(eq(jobEvents.jobId, jobId), eq(jobEvents.type, "iteration")))
        .orderBy(sql`(${jobEvents.data}->>'iteration')::int`);
      return rows.map((r) => r.data);
    },

    /**
     * Writes the result a cancelled variational attempt ended with (its best point) on the
     * cancelled job, once; false when the job is not that cancelled attempt's or has a result.
     */
    async setCancelledResult(
      id: string,
      attempt: number,
      result: unknown,
    ): Promise<boolean> {
      const rows = await db
        .update(jobs)
        .set({ result: sql`${json(result)}` })
        .where(
          and(
            eq(jobs.id, id),
            eq(jobs.status, "cancelled"),
            eq(jobs.attempts, attempt),
            sql`${jobs.result} is null`,
          ),
        )
        .returning({ id: jobs.id });
      return rows.length > 0;
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
      logs: readonly string[] = [],
    ): Promise<boolean> {
      const change = sql`update ${jobs} set status = ${outcome.status},
        progress = ${outcome.status === "succeeded" ? sql`1` : sql`progress`},
        result = ${json(outcome.result)}, record = ${json(outcome.record)},
        error = ${json(outcome.error)}, finished_at = now(), heartbeat_at = null
        where id = ${id} and status = 'running' and attempts = ${attempt}
        returning ${finishedReturning()}`;
      // Log lines first, then the status event, in this order of event ids.
      const events = json([
        ...logs.map((message) => ({ type: "log", data: { message } })),
        {
          type: "status",
          data: {
            status: outcome.status,
            ...(outcome.error ? { error: outcome.error } : {}),
          },
        },
      ]);
      const row = await finalChange(sql`u as (${change}),
          e as (insert into ${jobEvents} (job_id, type, data)
            select u.id, x.ev->>'type', x.ev->'data'
            from u, jsonb_array_elements(${events}) with ordinality as x(ev, ord)
            order by x.ord)`);
      return row !== undefined;
    },

    /**
     * Claims a queued job (or one held by an attempt without heartbeat for `staleSeconds`) and
     * writes its outcome in the same statement, with the events `running` (the new attempt), the
     * log lines and the final status. For tiny jobs that ran before being claimed: false when the
     * job was not claimable (already finished, cancelled, or running elsewhere).
     */
    async claimAndFinish(
      id: string,
      staleSeconds: number,
      outcome: {
        status: "succeeded" | "failed" | "cancelled";
        result?: unknown;
        record?: unknown;
        error?: { code: string; message: string };
      },
      logs: readonly string[] = [],
      maxAttempts = NO_ATTEMPT_LIMIT,
    ): Promise<boolean> {
      const change = sql`update ${jobs} set status = ${outcome.status}, attempts = attempts + 1,
        progress = ${outcome.status === "succeeded" ? sql`1` : sql`progress`},
        started_at = coalesce(started_at, now()),
        result = ${json(outcome.result)}, record = ${json(outcome.record)},
        error = ${json(outcome.error)}, finished_at = now(), heartbeat_at = null
        where id = ${id} and ${claimable(staleSeconds, maxAttempts)}
        returning ${finishedReturning(sql`id, attempts`)}`;
      const events = json([
        ...logs.map((message) => ({ type: "log", data: { message } })),
        {
          type: "status",
          data: {
            status: outcome.status,
            ...(outcome.error ? { error: outcome.error } : {}),
          },
        },
      ]);
      const row = await finalChange(sql`u as (${change}),
          e as (insert into ${jobEvents} (job_id, type, data)
            select id, type, data from (
              select u.id, 'status' as type, jsonb_build_object('status', 'running', 'attempt', u.attempts) as data, 0::bigint as ord from u
              union all
              select u.id, x.ev->>'type', x.ev->'data', x.ord from u, jsonb_array_elements(${events}) with ordinality as x(ev, ord)
            ) t order by ord)`);
      return row !== undefined;
    },

    /**
     * Gives a running attempt back to the queue (its thread died or the worker is stopping) and
     * calls `enqueue` for it in the same transaction, so a new message lets any worker claim it at
     * once (the old message is completed, whatever pg-boss's retries). False when the attempt no
     * longer holds the job.
     */
    async release(
      id: string,
      attempt: number,
      enqueue: (tx: Db, jobId: string) => Promise<void>,
    ): Promise<boolean> {
      const change = sql`update ${jobs} set status = 'queued', heartbeat_at = null
        where id = ${id} and status = 'running' and attempts = ${attempt} returning *`;
      return db.transaction(async (tx) => {
        const rows = rowsOf(
          await tx.execute(
            withStatusEvent(
              change,
              sql`jsonb_build_object('status', 'queued', 'requeued', true, 'attempt', u.attempts)`,
            ),
          ),
        );
        if (rows.length > 0) await enqueue(tx, id);
        return rows.length > 0;
      });
    },

    /** Cancels a queued or running job; returns the row, or undefined when it had already finished. */
    async cancel(id: string): Promise<JobRow | undefined> {
      const change = sql`update ${jobs} set status = 'cancelled', finished_at = now(), heartbeat_at = null
        where id = ${id} and status in ('queued', 'running') returning *`;
      return finalChange(
        sql`u as (${change}), e as (insert into ${jobEvents} (job_id, type, data) select u.id, 'status', '{"status":"cancelled"}'::jsonb from u)`,
      );
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
