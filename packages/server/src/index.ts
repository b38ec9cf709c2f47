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
export { DomainError } from "./errors/domain-error.ts";
export {
  resolveConfig,
  startServer,
  stopOnSignals,
  type RunningServer,
  type ServeOverrides,
} from "./server.ts";
export { startWorker, type RunningWorker } from "./jobs/standalone.ts";
export { DEFAULT_JOB_SETTINGS, type JobSettings } from "./jobs/limits.ts";
export {
  signPayload,
  verifySignature,
  SIGNATURE_HEADER,
  DELIVERY_HEADER,
  EVENT_HEADER,
} from "./webhooks/signature.ts";
