import type { FastifyInstance, FastifyRequest } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AuthService } from "../../services/core/auth.service.ts";
import { enforce } from "../plugins/auth.plugin.ts";
import {
  LoginBody,
  RefreshBody,
  RegisterBody,
  ResetConfirmBody,
  ResetRequestBody,
  TokenPair,
  User,
} from "../schemas/accounts.schema.ts";

/** Options of the auth routes. */
export interface AuthRouteOptions {
  readonly auth: AuthService;
  /** Attempts per minute for login and password reset, per IP and per account. */
  readonly perMinute: number;
}

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
        body: LoginBody,
        response: { 200: TokenPair, ...problems },
      },
      preHandler: async (req) => {
        await enforce(loginByIp, req);
        await enforce(loginByAccount, req);
      },
    },
    async (req) => auth.login(req.body),
  );

  r.post(
    "/auth/refresh",
    {
      schema: {
        tags,
        summary: "Rotate a refresh token for a new token pair",
        body: RefreshBody,
        response: { 200: TokenPair, ...problems },
      },
    },
    async (req) => auth.refresh(req.body.refreshToken),
  );

  r.post(
    "/auth/logout",
    {
      schema: {
        tags,
        summary: "End the session of a refresh token",
        body: RefreshBody,
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (req, reply) => {
      await auth.logout(req.body.refreshToken);
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
