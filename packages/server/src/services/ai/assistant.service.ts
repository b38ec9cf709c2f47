/**
 * The assistant service: the API's conversation routes put together from units of one concern
 * each: stored conversations as views (conversation-views.ts), the monthly token cap
 * (usage-cap.ts), the cross-process lease of a conversation (conversation-lease.ts), the prompt
 * context (prompt-context.ts), the agent loop of an answer (agent-loop.ts) and edit proposals
 * (proposals.ts).
 */
import type { FastifyBaseLogger } from "fastify";
import type {
  AiUsage,
  AssistantStatus,
  AssistantStreamEvent,
  Conversation,
  ConversationDetail,
  Proposal,
  SendMessageBody,
} from "@stepfault/contract";
import type { AiConfig } from "../../config/ai-config.ts";
import { DomainError } from "../../errors/domain-error.ts";
import { createSimPool, type SimPool } from "../../jobs/sim-pool.ts";
import type { AiUsageRepository } from "../../repositories/ai-usage.repository.ts";
import type { ConversationsRepository } from "../../repositories/conversations.repository.ts";
import type { AccessService } from "../core/access.service.ts";
import type { AuthUser } from "../core/auth.service.ts";
import type {
  CircuitCompiler,
  CircuitsService,
} from "../core/circuits.service.ts";
import type { JobsService } from "../core/jobs.service.ts";
import { runAgent } from "./agent-loop.ts";
import { takeConversationLease } from "./conversation-lease.ts";
import {
  conversationView,
  DEFAULT_TITLE,
  messageView,
  proposalView,
  toChat,
} from "./conversation-views.ts";
import { promptContext } from "./prompt-context.ts";
import { createProposals } from "./proposals.ts";
import type { ChatMessage } from "./provider.ts";
import type { ResilientProvider } from "./resilience.ts";
import { buildSystemPrompt, trimHistory } from "./system-prompt.ts";
import { TOOL_SPECS } from "./tools.ts";
import { createUsageCap } from "./usage-cap.ts";

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
  const cap = createUsageCap({
    usage: deps.usage,
    cap: config.monthlyTokenCap,
  });
  const proposals = createProposals(deps);
  const agent = {
    config,
    conversations,
    cap,
    compile: deps.compile,
    simPool: () => (pool ??= createSimPool(1)),
    memoryLimitBytes: deps.memoryLimitBytes,
    log: deps.log,
    tools: {
      access,
      circuits: deps.circuits,
      jobs: deps.jobs,
      conversations,
      compile: deps.compile,
      maxSimQubits: config.maxSimQubits,
      maxSimShots: config.maxSimShots,
      simulateWaitMs: deps.simulateWaitMs ?? 20_000,
      log: deps.log,
    },
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

  /** The caller's own conversation in a project they can see (404 for anyone else's). */
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

  return {
    /** Starts a conversation in a project (any member). */
    async create(
      caller: AuthUser,
      projectId: string,
      title: string | undefined,
    ): Promise<Conversation> {
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
    ): Promise<Conversation[]> {
      requireProvider();
      await access.requireProject(caller, projectId, "viewer");
      return (await conversations.listOwned(projectId, caller.id, limit)).map(
        conversationView,
      );
    },

    /** One of the caller's conversations with its messages and proposals. */
    async get(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
    ): Promise<ConversationDetail> {
      const { conv } = await loadOwned(caller, projectId, conversationId);
      const [messages, stored] = await Promise.all([
        conversations.listMessages(conv.id),
        conversations.listProposals(conv.id),
      ]);
      return {
        ...conversationView(conv),
        messages: messages.map(messageView),
        proposals: stored.map(proposalView),
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
    status(): AssistantStatus {
      return { configured: deps.provider !== undefined };
    },

    /** The caller's token usage this month (all projects, and this project). */
    async usage(caller: AuthUser, projectId: string): Promise<AiUsage> {
      requireProvider();
      await access.requireProject(caller, projectId, "viewer");
      return cap.report(caller.id, projectId);
    },

    /**
     * Sends a user message. Access, the monthly cap and the first provider call are checked before
     * this resolves (so they answer as HTTP problems); the answer then streams as events.
     */
    async send(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
      input: SendMessageBody,
      signal: AbortSignal,
    ): Promise<AsyncGenerator<AssistantStreamEvent>> {
      const provider = requireProvider();
      const { conv, project } = await loadOwned(
        caller,
        projectId,
        conversationId,
      );
      const now = new Date();
      await cap.check(caller.id, now);
      // one message at a time per conversation, across processes: the history is read, replayed
      // and appended to by this message alone until it ends
      const lease = await takeConversationLease(
        { conversations, leaseMs: config.conversationLeaseMs, log: deps.log },
        conv.id,
      );
      let turn: Parameters<typeof runAgent>[1];
      try {
        const ctx = await promptContext(deps, caller, project, input);
        const system = buildSystemPrompt(ctx, config.contextTokenBudget);
        const round = (messages: readonly ChatMessage[]) =>
          provider.open({
            system,
            messages,
            tools: TOOL_SPECS,
            maxTokens: config.maxOutputTokens,
            signal,
          });
        const history = trimHistory(
          (await conversations.listMessages(conv.id)).map(toChat),
          config.historyTokenBudget,
        );
        const working: ChatMessage[] = [
          ...history,
          { role: "user", content: input.content },
        ];
        const first = await round(working);
        const [userRow] = await conversations.addMessages([
          { conversationId: conv.id, role: "user", content: input.content },
        ]);
        await conversations.touch(
          conv.id,
          conv.title === DEFAULT_TITLE
            ? input.content.trim().replace(/\s+/g, " ").slice(0, 80)
            : undefined,
        );
        turn = {
          caller,
          projectId,
          conversationId: conv.id,
          userRow,
          system,
          working,
          first,
          round,
          now,
          signal,
        };
      } catch (err) {
        await lease.release();
        throw err;
      }
      // the lease is released however the answer ends (answer, error event, or the client left
      // and the consumer stopped early); the route always iterates it
      return (async function* () {
        try {
          yield* runAgent(agent, turn);
        } finally {
          await lease.release();
        }
      })();
    },

    /** Accepts a pending proposal: saves its source as a new revision (editor). */
    async acceptProposal(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
      proposalId: string,
    ): Promise<Proposal> {
      const { conv } = await loadOwned(caller, projectId, conversationId);
      return proposals.accept(caller, projectId, conv.id, proposalId);
    },

    /** Rejects a pending proposal; nothing is saved. */
    async rejectProposal(
      caller: AuthUser,
      projectId: string,
      conversationId: string,
      proposalId: string,
    ): Promise<Proposal> {
      const { conv } = await loadOwned(caller, projectId, conversationId);
      return proposals.reject(conv.id, proposalId);
    },

    /** Stops the assistant's simulation thread. */
    async close(): Promise<void> {
      await pool?.close();
    },
  };
}

/** The assistant service. */
export type AssistantService = ReturnType<typeof createAssistantService>;
