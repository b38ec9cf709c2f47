/**
 * The app's session, as the `fetch` it hands to the SDK's `createClient` (see `sdk.ts`): it sends
 * the access token, refreshes it once on a 401 (one refresh at a time, across tabs with a Web
 * Lock) and answers a session that cannot be refreshed with a 401 `SESSION_EXPIRED` problem. The
 * access token lives in memory only; the refresh token is an HttpOnly cookie the server sets and
 * reads (the client opts in with `X-StepFault-Session: cookie`), so no script on the page can
 * read it. Every API call itself goes through the SDK.
 */

/** Where versions before the cookie session kept the refresh token; moved to the cookie and removed. */
export const REFRESH_KEY = "sf.refresh";

/** The header that asks the server for the cookie session (login, refresh, logout). */
export const COOKIE_SESSION_HEADERS: Readonly<Record<string, string>> = {
  "x-stepfault-session": "cookie",
};

/** The Web Locks name that serializes refreshes across the tabs of one browser. */
export const REFRESH_LOCK = "stepfault-refresh";

/** The subset of Web Storage the client uses. */
export type KeyValueStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The subset of the Web Locks API the client uses. */
export interface LockRunner {
  request<T>(name: string, callback: () => Promise<T>): Promise<T>;
}

/** What `createApiClient` needs; tests pass their own fetch, storage and locks. */
export interface ApiClientOptions {
  /** Where the API is (the refresh and logout calls go there), default `/api/v1`. */
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

/** The client. */
export interface ApiClient {
  /**
   * The session's fetch, handed to the SDK's `createClient` (see `sdk.ts`): sends the access
   * token (none to `/auth/` routes), refreshes once on a 401 and retries, and answers a session
   * that cannot be refreshed with a 401 `SESSION_EXPIRED` problem.
   */
  readonly fetch: typeof fetch;
  /** Keeps a new access token in memory (after login); the refresh token is the server's cookie. */
  setTokens(tokens: { readonly accessToken: string }): void;
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

/** The catalog code of a problem body ("" for anything else). */
const problemCode = (body: unknown): string =>
  body !== null &&
  typeof body === "object" &&
  typeof (body as { code?: unknown }).code === "string"
    ? (body as { code: string }).code
    : "";

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

  /** A cookie-session call of an `/auth/` route (refresh, logout): no bearer token. */
  const authCall = (path: string, body: unknown): Promise<Response> =>
    doFetch(`${base}${path}`, {
      method: "POST",
      headers: {
        accept: "application/json",
        "content-type": "application/json",
        ...COOKIE_SESSION_HEADERS,
      },
      body: JSON.stringify(body),
      credentials: "same-origin",
    });

  /** One refresh call with the cookie (or the legacy token), retrying while another tab wins. */
  const refreshOnce = async (): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      const legacy = legacyToken;
      const res = await authCall(
        "/auth/refresh",
        legacy ? { refreshToken: legacy } : {},
      );
      const body = await readBody(res);
      if (res.ok) {
        const tokens = body as { accessToken?: unknown } | undefined;
        if (typeof tokens?.accessToken !== "string") return false;
        legacyToken = null;
        client.setTokens({ accessToken: tokens.accessToken });
        return true;
      }
      const code = problemCode(body);
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
        await authCall("/auth/logout", {}).catch(() => undefined);
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
  };
  return client;
}
