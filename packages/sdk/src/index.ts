// Public entry of @stepfault/sdk: a typed client for the StepFault REST API.
export {
  createClient,
  type ClientOptions,
  type StepFaultClient,
  type WaitOptions,
} from "./client.ts";
export { StepFaultApiError } from "./errors.ts";
export type * from "./types.ts";
