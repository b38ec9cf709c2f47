// Public entry of @stepfault/sdk: a typed client for the StepFault REST API.
export {
  createClient,
  type ClientOptions,
  type StepFaultClient,
  type WaitOptions,
} from "./client.ts";
export type { SessionOptions } from "./accounts.ts";
export { StepFaultApiError } from "./errors.ts";
export { rerunBody } from "./rerun.ts";
export {
  isTerminal,
  JOB_STATUSES,
  type JobWatcher,
  type WatchOptions as JobWatchOptions,
} from "./watch.ts";
export type * from "./types.ts";
