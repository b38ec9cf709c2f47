/**
 * Stored conversations as the API shows them (`Conversation`, `Message`, `Proposal` of the
 * contract) and as a provider reads them back (`ChatMessage`).
 */
import type { Conversation, Message, Proposal } from "@stepfault/contract";
import type {
  ConversationRow,
  MessageRow,
  ProposalRow,
} from "../../repositories/conversations.repository.ts";
import type { ChatMessage, ToolCall } from "./provider.ts";
import type { BlockBadge } from "./qasm-blocks.ts";

/** The title of a conversation until its first message names it. */
export const DEFAULT_TITLE = "New conversation";

/** A conversation row as the API shows it. */
export function conversationView(c: ConversationRow): Conversation {
  return {
    id: c.id,
    projectId: c.projectId,
    title: c.title,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

/** A message row as the API shows it. */
export function messageView(m: MessageRow): Message {
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    toolCalls: (m.toolCalls ?? null) as ToolCall[] | null,
    toolCallId: m.toolCallId,
    toolName: m.toolName,
    blocks: (m.blocks ?? null) as BlockBadge[] | null,
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
    createdAt: m.createdAt.toISOString(),
  };
}

/** A proposal row as the API shows it. */
export function proposalView(p: ProposalRow): Proposal {
  return {
    id: p.id,
    conversationId: p.conversationId,
    circuitId: p.circuitId,
    baseRevision: p.baseRevision,
    source: p.source,
    summary: p.summary,
    status: p.status,
    resultRevision: p.resultRevision,
    createdAt: p.createdAt.toISOString(),
    resolvedAt: p.resolvedAt?.toISOString() ?? null,
  };
}

/** A stored message as the provider is given it when the history is replayed. */
export function toChat(m: MessageRow): ChatMessage {
  if (m.role === "user") return { role: "user", content: m.content };
  if (m.role === "tool")
    return {
      role: "tool",
      toolCallId: m.toolCallId ?? "",
      name: m.toolName ?? "",
      content: m.content,
    };
  const calls = (m.toolCalls ?? null) as ToolCall[] | null;
  return {
    role: "assistant",
    content: m.content,
    ...(calls && calls.length > 0 ? { toolCalls: calls } : {}),
  };
}
