import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { AdminService } from "../../services/core/admin.service.ts";
import type { SystemHealthCheck } from "../../services/core/system-health.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  AdminUsersQuery,
  User,
  UserPage,
  UserRoleBody,
  IdParams,
  SystemHealth,
  errorResponses,
} from "@stepfault/contract";

/**
 * Admin routes (answer 404 to non-admins): list and search users, change their role, disable and
 * enable accounts, the system health view.
 */
export async function adminRoutes(
  app: FastifyInstance,
  opts: { admin: AdminService; health: SystemHealthCheck },
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
        summary:
          "List users by email; `q` keeps those whose email, username or display name contains it",
        querystring: AdminUsersQuery,
        response: { 200: UserPage, ...errorResponses },
      },
    },
    async (req) =>
      admin.listUsers(requireCaller(req), {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
        q: req.query.q,
      }),
  );

  r.patch(
    "/admin/users/:id",
    {
      schema: {
        tags,
        security,
        summary:
          "Change a user's role (admin or user); the last enabled administrator cannot be demoted",
        params: IdParams,
        body: UserRoleBody,
        response: { 200: User, 409: Type.Ref("Problem"), ...errorResponses },
      },
    },
    async (req) =>
      admin.setRole(requireCaller(req), req.params.id, req.body.role),
  );

  r.get(
    "/admin/health",
    {
      schema: {
        tags,
        security,
        summary:
          "System health: database, job queue, workers and file storage as this server sees them",
        response: { 200: SystemHealth, ...errorResponses },
      },
    },
    async (req) => opts.health(requireCaller(req)),
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
