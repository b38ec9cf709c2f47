import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { noiseModels } from "../database/schema.ts";
import { escapeLike, isUniqueViolation } from "./circuits.repository.ts";

/** A saved noise model row. */
export type NoiseModelRow = typeof noiseModels.$inferSelect;

/** Creates the noise-models repository. */
export function createNoiseModelsRepository(db: Db) {
  return {
    /** Inserts a model; undefined when the name is taken in the project. */
    async create(input: {
      projectId: string;
      name: string;
      model: unknown;
      createdBy: string;
    }): Promise<NoiseModelRow | undefined> {
      try {
        const [row] = await db.insert(noiseModels).values(input).returning();
        return row;
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },

    /** A model of a project by id. */
    async findById(
      projectId: string,
      id: string,
    ): Promise<NoiseModelRow | undefined> {
      const [row] = await db
        .select()
        .from(noiseModels)
        .where(
          and(eq(noiseModels.projectId, projectId), eq(noiseModels.id, id)),
        )
        .limit(1);
      return row;
    },

    /** A page of a project's models by name (byte order), after `afterName`, optionally searching names. */
    async listPage(
      projectId: string,
      opts: { limit: number; afterName?: string; search?: string },
    ): Promise<Omit<NoiseModelRow, "model">[]> {
      const conditions = [eq(noiseModels.projectId, projectId)];
      if (opts.afterName !== undefined)
        conditions.push(
          sql`${noiseModels.name} collate "C" > ${opts.afterName}`,
        );
      if (opts.search)
        conditions.push(
          sql`${noiseModels.name} ilike ${`%${escapeLike(opts.search)}%`}`,
        );
      return db
        .select({
          id: noiseModels.id,
          projectId: noiseModels.projectId,
          name: noiseModels.name,
          createdBy: noiseModels.createdBy,
          createdAt: noiseModels.createdAt,
          updatedAt: noiseModels.updatedAt,
        })
        .from(noiseModels)
        .where(and(...conditions))
        .orderBy(sql`${noiseModels.name} collate "C"`)
        .limit(opts.limit);
    },

    /** Renames and/or replaces the model; undefined when the new name is taken. */
    async update(
      id: string,
      patch: { name?: string; model?: unknown },
    ): Promise<NoiseModelRow | undefined> {
      try {
        const [row] = await db
          .update(noiseModels)
          .set({ ...patch, updatedAt: sql`now()` })
          .where(eq(noiseModels.id, id))
          .returning();
        return row;
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },

    /** Deletes a model (jobs keep their copy of it). */
    async delete(id: string): Promise<void> {
      await db.delete(noiseModels).where(eq(noiseModels.id, id));
    },
  };
}

/** The noise-models repository. */
export type NoiseModelsRepository = ReturnType<
  typeof createNoiseModelsRepository
>;
