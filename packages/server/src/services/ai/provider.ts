/** The one interface every AI provider client implements, with normalized messages and stream events. */
import type { ToolCall as ApiToolCall } from "@stepfault/contract";

/** A tool call the model made (arguments already parsed from JSON; `{}` when unparsable). */
export type ToolCall = Readonly<ApiToolCall>;

/** A message of the conversation as sent to a provider. */
export type ChatMessage =
  | { readonly role: "user"; readonly content: string }
  | {
      readonly role: "assistant";
      readonly content: string;
      readonly toolCalls?: readonly ToolCall[];
    }
  | {
      readonly role: "tool";
      readonly toolCallId: string;
      readonly name: string;
      readonly content: string;
    };

/** A tool the model may call: name, description and JSON Schema of its arguments. */
export interface ToolSpec {
  readonly name: string;
  readonly description: string;
  readonly parameters: Record<string, unknown>;
}

/** Why a model round ended. */
export type FinishReason = "stop" | "tool_calls" | "length" | "other";

/** A normalized streaming event from any provider. */
export type StreamEvent =
  | { readonly type: "text"; readonly delta: string }
  | { readonly type: "tool_call"; readonly call: ToolCall }
  | {
      readonly type: "usage";
      readonly inputTokens: number;
      readonly outputTokens: number;
    }
  | { readonly type: "finish"; readonly reason: FinishReason };

/** One model round: the request. */
export interface ChatRequest {
  readonly system: string;
  readonly messages: readonly ChatMessage[];
  readonly tools: readonly ToolSpec[];
  readonly maxTokens: number;
  readonly signal?: AbortSignal;
}

/** A provider client: `open` resolves once the provider accepted the request (HTTP 2xx). */
export interface AiProvider {
  readonly kind: string;
  readonly model: string;
  open(request: ChatRequest): Promise<AsyncIterable<StreamEvent>>;
}

/** Parses tool-call arguments; anything that is not a JSON object becomes `{}`. */
export function parseArguments(raw: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw === "" ? "{}" : raw);
    return v !== null && typeof v === "object" && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
