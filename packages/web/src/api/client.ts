/**
 * The HTTP client of the StepFault API: JSON in and out, problem+json errors turned into
 * `ApiError`s with a message a person understands, one refresh at a time. The access token lives
 * in memory only; the refresh token is an HttpOnly cookie the server sets and reads (the client
 * opts in with `X-StepFault-Session: cookie`), so no script on the page can read it.
 */

/** Where versions before the cookie session kept the refresh token; moved to the cookie and removed. */
export const REFRESH_KEY = "sf.refresh";

/** The header that asks the server for the cookie session (login, refresh, logout). */
export const COOKIE_SESSION_HEADERS: Readonly<Record<string, string>> = {
  "x-stepfault-session": "cookie",
};

/** The Web Locks name that serializes refreshes across the tabs of one browser. */
export const REFRESH_LOCK = "stepfault-refresh";

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

/** Tokens as login and refresh return them; with the cookie session there is no `refreshToken`. */
export interface TokenPair {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly tokenType: "Bearer";
  readonly expiresIn: number;
}

/** The subset of Web Storage the client uses. */
export type KeyValueStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The subset of the Web Locks API the client uses. */
export interface LockRunner {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** What `createApiClient` needs; tests pass their own fetch, storage and locks. */
export interface ApiClientOptions {
  /** Prefix of every path, default `/api/v1`. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /**
   * Storage where an older version of the app kept the refresh token (`sf.refresh`): the token is
   * removed at once and handed to the server once, which moves it into the cookie.
   */
  readonly storage?: KeyValueStore;
  /** Cross-tab lock around refreshes; default `navigator.locks` when the browser has it. */
  readonly locks?: LockRunner | null;
  /** Wait before retrying a refresh another tab won (409 REFRESH_TOKEN_ROTATED); default 250 ms. */
  readonly rotatedRetryMs?: number;
  /** Called once when a session that existed ends because the server refused to refresh it. */
  readonly onExpired?: () => void;
  /**
   * Whether the browser may hold a session cookie (the server's page-readable `sf_session` hint,
   * see {@link cookieSessionHint}); when it says no, a first refresh is not even asked for, so a
   * signed-out visit makes no failing request. Default: always ask.
   */
  readonly mayHaveSession?: () => boolean;
}

/** Reads the server's `sf_session=1` hint cookie (set and cleared with the HttpOnly refresh cookie). */
export function cookieSessionHint(): boolean {
  try {
    return /(?:^|;\s*)sf_session=1(?:;|$)/.test(document.cookie);
  } catch {
    return true;
  }
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
  /** Extra request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The client. */
export interface ApiClient {
  /**
   * The session's fetch, handed to the SDK's `createClient` (see `sdk.ts`): sends the access
   * token (none to `/auth/` routes), refreshes once on a 401 and retries, and answers a session
   * that cannot be refreshed with a 401 `SESSION_EXPIRED` problem.
   */
  readonly fetch: typeof fetch;
  request<T>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** Keeps a new access token in memory (after login); the refresh token is the server's cookie. */
  setTokens(tokens: TokenPair): void;
  /** Forgets the access token and marks the session as ended. */
  clearTokens(): void;
  /** False once the session is known to be over (refused, signed out); true while it may go on. */
  hasSession(): boolean;
  /**
   * Gets a new access token with the refresh cookie (or the token an older version stored);
   * false when there is no session or it is refused, or the server could not be reached.
   */
  refresh(): Promise<boolean>;
  /** Calls `listener` whenever a session that existed ends because a refresh was refused. */
  onSessionExpired(listener: () => void): () => void;
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

function browserLocks(): LockRunner | null {
  const nav = (globalThis as { navigator?: { locks?: LockRunner } }).navigator;
  return nav?.locks ?? null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Refresh attempts while other tabs keep winning the rotation (409 REFRESH_TOKEN_ROTATED). */
const ROTATED_ATTEMPTS = 4;

/** Creates an API client. */
export function createApiClient(opts: ApiClientOptions = {}): ApiClient {
  const base = opts.baseUrl ?? "/api/v1";
  const doFetch = opts.fetch ?? ((...a) => fetch(...a));
  const locks = opts.locks === undefined ? browserLocks() : opts.locks;
  const rotatedRetryMs = opts.rotatedRetryMs ?? 250;
  let access: string | null = null;
  // "unknown" until the first refresh tells whether the browser holds a live session cookie.
  let session: "unknown" | "in" | "out" = "unknown";
  let refreshing: Promise<boolean> | null = null;
  const expiredListeners = new Set<() => void>();
  if (opts.onExpired) expiredListeners.add(opts.onExpired);
  // A refresh token an older version kept in storage: out of storage now, sent once.
  let legacyToken: string | null = null;
  try {
    legacyToken = opts.storage?.getItem(REFRESH_KEY) ?? null;
    opts.storage?.removeItem(REFRESH_KEY);
  } catch {
    legacyToken = null;
  }

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
      ...ro.headers,
    };
    if (ro.body !== undefined) headers["content-type"] = "application/json";
    if (!ro.anonymous && access) headers.authorization = `Bearer ${access}`;
    try {
      return await doFetch(`${base}${path}${qs}`, {
        method,
        headers,
        body: ro.body === undefined ? undefined : JSON.stringify(ro.body),
        signal: ro.signal,
        credentials: "same-origin",
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

  /**
   * Sends with the access token; on a 401 refreshes once and retries. A client that has not yet
   * learnt whether the browser holds a session cookie (the `SessionProvider` asks at start) also
   * tries one refresh on a 401, and then answers with the original 401 when there is none.
   */
  const authorized = async (
    method: string,
    path: string,
    ro: RequestOptions,
  ): Promise<Response> => {
    if (!ro.anonymous && access === null && session === "in")
      await client.refresh();
    const res = await send(method, path, ro);
    if (res.status !== 401 || ro.anonymous || !client.hasSession()) return res;
    const had = session;
    const body = await readBody(res);
    if (await client.refresh()) return send(method, path, ro);
    if (had === "unknown" && session !== "in") throw toError(401, body);
    throw new ApiError(
      401,
      "SESSION_EXPIRED",
      "Session expired",
      "Your session has expired. Sign in again to continue.",
    );
  };

  /** One refresh call with the cookie (or the legacy token), retrying while another tab wins. */
  const refreshOnce = async (): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      const legacy = legacyToken;
      const res = await send("POST", "/auth/refresh", {
        body: legacy ? { refreshToken: legacy } : {},
        headers: COOKIE_SESSION_HEADERS,
        anonymous: true,
      });
      const body = await readBody(res);
      if (res.ok) {
        const tokens = body as Partial<TokenPair> | undefined;
        if (typeof tokens?.accessToken !== "string") return false;
        legacyToken = null;
        client.setTokens(tokens as TokenPair);
        return true;
      }
      const code = toError(res.status, body).code;
      // Another tab rotated the cookie a moment ago; its answer carries the new one.
      if (code === "REFRESH_TOKEN_ROTATED" && attempt < ROTATED_ATTEMPTS) {
        await sleep(rotatedRetryMs * attempt);
        continue;
      }
      // A 5xx or 429 leaves the session for a later try; only a refusal ends it.
      if (res.status !== 400 && res.status !== 401 && res.status !== 409)
        return false;
      legacyToken = null;
      if (code === "REFRESH_TOKEN_ROTATED")
        // Never won the rotation: end the session on the server too, in case the cookie leaked.
        await send("POST", "/auth/logout", {
          body: {},
          headers: COOKIE_SESSION_HEADERS,
          anonymous: true,
        }).catch(() => undefined);
      // A session this tab had, or a cookie the server no longer accepts, has expired; no
      // cookie at all on a first visit just means signed out.
      const expired =
        session === "in" || legacy !== null || code !== "UNAUTHENTICATED";
      client.clearTokens();
      if (expired) for (const listener of [...expiredListeners]) listener();
      return false;
    }
  };

  /** `input` with the access token, unless it is an `/auth/` route (they take none). */
  const withToken = (
    input: RequestInfo | URL,
    init: RequestInit,
    anonymous: boolean,
  ) => {
    const headers = new Headers(init.headers);
    if (!anonymous && access) headers.set("authorization", `Bearer ${access}`);
    return doFetch(input, { credentials: "same-origin", ...init, headers });
  };

  const sessionFetch = async (
    input: RequestInfo | URL,
    init: RequestInit = {},
  ): Promise<Response> => {
    const url =
      typeof input === "string"
        ? input
        : input instanceof URL
          ? input.href
          : input.url;
    const anonymous = new URL(url, "http://app").pathname.includes(
      "/api/v1/auth/",
    );
    if (!anonymous && access === null && session === "in")
      await client.refresh();
    const res = await withToken(input, init, anonymous);
    if (res.status !== 401 || anonymous || !client.hasSession()) return res;
    const had = session;
    const body = await res.text();
    if (await client.refresh()) return withToken(input, init, false);
    // No session cookie on a first visit: the original 401.
    if (had === "unknown" && session !== "in")
      return new Response(body, { status: 401, headers: res.headers });
    return new Response(
      JSON.stringify({
        code: "SESSION_EXPIRED",
        status: 401,
        title: "Session expired",
        detail: "Your session has expired. Sign in again to continue.",
      }),
      {
        status: 401,
        headers: { "content-type": "application/problem+json" },
      },
    );
  };

  const client: ApiClient = {
    fetch: sessionFetch as typeof fetch,
    setTokens(tokens) {
      access = tokens.accessToken;
      session = "in";
    },
    clearTokens() {
      access = null;
      session = "out";
    },
    hasSession: () => session !== "out",
    onSessionExpired(listener) {
      expiredListeners.add(listener);
      return () => void expiredListeners.delete(listener);
    },
    refresh() {
      if (
        session !== "in" &&
        legacyToken === null &&
        opts.mayHaveSession?.() === false
      ) {
        // No cookie session to resume: signed out without asking the server.
        client.clearTokens();
        return Promise.resolve(false);
      }
      refreshing ??= (
        locks ? locks.request(REFRESH_LOCK, refreshOnce) : refreshOnce()
      ).finally(() => {
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
