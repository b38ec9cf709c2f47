import OpenAI from "openai";
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import {
  parseArguments,
  type AiProvider,
  type ChatMessage,
  type ChatRequest,
  type FinishReason,
  type StreamEvent,
} from "./provider.ts";

function toOpenAi(
  system: string,
  messages: readonly ChatMessage[],
): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [
    { role: "system", content: system },
  ];
  for (const m of messages) {
    if (m.role === "user") out.push({ role: "user", content: m.content });
    else if (m.role === "tool")
      out.push({
        role: "tool",
        tool_call_id: m.toolCallId,
        content: m.content,
      });
    else
      out.push({
        role: "assistant",
        content: m.content,
        ...(m.toolCalls && m.toolCalls.length > 0
          ? {
              tool_calls: m.toolCalls.map((c) => ({
                id: c.id,
                type: "function" as const,
                function: {
                  name: c.name,
                  arguments: JSON.stringify(c.arguments),
                },
              })),
            }
          : {}),
      });
  }
  return out;
}

function finishReason(r: string | null | undefined): FinishReason {
  if (r === "stop") return "stop";
  if (r === "tool_calls" || r === "function_call") return "tool_calls";
  if (r === "length") return "length";
  return "other";
}

async function* events(
  stream: AsyncIterable<ChatCompletionChunk>,
): AsyncGenerator<StreamEvent> {
  const calls = new Map<number, { id: string; name: string; args: string }>();
  let finish: FinishReason | undefined;
  const flush = function* (): Generator<StreamEvent> {
    for (const [, c] of [...calls].sort((a, b) => a[0] - b[0]))
      yield {
        type: "tool_call",
        call: { id: c.id, name: c.name, arguments: parseArguments(c.args) },
      };
    calls.clear();
  };
  for await (const chunk of stream) {
    if (chunk.usage)
      yield {
        type: "usage",
        inputTokens: chunk.usage.prompt_tokens,
        outputTokens: chunk.usage.completion_tokens,
      };
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta;
    if (delta?.content) yield { type: "text", delta: delta.content };
    for (const tc of delta?.tool_calls ?? []) {
      const cur = calls.get(tc.index) ?? { id: "", name: "", args: "" };
      if (tc.id) cur.id = tc.id;
      if (tc.function?.name) cur.name += tc.function.name;
      if (tc.function?.arguments) cur.args += tc.function.arguments;
      calls.set(tc.index, cur);
    }
    if (choice.finish_reason) {
      finish = finishReason(choice.finish_reason);
      yield* flush();
    }
  }
  yield* flush();
  yield { type: "finish", reason: finish ?? "other" };
}

/** OpenAI chat completions (also any OpenAI-compatible server by base URL), streaming with tools. */
export class OpenAiClient implements AiProvider {
  readonly kind: string;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(opts: {
    kind: "openai" | "openai-compatible";
    model: string;
    apiKey: string | undefined;
    baseUrl: string | undefined;
    timeoutMs: number;
  }) {
    this.kind = opts.kind;
    this.model = opts.model;
    this.client = new OpenAI({
      // local OpenAI-compatible servers often take no key; the SDK insists on a string
      apiKey: opts.apiKey ?? "no-key",
      ...(opts.baseUrl !== undefined ? { baseURL: opts.baseUrl } : {}),
      maxRetries: 0,
      timeout: opts.timeoutMs,
    });
  }

  async open(req: ChatRequest): Promise<AsyncIterable<StreamEvent>> {
    const stream = await this.client.chat.completions.create(
      {
        model: this.model,
        messages: toOpenAi(req.system, req.messages),
        max_tokens: req.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
        ...(req.tools.length > 0
          ? {
              tools: req.tools.map((t) => ({
                type: "function" as const,
                function: {
                  name: t.name,
                  description: t.description,
                  parameters: t.parameters,
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
