import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  jsonb,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const id = () =>
  uuid("id")
    .primaryKey()
    .default(sql`gen_random_uuid()`);
const createdAt = () =>
  timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

/**
 * Accounts. `role` is the global role: "admin" or "user". Emails and usernames are stored
 * lower-case (so unique means case-insensitively unique).
 */
export const users = pgTable("users", {
  id: id(),
  email: text("email").notNull().unique(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "user"] })
    .notNull()
    .default("user"),
  disabled: boolean("disabled").notNull().default(false),
  createdAt: createdAt(),
});

/** Refresh tokens (stored as sha256 hashes), grouped in rotation families. */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index("refresh_tokens_family_idx").on(t.familyId),
    index("refresh_tokens_user_idx").on(t.userId),
  ],
);

/** API keys (`sf_...`), stored as sha256 hashes; `prefix` is the visible start of the key. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: id(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull().unique(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index("api_keys_user_idx").on(t.userId)],
);

/** One-time password-reset tokens, stored hashed. */
export const passwordResets = pgTable("password_resets", {
  id: id(),
  userId: uuid("user_id")
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  tokenHash: text("token_hash").notNull().unique(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  usedAt: timestamp("used_at", { withTimezone: true }),
  createdAt: createdAt(),
});

/** Mail written here instead of being sent when no SMTP server is configured (development). */
export const mailOutbox = pgTable("mail_outbox", {
  id: id(),
  to: text("to").notNull(),
  subject: text("subject").notNull(),
  body: text("body").notNull(),
  createdAt: createdAt(),
});

/** Projects: the unit of sharing. */
export const projects = pgTable("projects", {
  id: id(),
  name: text("name").notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true })
    .notNull()
    .defaultNow(),
});

/** Project membership with a role: "owner", "editor" or "viewer". */
export const projectMembers = pgTable(
  "project_members",
  {
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["owner", "editor", "viewer"] }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.projectId, t.userId] }),
    index("project_members_user_idx").on(t.userId),
  ],
);

/**
 * Invitations to a project by email, for people who may not have an account yet. The link carries
 * a token (stored hashed); whoever signs in or signs up with it becomes a member with `role`. One
 * pending invitation per project and email (a partial unique index).
 */
export const projectInvitations = pgTable(
  "project_invitations",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role", { enum: ["owner", "editor", "viewer"] }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    invitedBy: uuid("invited_by").references(() => users.id, {
      onDelete: "set null",
    }),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => users.id, {
      onDelete: "set null",
    }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("project_invitations_pending_idx")
      .on(t.projectId, t.email)
      .where(sql`accepted_at is null and revoked_at is null`),
  ],
);

/** Circuits in a project; `revision` is the latest revision number. Names are unique per project. */
export const circuits = pgTable(
  "circuits",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    language: text("language", { enum: ["openqasm2", "openqasm3"] }).notNull(),
    source: text("source").notNull(),
    revision: integer("revision").notNull().default(1),
    numQubits: integer("num_qubits").notNull().default(0),
    numClbits: integer("num_clbits").notNull().default(0),
    createdBy: uuid("created_by").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow(),
  },
  // Names sort and page by byte order (collate "C"); the unique index uses the same order so a
  // page is an index range scan with no sort. Equality is the same in both collations.
  (t) => [
    uniqueIndex("circuits_project_name_c_idx").on(
      t.projectId,
      sql`${t.name} collate "C"`,
    ),
  ],
);

/** Every saved version of a circuit's source. */
export const circuitRevisions = pgTable(
  "circuit_revisions",
  {
    circuitId: uuid("circuit_id")
      .notNull()
      .references(() => circuits.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    language: text("language", { enum: ["openqasm2", "openqasm3"] }).notNull(),
    source: text("source").notNull(),
    createdBy: uuid("created_by").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.circuitId, t.revision] })],
);

/** Saved noise models of a project (noise-model documents, checked on save). Names are unique per project. */
export const noiseModels = pgTable(
  "noise_models",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    model: jsonb("model").notNull(),
    createdBy: uuid("created_by").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow(),
  },
  // As circuits: names page by byte order, and the unique index serves the page.
  (t) => [
    uniqueIndex("noise_models_project_name_c_idx").on(
      t.projectId,
      sql`${t.name} collate "C"`,
    ),
  ],
);

/** Simulation jobs: the submitted source and options, state, progress, result and reproducible record. */
export const jobs = pgTable(
  "jobs",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    circuitId: uuid("circuit_id").references(() => circuits.id, {
      onDelete: "set null",
    }),
    circuitRevision: integer("circuit_revision"),
    createdBy: uuid("created_by").references(() => users.id, {
      onDelete: "set null",
    }),
    status: text("status", {
      enum: ["queued", "running", "succeeded", "failed", "cancelled"],
    })
      .notNull()
      .default("queued"),
    source: text("source").notNull(),
    numQubits: integer("num_qubits").notNull(),
    numClbits: integer("num_clbits").notNull(),
    shots: integer("shots").notNull(),
    seed: bigint("seed", { mode: "number" }),
    precision: text("precision", { enum: ["double", "single"] }).notNull(),
    inputs: jsonb("inputs"),
    /**
     * "sample" (counts), "estimate" (expectation values of observables), or a variational loop
     * ("vqe", "qaoa"; jobs/variational.job.ts).
     */
    kind: text("kind", { enum: ["sample", "estimate", "vqe", "qaoa"] })
      .notNull()
      .default("sample"),
    /**
     * The primitive's options besides shots/seed/precision/inputs: `{ sweep?, observables?,
     * gradient? }` (see jobs.schema.ts `SubmitJobBody`); null for a plain sampling job.
     */
    primitive: jsonb("primitive"),
    /** Simulation method asked for: "auto" (default), "statevector", "density_matrix", "trajectories". */
    method: text("method", {
      enum: ["auto", "statevector", "density_matrix", "trajectories"],
    })
      .notNull()
      .default("auto"),
    /**
     * The noise model applied, `{ model, noiseModelId, noiseModelName }` (contract `JobNoise`): the
     * whole model, so the job reproduces after the saved one changes; null without a model.
     */
    noise: jsonb("noise"),
    /** Threads asked for (null: the worker's JOB_THREADS); see contract `JobRunFields`. */
    threads: integer("threads"),
    idempotencyKey: text("idempotency_key"),
    progress: doublePrecision("progress").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    error: jsonb("error"),
    result: jsonb("result"),
    record: jsonb("record"),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    /** Last sign of life of the attempt running the job (see jobs/recovery.ts); null when not running. */
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    /** A variational job's request (observable or problem, optimiser, initial point, shots). */
    spec: jsonb("spec"),
    /** A variational job's last checkpoint (optimiser state after its last stored iteration). */
    checkpoint: jsonb("checkpoint"),
  },
  (t) => [
    index("jobs_project_created_idx").on(t.projectId, t.createdAt, t.id),
    index("jobs_status_idx").on(t.status),
    uniqueIndex("jobs_idempotency_idx").on(t.createdBy, t.idempotencyKey),
  ],
);

/** Job events (status changes and log lines) in order; the id is the SSE event id. */
export const jobEvents = pgTable(
  "job_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    type: text("type", { enum: ["status", "log", "iteration"] }).notNull(),
    data: jsonb("data").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index("job_events_job_idx").on(t.jobId, t.id),
    // A variational job's history has each iteration once, whatever attempts ran it.
    uniqueIndex("job_events_iteration_idx")
      .on(t.jobId, sql`((${t.data}->>'iteration')::int)`)
      .where(sql`${t.type} = 'iteration'`),
  ],
);

/** Job events a webhook can subscribe to. */
export const WEBHOOK_EVENTS = [
  "job.succeeded",
  "job.failed",
  "job.cancelled",
] as const;

/** Project webhooks: a URL and a signing secret (kept to sign deliveries; shown once). */
export const webhooks = pgTable(
  "webhooks",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    secret: text("secret").notNull(),
    events: text("events").array().notNull(),
    description: text("description").notNull().default(""),
    active: boolean("active").notNull().default(true),
    createdBy: uuid("created_by").references(() => users.id, {
      onDelete: "set null",
    }),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow(),
  },
  (t) => [index("webhooks_project_idx").on(t.projectId)],
);

/**
 * One event for one webhook: the exact body sent on every attempt, the delivery state, the next
 * retry time, a lease for the process delivering it, and the log of attempts.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey(),
    webhookId: uuid("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    jobId: uuid("job_id").notNull(),
    event: text("event").notNull(),
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }),
    lockedUntil: timestamp("locked_until", { withTimezone: true }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    lastDurationMs: integer("last_duration_ms"),
    attemptLog: jsonb("attempt_log").notNull().default([]),
    createdAt: createdAt(),
    deliveredAt: timestamp("delivered_at", { withTimezone: true }),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_webhook_idx").on(t.webhookId, t.createdAt, t.id),
    uniqueIndex("webhook_deliveries_event_idx").on(
      t.webhookId,
      t.jobId,
      t.event,
    ),
  ],
);

/** AI assistant conversations: per project, owned by one user. */
export const aiConversations = pgTable(
  "ai_conversations",
  {
    id: id(),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true })
      .notNull()
      .defaultNow(),
    /**
     * The lease of the message being answered: set by a conditional UPDATE when a message starts
     * (only when null or older than the lease), renewed while it runs, cleared when it ends. A
     * crashed process's lease goes stale and the next message takes it over.
     */
    busySince: timestamp("busy_since", { withTimezone: true }),
    /** Who holds the lease (a random id per message), so only the holder renews or clears it. */
    busyToken: uuid("busy_token"),
  },
  (t) => [
    index("ai_conversations_owner_idx").on(t.projectId, t.userId, t.updatedAt),
  ],
);

/**
 * Messages of a conversation in order (`id`): user, assistant (with `toolCalls`) and tool results
 * (`toolCallId`, `toolName`); `blocks` holds the QASM block badges of an assistant answer.
 */
export const aiMessages = pgTable(
  "ai_messages",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => aiConversations.id, { onDelete: "cascade" }),
    role: text("role", { enum: ["user", "assistant", "tool"] }).notNull(),
    content: text("content").notNull(),
    toolCalls: jsonb("tool_calls"),
    toolCallId: text("tool_call_id"),
    toolName: text("tool_name"),
    blocks: jsonb("blocks"),
    inputTokens: integer("input_tokens").notNull().default(0),
    outputTokens: integer("output_tokens").notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("ai_messages_conversation_idx").on(t.conversationId, t.id)],
);

/**
 * AI tokens used per user and project per calendar month (`month` is "YYYY-MM", UTC). The project
 * id has no foreign key on purpose: usage outlives a deleted project, so deleting one cannot
 * reset a user's monthly cap.
 */
export const aiUsage = pgTable(
  "ai_usage",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    projectId: uuid("project_id").notNull(),
    month: text("month").notNull(),
    inputTokens: bigint("input_tokens", { mode: "number" })
      .notNull()
      .default(0),
    outputTokens: bigint("output_tokens", { mode: "number" })
      .notNull()
      .default(0),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.projectId, t.month] }),
    index("ai_usage_user_month_idx").on(t.userId, t.month),
  ],
);

/** Circuit edits the assistant proposed; applied only when the user accepts. */
export const aiProposals = pgTable(
  "ai_proposals",
  {
    id: id(),
    conversationId: uuid("conversation_id")
      .notNull()
      .references(() => aiConversations.id, { onDelete: "cascade" }),
    projectId: uuid("project_id")
      .notNull()
      .references(() => projects.id, { onDelete: "cascade" }),
    circuitId: uuid("circuit_id")
      .notNull()
      .references(() => circuits.id, { onDelete: "cascade" }),
    baseRevision: integer("base_revision").notNull(),
    source: text("source").notNull(),
    summary: text("summary").notNull(),
    status: text("status", { enum: ["pending", "accepted", "rejected"] })
      .notNull()
      .default("pending"),
    resultRevision: integer("result_revision"),
    createdAt: createdAt(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [index("ai_proposals_conversation_idx").on(t.conversationId)],
);
