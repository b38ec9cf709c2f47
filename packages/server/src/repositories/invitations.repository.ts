import { and, asc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import {
  projectInvitations,
  projectMembers,
  projects,
  users,
} from "../database/schema.ts";
import type { ProjectRole } from "./projects.repository.ts";

/** An invitation row. */
export type InvitationRow = typeof projectInvitations.$inferSelect;

const pending = and(
  isNull(projectInvitations.acceptedAt),
  isNull(projectInvitations.revokedAt),
);

/** Creates the invitations repository (pending project invitations by email). */
export function createInvitationsRepository(db: Db) {
  const withInviter = {
    invitation: projectInvitations,
    invitedBy: users.displayName,
  };
  return {
    /**
     * Inserts a pending invitation, first closing an expired pending one for the same email;
     * undefined when a live pending one exists.
     */
    async create(input: {
      projectId: string;
      email: string;
      role: ProjectRole;
      tokenHash: string;
      invitedBy: string;
      expiresAt: Date;
    }): Promise<InvitationRow | undefined> {
      return db.transaction(async (tx) => {
        await tx
          .update(projectInvitations)
          .set({ revokedAt: sql`now()` })
          .where(
            and(
              eq(projectInvitations.projectId, input.projectId),
              eq(projectInvitations.email, input.email),
              pending,
              lte(projectInvitations.expiresAt, sql`now()`),
            ),
          );
        const rows = await tx
          .insert(projectInvitations)
          .values(input)
          .onConflictDoNothing()
          .returning();
        return rows[0];
      });
    },

    /** Live pending invitations of a project (not expired), by email, with the inviter's name. */
    async listPending(projectId: string) {
      return db
        .select(withInviter)
        .from(projectInvitations)
        .leftJoin(users, eq(users.id, projectInvitations.invitedBy))
        .where(
          and(
            eq(projectInvitations.projectId, projectId),
            pending,
            gt(projectInvitations.expiresAt, sql`now()`),
          ),
        )
        .orderBy(asc(projectInvitations.email));
    },

    /** Revokes a pending invitation of the project; false when none (or another project's). */
    async revoke(projectId: string, invitationId: string): Promise<boolean> {
      const rows = await db
        .update(projectInvitations)
        .set({ revokedAt: sql`now()` })
        .where(
          and(
            eq(projectInvitations.id, invitationId),
            eq(projectInvitations.projectId, projectId),
            pending,
          ),
        )
        .returning({ id: projectInvitations.id });
      return rows.length === 1;
    },

    /** The invitation of a token hash with its project's name and the inviter's, any state. */
    async findByTokenHash(tokenHash: string) {
      const [row] = await db
        .select({ ...withInviter, projectName: projects.name })
        .from(projectInvitations)
        .innerJoin(projects, eq(projects.id, projectInvitations.projectId))
        .leftJoin(users, eq(users.id, projectInvitations.invitedBy))
        .where(eq(projectInvitations.tokenHash, tokenHash))
        .limit(1);
      return row;
    },

    /**
     * Marks a live pending invitation accepted by `userId` and makes them a member with its role
     * (a member already keeps their role), in one transaction; the project id, or undefined when
     * the invitation was no longer pending (another request took it first).
     */
    async accept(
      invitationId: string,
      userId: string,
    ): Promise<string | undefined> {
      return db.transaction(async (tx) => {
        const [inv] = await tx
          .update(projectInvitations)
          .set({ acceptedAt: sql`now()`, acceptedBy: userId })
          .where(
            and(
              eq(projectInvitations.id, invitationId),
              pending,
              gt(projectInvitations.expiresAt, sql`now()`),
            ),
          )
          .returning();
        if (inv === undefined) return undefined;
        await tx
          .insert(projectMembers)
          .values({ projectId: inv.projectId, userId, role: inv.role })
          .onConflictDoNothing();
        return inv.projectId;
      });
    },
  };
}

/** The invitations repository. */
export type InvitationsRepository = ReturnType<
  typeof createInvitationsRepository
>;
