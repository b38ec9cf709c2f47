import { and, desc, eq, lt, ne, or, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { webhookDeliveries, webhooks } from "../database/schema.ts";
import type { FinishedJob } from "./jobs.repository.ts";

/** A webhook row (with its secret: never send it to clients after creation). */
export type WebhookRow = typeof webhooks.$inferSelect;
/** A delivery row. */
export type DeliveryRow = typeof webhookDeliveries.$inferSelect;
/** A delivery claimed for sending, with its webhook's URL and secret. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly webhookId: string;
  readonly event: string;
  readonly payload: string;
  readonly attempts: number;
  readonly url: string;
  readonly secret: string;
}
/** One attempt in a delivery's log. */
export interface DeliveryAttempt {
  readonly at: string;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly durationMs: number;
}

/** The job fields a webhook event carries (no result: clients fetch it with the job id). */
export function jobEventData(job: FinishedJob) {
  return {
    id: job.id,
    projectId: job.projectId,
    circuitId: job.circuitId,
    circuitRevision: job.circuitRevision,
    createdBy: job.createdBy,
    status: job.status,
    numQubits: job.numQubits,
    numClbits: job.numClbits,
    shots: job.shots,
    seed: Number(job.seed ?? 0),
    attempts: job.attempts,
    error: (job.error ?? null) as { code: string; message: string } | null,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? new Date().toISOString(),
  };
}

/** A timestamp column as `Date.toISOString()` writes it. */
function isoSql(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * `enqueueForJob` as one data-modifying statement over `u`, the row a final-state UPDATE returns
 * (see `JobHooks.finishedSql`): the same deliveries with the same payload fields as
 * `jobEventData`, built in SQL so they are inserted by the job's own final statement.
 */
export const ENQUEUE_FOR_FINISHED_JOB_SQL = sql`
  insert into ${webhookDeliveries}
    (id, webhook_id, job_id, event, payload, next_attempt_at)
  select t.id, t.webhook_id, t.job_id, t.event,
         '{"id":"' || t.id::text || '",' || substr(t.body, 2), now()
  from (
    select gen_random_uuid() as id, w.id as webhook_id, u.id as job_id,
           'job.' || u.status::text as event,
           json_build_object(
             'type', 'job.' || u.status::text,
             'createdAt', ${sql.raw(isoSql("now()"))},
             'data', json_build_object('job', json_build_object(
               'id', u.id, 'projectId', u.project_id, 'circuitId', u.circuit_id,
               'circuitRevision', u.circuit_revision, 'createdBy', u.created_by,
               'status', u.status, 'numQubits', u.num_qubits, 'numClbits', u.num_clbits,
               'shots', u.shots, 'seed', coalesce(u.seed, 0), 'attempts', u.attempts,
               'error', u.error,
               'createdAt', ${sql.raw(isoSql("u.created_at"))},
               'startedAt', ${sql.raw(isoSql("u.started_at"))},
               'finishedAt', ${sql.raw(isoSql("coalesce(u.finished_at, now())"))}))
           )::text as body
    from u join ${webhooks} w on w.project_id = u.project_id and w.active
      and ('job.' || u.status::text) = any(w.events)
  ) t
  on conflict do nothing
  returning id`;

/** Creates the webhooks repository (webhooks and their deliveries). */
export function createWebhooksRepository(db: Db) {
  return {
    /** Inserts a webhook. */
    async create(values: typeof webhooks.$inferInsert): Promise<WebhookRow> {
      const [row] = await db.insert(webhooks).values(values).returning();
      return row;
    },

    /** A webhook by id. */
    async findById(id: string): Promise<WebhookRow | undefined> {
      const [row] = await db
        .select()
        .from(webhooks)
        .where(eq(webhooks.id, id))
        .limit(1);
      return row;
    },

    /** A project's webhooks, oldest first. */
    async listByProject(projectId: string): Promise<WebhookRow[]> {
      return db
        .select()
        .from(webhooks)
        .where(eq(webhooks.projectId, projectId))
        .orderBy(webhooks.createdAt, webhooks.id);
    },

    /** Updates a webhook; returns the new row. */
    async update(
      id: string,
      patch: Partial<
        Pick<WebhookRow, "url" | "secret" | "events" | "description" | "active">
      >,
    ): Promise<WebhookRow | undefined> {
      const [row] = await db
        .update(webhooks)
        .set({ ...patch, updatedAt: sql`now()` })
        .where(eq(webhooks.id, id))
        .returning();
      return row;
    },

    /** Deletes a webhook (its deliveries cascade). */
    async delete(id: string): Promise<void> {
      await db.delete(webhooks).where(eq(webhooks.id, id));
    },

    /**
     * Queues one delivery per active webhook of the job's project that subscribes to the job's
     * final state. Runs inside the transaction that finishes the job, so the event is durable
     * exactly when the new state is.
     */
    async enqueueForJob(tx: Db, job: FinishedJob): Promise<number> {
      const event = `job.${job.status}`;
      const body = JSON.stringify({
        type: event,
        createdAt: new Date().toISOString(),
        data: { job: jobEventData(job) },
      });
      // One statement (no round trip at all for projects without webhooks); the payload starts
      // with the delivery's own id: `{"id":"<uuid>",` + the rest of the event.
      const res = (await tx.execute(sql`
        insert into ${webhookDeliveries}
          (id, webhook_id, job_id, event, payload, next_attempt_at)
        select t.id, t.webhook_id, ${job.id}, ${event},
               '{"id":"' || t.id::text || '",' || ${body.slice(1)}, now()
        from (
          select gen_random_uuid() as id, w.id as webhook_id
          from ${webhooks} w
          where w.project_id = ${job.projectId} and w.active
            and ${event} = any(w.events)
        ) t
        on conflict do nothing
        returning id
      `)) as unknown as { rows: unknown[] };
      return res.rows.length;
    },

    /**
     * Claims up to `limit` due deliveries of active webhooks for `leaseMs` (other processes skip
     * them until the lease ends, so a crashed sender's delivery is picked up again later).
     */
    async claimDue(limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
      const res = (await db.execute(sql`
        update ${webhookDeliveries} d
        set locked_until = now() + make_interval(secs => ${leaseMs / 1000}),
            attempts = d.attempts + 1
        from ${webhooks} w
        where w.id = d.webhook_id and d.id in (
          select d2.id from ${webhookDeliveries} d2
          join ${webhooks} w2 on w2.id = d2.webhook_id
          where d2.status = 'pending' and w2.active
            and d2.next_attempt_at <= now()
            and (d2.locked_until is null or d2.locked_until < now())
          order by d2.next_attempt_at
          limit ${limit}
          for update of d2 skip locked)
        returning d.id, d.webhook_id, d.event, d.payload, d.attempts, w.url, w.secret
      `)) as unknown as {
        rows: {
          id: string;
          webhook_id: string;
          event: string;
          payload: string;
          attempts: number;
          url: string;
          secret: string;
        }[];
      };
      return res.rows.map((r) => ({
        id: r.id,
        webhookId: r.webhook_id,
        event: r.event,
        payload: r.payload,
        attempts: Number(r.attempts),
        url: r.url,
        secret: r.secret,
      }));
    },

    /**
     * Records an attempt: succeeded (2xx), failed for good (`nextAttemptAt` null), or pending
     * until `nextAttemptAt`. Releases the lease.
     */
    async recordAttempt(
      id: string,
      attempt: DeliveryAttempt,
      outcome: {
        status: "succeeded" | "failed" | "pending";
        nextAttemptAt: Date | null;
      },
    ): Promise<void> {
      await db
        .update(webhookDeliveries)
        .set({
          status: outcome.status,
          nextAttemptAt: outcome.nextAttemptAt,
          lockedUntil: null,
          lastStatusCode: attempt.statusCode,
          lastError: attempt.error,
          lastDurationMs: Math.round(attempt.durationMs),
          attemptLog: sql`${webhookDeliveries.attemptLog} || ${JSON.stringify([attempt])}::jsonb`,
          ...(outcome.status === "succeeded"
            ? { deliveredAt: sql`now()` }
            : {}),
        })
        .where(eq(webhookDeliveries.id, id));
    },

    /** A page of a webhook's deliveries, newest first, after the (createdAt, id) cursor. */
    async listDeliveries(
      webhookId: string,
      opts: { limit: number; before?: { createdAt: Date; id: string } },
    ): Promise<DeliveryRow[]> {
      const conds = [eq(webhookDeliveries.webhookId, webhookId)];
      if (opts.before) {
        const b = opts.before;
        const older = or(
          lt(webhookDeliveries.createdAt, b.createdAt),
          and(
            eq(webhookDeliveries.createdAt, b.createdAt),
            lt(webhookDeliveries.id, b.id),
          ),
        );
        if (older) conds.push(older);
      }
      return db
        .select()
        .from(webhookDeliveries)
        .where(and(...conds))
        .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
        .limit(opts.limit);
    },

    /** A delivery of a webhook. */
    async findDelivery(
      webhookId: string,
      id: string,
    ): Promise<DeliveryRow | undefined> {
      const [row] = await db
        .select()
        .from(webhookDeliveries)
        .where(
          and(
            eq(webhookDeliveries.webhookId, webhookId),
            eq(webhookDeliveries.id, id),
          ),
        )
        .limit(1);
      return row;
    },

    /** Deletes finished deliveries created more than `days` days ago; returns how many. */
    async pruneDeliveries(days: number): Promise<number> {
      const rows = await db
        .delete(webhookDeliveries)
        .where(
          and(
            sql`${webhookDeliveries.status} <> 'pending'`,
            lt(
              webhookDeliveries.createdAt,
              sql`now() - make_interval(days => ${days})`,
            ),
          ),
        )
        .returning({ id: webhookDeliveries.id });
      return rows.length;
    },

    /**
     * Puts a finished delivery back in the queue to be sent again now; undefined when it is not
     * finished (already pending, e.g. queued again by a concurrent call) or gone.
     */
    async redeliver(id: string): Promise<DeliveryRow | undefined> {
      const [row] = await db
        .update(webhookDeliveries)
        .set({
          status: "pending",
          attempts: 0,
          nextAttemptAt: sql`now()`,
          lockedUntil: null,
        })
        .where(
          and(
            eq(webhookDeliveries.id, id),
            ne(webhookDeliveries.status, "pending"),
          ),
        )
        .returning();
      return row;
    },
  };
}

/** The webhooks repository. */
export type WebhooksRepository = ReturnType<typeof createWebhooksRepository>;
