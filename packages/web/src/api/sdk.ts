/**
 * The app's StepFault client: the SDK (`@stepfault/sdk`) for every API call, over the session's
 * fetch (access token in memory, cookie refresh, cross-tab lock; see `client.ts`). Pages get it
 * from `useSession().sdk`.
 */
import { createClient, type StepFaultClient } from "@stepfault/sdk";
import type { ApiClient } from "./client.ts";

/** The SDK client of the app. */
export type Sdk = StepFaultClient;

/**
 * Builds the SDK client on a session's fetch; `baseUrl` is the server root, "" (the default)
 * for the server that serves the app.
 */
export function createSdk(
  session: Pick<ApiClient, "fetch">,
  baseUrl = "",
): Sdk {
  return createClient({ baseUrl, fetch: session.fetch });
}
