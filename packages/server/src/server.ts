import type { FastifyInstance } from "fastify";
import {
  formatConfigErrors,
  loadConfig,
  resolveJwtSecret,
  type ServerConfig,
} from "./config/config.ts";
import { openDatabase, type Database } from "./database/database.ts";
import { buildApp } from "./app.ts";
import { startTelemetry } from "./telemetry.ts";

/** Overrides for `startServer` (the `serve` command's flags). */
export interface ServeOverrides {
  readonly port?: number;
  readonly host?: string;
  readonly dataDir?: string;
  /** False: API only, no job worker in this process (`serve --no-worker`). */
  readonly worker?: boolean;
}

/** Result of loading the config from the environment plus flags. */
export type ResolvedConfig =
  { ok: true; config: ServerConfig } | { ok: false; message: string };

/** Loads the config from `env`, applies flag overrides, and resolves the JWT secret. */
export function resolveConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: ServeOverrides = {},
): ResolvedConfig {
  const merged = {
    ...env,
    ...(overrides.port !== undefined ? { PORT: String(overrides.port) } : {}),
    ...(overrides.host !== undefined ? { HOST: overrides.host } : {}),
    ...(overrides.dataDir !== undefined
      ? { STEPFAULT_DATA_DIR: overrides.dataDir }
      : {}),
  };
  const loaded = loadConfig(merged);
  if (!loaded.ok)
    return { ok: false, message: formatConfigErrors(loaded.errors) };
  const config = resolveJwtSecret(loaded.config);
  if (overrides.worker === false) {
    if (config.databaseUrl === undefined)
      return {
        ok: false,
        message:
          "config error: --no-worker needs DATABASE_URL (PostgreSQL): workers in other processes cannot open the embedded database, so jobs would never run",
      };
    return {
      ok: true,
      config: { ...config, jobs: { ...config.jobs, runWorker: false } },
    };
  }
  return { ok: true, config };
}

/** A running server. */
export interface RunningServer {
  readonly app: FastifyInstance;
  readonly database: Database;
  readonly url: string;
  /** Stops accepting, finishes in-flight requests, closes the database. */
  stop(): Promise<void>;
}

/** Opens and migrates the database, builds the app and listens. */
export async function startServer(
  config: ServerConfig,
  /** The built web app to serve at `/` (default: packages/web/dist of this repository). */
  options: { readonly webDir?: string | null } = {},
): Promise<RunningServer> {
  const stopTelemetry = await startTelemetry(config.otelEndpoint);
  let database: Database;
  try {
    database = await openDatabase(config);
  } catch (err) {
    await stopTelemetry();
    throw err;
  }
  try {
    await database.migrate();
    const app = await buildApp(config, {
      database,
      ...(options.webDir !== undefined ? { webDir: options.webDir } : {}),
    });
    const url = await app.listen({ port: config.port, host: config.host });
    let stopping: Promise<void> | undefined;
    return {
      app,
      database,
      url,
      stop: () =>
        (stopping ??= (async () => {
          await app.close();
          await database.close();
          await stopTelemetry();
        })()),
    };
  } catch (err) {
    await database.close();
    await stopTelemetry();
    throw err;
  }
}

/** Stops `server` on SIGTERM/SIGINT (graceful: in-flight requests finish, then the database closes). */
export function stopOnSignals(server: RunningServer): void {
  const onSignal = (signal: NodeJS.Signals) => {
    server.app.log.info({ signal }, "shutting down");
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        server.app.log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
}
