import { and, asc, eq, gt, like, or, sql } from "drizzle-orm";
import type { Db } from "../database/database.ts";
import { users } from "../database/schema.ts";

// Serialises account creation and username changes (first-admin rule, username uniqueness).
const LOCK_SQL = sql`select pg_advisory_xact_lock(726345902)`;

async function usernameExists(tx: Db, username: string): Promise<boolean> {
  const rows = await tx
    .select({ id: users.id })
    .from(users)
    .where(eq(users.username, username))
    .limit(1);
  return rows.length > 0;
}

/** A user row. */
export type UserRow = typeof users.$inferSelect;

/** Creates the users repository (all SQL about accounts). */
export function createUsersRepository(db: Db) {
  return {
    /**
     * Inserts a user; the first user of an empty database becomes admin. The username is either
     * `exact`, or derived: `pick` gets the taken names equal to `base` or starting `base-` and
     * returns a free one. Answers which field clashed when the email or exact username is taken.
     */
    async create(input: {
      email: string;
      displayName: string;
      passwordHash: string;
      username:
        | { exact: string }
        | { base: string; pick(taken: ReadonlySet<string>): string };
    }): Promise<
      { ok: true; row: UserRow } | { ok: false; taken: "email" | "username" }
    > {
      return db.transaction(async (tx) => {
        await tx.execute(LOCK_SQL);
        const existing = await tx
          .select({ id: users.id })
          .from(users)
          .where(eq(users.email, input.email))
          .limit(1);
        if (existing.length > 0) return { ok: false, taken: "email" };
        let username: string;
        if ("exact" in input.username) {
          username = input.username.exact;
          if (await usernameExists(tx, username))
            return { ok: false, taken: "username" };
        } else {
          const base = input.username.base;
          const clashes = await tx
            .select({ username: users.username })
            .from(users)
            .where(
              or(eq(users.username, base), like(users.username, `${base}-%`)),
            );
          username = input.username.pick(
            new Set(clashes.map((c) => c.username)),
          );
        }
        const any = await tx.select({ id: users.id }).from(users).limit(1);
        const [row] = await tx
          .insert(users)
          .values({
            email: input.email,
            displayName: input.displayName,
            passwordHash: input.passwordHash,
            username,
            role: any.length === 0 ? "admin" : "user",
          })
          .returning();
        return { ok: true, row };
      });
    },

    /**
     * Changes a user's username and/or display name; answers "taken" when another account
     * has the username, undefined when the user does not exist.
     */
    async updateProfile(
      id: string,
      patch: { username?: string; displayName?: string },
    ): Promise<UserRow | "taken" | undefined> {
      return db.transaction(async (tx) => {
        await tx.execute(LOCK_SQL);
        if (patch.username !== undefined) {
          const [other] = await tx
            .select({ id: users.id })
            .from(users)
            .where(eq(users.username, patch.username))
            .limit(1);
          if (other !== undefined && other.id !== id) return "taken";
        }
        const [row] = await tx
          .update(users)
          .set(patch)
          .where(eq(users.id, id))
          .returning();
        return row;
      });
    },

    /** Finds a user by (lower-case) username. */
    async findByUsername(username: string): Promise<UserRow | undefined> {
      const [row] = await db
        .select()
        .from(users)
        .where(eq(users.username, username))
        .limit(1);
      return row;
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
    async list(
      limit: number,
      cursor: string | undefined,
      q?: string,
    ): Promise<UserRow[]> {
      // `q` matches inside the email, the username or the display name, any case (LIKE's
      // wildcards in it are taken literally).
      const pattern =
        q === undefined || q === ""
          ? undefined
          : `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return db
        .select()
        .from(users)
        .where(
          and(
            cursor === undefined ? undefined : gt(users.email, cursor),
            pattern === undefined
              ? undefined
              : or(
                  like(users.email, pattern),
                  like(users.username, pattern),
                  like(sql`lower(${users.displayName})`, pattern),
                ),
          ),
        )
        .orderBy(asc(users.email))
        .limit(limit);
    },

    /**
     * Sets an account's global role. Demoting refuses (answers "last-admin") when no other
     * enabled administrator would remain; the admin rows are locked first, so two administrators
     * demoting each other at once cannot both succeed.
     */
    async setRole(
      id: string,
      role: "admin" | "user",
    ): Promise<UserRow | undefined | "last-admin"> {
      return db.transaction(async (tx) => {
        const admins = await tx
          .select({ id: users.id, disabled: users.disabled })
          .from(users)
          .where(eq(users.role, "admin"))
          .for("update");
        if (
          role === "user" &&
          admins.some((a) => a.id === id) &&
          !admins.some((a) => a.id !== id && !a.disabled)
        )
          return "last-admin" as const;
        const [row] = await tx
          .update(users)
          .set({ role })
          .where(eq(users.id, id))
          .returning();
        return row;
      });
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
