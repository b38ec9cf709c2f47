// Public entry of @stepfault/sdk: a typed client for the StepFault REST API.
export {
  createClient,
  type ClientOptions,
  type StepFaultClient,
  type WaitOptions,
} from "./client.ts";
export type { SessionOptions } from "./accounts.ts";
export { StepFaultApiError } from "./errors.ts";
export {
  isTerminal,
  type JobWatcher,
  type WatchOptions as JobWatchOptions,
} from "./watch.ts";
export type * from "./types.ts";
