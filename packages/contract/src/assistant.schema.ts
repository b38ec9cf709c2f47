import { Type, type Static } from "typebox";
import { NameString, TextString } from "./strings.ts";
import { Diagnostic, Uuid } from "./common.schema.ts";

/** Params `{ id, conversationId }`. */
export const ConversationParams = Type.Object({
  id: Uuid,
  conversationId: Uuid,
});
export type ConversationParams = Static<typeof ConversationParams>;

/** Params `{ id, conversationId, proposalId }`. */
export const ProposalParams = Type.Object({
  id: Uuid,
  conversationId: Uuid,
  proposalId: Uuid,
});
export type ProposalParams = Static<typeof ProposalParams>;

/** Body of `POST /projects/{id}/conversations`. */
export const CreateConversationBody = Type.Object(
  { title: Type.Optional(NameString({ maxLength: 200 })) },
  { additionalProperties: false },
);
export type CreateConversationBody = Static<typeof CreateConversationBody>;

/** Query of the conversation list. */
export const ConversationListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
});
export type ConversationListQuery = Static<typeof ConversationListQuery>;

/** A conversation. */
export const Conversation = Type.Object({
  id: Type.String(),
  projectId: Type.String(),
  title: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type Conversation = Static<typeof Conversation>;

/** A tool call the model made. */
export const ToolCall = Type.Object({
  id: Type.String(),
  name: Type.String(),
  arguments: Type.Record(Type.String(), Type.Unknown()),
});
export type ToolCall = Static<typeof ToolCall>;

/** The badge of one ```qasm block of an answer: compiled (and maybe simulated), or invalid. */
export const BlockBadge = Type.Union([
  Type.Object({
    index: Type.Integer(),
    status: Type.Literal("valid"),
    numQubits: Type.Integer(),
    numClbits: Type.Integer(),
    simulated: Type.Union([
      Type.Object({
        shots: Type.Integer(),
        seed: Type.Integer(),
        counts: Type.Record(Type.String(), Type.Integer()),
        otherOutcomes: Type.Integer(),
      }),
      Type.Null(),
    ]),
    note: Type.Optional(Type.String()),
  }),
  Type.Object({
    index: Type.Integer(),
    status: Type.Literal("invalid"),
    diagnostics: Type.Array(Diagnostic),
  }),
]);
export type BlockBadge = Static<typeof BlockBadge>;

/** A stored message. */
export const Message = Type.Object({
  id: Type.Integer(),
  role: Type.Union([
    Type.Literal("user"),
    Type.Literal("assistant"),
    Type.Literal("tool"),
  ]),
  content: Type.String(),
  toolCalls: Type.Union([Type.Array(ToolCall), Type.Null()]),
  toolCallId: Type.Union([Type.String(), Type.Null()]),
  toolName: Type.Union([Type.String(), Type.Null()]),
  blocks: Type.Union([Type.Array(BlockBadge), Type.Null()]),
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
  createdAt: Type.String({ format: "date-time" }),
});
export type Message = Static<typeof Message>;

/** An edit proposal: new source for a circuit, applied only when the user accepts it. */
export const Proposal = Type.Object({
  id: Type.String(),
  conversationId: Type.String(),
  circuitId: Type.String(),
  baseRevision: Type.Integer(),
  source: Type.String(),
  summary: Type.String(),
  status: Type.Union([
    Type.Literal("pending"),
    Type.Literal("accepted"),
    Type.Literal("rejected"),
  ]),
  resultRevision: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  resolvedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export type Proposal = Static<typeof Proposal>;

/** A conversation with its messages and proposals. */
export const ConversationDetail = Type.Object({
  ...Conversation.properties,
  messages: Type.Array(Message),
  proposals: Type.Array(Proposal),
});
export type ConversationDetail = Static<typeof ConversationDetail>;

/** Body of `POST .../conversations/{conversationId}/messages`: the text and optional editor context. */
export const SendMessageBody = Type.Object(
  {
    content: TextString({ minLength: 1, maxLength: 20_000, pattern: "\\S" }),
    circuitId: Type.Optional(Uuid),
    editorSource: Type.Optional(TextString({ maxLength: 200_000 })),
  },
  { additionalProperties: false },
);
export type SendMessageBody = Static<typeof SendMessageBody>;

/** Whether this server has an AI provider: asked once, so a page never provokes a 503 to find out. */
export const AssistantStatus = Type.Object({
  configured: Type.Boolean({
    description:
      "True when the administrator configured an AI provider (AI_PROVIDER); the other assistant routes answer 503 AI_NOT_CONFIGURED otherwise.",
  }),
});
export type AssistantStatus = Static<typeof AssistantStatus>;

const Tokens = Type.Object({
  inputTokens: Type.Integer(),
  outputTokens: Type.Integer(),
});

/** The caller's AI token usage this month. */
export const AiUsage = Type.Object({
  month: Type.String(),
  cap: Type.Integer(),
  resetAt: Type.String({ format: "date-time" }),
  total: Tokens,
  project: Tokens,
});
export type AiUsage = Static<typeof AiUsage>;

/** The events streamed by `POST .../messages` (SSE `event:` name and `data:` JSON). */
export const AssistantStreamEvent = Type.Union([
  Type.Object({
    event: Type.Literal("start"),
    data: Type.Object({ conversationId: Type.String(), message: Message }),
  }),
  Type.Object({
    event: Type.Literal("text"),
    data: Type.Object({ delta: Type.String() }),
  }),
  Type.Object({ event: Type.Literal("tool_call"), data: ToolCall }),
  Type.Object({
    event: Type.Literal("tool_result"),
    data: Type.Object({
      id: Type.String(),
      name: Type.String(),
      ok: Type.Boolean(),
      result: Type.Unknown(),
    }),
  }),
  Type.Object({
    event: Type.Literal("revision"),
    data: Type.Object({
      attempt: Type.Integer(),
      blocks: Type.Array(BlockBadge),
    }),
  }),
  Type.Object({
    event: Type.Literal("message"),
    data: Type.Object({
      message: Message,
      usage: Tokens,
      proposals: Type.Array(Proposal),
    }),
  }),
  Type.Object({
    event: Type.Literal("error"),
    // the problem the same failure gets as an HTTP answer, with its extension members
    data: Type.Object(
      {
        code: Type.String(),
        status: Type.Integer(),
        title: Type.String(),
        detail: Type.String(),
        /** AI_USAGE_CAP_EXCEEDED: tokens used this month. */
        used: Type.Optional(Type.Integer()),
        /** AI_USAGE_CAP_EXCEEDED: the monthly cap. */
        cap: Type.Optional(Type.Integer()),
        /** AI_USAGE_CAP_EXCEEDED: when the allowance resets (ISO 8601). */
        resetAt: Type.Optional(Type.String({ format: "date-time" })),
      },
      { additionalProperties: true },
    ),
  }),
]);
export type AssistantStreamEvent = Static<typeof AssistantStreamEvent>;
