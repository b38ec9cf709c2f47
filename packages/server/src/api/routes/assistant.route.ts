import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AssistantService } from "../../services/ai/assistant.service.ts";
import { openEventStream } from "../event-stream.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  AiUsage,
  AssistantStatus,
  Conversation,
  ConversationDetail,
  ConversationListQuery,
  ConversationParams,
  CreateConversationBody,
  Proposal,
  ProposalParams,
  SendMessageBody,
  IdParams,
  errorResponses,
} from "@stepfault/contract";

/** AI assistant routes: conversations per project, streamed answers, edit proposals, usage. */
export async function assistantRoutes(
  app: FastifyInstance,
  opts: { assistant: AssistantService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { assistant } = opts;
  const tags = ["assistant"];
  const security = [{ bearerAuth: [] }];
  const errors = { ...errorResponses, 503: Type.Ref("Problem") };
  const writes = {
    403: Type.Ref("Problem"),
    409: Type.Ref("Problem"),
    422: Type.Ref("Problem"),
    ...errors,
  };

  r.get(
    "/assistant/status",
    {
      schema: {
        tags,
        security,
        summary: "Whether the assistant is available on this server",
        description:
          "Answers 200 whether or not an AI provider is configured, so a client can show the " +
          "assistant's state without calling a route that answers 503 AI_NOT_CONFIGURED.",
        response: { 200: AssistantStatus, ...errorResponses },
      },
    },
    async (req) => {
      requireCaller(req);
      return assistant.status();
    },
  );

  r.post(
    "/projects/:id/conversations",
    {
      schema: {
        tags,
        security,
        summary: "Start an assistant conversation in a project (any member)",
        params: IdParams,
        body: CreateConversationBody,
        response: { 201: Conversation, ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await assistant.create(
            requireCaller(req),
            req.params.id,
            req.body.title,
          ),
        ),
  );

  r.get(
    "/projects/:id/conversations",
    {
      schema: {
        tags,
        security,
        summary: "My conversations in a project, most recent first",
        params: IdParams,
        querystring: ConversationListQuery,
        response: { 200: Type.Array(Conversation), ...errors },
      },
    },
    async (req) =>
      assistant.listMine(
        requireCaller(req),
        req.params.id,
        req.query.limit ?? 50,
      ),
  );

  r.get(
    "/projects/:id/conversations/:conversationId",
    {
      schema: {
        tags,
        security,
        summary: "One of my conversations with its messages and proposals",
        params: ConversationParams,
        response: { 200: ConversationDetail, ...errors },
      },
    },
    async (req) =>
      assistant.get(
        requireCaller(req),
        req.params.id,
        req.params.conversationId,
      ),
  );

  r.delete(
    "/projects/:id/conversations/:conversationId",
    {
      schema: {
        tags,
        security,
        summary: "Delete one of my conversations",
        params: ConversationParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await assistant.delete(
        requireCaller(req),
        req.params.id,
        req.params.conversationId,
      );
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/projects/:id/assistant/usage",
    {
      schema: {
        tags,
        security,
        summary: "My AI token usage this month and the monthly cap",
        params: IdParams,
        response: { 200: AiUsage, ...errors },
      },
    },
    async (req) => assistant.usage(requireCaller(req), req.params.id),
  );

  r.post(
    "/projects/:id/conversations/:conversationId/messages",
    {
      schema: {
        tags,
        security,
        summary:
          "Send a message; the answer streams as Server-Sent Events (start, text, tool_call, tool_result, revision, message, error)",
        description:
          "One message at a time per conversation: while an answer is in progress (from any tab, client or API process) another message gets 409 CONVERSATION_BUSY. A monthly token cap reached before the message answers 429 AI_USAGE_CAP_EXCEEDED; reached during it, the answer stops between model turns with an `error` event carrying the same problem.",
        params: ConversationParams,
        body: SendMessageBody,
        response: {
          ...errors,
          409: Type.Ref("Problem"),
          422: Type.Ref("Problem"),
        },
      },
    },
    async (req, reply) => {
      const abort = new AbortController();
      // the response closes when it is sent or the client goes away (the request's own "close"
      // fires as soon as its body was read, so it cannot tell a disconnect)
      reply.raw.on("close", () => abort.abort());
      const stream = await assistant.send(
        requireCaller(req),
        req.params.id,
        req.params.conversationId,
        req.body,
        abort.signal,
      );
      const out = openEventStream(req, reply);
      try {
        for await (const m of stream) {
          if (abort.signal.aborted) break;
          out.send(m);
        }
      } catch (err) {
        req.log.error({ err }, "assistant stream failed");
      } finally {
        out.end();
      }
    },
  );

  r.post(
    "/projects/:id/conversations/:conversationId/proposals/:proposalId/accept",
    {
      schema: {
        tags,
        security,
        summary:
          "Accept an edit proposal: saves its source as a new circuit revision (editor)",
        params: ProposalParams,
        response: { 200: Proposal, ...writes },
      },
    },
    async (req) =>
      assistant.acceptProposal(
        requireCaller(req),
        req.params.id,
        req.params.conversationId,
        req.params.proposalId,
      ),
  );

  r.post(
    "/projects/:id/conversations/:conversationId/proposals/:proposalId/reject",
    {
      schema: {
        tags,
        security,
        summary: "Reject an edit proposal; nothing is saved",
        params: ProposalParams,
        response: { 200: Proposal, ...writes },
      },
    },
    async (req) =>
      assistant.rejectProposal(
        requireCaller(req),
        req.params.id,
        req.params.conversationId,
        req.params.proposalId,
      ),
  );
}
