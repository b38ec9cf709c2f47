/**
 * The agent loop of one answer: model turns streamed as events, tool calls run and fed back, the
 * QASM blocks of a final answer checked (and sent back for repair while invalid), tokens counted
 * against the cap after every turn, and every turn stored, so the history replays cleanly.
 */
import { ERROR_CATALOG, type AssistantStreamEvent } from "@stepfault/contract";
import type { FastifyBaseLogger } from "fastify";
import type { AiConfig } from "../../config/ai-config.ts";
import { DomainError } from "../../errors/domain-error.ts";
import type { SimPool } from "../../jobs/sim-pool.ts";
import type {
  ConversationsRepository,
  MessageRow,
  NewMessage,
} from "../../repositories/conversations.repository.ts";
import type { AuthUser } from "../core/auth.service.ts";
import type { CircuitCompiler } from "../core/circuits.service.ts";
import { messageView, proposalView } from "./conversation-views.ts";
import type { ChatMessage, StreamEvent, ToolCall } from "./provider.ts";
import {
  checkQasmBlocks,
  findQasmBlocks,
  repairPrompt,
  type BlockBadge,
} from "./qasm-blocks.ts";
import { estimateTokens } from "./system-prompt.ts";
import { runTool, type ToolDeps } from "./tools.ts";
import type { UsageCap } from "./usage-cap.ts";

/** Most characters of one tool result kept for the model and the conversation. */
export const MAX_TOOL_RESULT_CHARS = 40_000;

function capToolResult(json: string): string {
  if (json.length <= MAX_TOOL_RESULT_CHARS) return json;
  return JSON.stringify({
    truncated: true,
    note: `the result had ${json.length} characters; this is the start of it`,
    start: json.slice(0, MAX_TOOL_RESULT_CHARS),
  });
}

/** What the loop works with, for the whole server. */
export interface AgentDeps {
  readonly config: AiConfig;
  readonly conversations: ConversationsRepository;
  readonly cap: UsageCap;
  readonly tools: ToolDeps;
  readonly compile: CircuitCompiler;
  readonly simPool: () => SimPool;
  readonly memoryLimitBytes: number;
  readonly log: FastifyBaseLogger;
}

/** One answer: who asked where, the conversation so far, and the model's first turn, opened. */
export interface AgentTurn {
  readonly caller: AuthUser;
  readonly projectId: string;
  readonly conversationId: string;
  /** The stored user message the answer is to. */
  readonly userRow: MessageRow;
  readonly system: string;
  /** The messages sent to the model; the loop appends its turns. */
  readonly working: ChatMessage[];
  /** The first model turn, opened before the answer starts (so its refusal is an HTTP answer). */
  readonly first: AsyncIterable<StreamEvent>;
  /** Opens a further model turn on the messages so far. */
  readonly round: (
    messages: readonly ChatMessage[],
  ) => Promise<AsyncIterable<StreamEvent>>;
  /** When the message was sent (the month its tokens count in). */
  readonly now: Date;
  readonly signal: AbortSignal;
}

/** Runs the agent loop of one answer, yielding its events; ends with `message` or `error`. */
export async function* runAgent(
  deps: AgentDeps,
  turn: AgentTurn,
): AsyncGenerator<AssistantStreamEvent> {
  const { config, conversations, cap } = deps;
  const { caller, projectId, conversationId, working, signal, now } = turn;
  yield {
    event: "start",
    data: { conversationId, message: messageView(turn.userRow) },
  };
  const total = { inputTokens: 0, outputTokens: 0 };
  let pending = { inputTokens: 0, outputTokens: 0 };
  let repairs = 0;
  let stream: AsyncIterable<StreamEvent> | null = turn.first;
  const store = async (m: NewMessage) =>
    (await conversations.addMessages([m]))[0];

  async function* finish(
    text: string,
    blocks: BlockBadge[],
  ): AsyncGenerator<AssistantStreamEvent> {
    const row = await store({
      conversationId,
      role: "assistant",
      content: text,
      blocks: blocks.length > 0 ? blocks : null,
      ...pending,
    });
    await conversations.touch(conversationId);
    yield {
      event: "message",
      data: {
        message: messageView(row),
        usage: total,
        proposals: (await conversations.listProposals(conversationId))
          .filter((p) => p.status === "pending")
          .map(proposalView),
      },
    };
  }

  try {
    for (let r = 0; r < config.maxRounds; r++) {
      stream ??= await turn.round(working);
      let text = "";
      const calls: ToolCall[] = [];
      let usage: { inputTokens: number; outputTokens: number } | null = null;
      for await (const ev of stream) {
        if (ev.type === "text") {
          text += ev.delta;
          yield { event: "text", data: { delta: ev.delta } };
        } else if (ev.type === "tool_call") calls.push(ev.call);
        else if (ev.type === "usage")
          usage = {
            inputTokens: ev.inputTokens,
            outputTokens: ev.outputTokens,
          };
      }
      stream = null;
      if (usage === null || usage.inputTokens + usage.outputTokens === 0)
        usage = {
          inputTokens: estimateTokens(turn.system + JSON.stringify(working)),
          outputTokens: estimateTokens(text + JSON.stringify(calls)),
        };
      total.inputTokens += usage.inputTokens;
      total.outputTokens += usage.outputTokens;
      pending = {
        inputTokens: pending.inputTokens + usage.inputTokens,
        outputTokens: pending.outputTokens + usage.outputTokens,
      };
      await cap.add(caller.id, projectId, now, usage);
      // the client went away: the tokens were spent, but a cut-off answer is not stored
      if (signal.aborted) return;

      if (calls.length > 0) {
        await store({
          conversationId,
          role: "assistant",
          content: text,
          toolCalls: calls,
          ...pending,
        });
        pending = { inputTokens: 0, outputTokens: 0 };
        working.push({ role: "assistant", content: text, toolCalls: calls });
        for (const call of calls) {
          yield { event: "tool_call", data: { ...call } };
          const out = await runTool(
            deps.tools,
            { caller, projectId, conversationId, signal },
            call,
          );
          const content = capToolResult(JSON.stringify(out.result));
          await store({
            conversationId,
            role: "tool",
            content,
            toolCallId: call.id,
            toolName: call.name,
          });
          working.push({
            role: "tool",
            toolCallId: call.id,
            name: call.name,
            content,
          });
          yield {
            event: "tool_result",
            data: { id: call.id, name: call.name, ...out },
          };
        }
        // the cap holds between model turns too: a long tool loop stops at it, keeping the
        // turns so far (every call has its result, so the history replays cleanly)
        await cap.check(caller.id, now);
        continue;
      }

      const blocks = await checkQasmBlocks(
        findQasmBlocks(text),
        deps.compile,
        deps.simPool,
        {
          maxSimQubits: config.maxSimQubits,
          shots: 1024,
          seed: 7,
          memoryLimitBytes: deps.memoryLimitBytes,
        },
      );
      const invalid = blocks.some((b) => b.status === "invalid");
      if (invalid && repairs < config.qasmRetries && r + 1 < config.maxRounds) {
        const capped = await cap.capError(caller.id, now);
        if (capped) {
          // no repair round past the cap: the draft is the answer kept in the history
          await store({
            conversationId,
            role: "assistant",
            content: text,
            blocks,
            ...pending,
          });
          await conversations.touch(conversationId);
          throw capped;
        }
        repairs++;
        yield { event: "revision", data: { attempt: repairs, blocks } };
        working.push(
          { role: "assistant", content: text },
          { role: "user", content: repairPrompt(blocks) },
        );
        continue;
      }
      yield* finish(text, blocks);
      return;
    }
    yield* finish(
      `(The assistant stopped after ${config.maxRounds} rounds without a final answer.)`,
      [],
    );
  } catch (err) {
    const e =
      err instanceof DomainError
        ? err
        : signal.aborted
          ? null
          : new DomainError("INTERNAL");
    if (!(err instanceof DomainError) && !signal.aborted)
      deps.log.error({ err }, "assistant answer failed");
    if (e)
      yield {
        event: "error",
        // the problem the same error gets as an HTTP answer (e.g. the cap's `resetAt`)
        data:
          e.code === "INTERNAL"
            ? {
                code: e.code,
                status: e.status,
                title: ERROR_CATALOG[e.code].title,
                detail: "the answer failed",
              }
            : {
                ...e.extensions,
                code: e.code,
                status: e.status,
                title: ERROR_CATALOG[e.code].title,
                detail: e.message,
              },
      };
  }
}
