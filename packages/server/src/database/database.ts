import { readFileSync } from "node:fs";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { withDrizzleParsers } from "./pglite-parsers.ts";
import * as schema from "./schema.ts";

/** The drizzle database (or transaction) type every repository works with, on either engine. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** An open database: the drizzle handle plus lifecycle operations. */
export interface Database {
  readonly db: Db;
  readonly engine: "pglite" | "postgres";
  /** Applies pending migrations (a no-op when up to date). */
  migrate(): Promise<void>;
  /** True when the database answers and every migration file has been applied. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/** Folder holding the generated SQL migrations. */
export const MIGRATIONS_FOLDER = join(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "drizzle",
);

/** Number of migrations in the journal shipped with this build. */
export function expectedMigrationCount(): number {
  const journal = JSON.parse(
    readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8"),
  ) as {
    entries: unknown[];
  };
  return journal.entries.length;
}

async function appliedMigrationCount(db: Db): Promise<number> {
  type Rows<T> = { rows: T[] };
  const exists = (await db.execute(
    sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`,
  )) as unknown as Rows<{ present: boolean }>;
  if (!exists.rows[0]?.present) return 0;
  const res = (await db.execute(
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  )) as unknown as Rows<{
    n: number;
  }>;
  return Number(res.rows[0]?.n ?? 0);
}

async function readiness(db: Db): Promise<boolean> {
  try {
    return (await appliedMigrationCount(db)) >= expectedMigrationCount();
  } catch {
    return false;
  }
}

/** Opens an embedded PGlite database in `dir`, or in memory when `dir` is undefined. */
export async function openPglite(dir: string | undefined): Promise<Database> {
  if (dir !== undefined) mkdirSync(dir, { recursive: true });
  const client = dir === undefined ? new PGlite() : new PGlite(dir);
  await client.waitReady;
  const fast = withDrizzleParsers(client);
  const db = drizzlePglite(fast, { schema }) as unknown as Db;
  return {
    db,
    engine: "pglite",
    migrate: async () => {
      await migratePglite(drizzlePglite(fast, { schema }), {
        migrationsFolder: MIGRATIONS_FOLDER,
      });
    },
    isReady: () => readiness(db),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

/** Connects to PostgreSQL with a node-postgres pool. */
export async function openPostgres(
  url: string,
  poolSize = 10,
): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // An idle client losing its connection (server restart, admin termination) must not crash the
  // process; the pool drops it and the next query gets a fresh connection. Errors of running
  // queries still reach their callers.
  pool.on("error", () => undefined);
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  let closed = false;
  return {
    db,
    engine: "postgres",
    migrate: async () => {
      // One client holds an advisory lock so concurrent replicas never migrate at the same time.
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock(726345901)");
        await migratePg(drizzlePg(client, { schema }), {
          migrationsFolder: MIGRATIONS_FOLDER,
        });
      } finally {
        await client
          .query("select pg_advisory_unlock(726345901)")
          .catch(() => undefined);
        client.release();
      }
    },
    isReady: () => readiness(db),
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}

/** Opens the configured database: PostgreSQL when a URL is given, PGlite in `<dataDir>/db` otherwise. */
export function openDatabase(opts: {
  databaseUrl: string | undefined;
  dataDir: string;
}): Promise<Database> {
  return opts.databaseUrl !== undefined
    ? openPostgres(opts.databaseUrl)
    : openPglite(join(opts.dataDir, "db"));
}
