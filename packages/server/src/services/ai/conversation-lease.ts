/**
 * The cross-process lease of a conversation: one message at a time per conversation, across
 * server processes, so its history is read, replayed and appended to by that message alone.
 */
import { randomUUID } from "node:crypto";
import type { FastifyBaseLogger } from "fastify";
import { DomainError } from "../../errors/domain-error.ts";
import type { ConversationsRepository } from "../../repositories/conversations.repository.ts";

/** A held lease. */
export interface ConversationLease {
  /** Gives the lease up (once; later calls do nothing). */
  release(): Promise<void>;
}

/**
 * Takes the conversation's lease (409 CONVERSATION_BUSY while another message is answered) and
 * renews it every third of `leaseMs` until released. A lease that is neither renewed nor released
 * (its process died) goes stale after `leaseMs` and may be taken over.
 */
export async function takeConversationLease(
  deps: {
    conversations: ConversationsRepository;
    leaseMs: number;
    log: FastifyBaseLogger;
  },
  conversationId: string,
): Promise<ConversationLease> {
  const { conversations, leaseMs, log } = deps;
  const token = randomUUID();
  if (!(await conversations.acquireLease(conversationId, token, leaseMs)))
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
            log.warn(
              { conversationId },
              "assistant: the conversation lease was lost (not renewed in time)",
            );
        },
        (err: unknown) =>
          log.warn({ err, conversationId }, "assistant: lease renewal failed"),
      ),
    Math.max(250, Math.floor(leaseMs / 3)),
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
        log.warn({ err, conversationId }, "assistant: lease release failed");
      }
    },
  };
}
