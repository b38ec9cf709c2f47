import type { FastifyInstance } from "fastify";
import { Type } from "typebox";
import { DomainError } from "../../errors/domain-error.ts";

/** `/healthz` (process alive) and `/readyz` (database reachable and migrated). */
export async function healthRoutes(
  app: FastifyInstance,
  opts: { isReady: () => Promise<boolean> },
): Promise<void> {
  const Status = Type.Object({ status: Type.String() });
  app.get(
    "/healthz",
    { schema: { tags: ["health"], response: { 200: Status } } },
    async () => ({ status: "ok" }),
  );
  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        response: { 200: Status, 503: Type.Ref("Problem") },
      },
    },
    async () => {
      if (!(await opts.isReady()))
        throw new DomainError(
          "NOT_READY",
          "database unreachable or not migrated",
        );
      return { status: "ready" };
    },
  );
}
