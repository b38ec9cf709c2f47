import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { CircuitsService } from "../../services/core/circuits.service.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  Circuit,
  CircuitListQuery,
  CircuitPage,
  CircuitParams,
  CreateCircuitBody,
  Revision,
  RevisionParams,
  RevisionSummary,
  UpdateCircuitBody,
  IdParams,
  errorResponses,
} from "@stepfault/contract";

/** Circuit routes inside a project, with revisions. */
export async function circuitsRoutes(
  app: FastifyInstance,
  opts: { circuits: CircuitsService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { circuits } = opts;
  const tags = ["circuits"];
  const security = [{ bearerAuth: [] }];
  const writes = {
    403: Type.Ref("Problem"),
    409: Type.Ref("Problem"),
    422: Type.Ref("Problem"),
    ...errorResponses,
  };

  r.post(
    "/projects/:id/circuits",
    {
      schema: {
        tags,
        security,
        summary: "Create a circuit (editor); the source must compile",
        params: IdParams,
        body: CreateCircuitBody,
        response: { 201: Circuit, ...writes },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await circuits.create(requireCaller(req), req.params.id, req.body),
        ),
  );

  r.get(
    "/projects/:id/circuits",
    {
      schema: {
        tags,
        security,
        summary:
          "List circuits by name, without sources (cursor pagination, `q` searches names)",
        params: IdParams,
        querystring: CircuitListQuery,
        response: { 200: CircuitPage, ...errorResponses },
      },
    },
    async (req) =>
      circuits.list(requireCaller(req), req.params.id, {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
        q: req.query.q,
      }),
  );

  r.get(
    "/projects/:id/circuits/:circuitId",
    {
      schema: {
        tags,
        security,
        summary: "A circuit with its current source",
        params: CircuitParams,
        response: { 200: Circuit, ...errorResponses },
      },
    },
    async (req) =>
      circuits.get(requireCaller(req), req.params.id, req.params.circuitId),
  );

  r.patch(
    "/projects/:id/circuits/:circuitId",
    {
      schema: {
        tags,
        security,
        summary: "Rename or save new source (a new revision; editor)",
        params: CircuitParams,
        body: UpdateCircuitBody,
        response: { 200: Circuit, ...writes },
      },
    },
    async (req) =>
      circuits.update(
        requireCaller(req),
        req.params.id,
        req.params.circuitId,
        req.body,
      ),
  );

  r.delete(
    "/projects/:id/circuits/:circuitId",
    {
      schema: {
        tags,
        security,
        summary: "Delete a circuit (editor)",
        params: CircuitParams,
        response: { 204: Type.Null(), ...writes },
      },
    },
    async (req, reply) => {
      await circuits.delete(
        requireCaller(req),
        req.params.id,
        req.params.circuitId,
      );
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/projects/:id/circuits/:circuitId/revisions",
    {
      schema: {
        tags,
        security,
        summary: "Revisions of a circuit, newest first",
        params: CircuitParams,
        response: { 200: Type.Array(RevisionSummary), ...errorResponses },
      },
    },
    async (req) =>
      circuits.listRevisions(
        requireCaller(req),
        req.params.id,
        req.params.circuitId,
      ),
  );

  r.get(
    "/projects/:id/circuits/:circuitId/revisions/:revision",
    {
      schema: {
        tags,
        security,
        summary: "One revision with its source",
        params: RevisionParams,
        response: { 200: Revision, ...errorResponses },
      },
    },
    async (req) =>
      circuits.getRevision(
        requireCaller(req),
        req.params.id,
        req.params.circuitId,
        req.params.revision,
      ),
  );
}
