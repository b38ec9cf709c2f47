import { randomBytes } from "node:crypto";
import pg from "pg";
import {
  openPglite,
  openPostgres,
  type Database,
} from "../../src/database/database.ts";

/** A database engine the server suite runs on. */
export interface TestEngine {
  readonly name: "pglite" | "postgres";
  /** Why the engine is skipped, or undefined when available. */
  readonly skipReason: string | undefined;
  /** Opens a fresh, empty database (migrations not applied). */
  open(): Promise<TestDatabase>;
}

/** A fresh database for one test file; `dispose` closes it (and drops it on PostgreSQL). */
export interface TestDatabase extends Database {
  dispose(): Promise<void>;
}

const pgUrl = process.env.TEST_DATABASE_URL;

/** Creates `sf_t_<random>` on the PostgreSQL service and returns its URL and a dropper. */
export async function createPostgresDatabase(
  baseUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sf_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** The engines: PGlite in memory always; PostgreSQL when TEST_DATABASE_URL is set. */
export const ENGINES: readonly TestEngine[] = [
  {
    name: "pglite",
    skipReason: undefined,
    async open() {
      const db = await openPglite(undefined);
      return { ...db, dispose: () => db.close() };
    },
  },
  {
    name: "postgres",
    skipReason: pgUrl
      ? undefined
      : "TEST_DATABASE_URL is not set: skipping the PostgreSQL run",
    async open() {
      if (!pgUrl) throw new Error("TEST_DATABASE_URL is not set");
      const created = await createPostgresDatabase(pgUrl);
      const db = await openPostgres(created.url, 4);
      return {
        ...db,
        dispose: async () => {
          await db.close();
          await created.drop();
        },
      };
    },
  },
];

for (const e of ENGINES) {
  if (e.skipReason) console.warn(`[server tests] ${e.skipReason}`);
}
