import { and, asc, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import {
  aiConversations,
  aiMessages,
  aiProposals,
} from "../database/schema.ts";

/** A conversation row. */
export type ConversationRow = typeof aiConversations.$inferSelect;
/** A stored message row. */
export type MessageRow = typeof aiMessages.$inferSelect;
/** A message to insert. */
export type NewMessage = Omit<typeof aiMessages.$inferInsert, "id">;
/** An edit proposal row. */
export type ProposalRow = typeof aiProposals.$inferSelect;

/** Creates the conversations repository (conversations, their messages and edit proposals). */
export function createConversationsRepository(db: Db) {
  return {
    /** Inserts a conversation. */
    async create(input: {
      projectId: string;
      userId: string;
      title: string;
    }): Promise<ConversationRow> {
      const [row] = await db.insert(aiConversations).values(input).returning();
      return row;
    },

    /** A conversation by id, only when it is in `projectId` and owned by `userId`. */
    async findOwned(
      projectId: string,
      userId: string,
      id: string,
    ): Promise<ConversationRow | undefined> {
      const [row] = await db
        .select()
        .from(aiConversations)
        .where(
          and(
            eq(aiConversations.id, id),
            eq(aiConversations.projectId, projectId),
            eq(aiConversations.userId, userId),
          ),
        )
        .limit(1);
      return row;
    },

    /** The user's conversations in a project, most recently active first. */
    async listOwned(
      projectId: string,
      userId: string,
      limit: number,
    ): Promise<ConversationRow[]> {
      return db
        .select()
        .from(aiConversations)
        .where(
          and(
            eq(aiConversations.projectId, projectId),
            eq(aiConversations.userId, userId),
          ),
        )
        .orderBy(desc(aiConversations.updatedAt), desc(aiConversations.id))
        .limit(limit);
    },

    /** Deletes a conversation (messages and proposals go with it). */
    async delete(id: string): Promise<void> {
      await db.delete(aiConversations).where(eq(aiConversations.id, id));
    },

    /** Sets the title and/or bumps `updatedAt`. */
    async touch(id: string, title?: string): Promise<void> {
      await db
        .update(aiConversations)
        .set({
          updatedAt: sql`now()`,
          ...(title !== undefined ? { title } : {}),
        })
        .where(eq(aiConversations.id, id));
    },

    /**
     * Takes the conversation's lease for one message: succeeds (true) only when no lease is held
     * or the holder's is older than `leaseMs` (it stopped renewing: its process died). One
     * conditional UPDATE on the database clock, so it holds across API processes and hosts.
     */
    async acquireLease(
      id: string,
      token: string,
      leaseMs: number,
    ): Promise<boolean> {
      const rows = await db
        .update(aiConversations)
        .set({ busySince: sql`now()`, busyToken: token })
        .where(
          and(
            eq(aiConversations.id, id),
            or(
              isNull(aiConversations.busySince),
              lt(
                aiConversations.busySince,
                sql`now() - make_interval(secs => ${leaseMs / 1000})`,
              ),
            ),
          ),
        )
        .returning({ id: aiConversations.id });
      return rows.length === 1;
    },

    /** Renews a held lease; false when `token` no longer holds it (it went stale and was taken). */
    async renewLease(id: string, token: string): Promise<boolean> {
      const rows = await db
        .update(aiConversations)
        .set({ busySince: sql`now()` })
        .where(
          and(eq(aiConversations.id, id), eq(aiConversations.busyToken, token)),
        )
        .returning({ id: aiConversations.id });
      return rows.length === 1;
    },

    /** Clears the lease if `token` still holds it. */
    async releaseLease(id: string, token: string): Promise<void> {
      await db
        .update(aiConversations)
        .set({ busySince: null, busyToken: null })
        .where(
          and(eq(aiConversations.id, id), eq(aiConversations.busyToken, token)),
        );
    },

    /** Appends messages in order; returns the stored rows. */
    async addMessages(rows: readonly NewMessage[]): Promise<MessageRow[]> {
      if (rows.length === 0) return [];
      return db
        .insert(aiMessages)
        .values([...rows])
        .returning();
    },

    /** The messages of a conversation in order. */
    async listMessages(conversationId: string): Promise<MessageRow[]> {
      return db
        .select()
        .from(aiMessages)
        .where(eq(aiMessages.conversationId, conversationId))
        .orderBy(asc(aiMessages.id));
    },

    /** Stores an edit proposal. */
    async createProposal(input: {
      conversationId: string;
      projectId: string;
      circuitId: string;
      baseRevision: number;
      source: string;
      summary: string;
    }): Promise<ProposalRow> {
      const [row] = await db.insert(aiProposals).values(input).returning();
      return row;
    },

    /** A proposal by id within a conversation. */
    async findProposal(
      conversationId: string,
      id: string,
    ): Promise<ProposalRow | undefined> {
      const [row] = await db
        .select()
        .from(aiProposals)
        .where(
          and(
            eq(aiProposals.id, id),
            eq(aiProposals.conversationId, conversationId),
          ),
        )
        .limit(1);
      return row;
    },

    /** The proposals of a conversation, oldest first. */
    async listProposals(conversationId: string): Promise<ProposalRow[]> {
      return db
        .select()
        .from(aiProposals)
        .where(eq(aiProposals.conversationId, conversationId))
        .orderBy(asc(aiProposals.createdAt), asc(aiProposals.id));
    },

    /** Sets the revision an accepted proposal produced. */
    async setResultRevision(
      id: string,
      revision: number,
    ): Promise<ProposalRow> {
      const [row] = await db
        .update(aiProposals)
        .set({ resultRevision: revision })
        .where(eq(aiProposals.id, id))
        .returning();
      return row;
    },

    /** Puts a claimed proposal back to pending (its save failed). */
    async reopenProposal(id: string): Promise<void> {
      await db
        .update(aiProposals)
        .set({ status: "pending", resultRevision: null, resolvedAt: null })
        .where(eq(aiProposals.id, id));
    },

    /** Marks a pending proposal resolved; undefined when it was no longer pending. */
    async resolveProposal(
      id: string,
      status: "accepted" | "rejected",
      resultRevision: number | null,
    ): Promise<ProposalRow | undefined> {
      const [row] = await db
        .update(aiProposals)
        .set({ status, resultRevision, resolvedAt: sql`now()` })
        .where(and(eq(aiProposals.id, id), eq(aiProposals.status, "pending")))
        .returning();
      return row;
    },
  };
}

/** The conversations repository. */
export type ConversationsRepository = ReturnType<
  typeof createConversationsRepository
>;
