import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AdminService } from "../../services/core/admin.service.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  User,
  UserPage,
  IdParams,
  PageQuery,
  errorResponses,
} from "@stepfault/contract";

/** Admin routes (answer 404 to non-admins): list users, disable and enable accounts. */
export async function adminRoutes(
  app: FastifyInstance,
  opts: { admin: AdminService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { admin } = opts;
  const tags = ["admin"];
  const security = [{ bearerAuth: [] }];

  r.get(
    "/admin/users",
    {
      schema: {
        tags,
        security,
        summary: "List users",
        querystring: Type.Object(PageQuery),
        response: { 200: UserPage, ...errorResponses },
      },
    },
    async (req) =>
      admin.listUsers(requireCaller(req), {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
      }),
  );

  r.post(
    "/admin/users/:id/disable",
    {
      schema: {
        tags,
        security,
        summary: "Disable a user (their tokens and keys stop working at once)",
        params: IdParams,
        response: { 200: User, 409: Type.Ref("Problem"), ...errorResponses },
      },
    },
    async (req) => admin.setDisabled(requireCaller(req), req.params.id, true),
  );

  r.post(
    "/admin/users/:id/enable",
    {
      schema: {
        tags,
        security,
        summary: "Enable a user",
        params: IdParams,
        response: { 200: User, ...errorResponses },
      },
    },
    async (req) => admin.setDisabled(requireCaller(req), req.params.id, false),
  );
}
