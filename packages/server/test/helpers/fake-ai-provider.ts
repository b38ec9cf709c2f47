/**
 * A loopback fake LLM provider for tests: a real HTTP server on 127.0.0.1 that speaks the OpenAI
 * chat-completions streaming protocol (`POST /v1/chat/completions`, SSE chunks with `tool_calls`
 * deltas) and the Anthropic messages streaming protocol (`POST /v1/messages`, SSE events with
 * `tool_use` content blocks). Each test scripts the turns it answers, in order, and can read the
 * requests it received.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer: an HTTP error, or streamed text and/or tool calls. */
export interface FakeTurn {
  /** Answer with this HTTP error status instead of a stream. */
  readonly status?: number;
  readonly text?: string;
  readonly toolCalls?: readonly {
    readonly id?: string;
    readonly name: string;
    readonly arguments: Record<string, unknown>;
  }[];
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  /** Wait this long before answering. */
  readonly delayMs?: number;
  /** OpenAI protocol only: after the first text chunk, go silent this long before the rest. */
  readonly stallMs?: number;
}

/** A scripted turn, or a function of the request that makes one (to use ids from tool results). */
export type FakeStep = FakeTurn | ((req: FakeRequest) => FakeTurn);

/** A request the fake received. */
export interface FakeRequest {
  readonly protocol: "openai" | "anthropic";
  readonly headers: IncomingMessage["headers"];
  readonly body: Record<string, unknown>;
}

/** A running fake provider. */
export interface FakeAiProvider {
  /** `http://127.0.0.1:PORT` (the Anthropic base URL). */
  readonly url: string;
  /** `http://127.0.0.1:PORT/v1` (the OpenAI base URL). */
  readonly openaiBaseUrl: string;
  /** Requests received, in order. */
  readonly requests: FakeRequest[];
  /** Appends turns to the script. */
  script(...turns: FakeStep[]): void;
  /** Turns not yet used. */
  remaining(): number;
  /** Drops the turns not yet used; returns how many there were. */
  clear(): number;
  /** Streams the client closed before they ended (e.g. the server aborted the call). */
  aborted(): number;
  /** Answers every request with this turn when the script is empty (default: a short text). */
  setFallback(turn: FakeTurn): void;
  close(): Promise<void>;
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function sse(
  res: import("node:http").ServerResponse,
  data: unknown,
  event?: string,
) {
  res.write(
    `${event ? `event: ${event}\n` : ""}data: ${JSON.stringify(data)}\n\n`,
  );
}

async function openaiStream(
  res: import("node:http").ServerResponse,
  turn: FakeTurn,
  model: string,
  n: number,
): Promise<void> {
  const base = {
    id: `chatcmpl-${n}`,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model,
  };
  const chunk = (delta: unknown, finish: string | null = null) =>
    sse(res, {
      ...base,
      choices: [{ index: 0, delta, finish_reason: finish }],
    });
  chunk({ role: "assistant", content: "" });
  for (const [i, piece] of chunks(turn.text ?? "", 7).entries()) {
    chunk({ content: piece });
    if (i === 0 && turn.stallMs) {
      await new Promise((r) => setTimeout(r, turn.stallMs));
      if (res.destroyed) return;
    }
  }
  (turn.toolCalls ?? []).forEach((c, index) => {
    const args = JSON.stringify(c.arguments);
    const half = Math.ceil(args.length / 2);
    chunk({
      tool_calls: [
        {
          index,
          id: c.id ?? `call_${n}_${index}`,
          type: "function",
          function: { name: c.name, arguments: args.slice(0, half) },
        },
      ],
    });
    chunk({
      tool_calls: [{ index, function: { arguments: args.slice(half) } }],
    });
  });
  chunk({}, (turn.toolCalls ?? []).length > 0 ? "tool_calls" : "stop");
  const input = turn.inputTokens ?? 100;
  const output = turn.outputTokens ?? 20;
  sse(res, {
    ...base,
    choices: [],
    usage: {
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
    },
  });
  res.write("data: [DONE]\n\n");
  res.end();
}

function anthropicStream(
  res: import("node:http").ServerResponse,
  turn: FakeTurn,
  model: string,
  n: number,
): void {
  const input = turn.inputTokens ?? 100;
  const output = turn.outputTokens ?? 20;
  sse(
    res,
    {
      type: "message_start",
      message: {
        id: `msg_${n}`,
        type: "message",
        role: "assistant",
        content: [],
        model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: input, output_tokens: 1 },
      },
    },
    "message_start",
  );
  let index = 0;
  if (turn.text) {
    sse(
      res,
      {
        type: "content_block_start",
        index,
        content_block: { type: "text", text: "" },
      },
      "content_block_start",
    );
    for (const piece of chunks(turn.text, 7))
      sse(
        res,
        {
          type: "content_block_delta",
          index,
          delta: { type: "text_delta", text: piece },
        },
        "content_block_delta",
      );
    sse(res, { type: "content_block_stop", index }, "content_block_stop");
    index++;
  }
  for (const c of turn.toolCalls ?? []) {
    sse(
      res,
      {
        type: "content_block_start",
        index,
        content_block: {
          type: "tool_use",
          id: c.id ?? `toolu_${n}_${index}`,
          name: c.name,
          input: {},
        },
      },
      "content_block_start",
    );
    const args = JSON.stringify(c.arguments);
    for (const piece of chunks(args, Math.max(1, Math.ceil(args.length / 2))))
      sse(
        res,
        {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: piece },
        },
        "content_block_delta",
      );
    sse(res, { type: "content_block_stop", index }, "content_block_stop");
    index++;
  }
  sse(
    res,
    {
      type: "message_delta",
      delta: {
        stop_reason:
          (turn.toolCalls ?? []).length > 0 ? "tool_use" : "end_turn",
        stop_sequence: null,
      },
      usage: { output_tokens: output },
    },
    "message_delta",
  );
  sse(res, { type: "message_stop" }, "message_stop");
  res.end();
}

/** Starts the fake on an ephemeral port. */
export async function startFakeAiProvider(): Promise<FakeAiProvider> {
  const script: FakeStep[] = [];
  const requests: FakeRequest[] = [];
  let fallback: FakeTurn = { text: "(no scripted answer)" };
  let n = 0;
  let aborted = 0;
  const server: Server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on("data", (c: Buffer) => parts.push(c));
    req.on("end", () => {
      const protocol =
        req.url === "/v1/chat/completions"
          ? "openai"
          : req.url === "/v1/messages"
            ? "anthropic"
            : undefined;
      if (req.method !== "POST" || protocol === undefined) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(parts).toString("utf8")) as Record<
          string,
          unknown
        >;
      } catch {
        // keep {}
      }
      const received: FakeRequest = { protocol, headers: req.headers, body };
      requests.push(received);
      const step = script.shift() ?? fallback;
      const turn = typeof step === "function" ? step(received) : step;
      const number = ++n;
      const answer = () => {
        if (turn.status !== undefined) {
          res.writeHead(turn.status, { "content-type": "application/json" });
          res.end(
            JSON.stringify(
              protocol === "openai"
                ? {
                    error: {
                      message: `scripted ${turn.status}`,
                      type: "server_error",
                    },
                  }
                : {
                    type: "error",
                    error: {
                      type: "api_error",
                      message: `scripted ${turn.status}`,
                    },
                  },
            ),
          );
          return;
        }
        res.writeHead(200, {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
        });
        const model = typeof body.model === "string" ? body.model : "fake";
        res.on("error", () => undefined);
        res.on("close", () => {
          if (!res.writableFinished) aborted++;
        });
        if (protocol === "openai") void openaiStream(res, turn, model, number);
        else anthropicStream(res, turn, model, number);
      };
      if (turn.delayMs) setTimeout(answer, turn.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    script: (...turns) => void script.push(...turns),
    remaining: () => script.length,
    clear: () => script.splice(0).length,
    aborted: () => aborted,
    setFallback: (t) => void (fallback = t),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The tool results in a request's messages (either protocol), oldest first, parsed from JSON. */
export function toolResults(req: FakeRequest): unknown[] {
  const out: unknown[] = [];
  const messages = (req.body.messages ?? []) as {
    role: string;
    content: unknown;
  }[];
  for (const m of messages) {
    if (m.role === "tool" && typeof m.content === "string")
      out.push(JSON.parse(m.content));
    if (m.role === "user" && Array.isArray(m.content))
      for (const b of m.content as { type: string; content?: unknown }[])
        if (b.type === "tool_result" && typeof b.content === "string")
          out.push(JSON.parse(b.content));
  }
  return out;
}
