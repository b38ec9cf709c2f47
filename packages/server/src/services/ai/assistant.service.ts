import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import type { AiConfig } from "../../config/ai-config.ts";
import {
  ERROR_CATALOG,
  type AssistantStreamEvent,
  type Conversation,
  type Message,
  type Proposal,
  type SendMessageBody,
} from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import { createSimPool, type SimPool } from "../../jobs/sim-pool.ts";
import {
  monthKey,
  type AiUsageRepository,
} from "../../repositories/ai-usage.repository.ts";
import type {
  ConversationRow,
  ConversationsRepository,
  MessageRow,
  NewMessage,
  ProposalRow,
} from "../../repositories/conversations.repository.ts";
import type { AccessService } from "../core/access.service.ts";
import type { AuthUser } from "../core/auth.service.ts";
import type {
  CircuitCompiler,
  CircuitsService,
} from "../core/circuits.service.ts";
import type { JobsService } from "../core/jobs.service.ts";
import type { ChatMessage, StreamEvent, ToolCall } from "./provider.ts";
import {
  checkQasmBlocks,
  findQasmBlocks,
  repairPrompt,
  topCounts,
  type BlockBadge,
} from "./qasm-blocks.ts";
import type { ResilientProvider } from "./resilience.ts";
import {
  buildSystemPrompt,
  estimateTokens,
  trimHistory,
  type PromptContext,
} from "./system-prompt.ts";
import { TOOL_SPECS, runTool, type ToolDeps } from "./tools.ts";

/** A conversation as the API shows it. */
export type ConversationView = Conversation;
/** A stored message as the API shows it. */
export type MessageView = Message;
/** An edit proposal as the API shows it. */
export type ProposalView = Proposal;
/** One Server-Sent Event of an answer. */
export type AssistantEvent = AssistantStreamEvent;
/** Body of a user message: the text and optional editor context. */
export type SendMessageInput = SendMessageBody;

const DEFAULT_TITLE = "New conversation";

function conversationView(c: ConversationRow): ConversationView {
  return {
    id: c.id,
    projectId: c.projectId,
    title: c.title,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

function messageView(m: MessageRow): MessageView {
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

function proposalView(p: ProposalRow): ProposalView {
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

function toChat(m: MessageRow): ChatMessage {
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

/** The first instant of the next UTC month. */
export function nextMonthStart(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** Creates the assistant service: conversations, the streamed agent loop, usage and proposals. */
export function createAssistantService(deps: {
  config: AiConfig;
  provider: ResilientProvider | undefined;
  access: AccessService;
  circuits: CircuitsService;
  jobs: JobsService;
  conversations: ConversationsRepository;
  usage: AiUsageRepository;
  compile: CircuitCompiler;
  memoryLimitBytes: number;
  log: FastifyBaseLogger;
  /** How long the simulate tool waits for its job (default 20 s). */
  simulateWaitMs?: number;
}) {
  const { config, access, conversations } = deps;
  let pool: SimPool | undefined;
  const simPool = () => (pool ??= createSimPool(1));
  const toolDeps: ToolDeps = {
    access,
    circuits: deps.circuits,
    jobs: deps.jobs,
    conversations,
    compile: deps.compile,
    maxSimQubits: config.maxSimQubits,
    maxSimShots: config.maxSimShots,
    simulateWaitMs: deps.simulateWaitMs ?? 20_000,
    log: deps.log,
  };

  function requireProvider(): ResilientProvider {
    if (deps.provider === undefined)
      throw new DomainError(
        "AI_NOT_CONFIGURED",
        "the administrator has not configured an AI provider: set AI_PROVIDER (openai, anthropic or openai-compatible), AI_API_KEY, AI_MODEL and, for local servers, AI_BASE_URL, then restart the server",
        { configure: ["AI_PROVIDER", "AI_BASE_URL", "AI_API_KEY", "AI_MODEL"] },
      );
    return deps.provider;
  }

  async function loadOwned(
    caller: AuthUser,
    projectId: string,
    conversationId: string,
  ) {
    requireProvider();
    const found = await access.requireProject(caller, projectId, "viewer");
    const conv = await conversations.findOwned(
      projectId,
      caller.id,
      conversationId,
    );
    if (conv === undefined) throw new DomainError("CONVERSATION_NOT_FOUND");
    return { conv, project: found.project };
  }

  /** The cap error when the caller's tokens this month reached the cap, else undefined. */
  async function capError(
    caller: AuthUser,
    now: Date,
  ): Promise<DomainError | undefined> {
    if (config.monthlyTokenCap === 0) return undefined;
    const used = await deps.usage.totalForUser(caller.id, monthKey(now));
    const total = used.inputTokens + used.outputTokens;
    if (total < config.monthlyTokenCap) return undefined;
    const reset = nextMonthStart(now);
    return new DomainError(
      "AI_USAGE_CAP_EXCEEDED",
      `you used ${total} of your ${config.monthlyTokenCap} AI tokens this month; the allowance resets at ${reset.toISOString()}`,
      {
        used: total,
        cap: config.monthlyTokenCap,
        resetAt: reset.toISOString(),
      },
      {
        "retry-after": String(
          Math.max(1, Math.ceil((reset.getTime() - now.getTime()) / 1000)),
        ),
      },
    );
  }

  async function checkCap(caller: AuthUser, now: Date): Promise<void> {
    const e = await capError(caller, now);
    if (e) throw e;
  }

  /**
   * Takes the conversation's lease (409 CONVERSATION_BUSY while another message is answered) and
   * renews it every third of its length until released.
   */
  async function takeLease(conversationId: string) {
    const token = randomUUID();
    if (
      !(await conversations.acquireLease(
        conversationId,
        token,
        config.conversationLeaseMs,
      ))
    )
      throw new DomainError(
        "CONVERSATION_BUSY",
        "this conversation is still answering another message (sent from another tab, window or client); wait for that answer to finish, then send again",
      );
    let released = false;
    const renew = setInterval(
      () =>
        void conversations.renewLease(conversationId, token).then(
          (held) => {
            if (!held && !released)
              deps.log.warn(
                { conversationId },
                "assistant: the conversation lease was lost (not renewed in time)",
              );
          },
          (err: unknown) =>
            deps.log.warn(
              { err, conversationId },
              "assistant: lease renewal failed",
            ),
        ),
      Math.max(250, Math.floor(config.conversationLeaseMs / 3)),
    );
    renew.unref();
    return {
      async release(): Promise<void> {
        if (released) return;
        released = true;
        clearInterval(renew);
        try {
          await conversations.releaseLease(conversationId, token);
        } catch (err) {
          // it goes stale and is taken over after the lease time
          deps.log.warn(
            { err, conversationId },
            "assistant: lease release failed",
          );
        }
      },
    };
  }

  async function promptContext(
    caller: AuthUser,
    project: { id: string; name: string },
    input: SendMessageInput,
  ): Promise<PromptContext> {
    const list = await deps.circuits.list(caller, project.id, { limit: 100 });
    let openCircuit: PromptContext["openCircuit"];
    if (input.circuitId !== undefined || input.editorSource !== undefined) {
      const saved =
        input.circuitId !== undefined
          ? await deps.circuits.get(caller, project.id, input.circuitId)
          : undefined;
      const source = input.editorSource ?? saved?.source ?? "";
      const r = deps.compile(source, { fileName: saved?.name ?? "editor" });
      openCircuit = {
        id: saved?.id ?? null,
        name: saved?.name ?? "unsaved editor text",
        source,
        origin: input.editorSource !== undefined ? "editor" : "saved",
        diagnostics: r.ok
          ? []
          : r.diagnostics.map(
              (d) =>
                `${d.span.line}:${d.span.col}: ${d.severity} ${d.code}: ${d.message}`,
            ),
      };
    }
    const jobs = await deps.jobs.list(caller, project.id, {
      limit: 1,
      ...(input.circuitId !== undefined ? { circuitId: input.circuitId } : {}),
    });
    // List items carry a result summary only; the full job has the counts.
    const j = jobs.items[0] && (await deps.jobs.get(caller, jobs.items[0].id));
    return {
      projectId: project.id,
      projectName: project.name,
      circuits: list.items.map((c) => ({
        id: c.id,
        name: c.name,
        numQubits: c.numQubits,
      })),
      ...(openCircuit ? { openCircuit } : {}),
      ...(j
        ? {
            lastJob: {
              id: j.id,
              status: j.status,
              summary: j.result
                ? `counts (top 8 of ${j.result.shots} shots): ${JSON.stringify(topCounts(j.result.counts, 8).counts)}`
                : j.error
                  ? `error: ${JSON.stringify(j.error)}`
                  : `${j.numQubits} qubits, ${j.shots} shots`,
            },
          }
        : {}),
    };
  }

  return {
    /** Starts a conversation in a project (any member). */
    async create(
      caller: AuthUser,
      projectId: string,
      title: string | undefined,
    ): Promise<ConversationView> {
      requireProvider();
      await access.requireProject(caller, projectId, "viewer");
      return conversationView(
        await conversations.create({
          projectId,
          userId: caller.id,
          title: title?.trim() || DEFAULT_TITLE,
        }),
      );
    },

    /** The caller's own conversations in a project, most recent first. */
    async listMine(
      caller: AuthUser,
      projectId: string,
      limit: number,
    ): Promise<ConversationView[]> {
      requireProvider();
      await access.requireProject(caller, projectId, "viewer");
      return (await conversations.listOwned(projectId, caller.id, limit)).map(
        conversationView,
      );
    },

    /** One of the caller's conversations with its messages and proposals. */
    async get(caller: AuthUser, projectId: string, conversationId: string) {
      const { conv } = await loadOwned(caller, projectId, conversationId);
      const [messages, proposals] = await Promise.all([
        conversations.listMessages(conv.id),
        conversations.listProposals(conv.id),
      ]);
      return {
        ...conversationView(conv),
        messages: messages.map(messageView),
        proposals: proposals.map(proposalView),
      };
    },

    /** Deletes one of the caller's conversations. */
    async delete(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
    ): Promise<void> {
      const { conv } = await loadOwned(caller, projectId, conversationId);
      await conversations.delete(conv.id);
    },

    /** Whether an AI provider is configured (any signed-in caller may ask). */
    status(): { configured: boolean } {
      return { configured: deps.provider !== undefined };
    },

    /** The caller's token usage this month (all projects, and this project). */
    async usage(caller: AuthUser, projectId: string) {
      requireProvider();
      await access.requireProject(caller, projectId, "viewer");
      const now = new Date();
      const month = monthKey(now);
      const [all, project] = await Promise.all([
        deps.usage.totalForUser(caller.id, month),
        deps.usage.forProject(caller.id, projectId, month),
      ]);
      return {
        month,
        cap: config.monthlyTokenCap,
        resetAt: nextMonthStart(now).toISOString(),
        total: all,
        project,
      };
    },

    /**
     * Sends a user message. Access, the monthly cap and the first provider call are checked before
     * this resolves (so they answer as HTTP problems); the answer then streams as events.
     */
    async send(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
      input: SendMessageInput,
      signal: AbortSignal,
    ): Promise<AsyncGenerator<AssistantEvent>> {
      const provider = requireProvider();
      const { conv, project } = await loadOwned(
        caller,
        projectId,
        conversationId,
      );
      const now = new Date();
      await checkCap(caller, now);
      // one message at a time per conversation, across processes: the history is read, replayed
      // and appended to by this message alone until it ends
      const lease = await takeLease(conv.id);
      const round = (messages: readonly ChatMessage[]) =>
        provider.open({
          system,
          messages,
          tools: TOOL_SPECS,
          maxTokens: config.maxOutputTokens,
          signal,
        });
      let system: string;
      let working: ChatMessage[];
      let first: AsyncIterable<StreamEvent>;
      let userRow: MessageRow;
      try {
        const ctx = await promptContext(caller, project, input);
        system = buildSystemPrompt(ctx, config.contextTokenBudget);
        const history = trimHistory(
          (await conversations.listMessages(conv.id)).map(toChat),
          config.historyTokenBudget,
        );
        working = [...history, { role: "user", content: input.content }];
        first = await round(working);
        [userRow] = await conversations.addMessages([
          { conversationId: conv.id, role: "user", content: input.content },
        ]);
        await conversations.touch(
          conv.id,
          conv.title === DEFAULT_TITLE
            ? input.content.trim().replace(/\s+/g, " ").slice(0, 80)
            : undefined,
        );
      } catch (err) {
        await lease.release();
        throw err;
      }
      // the generator releases the lease when it ends (answer, error event, or the client left);
      // the route always iterates it
      return run(first);

      // the lease is released however the answer ends, also when the consumer stops early
      async function* run(
        opened: AsyncIterable<StreamEvent>,
      ): AsyncGenerator<AssistantEvent> {
        try {
          yield* answer(opened);
        } finally {
          await lease.release();
        }
      }

      async function* answer(
        opened: AsyncIterable<StreamEvent>,
      ): AsyncGenerator<AssistantEvent> {
        yield {
          event: "start",
          data: { conversationId: conv.id, message: messageView(userRow) },
        };
        const total = { inputTokens: 0, outputTokens: 0 };
        let pending = { inputTokens: 0, outputTokens: 0 };
        let repairs = 0;
        let stream: AsyncIterable<StreamEvent> | null = opened;
        const store = async (m: NewMessage) =>
          (await conversations.addMessages([m]))[0];
        try {
          for (let r = 0; r < config.maxRounds; r++) {
            stream ??= await round(working);
            let text = "";
            const calls: ToolCall[] = [];
            let usage: { inputTokens: number; outputTokens: number } | null =
              null;
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
                inputTokens: estimateTokens(system + JSON.stringify(working)),
                outputTokens: estimateTokens(text + JSON.stringify(calls)),
              };
            total.inputTokens += usage.inputTokens;
            total.outputTokens += usage.outputTokens;
            pending = {
              inputTokens: pending.inputTokens + usage.inputTokens,
              outputTokens: pending.outputTokens + usage.outputTokens,
            };
            await deps.usage.add({
              userId: caller.id,
              projectId,
              month: monthKey(now),
              ...usage,
            });
            // the client went away: the tokens were spent, but a cut-off answer is not stored
            if (signal.aborted) return;

            if (calls.length > 0) {
              await store({
                conversationId: conv.id,
                role: "assistant",
                content: text,
                toolCalls: calls,
                ...pending,
              });
              pending = { inputTokens: 0, outputTokens: 0 };
              working.push({
                role: "assistant",
                content: text,
                toolCalls: calls,
              });
              for (const call of calls) {
                yield { event: "tool_call", data: { ...call } };
                const out = await runTool(
                  toolDeps,
                  { caller, projectId, conversationId: conv.id, signal },
                  call,
                );
                const content = capToolResult(JSON.stringify(out.result));
                await store({
                  conversationId: conv.id,
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
              // the cap holds between model turns too: a long tool loop stops at it, keeping
              // the turns so far (every call has its result, so the history replays cleanly)
              await checkCap(caller, now);
              continue;
            }

            const blocks = await checkQasmBlocks(
              findQasmBlocks(text),
              deps.compile,
              simPool,
              {
                maxSimQubits: config.maxSimQubits,
                shots: 1024,
                seed: 7,
                memoryLimitBytes: deps.memoryLimitBytes,
              },
            );
            const invalid = blocks.some((b) => b.status === "invalid");
            if (
              invalid &&
              repairs < config.qasmRetries &&
              r + 1 < config.maxRounds
            ) {
              const capped = await capError(caller, now);
              if (capped) {
                // no repair round past the cap: the draft is the answer kept in the history
                await store({
                  conversationId: conv.id,
                  role: "assistant",
                  content: text,
                  blocks,
                  ...pending,
                });
                await conversations.touch(conv.id);
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

        async function* finish(
          text: string,
          blocks: BlockBadge[],
        ): AsyncGenerator<AssistantEvent> {
          const row = await store({
            conversationId: conv.id,
            role: "assistant",
            content: text,
            blocks: blocks.length > 0 ? blocks : null,
            ...pending,
          });
          await conversations.touch(conv.id);
          yield {
            event: "message",
            data: {
              message: messageView(row),
              usage: total,
              proposals: (await conversations.listProposals(conv.id))
                .filter((p) => p.status === "pending")
                .map(proposalView),
            },
          };
        }
      }
    },

    /** Accepts a pending proposal: saves its source as a new revision through the circuits service (editor). */
    async acceptProposal(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
      proposalId: string,
    ): Promise<ProposalView> {
      const { conv } = await loadOwned(caller, projectId, conversationId);
      const p = await conversations.findProposal(conv.id, proposalId);
      if (p === undefined) throw new DomainError("PROPOSAL_NOT_FOUND");
      if (p.status !== "pending") throw new DomainError("PROPOSAL_RESOLVED");
      // Editor access first, so a viewer's click changes nothing; then claim it, so a double
      // click cannot save two revisions.
      await access.requireProject(caller, projectId, "editor");
      // The proposal rewrites the whole source of the revision it was made from: applied to a
      // later revision it would silently undo the edits made since.
      const current = await deps.circuits.get(caller, projectId, p.circuitId);
      if (current.revision !== p.baseRevision)
        throw new DomainError(
          "PROPOSAL_STALE",
          `the circuit is at revision ${current.revision}; the edit was proposed for revision ${p.baseRevision}`,
          { baseRevision: p.baseRevision, revision: current.revision },
        );
      const claimed = await conversations.resolveProposal(
        p.id,
        "accepted",
        null,
      );
      if (claimed === undefined) throw new DomainError("PROPOSAL_RESOLVED");
      try {
        const saved = await deps.circuits.update(
          caller,
          projectId,
          p.circuitId,
          {
            source: p.source,
          },
        );
        return proposalView(
          await conversations.setResultRevision(p.id, saved.revision),
        );
      } catch (err) {
        await conversations.reopenProposal(p.id);
        throw err;
      }
    },

    /** Rejects a pending proposal; nothing is saved. */
    async rejectProposal(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
      proposalId: string,
    ): Promise<ProposalView> {
      const { conv } = await loadOwned(caller, projectId, conversationId);
      const p = await conversations.findProposal(conv.id, proposalId);
      if (p === undefined) throw new DomainError("PROPOSAL_NOT_FOUND");
      const row = await conversations.resolveProposal(p.id, "rejected", null);
      if (row === undefined) throw new DomainError("PROPOSAL_RESOLVED");
      return proposalView(row);
    },

    /** Stops the assistant's simulation thread. */
    async close(): Promise<void> {
      await pool?.close();
    },
  };
}

/** The assistant service. */
export type AssistantService = ReturnType<typeof createAssistantService>;
