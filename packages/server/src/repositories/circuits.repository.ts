import { and, desc, eq, ilike, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { circuitRevisions, circuits } from "../database/schema.ts";

/** A circuit row. */
export type CircuitRow = typeof circuits.$inferSelect;
/** A circuit revision row. */
export type RevisionRow = typeof circuitRevisions.$inferSelect;
/** Source language of a circuit. */
export type CircuitLanguage = "openqasm2" | "openqasm3";

/** The unique-violation SQLSTATE, raised by both engines. */
function isUniqueViolation(err: unknown): boolean {
  for (
    let e: unknown = err;
    e instanceof Error || (typeof e === "object" && e !== null);
  ) {
    if ((e as { code?: unknown }).code === "23505") return true;
    e = (e as { cause?: unknown }).cause;
    if (e === undefined) break;
  }
  return false;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => "\\" + c);
}

/** Creates the circuits repository (circuits and revisions). */
export function createCircuitsRepository(db: Db) {
  return {
    /** Inserts a circuit and its revision 1; undefined when the name is taken in the project. */
    async create(input: {
      projectId: string;
      name: string;
      language: CircuitLanguage;
      source: string;
      numQubits: number;
      numClbits: number;
      createdBy: string;
    }): Promise<CircuitRow | undefined> {
      try {
        return await db.transaction(async (tx) => {
          const [row] = await tx.insert(circuits).values(input).returning();
          await tx.insert(circuitRevisions).values({
            circuitId: row.id,
            revision: 1,
            language: input.language,
            source: input.source,
            createdBy: input.createdBy,
          });
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },

    /** A circuit of a project by id. */
    async findById(
      projectId: string,
      id: string,
    ): Promise<CircuitRow | undefined> {
      const [row] = await db
        .select()
        .from(circuits)
        .where(and(eq(circuits.projectId, projectId), eq(circuits.id, id)))
        .limit(1);
      return row;
    },

    /** A page of a project's circuits by name, after `afterName`, optionally filtered by a name substring. */
    async list(
      projectId: string,
      opts: { limit: number; afterName?: string; search?: string },
    ): Promise<CircuitRow[]> {
      const conds = [eq(circuits.projectId, projectId)];
      if (opts.afterName !== undefined)
        conds.push(sql`${circuits.name} collate "C" > ${opts.afterName}`);
      if (opts.search)
        conds.push(ilike(circuits.name, `%${escapeLike(opts.search)}%`));
      return db
        .select()
        .from(circuits)
        .where(and(...conds))
        .orderBy(sql`${circuits.name} collate "C"`)
        .limit(opts.limit);
    },

    /**
     * Updates a circuit; when `source` is given a new revision is stored. Returns undefined when the
     * new name is taken.
     */
    async update(
      current: CircuitRow,
      patch: {
        name?: string;
        language?: CircuitLanguage;
        source?: string;
        numQubits?: number;
        numClbits?: number;
      },
      userId: string,
    ): Promise<CircuitRow | undefined> {
      try {
        return await db.transaction(async (tx) => {
          const newRevision = patch.source !== undefined;
          const [row] = await tx
            .update(circuits)
            .set({
              ...patch,
              revision: newRevision
                ? sql`${circuits.revision} + 1`
                : circuits.revision,
              updatedAt: sql`now()`,
            })
            .where(eq(circuits.id, current.id))
            .returning();
          if (newRevision) {
            await tx.insert(circuitRevisions).values({
              circuitId: row.id,
              revision: row.revision,
              language: row.language,
              source: row.source,
              createdBy: userId,
            });
          }
          return row;
        });
      } catch (err) {
        if (isUniqueViolation(err)) return undefined;
        throw err;
      }
    },

    /** Deletes a circuit (revisions cascade). */
    async delete(id: string): Promise<void> {
      await db.delete(circuits).where(eq(circuits.id, id));
    },

    /** Revisions of a circuit, newest first (without sources). */
    async listRevisions(circuitId: string) {
      return db
        .select({
          revision: circuitRevisions.revision,
          language: circuitRevisions.language,
          createdBy: circuitRevisions.createdBy,
          createdAt: circuitRevisions.createdAt,
        })
        .from(circuitRevisions)
        .where(eq(circuitRevisions.circuitId, circuitId))
        .orderBy(desc(circuitRevisions.revision));
    },

    /** One revision with its source. */
    async findRevision(
      circuitId: string,
      revision: number,
    ): Promise<RevisionRow | undefined> {
      const [row] = await db
        .select()
        .from(circuitRevisions)
        .where(
          and(
            eq(circuitRevisions.circuitId, circuitId),
            eq(circuitRevisions.revision, revision),
          ),
        )
        .limit(1);
      return row;
    },
  };
}

/** The circuits repository. */
export type CircuitsRepository = ReturnType<typeof createCircuitsRepository>;
