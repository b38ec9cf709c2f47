import Anthropic from "@anthropic-ai/sdk";
import type {
  ContentBlockParam,
  MessageParam,
  RawMessageStreamEvent,
  ToolResultBlockParam,
} from "@anthropic-ai/sdk/resources/messages/messages";
import {
  parseArguments,
  type AiProvider,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  type StreamEvent,
} from "./provider.ts";

function toAnthropic(messages: readonly ChatMessage[]): MessageParam[] {
  const out: MessageParam[] = [];
  for (const m of messages) {
    if (m.role === "user") out.push({ role: "user", content: m.content });
    else if (m.role === "assistant") {
      const blocks: ContentBlockParam[] = [];
      if (m.content !== "") blocks.push({ type: "text", text: m.content });
      for (const c of m.toolCalls ?? [])
        blocks.push({
          type: "tool_use",
          id: c.id,
          name: c.name,
          input: c.arguments,
        });
      out.push({
        role: "assistant",
        content: blocks.length > 0 ? blocks : "",
      });
    } else {
      const block: ToolResultBlockParam = {
        type: "tool_result",
        tool_use_id: m.toolCallId,
        content: m.content,
      };
      // consecutive tool results travel in one user message
      const last = out[out.length - 1];
      if (
        last?.role === "user" &&
        Array.isArray(last.content) &&
        last.content.every((b) => b.type === "tool_result")
      )
        last.content.push(block);
      else out.push({ role: "user", content: [block] });
    }
  }
  return out;
}

function finishReason(r: string | null | undefined): FinishReason {
  if (r === "end_turn" || r === "stop_sequence") return "stop";
  if (r === "tool_use") return "tool_calls";
  if (r === "max_tokens") return "length";
  return "other";
}

async function* events(
  stream: AsyncIterable<RawMessageStreamEvent>,
): AsyncGenerator<StreamEvent> {
  const tools = new Map<number, { id: string; name: string; json: string }>();
  let input = 0;
  let output = 0;
  let finish: FinishReason = "other";
  for await (const ev of stream) {
    switch (ev.type) {
      case "message_start":
        input = ev.message.usage.input_tokens;
        output = ev.message.usage.output_tokens;
        break;
      case "content_block_start":
        if (ev.content_block.type === "tool_use")
          tools.set(ev.index, {
            id: ev.content_block.id,
            name: ev.content_block.name,
            json: "",
          });
        break;
      case "content_block_delta":
        if (ev.delta.type === "text_delta")
          yield { type: "text", delta: ev.delta.text };
        else if (ev.delta.type === "input_json_delta") {
          const t = tools.get(ev.index);
          if (t) t.json += ev.delta.partial_json;
        }
        break;
      case "content_block_stop": {
        const t = tools.get(ev.index);
        if (t) {
          tools.delete(ev.index);
          yield {
            type: "tool_call",
            call: { id: t.id, name: t.name, arguments: parseArguments(t.json) },
          };
        }
        break;
      }
      case "message_delta":
        finish = finishReason(ev.delta.stop_reason);
        output = ev.usage.output_tokens;
        if (typeof ev.usage.input_tokens === "number" && ev.usage.input_tokens)
          input = ev.usage.input_tokens;
        break;
      default:
        break;
    }
  }
  yield { type: "usage", inputTokens: input, outputTokens: output };
  yield { type: "finish", reason: finish };
}

/** Anthropic messages API, streaming with tools. */
export class AnthropicClient implements AiProvider {
  readonly kind = "anthropic";
  readonly model: string;
  private readonly client: Anthropic;

  constructor(opts: {
    model: string;
    apiKey: string | undefined;
    baseUrl: string | undefined;
    timeoutMs: number;
  }) {
    this.model = opts.model;
    this.client = new Anthropic({
      apiKey: opts.apiKey ?? null,
      ...(opts.baseUrl !== undefined ? { baseURL: opts.baseUrl } : {}),
      maxRetries: 0,
      timeout: opts.timeoutMs,
    });
  }

  async open(req: ChatRequest): Promise<AsyncIterable<StreamEvent>> {
    const stream = await this.client.messages.create(
      {
        model: this.model,
        system: req.system,
        messages: toAnthropic(req.messages),
        max_tokens: req.maxTokens,
        stream: true,
        ...(req.tools.length > 0
          ? {
              tools: req.tools.map((t) => ({
                name: t.name,
                description: t.description,
                input_schema: {
                  type: "object" as const,
                  ...t.parameters,
                },
              })),
            }
          : {}),
      },
      req.signal ? { signal: req.signal } : {},
    );
    return events(stream);
  }
}
