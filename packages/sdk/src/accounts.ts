/** Account methods of the client: sign-up and sessions, the caller's account and keys, admin. */
import type {
  ApiKey,
  ChangePasswordBody,
  CookieSessionTokens,
  CreatedApiKey,
  LoginBody,
  RegisterBody,
  ResetConfirmBody,
  SystemHealth,
  TokenPair,
  User,
  UserPage,
} from "./types.ts";

/** What the account methods need from the client. */
export interface AccountTransport {
  request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<T>;
}

/**
 * Session options of `login`, `refresh` and `logout`. `session: "cookie"` is the browser session:
 * the server keeps the refresh token in an HttpOnly cookie (set on login and refresh, read when
 * the body has none, cleared on logout) and answers without it.
 */
export interface SessionOptions {
  readonly session?: "cookie";
}

const sessionHeaders = (opts: SessionOptions): Record<string, string> =>
  opts.session === "cookie" ? { "x-stepfault-session": "cookie" } : {};

/** Signs in: a token pair, or the access token alone with `session: "cookie"`. */
export interface Login {
  (body: LoginBody): Promise<TokenPair>;
  (body: LoginBody, opts: { session: "cookie" }): Promise<CookieSessionTokens>;
}
/** Spends a refresh token for a new pair (the cookie's with `session: "cookie"`). */
export interface Refresh {
  (refreshToken: string): Promise<TokenPair>;
  (
    refreshToken: string | undefined,
    opts: { session: "cookie" },
  ): Promise<CookieSessionTokens>;
}

/** Creates the `auth`, `account` and `admin` methods of a client. */
export function createAccountApi(t: AccountTransport) {
  const login = ((body: LoginBody, opts: SessionOptions = {}) =>
    t.request("POST", "/auth/login", body, sessionHeaders(opts))) as Login;
  const refresh = ((refreshToken?: string, opts: SessionOptions = {}) =>
    t.request(
      "POST",
      "/auth/refresh",
      refreshToken !== undefined ? { refreshToken } : {},
      sessionHeaders(opts),
    )) as Refresh;
  return {
    auth: {
      /** Creates an account (the first one becomes admin). */
      register: (body: RegisterBody) =>
        t.request<User>("POST", "/auth/register", body),
      login,
      refresh,
      /** Ends the session of a refresh token (of the cookie with `session: "cookie"`). */
      logout: (refreshToken?: string, opts: SessionOptions = {}) =>
        t.request<void>(
          "POST",
          "/auth/logout",
          refreshToken !== undefined ? { refreshToken } : {},
          sessionHeaders(opts),
        ),
      /** Emails a reset token; answers alike whether or not the account exists. */
      requestPasswordReset: (email: string) =>
        t.request<void>("POST", "/auth/password-reset/request", { email }),
      /** Sets a new password with a reset token (works once). */
      confirmPasswordReset: (body: ResetConfirmBody) =>
        t.request<void>("POST", "/auth/password-reset/confirm", body),
    },
    account: {
      /** Changes the caller's password (other sessions end). */
      changePassword: (body: ChangePasswordBody) =>
        t.request<void>("POST", "/me/password", body),
      apiKeys: {
        list: () => t.request<ApiKey[]>("GET", "/me/api-keys"),
        /** Creates a key; the answer carries the secret, shown only this once. */
        create: (name: string) =>
          t.request<CreatedApiKey>("POST", "/me/api-keys", { name }),
        revoke: (keyId: string) =>
          t.request<void>("DELETE", `/me/api-keys/${enc(keyId)}`),
      },
    },
    admin: {
      /**
       * A page of every account by email (admin only); `q` keeps those whose email, username or
       * display name contains it.
       */
      users: (query: { limit?: number; cursor?: string; q?: string } = {}) =>
        t.request<UserPage>("GET", `/admin/users${queryString(query)}`),
      /** Makes an account an administrator or a user (409 LAST_ADMIN for the last one). */
      setRole: (userId: string, role: "admin" | "user") =>
        t.request<User>("PATCH", `/admin/users/${enc(userId)}`, { role }),
      /** Database, job queue, workers and file storage as the server sees them. */
      health: () => t.request<SystemHealth>("GET", "/admin/health"),
      /** Disables or enables an account; a disabled one's tokens and keys stop at once. */
      setDisabled: (userId: string, disabled: boolean) =>
        t.request<User>(
          "POST",
          `/admin/users/${enc(userId)}/${disabled ? "disable" : "enable"}`,
        ),
    },
  };
}

/** Encodes one path segment. */
export const enc = encodeURIComponent;

/** `?a=1&b=x` of the defined values ("" when none). */
export function queryString(
  params: Readonly<Record<string, string | number | undefined>>,
): string {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined) s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : "";
}
