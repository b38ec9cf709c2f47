import { Type, type Static } from "typebox";
import { LineString, SecretString } from "./strings.ts";
import { PageQuery, Uuid } from "./common.schema.ts";

/** Job events a webhook can subscribe to. */
export const WebhookEvent = Type.Union([
  Type.Literal("job.succeeded"),
  Type.Literal("job.failed"),
  Type.Literal("job.cancelled"),
]);
export type WebhookEvent = Static<typeof WebhookEvent>;

const WebhookUrl = LineString({
  minLength: 1,
  maxLength: 2000,
  pattern: "^[Hh][Tt][Tt][Pp][Ss]?://",
  description: "http(s) URL that receives the POSTed events",
});
const WebhookSecret = SecretString({
  minLength: 16,
  maxLength: 200,
  description: "signing secret (generated when omitted); shown only once",
});
const Events = Type.Array(WebhookEvent, { minItems: 1, uniqueItems: true });

/** Body of webhook creation. */
export const CreateWebhookBody = Type.Object(
  {
    url: WebhookUrl,
    events: Type.Optional(Events),
    secret: Type.Optional(WebhookSecret),
    description: Type.Optional(LineString({ maxLength: 500 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CreateWebhookBody = Static<typeof CreateWebhookBody>;

/** Body of webhook update: any subset; a new `secret` replaces the old one (write-only). */
export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(WebhookUrl),
    events: Type.Optional(Events),
    secret: Type.Optional(WebhookSecret),
    description: Type.Optional(LineString({ maxLength: 500 })),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>;

/** A webhook as the API shows it (the secret is never shown again after creation). */
export const Webhook = Type.Object({
  id: Type.String(),
  projectId: Type.String(),
  url: Type.String(),
  events: Type.Array(WebhookEvent),
  description: Type.String(),
  active: Type.Boolean(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type Webhook = Static<typeof Webhook>;

/** The answer to webhook creation: the webhook plus its secret, shown this once. */
export const CreatedWebhook = Type.Object({
  ...Webhook.properties,
  secret: Type.String(),
});
export type CreatedWebhook = Static<typeof CreatedWebhook>;

/** One delivery attempt. */
export const DeliveryAttempt = Type.Object({
  at: Type.String({ format: "date-time" }),
  statusCode: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  durationMs: Type.Number(),
});
export type DeliveryAttempt = Static<typeof DeliveryAttempt>;

/** One event sent (or being sent) to a webhook, with its attempts. */
export const WebhookDelivery = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  jobId: Type.String(),
  event: Type.String(),
  status: Type.Union([
    Type.Literal("pending"),
    Type.Literal("succeeded"),
    Type.Literal("failed"),
  ]),
  attempts: Type.Integer(),
  lastStatusCode: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  lastDurationMs: Type.Union([Type.Integer(), Type.Null()]),
  nextAttemptAt: Type.Union([
    Type.String({ format: "date-time" }),
    Type.Null(),
  ]),
  createdAt: Type.String({ format: "date-time" }),
  deliveredAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  attemptLog: Type.Array(DeliveryAttempt),
  payload: Type.String({ description: "the exact JSON body sent" }),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

/** A page of deliveries, newest first. */
export const DeliveryPage = Type.Object({
  items: Type.Array(WebhookDelivery),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type DeliveryPage = Static<typeof DeliveryPage>;

/** Query of the delivery list. */
export const DeliveryListQuery = Type.Object({ ...PageQuery });
export type DeliveryListQuery = Static<typeof DeliveryListQuery>;

/** Params `{ webhookId }`. */
export const WebhookParams = Type.Object({ webhookId: Uuid });
export type WebhookParams = Static<typeof WebhookParams>;

/** Params `{ webhookId, deliveryId }`. */
export const DeliveryParams = Type.Object({
  webhookId: Uuid,
  deliveryId: Uuid,
});
export type DeliveryParams = Static<typeof DeliveryParams>;
