import { and, asc, count, eq, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { projectMembers, projects, users } from "../database/schema.ts";

/** A project role. */
export type ProjectRole = "owner" | "editor" | "viewer";
/** A project row. */
export type ProjectRow = typeof projects.$inferSelect;

/** Creates the projects repository (projects and their members). */
export function createProjectsRepository(db: Db) {
  return {
    /** Creates a project with `ownerId` as its owner. */
    async create(name: string, ownerId: string): Promise<ProjectRow> {
      return db.transaction(async (tx) => {
        const [row] = await tx.insert(projects).values({ name }).returning();
        await tx
          .insert(projectMembers)
          .values({ projectId: row.id, userId: ownerId, role: "owner" });
        return row;
      });
    },

    /** The caller's role in a project, with the project; undefined when not a member (or no such project). */
    async findWithRole(projectId: string, userId: string) {
      const [row] = await db
        .select({ project: projects, role: projectMembers.role })
        .from(projectMembers)
        .innerJoin(projects, eq(projects.id, projectMembers.projectId))
        .where(
          and(
            eq(projectMembers.projectId, projectId),
            eq(projectMembers.userId, userId),
          ),
        )
        .limit(1);
      return row;
    },

    /** Projects the user is a member of, with their role, by name. */
    async listForUser(userId: string) {
      return db
        .select({ project: projects, role: projectMembers.role })
        .from(projectMembers)
        .innerJoin(projects, eq(projects.id, projectMembers.projectId))
        .where(eq(projectMembers.userId, userId))
        .orderBy(asc(projects.name), asc(projects.id));
    },

    /** Renames a project. */
    async rename(projectId: string, name: string): Promise<ProjectRow> {
      const [row] = await db
        .update(projects)
        .set({ name, updatedAt: sql`now()` })
        .where(eq(projects.id, projectId))
        .returning();
      return row;
    },

    /** Deletes a project (members and circuits cascade). */
    async delete(projectId: string): Promise<void> {
      await db.delete(projects).where(eq(projects.id, projectId));
    },

    /** Members of a project with their account details. */
    async listMembers(projectId: string) {
      return db
        .select({
          userId: projectMembers.userId,
          email: users.email,
          username: users.username,
          displayName: users.displayName,
          role: projectMembers.role,
          createdAt: projectMembers.createdAt,
        })
        .from(projectMembers)
        .innerJoin(users, eq(users.id, projectMembers.userId))
        .where(eq(projectMembers.projectId, projectId))
        .orderBy(asc(users.email));
    },

    /** Adds a member; false when already a member. */
    async addMember(
      projectId: string,
      userId: string,
      role: ProjectRole,
    ): Promise<boolean> {
      const rows = await db
        .insert(projectMembers)
        .values({ projectId, userId, role })
        .onConflictDoNothing()
        .returning({ userId: projectMembers.userId });
      return rows.length === 1;
    },

    /** A member's role, or undefined. */
    async memberRole(
      projectId: string,
      userId: string,
    ): Promise<ProjectRole | undefined> {
      const [row] = await db
        .select({ role: projectMembers.role })
        .from(projectMembers)
        .where(
          and(
            eq(projectMembers.projectId, projectId),
            eq(projectMembers.userId, userId),
          ),
        )
        .limit(1);
      return row?.role;
    },

    /** Number of owners of a project. */
    async ownerCount(projectId: string): Promise<number> {
      const [row] = await db
        .select({ n: count() })
        .from(projectMembers)
        .where(
          and(
            eq(projectMembers.projectId, projectId),
            eq(projectMembers.role, "owner"),
          ),
        );
      return Number(row?.n ?? 0);
    },

    /** Changes a member's role. */
    async setRole(
      projectId: string,
      userId: string,
      role: ProjectRole,
    ): Promise<void> {
      await db
        .update(projectMembers)
        .set({ role })
        .where(
          and(
            eq(projectMembers.projectId, projectId),
            eq(projectMembers.userId, userId),
          ),
        );
    },

    /** Removes a member. */
    async removeMember(projectId: string, userId: string): Promise<void> {
      await db
        .delete(projectMembers)
        .where(
          and(
            eq(projectMembers.projectId, projectId),
            eq(projectMembers.userId, userId),
          ),
        );
    },
  };
}

/** The projects repository. */
export type ProjectsRepository = ReturnType<typeof createProjectsRepository>;
