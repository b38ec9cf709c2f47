import { asc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { users } from "../database/schema.ts";

/** A user row. */
export type UserRow = typeof users.$inferSelect;

/** Creates the users repository (all SQL about accounts). */
export function createUsersRepository(db: Db) {
  return {
    /** Inserts a user; the first user of an empty database becomes admin. Returns undefined on duplicate email. */
    async create(input: {
      email: string;
      displayName: string;
      passwordHash: string;
    }): Promise<UserRow | undefined> {
      return db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(726345902)`);
        const existing = await tx
          .select({ id: users.id })
          .from(users)
          .where(eq(users.email, input.email))
          .limit(1);
        if (existing.length > 0) return undefined;
        const any = await tx.select({ id: users.id }).from(users).limit(1);
        const [row] = await tx
          .insert(users)
          .values({ ...input, role: any.length === 0 ? "admin" : "user" })
          .returning();
        return row;
      });
    },

    /** Finds a user by id. */
    async findById(id: string, tx: Db = db): Promise<UserRow | undefined> {
      const [row] = await tx
        .select()
        .from(users)
        .where(eq(users.id, id))
        .limit(1);
      return row;
    },

    /** Finds a user by (lower-case) email. */
    async findByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db
        .select()
        .from(users)
        .where(eq(users.email, email))
        .limit(1);
      return row;
    },

    /** Lists users ordered by email, after `cursor` (an email), at most `limit`. */
    async list(limit: number, cursor: string | undefined): Promise<UserRow[]> {
      return db
        .select()
        .from(users)
        .where(cursor === undefined ? undefined : gt(users.email, cursor))
        .orderBy(asc(users.email))
        .limit(limit);
    },

    /** Sets the disabled flag; returns the updated row. */
    async setDisabled(
      id: string,
      disabled: boolean,
    ): Promise<UserRow | undefined> {
      const [row] = await db
        .update(users)
        .set({ disabled })
        .where(eq(users.id, id))
        .returning();
      return row;
    },

    /** Replaces the password hash. */
    async updatePassword(
      id: string,
      passwordHash: string,
      tx: Db = db,
    ): Promise<void> {
      await tx.update(users).set({ passwordHash }).where(eq(users.id, id));
    },
  };
}

/** The users repository. */
export type UsersRepository = ReturnType<typeof createUsersRepository>;
