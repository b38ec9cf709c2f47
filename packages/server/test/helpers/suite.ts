import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe } from "vitest";
import type { AppDeps } from "../../src/app.ts";
import type { ServerConfig } from "../../src/config/config.ts";
import { ENGINES, type TestDatabase } from "./engines.ts";
import { buildTestApp } from "./test-app.ts";

/** What a suite body gets: the migrated database and an app on it (built once per engine). */
export interface SuiteContext {
  readonly database: TestDatabase;
  readonly app: FastifyInstance;
  /**
   * Whether this is the first engine's suite (PGlite, which always runs): a test whose outcome
   * cannot depend on the database (a simulation's accuracy) is declared there only.
   */
  readonly primary: boolean;
}

/**
 * Declares `body` once per engine (PGlite, and PostgreSQL when TEST_DATABASE_URL is set), each on
 * its own fresh migrated database with one app; both are closed (and the PG database dropped) after.
 */
export function describeOnEngines(
  title: string,
  body: (ctx: SuiteContext) => void,
  opts: {
    config?: Partial<ServerConfig>;
    migrate?: boolean;
    deps?: Partial<AppDeps>;
  } = {},
): void {
  for (const [index, engine] of ENGINES.entries()) {
    describe.skipIf(engine.skipReason !== undefined)(
      `${title} [${engine.name}]`,
      () => {
        let database: TestDatabase | undefined;
        let app: FastifyInstance | undefined;
        const ctx: SuiteContext = {
          get database() {
            if (!database) throw new Error("invariant: database not open");
            return database;
          },
          get app() {
            if (!app) throw new Error("invariant: app not built");
            return app;
          },
          primary: index === 0,
        };
        beforeAll(async () => {
          database = await engine.open();
          if (opts.migrate !== false) await database.migrate();
          app = await buildTestApp(database, opts.config, opts.deps);
        });
        afterAll(async () => {
          await app?.close();
          await database?.dispose();
        });
        body(ctx);
      },
    );
  }
}
