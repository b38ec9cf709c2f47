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
export { startWorker, type RunningWorker } from "./jobs/standalone.ts";
export { DEFAULT_JOB_SETTINGS, type JobSettings } from "./jobs/limits.ts";
/** TypeBox schemas of the API, for typed clients (the SDK imports their types only). */
export type * as AccountSchemas from "./api/schemas/accounts.schema.ts";
export type * as ProjectSchemas from "./api/schemas/projects.schema.ts";
export type * as CircuitSchemas from "./api/schemas/circuits.schema.ts";
export type * as JobSchemas from "./api/schemas/jobs.schema.ts";
export type * as VariationalSchemas from "./api/schemas/variational.schema.ts";
export type * as WebhookSchemas from "./api/schemas/webhooks.schema.ts";
export {
  signPayload,
  verifySignature,
  SIGNATURE_HEADER,
  DELIVERY_HEADER,
  EVENT_HEADER,
} from "./webhooks/signature.ts";
export type * as AssistantSchemas from "./api/schemas/assistant.schema.ts";
