import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { DomainError } from "../../errors/domain-error.ts";
import type { AuthService } from "../../services/core/auth.service.ts";
import { enforce } from "../plugins/auth.plugin.ts";
import {
  clearRefreshCookie,
  readRefreshCookie,
  setRefreshCookie,
  wantsCookie,
} from "../refresh-cookie.ts";
import {
  CookieSessionTokens,
  LoginBody,
  RefreshBody,
  RegisterBody,
  ResetConfirmBody,
  ResetRequestBody,
  SessionHeaders,
  TokenPair,
  User,
} from "@stepfault/contract";

/** Options of the auth routes. */
export interface AuthRouteOptions {
  readonly auth: AuthService;
  /** Attempts per minute for login and password reset, per IP and per account. */
  readonly perMinute: number;
  /** Lifetime of a refresh token, the cookie's Max-Age. */
  readonly refreshTtlSeconds: number;
}

/**
 * How long after a cookie session's refresh token was rotated a second use of it counts as the
 * same browser refreshing again (another tab at the same moment, or a reload that dropped the
 * first answer's cookie) rather than reuse: it is rotated again instead of revoking the session.
 */
export const COOKIE_CONCURRENT_GRACE_MS = 10_000;

const COOKIE_NOTE =
  " With `X-StepFault-Session: cookie` the refresh token is set as the HttpOnly `sf_refresh` " +
  "cookie (SameSite=Strict, Path=/api/v1/auth, Secure over https) and left out of the body.";

const problems = {
  400: Type.Ref("Problem"),
  401: Type.Ref("Problem"),
  429: Type.Ref("Problem"),
};

/** Public account routes: register, login, refresh, logout, password reset. */
export async function authRoutes(
  app: FastifyInstance,
  opts: AuthRouteOptions,
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { auth } = opts;
  const limit = (kind: string, key: (req: FastifyRequest) => string) =>
    app.createRateLimit({
      max: opts.perMinute,
      timeWindow: 60_000,
      keyGenerator: (req) => `${kind}:${key(req)}`,
    });
  const emailOf = (req: FastifyRequest) =>
    String((req.body as { email?: unknown }).email ?? "")
      .trim()
      .toLowerCase();
  const loginByIp = limit("login-ip", (req) => req.ip);
  const loginByAccount = limit("login-account", emailOf);
  const resetByIp = limit("reset-ip", (req) => req.ip);
  const resetByAccount = limit("reset-account", emailOf);
  const tags = ["auth"];
  // Answers here carry tokens or set the session cookie: no cache may keep them.
  app.addHook("onRequest", async (_req, reply) => {
    void reply.header("cache-control", "no-store");
  });

  /** The refresh token of the body, else (cookie session only) of the cookie. */
  const tokenOf = (
    req: FastifyRequest<{ Body: { refreshToken?: string } }>,
  ): { token: string; fromCookie: boolean } => {
    const inBody = req.body.refreshToken;
    if (inBody !== undefined) return { token: inBody, fromCookie: false };
    if (!wantsCookie(req))
      throw new DomainError(
        "VALIDATION_FAILED",
        "refreshToken is required (the sf_refresh cookie is read only with the header X-StepFault-Session: cookie)",
      );
    const cookie = readRefreshCookie(req);
    if (cookie === undefined)
      throw new DomainError(
        "UNAUTHENTICATED",
        "no session cookie: sign in again",
      );
    return { token: cookie, fromCookie: true };
  };

  /** The token pair as the caller asked for it: in the body, or the refresh token as a cookie. */
  const answer = (
    req: FastifyRequest,
    reply: FastifyReply,
    pair: TokenPair,
  ) => {
    if (!wantsCookie(req)) return pair;
    setRefreshCookie(req, reply, pair.refreshToken, opts.refreshTtlSeconds);
    return {
      accessToken: pair.accessToken,
      tokenType: pair.tokenType,
      expiresIn: pair.expiresIn,
    };
  };

  r.post(
    "/auth/register",
    {
      schema: {
        tags,
        summary: "Create an account (the first one becomes admin)",
        body: RegisterBody,
        response: {
          201: User,
          409: Type.Ref("Problem"),
          422: Type.Ref("Problem"),
          ...problems,
        },
      },
    },
    async (req, reply) => reply.status(201).send(await auth.register(req.body)),
  );

  r.post(
    "/auth/login",
    {
      schema: {
        tags,
        summary: "Sign in with email and password",
        description: `Starts a session and returns an access token and a refresh token.${COOKIE_NOTE}`,
        headers: SessionHeaders,
        body: LoginBody,
        response: {
          200: Type.Union([TokenPair, CookieSessionTokens]),
          ...problems,
        },
      },
      preHandler: async (req) => {
        await enforce(loginByIp, req);
        await enforce(loginByAccount, req);
      },
    },
    async (req, reply) => answer(req, reply, await auth.login(req.body)),
  );

  r.post(
    "/auth/refresh",
    {
      schema: {
        tags,
        summary: "Rotate a refresh token for a new token pair",
        description:
          "Spends the refresh token and returns a new pair; presenting a spent token again " +
          "revokes the whole session (401 REFRESH_TOKEN_REUSED). With " +
          "`X-StepFault-Session: cookie` and no `refreshToken` in the body the `sf_refresh` " +
          "cookie is used (401 UNAUTHENTICATED when there is none) and the new token replaces " +
          "it; a cookie token that another request (another tab, or a reload that dropped " +
          "the answer) rotated in the last 10 s is rotated again, into a pair of its own." +
          " The body must be JSON (`{}` is enough), so a cross-site form cannot call it.",
        headers: SessionHeaders,
        body: RefreshBody,
        response: {
          200: Type.Union([TokenPair, CookieSessionTokens]),
          409: Type.Ref("Problem"),
          ...problems,
        },
      },
    },
    async (req, reply) => {
      const { token, fromCookie } = tokenOf(req);
      try {
        return answer(
          req,
          reply,
          await auth.refresh(token, {
            concurrentGraceMs: fromCookie ? COOKIE_CONCURRENT_GRACE_MS : 0,
          }),
        );
      } catch (err) {
        // A dead cookie is dropped.
        if (fromCookie && err instanceof DomainError && err.status === 401)
          clearRefreshCookie(req, reply);
        throw err;
      }
    },
  );

  r.post(
    "/auth/logout",
    {
      schema: {
        tags,
        summary: "End the session of a refresh token",
        description:
          "Revokes the session (token family) of the refresh token; an unknown token is " +
          "ignored. With `X-StepFault-Session: cookie` and no `refreshToken` in the body the " +
          "`sf_refresh` cookie is used (401 UNAUTHENTICATED when there is none) and cleared.",
        headers: SessionHeaders,
        body: RefreshBody,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (req, reply) => {
      if (wantsCookie(req)) clearRefreshCookie(req, reply);
      await auth.logout(tokenOf(req).token);
      return reply.status(204).send(null);
    },
  );

  r.post(
    "/auth/password-reset/request",
    {
      schema: {
        tags,
        summary:
          "Email a password-reset token (answers 202 whether or not the account exists)",
        body: ResetRequestBody,
        response: { 202: Type.Null(), ...problems },
      },
      preHandler: async (req) => {
        await enforce(resetByIp, req);
        await enforce(resetByAccount, req);
      },
    },
    async (req, reply) => {
      await auth.requestPasswordReset(req.body.email);
      return reply.status(202).send(null);
    },
  );

  r.post(
    "/auth/password-reset/confirm",
    {
      schema: {
        tags,
        summary: "Set a new password with a reset token (works once)",
        body: ResetConfirmBody,
        response: { 204: Type.Null(), 422: Type.Ref("Problem"), ...problems },
      },
      preHandler: async (req) => enforce(resetByIp, req),
    },
    async (req, reply) => {
      await auth.confirmPasswordReset(req.body);
      return reply.status(204).send(null);
    },
  );
}
