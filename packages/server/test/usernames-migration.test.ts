import {
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "drizzle-orm";
import { migrate } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MIGRATIONS_FOLDER } from "../src/database/database.ts";
import {
  firstFreeUsername,
  usernameBaseFromEmail,
} from "../src/services/core/usernames.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import { buildTestApp } from "./helpers/test-app.ts";

type Rows<T> = { rows: T[] };

/** Accounts that exist before usernames, in creation order. */
const OLD_EMAILS = [
  "Admin@example.test",
  "john.doe@a.test",
  "John_Doe@b.test",
  "john-doe-2@c.test",
  "a@d.test",
  "__@e.test",
  `${"x".repeat(29)}--yz-long@f.test`,
  "first.last+tag@g.test",
];

/** What the backfill must give them (reserved `admin`, collisions, short and long local parts). */
const EXPECTED = [
  "admin-2",
  "john-doe",
  "john-doe-2",
  "john-doe-2-2",
  "a-user",
  "user",
  "x".repeat(29),
  "first-last-tag",
];

/** A copy of the migrations folder whose journal stops before the usernames migration. */
function migrationsBeforeUsernames(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "sf-mig-"));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const path = join(dir, "meta", "_journal.json");
  const journal = JSON.parse(readFileSync(path, "utf8")) as {
    entries: { tag: string }[];
  };
  const stop = journal.entries.findIndex((e) => e.tag.endsWith("_usernames"));
  expect(stop).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, stop);
  writeFileSync(path, JSON.stringify(journal));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `Usernames migration backfill [${engine.name}]`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await engine.open();
        const old = migrationsBeforeUsernames();
        try {
          // Both drizzle migrators run `db.dialect.migrate(migrations, db.session)`; the pglite one
          // works for either engine's drizzle handle.
          await migrate(database.db as unknown as PgliteDatabase, {
            migrationsFolder: old.dir,
          });
        } finally {
          old.cleanup();
        }
        for (const [i, email] of OLD_EMAILS.entries()) {
          await database.db.execute(
            sql`insert into users (email, display_name, password_hash, created_at)
                values (${email.toLowerCase()}, 'old', 'x', ${new Date(Date.UTC(2026, 0, 1 + i)).toISOString()})`,
          );
        }
        await database.migrate();
      });
      afterAll(async () => database?.dispose());

      async function usernames(): Promise<string[]> {
        const res = (await database.db.execute(
          sql`select username from users order by created_at, id`,
        )) as unknown as Rows<{ username: string }>;
        return res.rows.map((r) => r.username);
      }

      it("gives every existing account a username derived from its email, suffixed on collision", async () => {
        expect(await usernames()).toEqual(EXPECTED);
      });

      it("derives the same names as the server does for new accounts", () => {
        const taken = new Set<string>();
        const derived = OLD_EMAILS.map((e) => {
          const name = firstFreeUsername(
            usernameBaseFromEmail(e.toLowerCase()),
            taken,
          );
          taken.add(name);
          return name;
        });
        expect(derived).toEqual(EXPECTED);
      });

      it("then makes the column required and unique", async () => {
        await expect(
          database.db.execute(
            sql`insert into users (email, display_name, password_hash) values ('n@x.test', 'n', 'x')`,
          ),
        ).rejects.toThrow();
        await expect(
          database.db.execute(
            sql`insert into users (email, username, display_name, password_hash) values ('m@x.test', 'john-doe', 'n', 'x')`,
          ),
        ).rejects.toThrow();
      });

      it("lets a new account register after the backfill and skips the names it took", async () => {
        const app = await buildTestApp(database);
        try {
          const res = await app.inject({
            method: "POST",
            url: "/api/v1/auth/register",
            payload: {
              email: "John.Doe@new.test",
              password: "correct horse battery",
            },
          });
          expect(res.statusCode, res.body).toBe(201);
          expect(res.json()).toMatchObject({
            username: "john-doe-3",
            role: "user",
          });
        } finally {
          await app.close();
        }
      });
    },
  );
}
