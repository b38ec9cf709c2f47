import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedMigrationCount } from "../src/database/database.ts";
import { users } from "../src/database/schema.ts";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import { buildTestApp } from "./helpers/test-app.ts";

type Rows<T> = { rows: T[] };

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `Migrations [${engine.name}]`,
    () => {
      let database: TestDatabase;
      beforeAll(async () => {
        database = await engine.open();
      });
      afterAll(async () => database?.dispose());

      async function tables(): Promise<string[]> {
        const res = (await database.db.execute(
          sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
        )) as unknown as Rows<{ table_name: string }>;
        return res.rows.map((r) => r.table_name);
      }

      async function applied(): Promise<number> {
        const res = (await database.db.execute(
          sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
        )) as unknown as Rows<{ n: number }>;
        return Number(res.rows[0].n);
      }

      it("reports not ready (and /readyz 503) on an empty database", async () => {
        expect(await tables()).toEqual([]);
        expect(await database.isReady()).toBe(false);
        const app = await buildTestApp(database);
        try {
          const res = await app.inject({ method: "GET", url: "/readyz" });
          expect(res.statusCode).toBe(503);
          expect(res.json()).toMatchObject({ code: "NOT_READY" });
          expect(
            (await app.inject({ method: "GET", url: "/healthz" })).statusCode,
          ).toBe(200);
        } finally {
          await app.close();
        }
      });

      it("creates every table on an empty database and becomes ready", async () => {
        await database.migrate();
        expect(await tables()).toEqual(
          expect.arrayContaining([
            "api_keys",
            "circuit_revisions",
            "circuits",
            "mail_outbox",
            "password_resets",
            "project_members",
            "projects",
            "refresh_tokens",
            "users",
          ]),
        );
        expect(await applied()).toBe(expectedMigrationCount());
        expect(await database.isReady()).toBe(true);
      });

      it("is a no-op when re-run: same migration count, data kept", async () => {
        await database.db.insert(users).values({
          email: "keep@example.test",
          username: "keep",
          displayName: "k",
          passwordHash: "x",
        });
        const before = await applied();
        await database.migrate();
        await database.migrate();
        expect(await applied()).toBe(before);
        const rows = await database.db.select().from(users);
        expect(rows.map((r) => r.email)).toEqual(["keep@example.test"]);
      });
    },
  );
}
