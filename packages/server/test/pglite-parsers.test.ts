import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import type { PGlite } from "@electric-sql/pglite";
import { openPglite, type Database } from "../src/database/database.ts";
import { users } from "../src/database/schema.ts";

describe("PGlite behind drizzle (withDrizzleParsers)", () => {
  let database: Database;
  let client: PGlite;
  beforeAll(async () => {
    database = await openPglite(undefined);
    await database.migrate();
    client = (database.db as unknown as { $client: PGlite }).$client;
  });
  afterAll(async () => {
    await database.close();
  });

  it("gives drizzle the same values as before: Date columns, raw timestamps in execute", async () => {
    const [row] = await database.db
      .insert(users)
      .values({
        email: "p@example.test",
        username: "p-user",
        displayName: "p",
        passwordHash: "x",
      })
      .returning();
    expect(row.createdAt).toBeInstanceOf(Date);
    const [again] = await database.db.select().from(users);
    expect(again.createdAt.getTime()).toBe(row.createdAt.getTime());
    const res = (await database.db.execute(
      sql`select ${row.createdAt.toISOString()}::timestamptz as t, '1 day'::interval as i, '2026-01-02'::date as d`,
    )) as unknown as { rows: { t: unknown; i: unknown; d: unknown }[] };
    expect(typeof res.rows[0].t).toBe("string");
    expect(new Date(res.rows[0].t as string).getTime()).toBe(
      row.createdAt.getTime(),
    );
    expect(res.rows[0].i).toBe("1 day");
    expect(res.rows[0].d).toBe("2026-01-02");
  });

  it("keeps PGlite's defaults for other callers of the client (pg-boss): Dates, in query and exec", async () => {
    const q = await client.query<{ t: unknown; d: unknown; n: unknown }>(
      "select $1::timestamptz as t, '2026-01-02'::date as d, 42::int as n",
      ["2026-01-02T03:04:05.678Z"],
    );
    expect(q.rows[0].t).toBeInstanceOf(Date);
    expect((q.rows[0].t as Date).toISOString()).toBe(
      "2026-01-02T03:04:05.678Z",
    );
    expect(q.rows[0].d).toBeInstanceOf(Date);
    expect(q.rows[0].n).toBe(42);
    const e = await client.exec(
      "select '2026-01-02T03:04:05.678Z'::timestamptz as t",
    );
    expect(e.at(-1)?.rows[0].t).toBeInstanceOf(Date);
    // A caller's own parsers still win.
    const own = await client.query<{ t: unknown }>("select now() as t", [], {
      parsers: { 1184: () => "mine" },
    });
    expect(own.rows[0].t).toBe("mine");
  });

  it("keeps drizzle transactions working, with the same values", async () => {
    const got = await database.db.transaction(async (tx) => {
      const [r] = await tx
        .insert(users)
        .values({
          email: "t@example.test",
          username: "t-user",
          displayName: "t",
          passwordHash: "x",
        })
        .returning();
      return r;
    });
    expect(got.createdAt).toBeInstanceOf(Date);
  });
});
