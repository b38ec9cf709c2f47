/**
 * The HTTP client of the StepFault API: JSON in and out, problem+json errors turned into
 * `ApiError`s with a message a person understands, the access token kept in memory and the
 * refresh token in storage (the server takes it in the request body), one refresh at a time.
 */

/** The `sf.refresh` storage key holds the refresh token between page loads. */
export const REFRESH_KEY = "sf.refresh";

/** A failed request: HTTP status (0 for a network failure), stable `code` and readable message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  /** The problem document as sent (e.g. `diagnostics` of CIRCUIT_INVALID). */
  readonly problem: Readonly<Record<string, unknown>>;
  constructor(
    status: number,
    code: string,
    title: string,
    message: string,
    problem: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.title = title;
    this.problem = problem;
  }
}

/** Access + refresh tokens as the server returns them. */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly tokenType: "Bearer";
  readonly expiresIn: number;
}

/** The subset of Web Storage the client uses. */
export type KeyValueStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** What `createApiClient` needs; tests pass their own fetch and storage. */
export interface ApiClientOptions {
  /** Prefix of every path, default `/api/v1`. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  readonly storage?: KeyValueStore;
  /** Called once when the session ends because the refresh token was refused. */
  readonly onExpired?: () => void;
}

/** One request. */
export interface RequestOptions {
  readonly body?: unknown;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Send no bearer token and do not refresh on 401 (login, register, ...). */
  readonly anonymous?: boolean;
  readonly signal?: AbortSignal;
  /** The `Accept` header, default `application/json`. */
  readonly accept?: string;
}

/** The client. */
export interface ApiClient {
  request<T>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** Stores a new token pair (after login or refresh). */
  setTokens(tokens: TokenPair): void;
  /** Forgets both tokens. */
  clearTokens(): void;
  /** True when a refresh token is stored (a session may be resumed). */
  hasSession(): boolean;
  /** The stored refresh token, if any. */
  refreshToken(): string | null;
  /** Gets a fresh token pair with the stored refresh token; false when there is none or it is refused. */
  refresh(): Promise<boolean>;
  /**
   * Like `request` (bearer token, one refresh on 401) but returns the successful `Response` unread,
   * e.g. to read a Server-Sent Events stream; failures throw `ApiError` as `request` does.
   */
  stream(
    method: string,
    path: string,
    opts?: RequestOptions,
  ): Promise<Response>;
}

/** Turns a problem+json body (or anything else) into a sentence for a person. */
export function problemMessage(
  status: number,
  problem: Readonly<Record<string, unknown>>,
): string {
  const title = typeof problem.title === "string" ? problem.title : "";
  const detail = typeof problem.detail === "string" ? problem.detail : "";
  if (title && detail && detail.toLowerCase() !== title.toLowerCase())
    return `${title}: ${detail}`;
  if (title || detail) return title || detail;
  if (status === 429) return "Too many requests; wait a minute and try again.";
  if (status >= 500)
    return `The server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toError(status: number, body: unknown): ApiError {
  const problem =
    body !== null && typeof body === "object"
      ? (body as Record<string, unknown>)
      : {};
  const code = typeof problem.code === "string" ? problem.code : "HTTP_ERROR";
  const title =
    typeof problem.title === "string" ? problem.title : `HTTP ${status}`;
  return new ApiError(
    status,
    code,
    title,
    problemMessage(status, problem),
    problem,
  );
}

/** Creates an API client. */
export function createApiClient(opts: ApiClientOptions = {}): ApiClient {
  const base = opts.baseUrl ?? "/api/v1";
  const doFetch = opts.fetch ?? ((...a) => fetch(...a));
  const storage = opts.storage;
  let access: string | null = null;
  let refreshing: Promise<boolean> | null = null;

  const send = async (
    method: string,
    path: string,
    ro: RequestOptions,
  ): Promise<Response> => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(ro.query ?? {}))
      if (v !== undefined && v !== "") params.set(k, String(v));
    const qs = params.size > 0 ? `?${params.toString()}` : "";
    const headers: Record<string, string> = {
      accept: ro.accept ?? "application/json",
    };
    if (ro.body !== undefined) headers["content-type"] = "application/json";
    if (!ro.anonymous && access) headers.authorization = `Bearer ${access}`;
    try {
      return await doFetch(`${base}${path}${qs}`, {
        method,
        headers,
        body: ro.body === undefined ? undefined : JSON.stringify(ro.body),
        signal: ro.signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === "AbortError") throw err;
      throw new ApiError(
        0,
        "NETWORK",
        "Network error",
        "Could not reach the StepFault server. Check your connection and try again.",
      );
    }
  };

  /** Sends with the access token; on a 401 refreshes once and retries. */
  const authorized = async (
    method: string,
    path: string,
    ro: RequestOptions,
  ): Promise<Response> => {
    if (!ro.anonymous && access === null && client.hasSession())
      await client.refresh();
    const res = await send(method, path, ro);
    if (res.status !== 401 || ro.anonymous || !client.hasSession()) return res;
    await readBody(res);
    if (await client.refresh()) return send(method, path, ro);
    throw new ApiError(
      401,
      "SESSION_EXPIRED",
      "Session expired",
      "Your session has expired. Sign in again to continue.",
    );
  };

  const client: ApiClient = {
    setTokens(tokens) {
      access = tokens.accessToken;
      storage?.setItem(REFRESH_KEY, tokens.refreshToken);
    },
    clearTokens() {
      access = null;
      storage?.removeItem(REFRESH_KEY);
    },
    hasSession: () => (storage?.getItem(REFRESH_KEY) ?? null) !== null,
    refreshToken: () => storage?.getItem(REFRESH_KEY) ?? null,
    refresh() {
      refreshing ??= (async () => {
        const token = storage?.getItem(REFRESH_KEY);
        if (!token) return false;
        const res = await send("POST", "/auth/refresh", {
          body: { refreshToken: token },
          anonymous: true,
        });
        if (!res.ok) {
          await readBody(res);
          // Only a refusal ends the session; a 5xx or 429 leaves the token for a later try.
          if (res.status === 400 || res.status === 401) {
            client.clearTokens();
            opts.onExpired?.();
          }
          return false;
        }
        client.setTokens((await readBody(res)) as TokenPair);
        return true;
      })().finally(() => {
        refreshing = null;
      });
      return refreshing;
    },
    async request<T>(
      method: string,
      path: string,
      ro: RequestOptions = {},
    ): Promise<T> {
      const res = await authorized(method, path, ro);
      const body = await readBody(res);
      if (!res.ok) throw toError(res.status, body);
      return body as T;
    },
    async stream(method, path, ro = {}) {
      const res = await authorized(method, path, {
        accept: "text/event-stream",
        ...ro,
      });
      if (!res.ok) throw toError(res.status, await readBody(res));
      return res;
    },
  };
  return client;
}
