import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { NoiseModelsService } from "../../services/core/noise-models.service.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  CreateNoiseModelBody,
  IdParams,
  NoiseModel,
  NoiseModelListQuery,
  NoiseModelPage,
  NoiseModelParams,
  UpdateNoiseModelBody,
  errorResponses,
} from "@stepfault/contract";

/** Saved noise models inside a project (project content like circuits). */
export async function noiseModelsRoutes(
  app: FastifyInstance,
  opts: { noiseModels: NoiseModelsService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { noiseModels } = opts;
  const tags = ["noise models"];
  const security = [{ bearerAuth: [] }];
  const writes = {
    403: Type.Ref("Problem"),
    409: Type.Ref("Problem"),
    422: Type.Ref("Problem"),
    ...errorResponses,
  };

  r.post(
    "/projects/:id/noise-models",
    {
      schema: {
        tags,
        security,
        summary:
          "Save a noise model (editor); an invalid model answers 422 NOISE_MODEL_INVALID naming the JSON path",
        params: IdParams,
        body: CreateNoiseModelBody,
        response: { 201: NoiseModel, ...writes },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await noiseModels.create(requireCaller(req), req.params.id, req.body),
        ),
  );

  r.get(
    "/projects/:id/noise-models",
    {
      schema: {
        tags,
        security,
        summary:
          "List noise models by name, without the models (cursor pagination, `q` searches names)",
        params: IdParams,
        querystring: NoiseModelListQuery,
        response: { 200: NoiseModelPage, ...errorResponses },
      },
    },
    async (req) =>
      noiseModels.list(requireCaller(req), req.params.id, {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
        q: req.query.q,
      }),
  );

  r.get(
    "/projects/:id/noise-models/:noiseModelId",
    {
      schema: {
        tags,
        security,
        summary: "A noise model with its document",
        params: NoiseModelParams,
        response: { 200: NoiseModel, ...errorResponses },
      },
    },
    async (req) =>
      noiseModels.get(
        requireCaller(req),
        req.params.id,
        req.params.noiseModelId,
      ),
  );

  r.patch(
    "/projects/:id/noise-models/:noiseModelId",
    {
      schema: {
        tags,
        security,
        summary: "Rename a noise model and/or replace its document (editor)",
        params: NoiseModelParams,
        body: UpdateNoiseModelBody,
        response: { 200: NoiseModel, ...writes },
      },
    },
    async (req) =>
      noiseModels.update(
        requireCaller(req),
        req.params.id,
        req.params.noiseModelId,
        req.body,
      ),
  );

  r.delete(
    "/projects/:id/noise-models/:noiseModelId",
    {
      schema: {
        tags,
        security,
        summary:
          "Delete a noise model (editor); jobs that used it keep their copy",
        params: NoiseModelParams,
        response: { 204: Type.Null(), ...writes },
      },
    },
    async (req, reply) => {
      await noiseModels.delete(
        requireCaller(req),
        req.params.id,
        req.params.noiseModelId,
      );
      return reply.status(204).send(null);
    },
  );
}
