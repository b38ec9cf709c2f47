/**
 * The typed SDK client (`@stepfault/sdk`) for the app, over the app's own session: every SDK call
 * goes through `ApiClient` (bearer token kept in memory, one refresh on a 401, the refresh cookie),
 * so pages use the SDK's typed methods without a second token store.
 */
import { useMemo } from "react";
import { createClient } from "@stepfault/sdk";
import { ApiError, type ApiClient } from "./client.ts";
import { useSession } from "./session.tsx";

/** The SDK client type. */
export type SdkClient = ReturnType<typeof createClient>;

const PREFIX = "/api/v1";

/** An SDK client whose requests are sent by `client` (refusals come back as problem+json responses). */
export function sdkFor(
  client: ApiClient,
  origin: string = globalThis.location?.origin ?? "http://localhost",
): SdkClient {
  const viaSession: typeof fetch = async (input, init = {}) => {
    const url = new URL(
      input instanceof Request ? input.url : String(input),
      origin,
    );
    const path = url.pathname.startsWith(PREFIX)
      ? url.pathname.slice(PREFIX.length)
      : url.pathname;
    const headers = new Headers(init.headers);
    const extra: Record<string, string> = {};
    const idempotency = headers.get("idempotency-key");
    if (idempotency) extra["idempotency-key"] = idempotency;
    try {
      return await client.stream(init.method ?? "GET", path, {
        body: typeof init.body === "string" ? JSON.parse(init.body) : undefined,
        query: Object.fromEntries(url.searchParams),
        accept: headers.get("accept") ?? "application/json",
        headers: extra,
        signal: init.signal ?? undefined,
      });
    } catch (err) {
      if (err instanceof ApiError && err.status > 0)
        return new Response(
          JSON.stringify({
            ...err.problem,
            code: err.code,
            detail: err.message,
          }),
          {
            status: err.status,
            headers: { "content-type": "application/problem+json" },
          },
        );
      throw err;
    }
  };
  return createClient({ baseUrl: origin, fetch: viaSession });
}

/** The SDK client of the signed-in session. */
export function useSdk(): SdkClient {
  const { client } = useSession();
  return useMemo(() => sdkFor(client), [client]);
}
