// Public entry of @stepfault/server.
export { buildApp, type AppDeps } from "./app.ts";
export {
  loadConfig,
  resolveJwtSecret,
  formatConfigErrors,
  type ServerConfig,
  type ConfigError,
} from "./config/config.ts";
export {
  openDatabase,
  openPglite,
  openPostgres,
  type Database,
} from "./database/database.ts";
export {
  ERROR_CATALOG,
  DomainError,
  type ErrorCode,
} from "./errors/catalog.ts";
export {
  resolveConfig,
  startServer,
  stopOnSignals,
  type RunningServer,
  type ServeOverrides,
} from "./server.ts";
