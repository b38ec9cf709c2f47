/** Assistant methods of the client: conversations, streamed answers, edit proposals, usage. */
import { readSse } from "./sse.ts";
import type {
  AiUsage,
  AssistantStatus,
  AssistantEvent,
  Conversation,
  ConversationDetail,
  Proposal,
  SendMessageBody,
} from "./types.ts";

/** What the assistant methods need from the client. */
export interface AssistantTransport {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Opens a Server-Sent Events response (refusals throw `StepFaultApiError`). */
  stream(
    method: string,
    path: string,
    opts?: { body?: unknown; signal?: AbortSignal },
  ): Promise<ReadableStream<Uint8Array>>;
}

/** Creates the `assistant` methods of a client. */
export function createAssistantApi(t: AssistantTransport) {
  const base = (projectId: string) => `/projects/${projectId}/conversations`;
  return {
    /** Starts a conversation in a project. */
    create: (projectId: string, title?: string) =>
      t.request<Conversation>(
        "POST",
        base(projectId),
        title !== undefined ? { title } : {},
      ),
    /** My conversations in a project, most recent first. */
    list: (projectId: string, query: { limit?: number } = {}) =>
      t.request<Conversation[]>(
        "GET",
        base(projectId) +
          (query.limit !== undefined ? `?limit=${query.limit}` : ""),
      ),
    /** One of my conversations with its messages and proposals. */
    get: (projectId: string, conversationId: string) =>
      t.request<ConversationDetail>(
        "GET",
        `${base(projectId)}/${conversationId}`,
      ),
    /** Deletes one of my conversations. */
    delete: (projectId: string, conversationId: string) =>
      t.request<void>("DELETE", `${base(projectId)}/${conversationId}`),
    /** Whether this server has an AI provider (200 either way, unlike the other routes' 503). */
    status: () => t.request<AssistantStatus>("GET", "/assistant/status"),
    /** My AI token usage this month and the cap. */
    usage: (projectId: string) =>
      t.request<AiUsage>("GET", `/projects/${projectId}/assistant/usage`),
    /**
     * Sends a message and yields the answer's events as they stream: `start`, `text` deltas,
     * `tool_call` / `tool_result`, `revision` (the draft so far is discarded), then `message`
     * (the stored answer with QASM badges and usage) or `error`. A refused request (401, 404,
     * 409 `CONVERSATION_BUSY` while another message of the conversation is being answered, 429
     * cap, 503 not configured or unavailable) throws `StepFaultApiError` before any event. The cap
     * reached during the answer ends it with an `error` event (`AI_USAGE_CAP_EXCEEDED`, `resetAt`).
     */
    async *send(
      projectId: string,
      conversationId: string,
      body: SendMessageBody,
      opts: { signal?: AbortSignal } = {},
    ): AsyncGenerator<AssistantEvent> {
      const stream = await t.stream(
        "POST",
        `${base(projectId)}/${conversationId}/messages`,
        { body, ...(opts.signal ? { signal: opts.signal } : {}) },
      );
      for await (const m of readSse(stream))
        yield { event: m.event, data: JSON.parse(m.data) } as AssistantEvent;
    },
    /** Accepts an edit proposal: the circuit gets a new revision with the proposed source. */
    acceptProposal: (
      projectId: string,
      conversationId: string,
      proposalId: string,
    ) =>
      t.request<Proposal>(
        "POST",
        `${base(projectId)}/${conversationId}/proposals/${proposalId}/accept`,
      ),
    /** Rejects an edit proposal; nothing is saved. */
    rejectProposal: (
      projectId: string,
      conversationId: string,
      proposalId: string,
    ) =>
      t.request<Proposal>(
        "POST",
        `${base(projectId)}/${conversationId}/proposals/${proposalId}/reject`,
      ),
  };
}

/** The assistant methods. */
export type AssistantApi = ReturnType<typeof createAssistantApi>;
