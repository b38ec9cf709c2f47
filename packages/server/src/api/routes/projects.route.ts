import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { ProjectsService } from "../../services/core/projects.service.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  IdParams,
  errorResponses,
  AddMemberBody,
  Member,
  MemberParams,
  MemberRoleBody,
  Project,
  ProjectBody,
} from "@stepfault/contract";

/** Project and membership routes. */
export async function projectsRoutes(
  app: FastifyInstance,
  opts: { projects: ProjectsService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { projects } = opts;
  const tags = ["projects"];
  const security = [{ bearerAuth: [] }];
  const more = {
    403: Type.Ref("Problem"),
    409: Type.Ref("Problem"),
    ...errorResponses,
  };

  r.post(
    "/projects",
    {
      schema: {
        tags,
        security,
        summary: "Create a project (you become its owner)",
        body: ProjectBody,
        response: { 201: Project, ...errorResponses },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await projects.create(requireCaller(req), req.body.name)),
  );

  r.get(
    "/projects",
    {
      schema: {
        tags,
        security,
        summary: "My projects",
        response: { 200: Type.Array(Project), ...errorResponses },
      },
    },
    async (req) => projects.listMine(requireCaller(req)),
  );

  r.get(
    "/projects/:id",
    {
      schema: {
        tags,
        security,
        summary: "A project",
        params: IdParams,
        response: { 200: Project, ...errorResponses },
      },
    },
    async (req) => projects.get(requireCaller(req), req.params.id),
  );

  r.patch(
    "/projects/:id",
    {
      schema: {
        tags,
        security,
        summary: "Rename a project (owner)",
        params: IdParams,
        body: ProjectBody,
        response: { 200: Project, ...more },
      },
    },
    async (req) =>
      projects.rename(requireCaller(req), req.params.id, req.body.name),
  );

  r.delete(
    "/projects/:id",
    {
      schema: {
        tags,
        security,
        summary: "Delete a project and its circuits (owner)",
        params: IdParams,
        response: { 204: Type.Null(), ...more },
      },
    },
    async (req, reply) => {
      await projects.delete(requireCaller(req), req.params.id);
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/projects/:id/members",
    {
      schema: {
        tags,
        security,
        summary: "Members of a project",
        params: IdParams,
        response: { 200: Type.Array(Member), ...errorResponses },
      },
    },
    async (req) => projects.listMembers(requireCaller(req), req.params.id),
  );

  r.post(
    "/projects/:id/members",
    {
      schema: {
        tags,
        security,
        summary: "Add a member by email or username (owner)",
        params: IdParams,
        body: AddMemberBody,
        response: { 201: Member, ...more },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await projects.addMember(
            requireCaller(req),
            req.params.id,
            req.body,
            req.body.role,
          ),
        ),
  );

  r.patch(
    "/projects/:id/members/:userId",
    {
      schema: {
        tags,
        security,
        summary: "Change a member's role (owner)",
        params: MemberParams,
        body: MemberRoleBody,
        response: { 200: Member, ...more },
      },
    },
    async (req) =>
      projects.setMemberRole(
        requireCaller(req),
        req.params.id,
        req.params.userId,
        req.body.role,
      ),
  );

  r.delete(
    "/projects/:id/members/:userId",
    {
      schema: {
        tags,
        security,
        summary: "Remove a member (owner)",
        params: MemberParams,
        response: { 204: Type.Null(), ...more },
      },
    },
    async (req, reply) => {
      await projects.removeMember(
        requireCaller(req),
        req.params.id,
        req.params.userId,
      );
      return reply.status(204).send(null);
    },
  );
}
