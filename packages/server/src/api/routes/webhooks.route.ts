import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { WebhooksService } from "../../services/core/webhooks.service.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  IdParams,
  errorResponses,
  CreateWebhookBody,
  CreatedWebhook,
  DeliveryListQuery,
  DeliveryPage,
  DeliveryParams,
  UpdateWebhookBody,
  Webhook,
  WebhookDelivery,
  WebhookParams,
} from "@stepfault/contract";

/** Webhook routes: CRUD per project and the delivery log (owners and editors only). */
export async function webhooksRoutes(
  app: FastifyInstance,
  opts: { webhooks: WebhooksService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { webhooks } = opts;
  const tags = ["webhooks"];
  const security = [{ bearerAuth: [] }];
  const errors = {
    403: Type.Ref("Problem"),
    409: Type.Ref("Problem"),
    ...errorResponses,
  };

  r.post(
    "/projects/:id/webhooks",
    {
      schema: {
        tags,
        security,
        summary:
          "Add a webhook (editor): job events are POSTed to the URL, signed with the secret (shown once)",
        params: IdParams,
        body: CreateWebhookBody,
        response: { 201: CreatedWebhook, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await webhooks.create(requireCaller(req), req.params.id, req.body),
        ),
  );

  r.get(
    "/projects/:id/webhooks",
    {
      schema: {
        tags,
        security,
        summary: "A project's webhooks (editor)",
        params: IdParams,
        response: { 200: Type.Array(Webhook), ...errors },
      },
    },
    async (req) => webhooks.list(requireCaller(req), req.params.id),
  );

  r.get(
    "/webhooks/:webhookId",
    {
      schema: {
        tags,
        security,
        summary: "One webhook (editor)",
        params: WebhookParams,
        response: { 200: Webhook, ...errors },
      },
    },
    async (req) => webhooks.get(requireCaller(req), req.params.webhookId),
  );

  r.patch(
    "/webhooks/:webhookId",
    {
      schema: {
        tags,
        security,
        summary:
          "Change a webhook (editor): URL, events, active, description, or a new secret (write-only)",
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: Webhook, ...errors },
      },
    },
    async (req) =>
      webhooks.update(requireCaller(req), req.params.webhookId, req.body),
  );

  r.delete(
    "/webhooks/:webhookId",
    {
      schema: {
        tags,
        security,
        summary: "Delete a webhook and its delivery log (editor)",
        params: WebhookParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await webhooks.delete(requireCaller(req), req.params.webhookId);
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/webhooks/:webhookId/deliveries",
    {
      schema: {
        tags,
        security,
        summary:
          "The webhook's deliveries, newest first: status, attempts, last status code, error, duration, next retry",
        params: WebhookParams,
        querystring: DeliveryListQuery,
        response: { 200: DeliveryPage, ...errors },
      },
    },
    async (req) =>
      webhooks.deliveries(requireCaller(req), req.params.webhookId, {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );

  r.get(
    "/webhooks/:webhookId/deliveries/:deliveryId",
    {
      schema: {
        tags,
        security,
        summary: "One delivery with its attempt log (editor)",
        params: DeliveryParams,
        response: { 200: WebhookDelivery, ...errors },
      },
    },
    async (req) =>
      webhooks.delivery(
        requireCaller(req),
        req.params.webhookId,
        req.params.deliveryId,
      ),
  );

  r.post(
    "/webhooks/:webhookId/deliveries/:deliveryId/redeliver",
    {
      schema: {
        tags,
        security,
        summary:
          "Send a finished (succeeded or failed) delivery again, with a fresh retry schedule (editor)",
        params: DeliveryParams,
        response: { 200: WebhookDelivery, ...errors },
      },
    },
    async (req) =>
      webhooks.redeliver(
        requireCaller(req),
        req.params.webhookId,
        req.params.deliveryId,
      ),
  );
}
