import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { aiUsage } from "../database/schema.ts";

/** The "YYYY-MM" (UTC) month key of a date. */
export function monthKey(d: Date): string {
  return d.toISOString().slice(0, 7);
}

/** Creates the AI usage repository: tokens per user, project and month. */
export function createAiUsageRepository(db: Db) {
  return {
    /** Adds tokens to the user's row for the project and month. */
    async add(input: {
      userId: string;
      projectId: string;
      month: string;
      inputTokens: number;
      outputTokens: number;
    }): Promise<void> {
      await db
        .insert(aiUsage)
        .values(input)
        .onConflictDoUpdate({
          target: [aiUsage.userId, aiUsage.projectId, aiUsage.month],
          set: {
            inputTokens: sql`${aiUsage.inputTokens} + ${input.inputTokens}`,
            outputTokens: sql`${aiUsage.outputTokens} + ${input.outputTokens}`,
          },
        });
    },

    /** The user's tokens in a month over all projects. */
    async totalForUser(
      userId: string,
      month: string,
    ): Promise<{ inputTokens: number; outputTokens: number }> {
      const [row] = await db
        .select({
          inputTokens: sql<string>`coalesce(sum(${aiUsage.inputTokens}), 0)`,
          outputTokens: sql<string>`coalesce(sum(${aiUsage.outputTokens}), 0)`,
        })
        .from(aiUsage)
        .where(and(eq(aiUsage.userId, userId), eq(aiUsage.month, month)));
      return {
        inputTokens: Number(row?.inputTokens ?? 0),
        outputTokens: Number(row?.outputTokens ?? 0),
      };
    },

    /** The user's tokens in one project and month. */
    async forProject(
      userId: string,
      projectId: string,
      month: string,
    ): Promise<{ inputTokens: number; outputTokens: number }> {
      const [row] = await db
        .select()
        .from(aiUsage)
        .where(
          and(
            eq(aiUsage.userId, userId),
            eq(aiUsage.projectId, projectId),
            eq(aiUsage.month, month),
          ),
        )
        .limit(1);
      return {
        inputTokens: row?.inputTokens ?? 0,
        outputTokens: row?.outputTokens ?? 0,
      };
    },
  };
}

/** The AI usage repository. */
export type AiUsageRepository = ReturnType<typeof createAiUsageRepository>;
