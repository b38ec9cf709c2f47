import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { InvitationsService } from "../../services/core/invitations.service.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  IdParams,
  Invitation,
  InvitationBody,
  InvitationParams,
  InvitationPreview,
  InvitationTokenParams,
  Project,
  errorResponses,
} from "@stepfault/contract";

/** Invitations by email: owners invite, list and revoke; the link's holder previews and accepts. */
export async function invitationsRoutes(
  app: FastifyInstance,
  opts: { invitations: InvitationsService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { invitations } = opts;
  const tags = ["projects"];
  const security = [{ bearerAuth: [] }];
  const problem = Type.Ref("Problem");

  r.post(
    "/projects/:id/invitations",
    {
      schema: {
        tags,
        security,
        summary:
          "Invite an email address with a role (owner): a mail with a one-time link, valid for seven days",
        params: IdParams,
        body: InvitationBody,
        response: {
          201: Invitation,
          403: problem,
          409: problem,
          ...errorResponses,
        },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(
          await invitations.invite(requireCaller(req), req.params.id, req.body),
        ),
  );

  r.get(
    "/projects/:id/invitations",
    {
      schema: {
        tags,
        security,
        summary: "Pending invitations of a project (owner)",
        params: IdParams,
        response: {
          200: Type.Array(Invitation),
          403: problem,
          ...errorResponses,
        },
      },
    },
    async (req) => invitations.list(requireCaller(req), req.params.id),
  );

  r.delete(
    "/projects/:id/invitations/:invitationId",
    {
      schema: {
        tags,
        security,
        summary: "Revoke a pending invitation (owner); its link stops working",
        params: InvitationParams,
        response: { 204: Type.Null(), 403: problem, ...errorResponses },
      },
    },
    async (req, reply) => {
      await invitations.revoke(
        requireCaller(req),
        req.params.id,
        req.params.invitationId,
      );
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/invitations/:token",
    {
      schema: {
        tags,
        summary:
          "What an invitation link offers (no sign-in: the token is the secret); 410 once used, revoked or expired",
        params: InvitationTokenParams,
        response: { 200: InvitationPreview, 410: problem, ...errorResponses },
      },
    },
    async (req) => invitations.preview(req.params.token),
  );

  r.post(
    "/invitations/:token/accept",
    {
      schema: {
        tags,
        security,
        summary:
          "Accept an invitation: the caller becomes a member with its role; answers the project",
        params: InvitationTokenParams,
        response: { 200: Project, 410: problem, ...errorResponses },
      },
    },
    async (req) => invitations.accept(requireCaller(req), req.params.token),
  );
}
