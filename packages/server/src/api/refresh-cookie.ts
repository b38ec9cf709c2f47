import type { FastifyReply, FastifyRequest } from "fastify";

/**
 * The browser session's refresh token as an HttpOnly cookie.
 *
 * A client opts in per request with the header `X-StepFault-Session: cookie`. Only then do
 * login and refresh set the cookie (and leave the refresh token out of the body), and only then do
 * refresh and logout read it. The header is also the CSRF defence: a cross-site form or a
 * "simple" cross-origin fetch cannot send a custom header without a CORS preflight, which this
 * server answers only for the configured CORS origins. The cookie itself is `SameSite=Strict`,
 * `HttpOnly`, limited to the auth routes, and `Secure` when the request came over https.
 *
 * Beside it goes the hint cookie `sf_session=1`: readable by the page, it carries no secret and
 * only says that a refresh cookie may exist, so the web app asks for a refresh (and can get a 401)
 * only when there may be a session to resume. It lives and dies with the refresh cookie.
 */

/** The request header that opts in to the cookie, and its one value. */
export const SESSION_HEADER = "x-stepfault-session";
/** The value of {@link SESSION_HEADER}. */
export const SESSION_HEADER_VALUE = "cookie";
/** The cookie's name. */
export const REFRESH_COOKIE = "sf_refresh";
/** The cookie's path: sent only to the auth routes. */
export const REFRESH_COOKIE_PATH = "/api/v1/auth";

/** The page-readable hint cookie set and cleared with the refresh cookie. */
export const SESSION_HINT_COOKIE = "sf_session";

const TOKEN_FORMAT = /^sfr_[A-Za-z0-9_-]{16,200}$/;

/** True when the request asked for the cookie session. */
export function wantsCookie(req: FastifyRequest): boolean {
  return req.headers[SESSION_HEADER] === SESSION_HEADER_VALUE;
}

/**
 * The refresh token of the request's `sf_refresh` cookie, or undefined when there is none or its
 * value is not shaped like a refresh token. The first cookie of that name wins.
 */
export function readRefreshCookie(req: FastifyRequest): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== "string") return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || part.slice(0, eq).trim() !== REFRESH_COOKIE) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1);
    return TOKEN_FORMAT.test(value) ? value : undefined;
  }
  return undefined;
}

function cookieAttributes(req: FastifyRequest, maxAgeSeconds: number): string {
  // req.protocol honours X-Forwarded-Proto only from proxies TRUST_PROXY trusts.
  const secure = req.protocol === "https" ? "; Secure" : "";
  return `; Max-Age=${maxAgeSeconds}; Path=${REFRESH_COOKIE_PATH}; HttpOnly; SameSite=Strict${secure}`;
}

function hintCookie(req: FastifyRequest, maxAgeSeconds: number): string {
  const secure = req.protocol === "https" ? "; Secure" : "";
  const value = maxAgeSeconds > 0 ? "1" : "";
  return `${SESSION_HINT_COOKIE}=${value}; Max-Age=${maxAgeSeconds}; Path=/; SameSite=Strict${secure}`;
}

/** Sets the cookie to `token` for `maxAgeSeconds` (the refresh token's lifetime). */
export function setRefreshCookie(
  req: FastifyRequest,
  reply: FastifyReply,
  token: string,
  maxAgeSeconds: number,
): void {
  if (!TOKEN_FORMAT.test(token))
    throw new Error("invariant: refresh token has an unexpected format");
  void reply.header("set-cookie", [
    `${REFRESH_COOKIE}=${token}${cookieAttributes(req, maxAgeSeconds)}`,
    hintCookie(req, maxAgeSeconds),
  ]);
}

/** Tells the browser to drop the cookie. */
export function clearRefreshCookie(
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  void reply.header("set-cookie", [
    `${REFRESH_COOKIE}=${cookieAttributes(req, 0)}`,
    hintCookie(req, 0),
  ]);
}
