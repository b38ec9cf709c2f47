import { randomBytes } from "node:crypto";
import type { Static } from "typebox";
import {
  type CreateWebhookBody,
  type CreatedWebhook,
  type UpdateWebhookBody,
  type Webhook,
  type WebhookDelivery,
} from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type {
  DeliveryAttempt,
  DeliveryRow,
  WebhookRow,
  WebhooksRepository,
} from "../../repositories/webhooks.repository.ts";
import type { AccessService } from "./access.service.ts";
import type { AuthUser } from "./auth.service.ts";
import { decodeTimeCursor, encodeTimeCursor } from "./time-cursor.ts";

/** A webhook as the API shows it. */
export type WebhookView = Static<typeof Webhook>;
/** A delivery as the API shows it. */
export type DeliveryView = Static<typeof WebhookDelivery>;

const ALL_EVENTS = ["job.succeeded", "job.failed", "job.cancelled"] as const;

/** Maps a webhook row to its view (never the secret). */
export function webhookView(r: WebhookRow): WebhookView {
  return {
    id: r.id,
    projectId: r.projectId,
    url: r.url,
    events: r.events as WebhookView["events"],
    description: r.description,
    active: r.active,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** Maps a delivery row to its view. */
export function deliveryView(r: DeliveryRow): DeliveryView {
  return {
    id: r.id,
    webhookId: r.webhookId,
    jobId: r.jobId,
    event: r.event,
    status: r.status,
    attempts: r.attempts,
    lastStatusCode: r.lastStatusCode,
    lastError: r.lastError,
    lastDurationMs: r.lastDurationMs,
    nextAttemptAt:
      r.status === "pending" ? (r.nextAttemptAt?.toISOString() ?? null) : null,
    createdAt: r.createdAt.toISOString(),
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    attemptLog: r.attemptLog as DeliveryAttempt[],
    payload: r.payload,
  };
}

/** Checks that a URL is absolute http(s) with a host; returns it normalised. */
function checkUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError("BAD_REQUEST", "url is not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new DomainError("BAD_REQUEST", "url must use http or https");
  if (url.username || url.password)
    throw new DomainError(
      "BAD_REQUEST",
      "url must not carry credentials; the signature authenticates deliveries",
    );
  return url.toString();
}

/**
 * Creates the webhooks service: owners and editors of a project manage its webhooks and read
 * their delivery logs; viewers get 403, everyone else 404.
 */
export function createWebhooksService(deps: {
  webhooks: WebhooksRepository;
  access: AccessService;
  /** Wakes the dispatcher after a redelivery is queued. */
  wake?: () => void;
}) {
  const { webhooks, access } = deps;

  async function load(
    caller: AuthUser,
    webhookId: string,
  ): Promise<WebhookRow> {
    const row = await webhooks.findById(webhookId);
    if (row === undefined) throw new DomainError("WEBHOOK_NOT_FOUND");
    try {
      await access.requireProject(caller, row.projectId, "editor");
    } catch (err) {
      if (err instanceof DomainError && err.code === "PROJECT_NOT_FOUND")
        throw new DomainError("WEBHOOK_NOT_FOUND");
      throw err;
    }
    return row;
  }

  return {
    /** Adds a webhook (editor); the answer carries the secret, which is never shown again. */
    async create(
      caller: AuthUser,
      projectId: string,
      body: Static<typeof CreateWebhookBody>,
    ): Promise<Static<typeof CreatedWebhook>> {
      await access.requireProject(caller, projectId, "editor");
      const secret =
        body.secret ?? `whsec_${randomBytes(24).toString("base64url")}`;
      const row = await webhooks.create({
        projectId,
        url: checkUrl(body.url),
        secret,
        events: [...(body.events ?? ALL_EVENTS)],
        description: body.description ?? "",
        active: body.active ?? true,
        createdBy: caller.id,
      });
      return { ...webhookView(row), secret };
    },

    /** A project's webhooks (editor). */
    async list(caller: AuthUser, projectId: string): Promise<WebhookView[]> {
      await access.requireProject(caller, projectId, "editor");
      return (await webhooks.listByProject(projectId)).map(webhookView);
    },

    /** One webhook (editor of its project). */
    async get(caller: AuthUser, webhookId: string): Promise<WebhookView> {
      return webhookView(await load(caller, webhookId));
    },

    /** Changes a webhook (editor); a new secret is accepted but never shown back. */
    async update(
      caller: AuthUser,
      webhookId: string,
      body: Static<typeof UpdateWebhookBody>,
    ): Promise<WebhookView> {
      await load(caller, webhookId);
      const row = await webhooks.update(webhookId, {
        ...(body.url !== undefined ? { url: checkUrl(body.url) } : {}),
        ...(body.events !== undefined ? { events: [...body.events] } : {}),
        ...(body.secret !== undefined ? { secret: body.secret } : {}),
        ...(body.description !== undefined
          ? { description: body.description }
          : {}),
        ...(body.active !== undefined ? { active: body.active } : {}),
      });
      if (row === undefined) throw new DomainError("WEBHOOK_NOT_FOUND");
      return webhookView(row);
    },

    /** Deletes a webhook and its delivery log (editor). */
    async delete(caller: AuthUser, webhookId: string): Promise<void> {
      await load(caller, webhookId);
      await webhooks.delete(webhookId);
    },

    /** A page of the webhook's deliveries, newest first (editor). */
    async deliveries(
      caller: AuthUser,
      webhookId: string,
      opts: { limit: number; cursor?: string },
    ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
      await load(caller, webhookId);
      const rows = await webhooks.listDeliveries(webhookId, {
        limit: opts.limit + 1,
        before:
          opts.cursor === undefined ? undefined : decodeTimeCursor(opts.cursor),
      });
      const page = rows.slice(0, opts.limit);
      return {
        items: page.map(deliveryView),
        nextCursor:
          rows.length > opts.limit
            ? encodeTimeCursor(page[page.length - 1])
            : null,
      };
    },

    /** One delivery with its attempt log (editor). */
    async delivery(
      caller: AuthUser,
      webhookId: string,
      deliveryId: string,
    ): Promise<DeliveryView> {
      await load(caller, webhookId);
      const row = await webhooks.findDelivery(webhookId, deliveryId);
      if (row === undefined) throw new DomainError("DELIVERY_NOT_FOUND");
      return deliveryView(row);
    },

    /** Sends a delivery again now (editor); 409 while it is still pending. */
    async redeliver(
      caller: AuthUser,
      webhookId: string,
      deliveryId: string,
    ): Promise<DeliveryView> {
      await load(caller, webhookId);
      const found = await webhooks.findDelivery(webhookId, deliveryId);
      if (found === undefined) throw new DomainError("DELIVERY_NOT_FOUND");
      if (found.status === "pending")
        throw new DomainError(
          "DELIVERY_PENDING",
          "the delivery is still being retried",
        );
      // The update only takes a finished delivery: of two racing calls, the second finds it pending.
      const row = await webhooks.redeliver(deliveryId);
      if (row === undefined)
        throw new DomainError(
          "DELIVERY_PENDING",
          "the delivery is still being retried",
        );
      deps.wake?.();
      return deliveryView(row);
    },
  };
}

/** The webhooks service. */
export type WebhooksService = ReturnType<typeof createWebhooksService>;
