import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { ApiKeysService } from "../../services/core/api-keys.service.ts";
import type { AuthService } from "../../services/core/auth.service.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  ApiKey,
  ChangePasswordBody,
  CreateApiKeyBody,
  CreatedApiKey,
  UpdateMeBody,
  User,
  IdParams,
  errorResponses,
} from "@stepfault/contract";

/** Routes about the caller's own account: profile, password, API keys. */
export async function meRoutes(
  app: FastifyInstance,
  opts: { auth: AuthService; apiKeys: ApiKeysService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { auth, apiKeys } = opts;
  const tags = ["account"];
  const security = [{ bearerAuth: [] }];

  r.get(
    "/me",
    {
      schema: {
        tags,
        security,
        summary: "The signed-in account",
        response: { 200: User, ...errorResponses },
      },
    },
    async (req) => auth.me(requireCaller(req)),
  );

  r.patch(
    "/me",
    {
      schema: {
        tags,
        security,
        summary: "Change my username and/or display name",
        body: UpdateMeBody,
        response: { 200: User, 409: Type.Ref("Problem"), ...errorResponses },
      },
    },
    async (req) => auth.updateProfile(requireCaller(req), req.body),
  );

  r.post(
    "/me/password",
    {
      schema: {
        tags,
        security,
        summary: "Change password (ends other sessions)",
        body: ChangePasswordBody,
        response: {
          204: Type.Null(),
          422: Type.Ref("Problem"),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      await auth.changePassword(requireCaller(req), req.body);
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/me/api-keys",
    {
      schema: {
        tags,
        security,
        summary: "List my API keys",
        response: { 200: Type.Array(ApiKey), ...errorResponses },
      },
    },
    async (req) => apiKeys.list(requireCaller(req)),
  );

  r.post(
    "/me/api-keys",
    {
      schema: {
        tags,
        security,
        summary: "Create an API key (the key is shown only in this response)",
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await apiKeys.create(requireCaller(req), req.body.name)),
  );

  r.delete(
    "/me/api-keys/:id",
    {
      schema: {
        tags,
        security,
        summary: "Revoke an API key",
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses },
      },
    },
    async (req, reply) => {
      await apiKeys.revoke(requireCaller(req), req.params.id);
      return reply.status(204).send(null);
    },
  );
}
