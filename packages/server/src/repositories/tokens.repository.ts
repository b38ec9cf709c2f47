import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import {
  apiKeys,
  passwordResets,
  refreshTokens,
  users,
} from "../database/schema.ts";

/** A refresh-token row. */
export type RefreshTokenRow = typeof refreshTokens.$inferSelect;
/** An API-key row. */
export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Creates the repository for secrets stored hashed: refresh tokens, API keys, password resets. */
export function createTokensRepository(db: Db) {
  return {
    /** Stores a refresh token hash in a family. */
    async insertRefresh(
      input: {
        userId: string;
        familyId: string;
        tokenHash: string;
        expiresAt: Date;
      },
      tx: Db = db,
    ) {
      await tx.insert(refreshTokens).values(input);
    },

    /** Finds a refresh token by hash. */
    async findRefresh(
      tokenHash: string,
      tx: Db = db,
    ): Promise<RefreshTokenRow | undefined> {
      const [row] = await tx
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, tokenHash))
        .limit(1);
      return row;
    },

    /** Marks a token used if it still was unused and unrevoked; true when this call won. */
    async markRefreshUsed(id: string, tx: Db = db): Promise<boolean> {
      const rows = await tx
        .update(refreshTokens)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(refreshTokens.id, id),
            isNull(refreshTokens.usedAt),
            isNull(refreshTokens.revokedAt),
          ),
        )
        .returning({ id: refreshTokens.id });
      return rows.length === 1;
    },

    /** Revokes every token of a family. */
    async revokeFamily(familyId: string, tx: Db = db): Promise<void> {
      await tx
        .update(refreshTokens)
        .set({ revokedAt: sql`now()` })
        .where(
          and(
            eq(refreshTokens.familyId, familyId),
            isNull(refreshTokens.revokedAt),
          ),
        );
    },

    /** Revokes every refresh token of a user. */
    async revokeAllForUser(userId: string, tx: Db = db): Promise<void> {
      await tx
        .update(refreshTokens)
        .set({ revokedAt: sql`now()` })
        .where(
          and(
            eq(refreshTokens.userId, userId),
            isNull(refreshTokens.revokedAt),
          ),
        );
    },

    /** Stores a new API key. */
    async insertApiKey(input: {
      userId: string;
      name: string;
      prefix: string;
      keyHash: string;
    }): Promise<ApiKeyRow> {
      const [row] = await db.insert(apiKeys).values(input).returning();
      return row;
    },

    /** Lists a user's API keys that are not revoked. */
    async listApiKeys(userId: string): Promise<ApiKeyRow[]> {
      return db
        .select()
        .from(apiKeys)
        .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
        .orderBy(apiKeys.createdAt);
    },

    /** Revokes a user's API key; false when it does not exist (or is not theirs). */
    async revokeApiKey(userId: string, id: string): Promise<boolean> {
      const rows = await db
        .update(apiKeys)
        .set({ revokedAt: sql`now()` })
        .where(
          and(
            eq(apiKeys.id, id),
            eq(apiKeys.userId, userId),
            isNull(apiKeys.revokedAt),
          ),
        )
        .returning({ id: apiKeys.id });
      return rows.length === 1;
    },

    /** Finds the owner of a live API key by hash, with the user's current state. */
    async findUserByApiKey(keyHash: string) {
      const [row] = await db
        .select({ user: users, keyId: apiKeys.id })
        .from(apiKeys)
        .innerJoin(users, eq(users.id, apiKeys.userId))
        .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
        .limit(1);
      return row;
    },

    /** Stores a password-reset token hash. */
    async insertReset(input: {
      userId: string;
      tokenHash: string;
      expiresAt: Date;
    }): Promise<void> {
      await db.insert(passwordResets).values(input);
    },

    /** Consumes a live reset token (once); returns its user id. */
    async consumeReset(
      tokenHash: string,
      tx: Db = db,
    ): Promise<string | undefined> {
      const [row] = await tx
        .update(passwordResets)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(passwordResets.tokenHash, tokenHash),
            isNull(passwordResets.usedAt),
            gt(passwordResets.expiresAt, sql`now()`),
          ),
        )
        .returning({ userId: passwordResets.userId });
      return row?.userId;
    },
  };
}

/** The tokens repository. */
export type TokensRepository = ReturnType<typeof createTokensRepository>;
