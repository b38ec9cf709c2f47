import { and, desc, eq, sql, type SQL } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { circuitRevisions, circuits } from "../database/schema.ts";
import type { ProjectRole } from "./projects.repository.ts";

/** A circuit row. */
export type CircuitRow = typeof circuits.$inferSelect;
/** A circuit revision row. */
export type RevisionRow = typeof circuitRevisions.$inferSelect;
/** Source language of a circuit. */
export type CircuitLanguage = "openqasm2" | "openqasm3";

/** A circuit in a list: every column but the source, timestamps as ISO 8601 strings. */
export interface CircuitSummaryRow {
  readonly id: string;
  readonly projectId: string;
  readonly name: string;
  readonly language: CircuitLanguage;
  readonly revision: number;
  readonly numQubits: number;
  readonly numClbits: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A timestamptz column as `Date.toISOString()` prints it (UTC, milliseconds truncated). */
function isoUtc(column: string): SQL {
  return sql.raw(
    `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  );
}

/** The unique-violation SQLSTATE, raised by both engines. */
export function isUniqueViolation(err: unknown): boolean {
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

/** `s` with LIKE wildcards escaped (for `ilike` substring searches). */
export function escapeLike(s: string): string {
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

    /**
     * The caller's role in a project and a page of its circuits by name (after `afterName`,
     * optionally filtered by a name substring), in one query: without the sources, and the role
     * read in the same statement as the page. Undefined when `userId` is not a member of the
     * project (or there is no such project).
     */
    async listPageForMember(
      projectId: string,
      userId: string,
      opts: { limit: number; afterName?: string; search?: string },
    ): Promise<{ role: ProjectRole; rows: CircuitSummaryRow[] } | undefined> {
      const after =
        opts.afterName === undefined
          ? sql``
          : sql` and c.name collate "C" > ${opts.afterName}`;
      const search = opts.search
        ? sql` and c.name ilike ${`%${escapeLike(opts.search)}%`}`
        : sql``;
      // One row: the role, and the page as one JSON array (far cheaper for the driver to decode
      // than a row per circuit; PGlite decodes every field in JavaScript).
      const result = (await db.execute(sql`
        select m.role, (
          select coalesce(json_agg(json_build_object(
            'id', c.id, 'name', c.name, 'language', c.language, 'revision', c.revision,
            'numQubits', c.num_qubits, 'numClbits', c.num_clbits,
            'createdAt', ${isoUtc("c.created_at")}, 'updatedAt', ${isoUtc("c.updated_at")}
          ) order by c.name collate "C"), '[]')
          from (
            select * from circuits c
            where c.project_id = m.project_id${after}${search}
            order by c.name collate "C"
            limit ${opts.limit}
          ) c
        ) as items
        from project_members m
        where m.project_id = ${projectId} and m.user_id = ${userId}`)) as unknown as {
        rows: {
          role: ProjectRole;
          items: string | Omit<CircuitSummaryRow, "projectId">[];
        }[];
      };
      const row = result.rows[0];
      if (row === undefined) return undefined;
      const items =
        typeof row.items === "string"
          ? (JSON.parse(row.items) as Omit<CircuitSummaryRow, "projectId">[])
          : row.items;
      return {
        role: row.role,
        rows: items.map((c) => ({ ...c, projectId })),
      };
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
