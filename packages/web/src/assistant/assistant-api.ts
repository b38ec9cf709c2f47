/** Calls of the assistant API (`/projects/{id}/conversations`...), including the streamed answer. */
import type { ApiClient } from "../api/client.ts";
import type { Sdk } from "../api/sdk.ts";
import { readSse } from "../api/jobs.ts";

/** A conversation. */
export interface Conversation {
  readonly id: string;
  readonly projectId: string;
  readonly title: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A compiler diagnostic (1-based line and column). */
export interface Diagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
}

/** The badge of one QASM block of an answer. */
export type BlockBadge =
  | {
      readonly index: number;
      readonly status: "valid";
      readonly numQubits: number;
      readonly numClbits: number;
      readonly simulated: {
        readonly shots: number;
        readonly seed: number;
        readonly counts: Readonly<Record<string, number>>;
        readonly otherOutcomes: number;
      } | null;
      readonly note?: string;
    }
  | {
      readonly index: number;
      readonly status: "invalid";
      readonly diagnostics: readonly Diagnostic[];
    };

/** A tool call. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

/** A stored message. */
export interface Message {
  readonly id: number;
  readonly role: "user" | "assistant" | "tool";
  readonly content: string;
  readonly toolCalls: readonly ToolCall[] | null;
  readonly toolCallId: string | null;
  readonly toolName: string | null;
  readonly blocks: readonly BlockBadge[] | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly createdAt: string;
}

/** An edit proposal. */
export interface Proposal {
  readonly id: string;
  readonly conversationId: string;
  readonly circuitId: string;
  readonly baseRevision: number;
  readonly source: string;
  readonly summary: string;
  readonly status: "pending" | "accepted" | "rejected";
  readonly resultRevision: number | null;
}

/** A conversation with its messages and proposals. */
export interface ConversationDetail extends Conversation {
  readonly messages: readonly Message[];
  readonly proposals: readonly Proposal[];
}

/** One streamed event of an answer. */
export type AssistantEvent =
  | { event: "start"; data: { conversationId: string; message: Message } }
  | { event: "text"; data: { delta: string } }
  | { event: "tool_call"; data: ToolCall }
  | {
      event: "tool_result";
      data: { id: string; name: string; ok: boolean; result: unknown };
    }
  | { event: "revision"; data: { attempt: number; blocks: BlockBadge[] } }
  | {
      event: "message";
      data: {
        message: Message;
        usage: { inputTokens: number; outputTokens: number };
        proposals: Proposal[];
      };
    }
  | {
      event: "error";
      data: { code: string; status: number; title: string; detail: string };
    };

/** Yields the events of a Server-Sent Events body. */
export async function* readEvents(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<AssistantEvent> {
  for await (const m of readSse(body))
    yield { event: m.event, data: JSON.parse(m.data) } as AssistantEvent;
}

/** Per SDK client, whether the server has an AI provider: asked once per page load. */
const configured = new WeakMap<Sdk, Promise<boolean>>();

/**
 * Whether the assistant is configured (`GET /assistant/status`, 200 either way), asked once per
 * client so an open panel never provokes a 503 on every page; a failed ask is asked again.
 */
export function assistantConfigured(sdk: Sdk): Promise<boolean> {
  let known = configured.get(sdk);
  if (!known) {
    known = sdk.assistant.status().then((s) => s.configured);
    known.catch(() => configured.delete(sdk));
    configured.set(sdk, known);
  }
  return known;
}

/** The assistant calls for one API client. */
export function assistantApi(c: ApiClient) {
  const base = (projectId: string) => `/projects/${projectId}/conversations`;
  return {
    list: (projectId: string) =>
      c.request<Conversation[]>("GET", base(projectId)),
    create: (projectId: string) =>
      c.request<Conversation>("POST", base(projectId), { body: {} }),
    get: (projectId: string, id: string) =>
      c.request<ConversationDetail>("GET", `${base(projectId)}/${id}`),
    remove: (projectId: string, id: string) =>
      c.request<void>("DELETE", `${base(projectId)}/${id}`),
    accept: (projectId: string, id: string, proposalId: string) =>
      c.request<Proposal>(
        "POST",
        `${base(projectId)}/${id}/proposals/${proposalId}/accept`,
      ),
    reject: (projectId: string, id: string, proposalId: string) =>
      c.request<Proposal>(
        "POST",
        `${base(projectId)}/${id}/proposals/${proposalId}/reject`,
      ),
    /** Sends a message; refusals (401, 404, 429, 503) throw `ApiError` before any event. */
    async *send(
      projectId: string,
      id: string,
      body: { content: string; circuitId?: string; editorSource?: string },
      signal?: AbortSignal,
    ): AsyncGenerator<AssistantEvent> {
      const res = await c.stream("POST", `${base(projectId)}/${id}/messages`, {
        body,
        ...(signal ? { signal } : {}),
      });
      if (!res.body) return;
      yield* readEvents(res.body);
    },
  };
}

/** The assistant calls. */
export type AssistantApi = ReturnType<typeof assistantApi>;
