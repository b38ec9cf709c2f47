import type { FastifyInstance, FastifyRequest } from "fastify";
import { DomainError } from "../../errors/domain-error.ts";
import type {
  AuthService,
  AuthUser,
} from "../../services/core/auth.service.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller, or null for anonymous requests. */
    caller: AuthUser | null;
  }
}

/** Returns the authenticated caller or throws UNAUTHENTICATED (401). */
export function requireCaller(req: FastifyRequest): AuthUser {
  if (req.caller === null) throw new DomainError("UNAUTHENTICATED");
  return req.caller;
}

/** Rate-limit check result from @fastify/rate-limit's `createRateLimit`. */
type Limiter = (req: FastifyRequest) => Promise<{
  isAllowed: boolean;
  isExceeded?: boolean;
  ttlInSeconds?: number;
}>;

/** Throws RATE_LIMITED (429 with Retry-After) when the limiter says so. */
export async function enforce(
  limiter: Limiter,
  req: FastifyRequest,
): Promise<void> {
  const r = await limiter(req);
  if (!r.isAllowed && r.isExceeded) {
    const retry = String(Math.max(1, r.ttlInSeconds ?? 1));
    throw new DomainError(
      "RATE_LIMITED",
      `retry after ${retry} s`,
      {},
      { "retry-after": retry },
    );
  }
}

/**
 * Adds authentication to an encapsulated scope: a `Bearer` access token or `sf_` API key is
 * resolved (user row checked on every request, so disabling works at once), then the per-user
 * API rate limit applies. Missing credentials leave `req.caller` null; bad ones answer 401.
 */
export function installAuthentication(
  app: FastifyInstance,
  auth: AuthService,
  apiPerMinute: number,
): void {
  const perUser = app.createRateLimit({
    max: apiPerMinute,
    timeWindow: 60_000,
    keyGenerator: (req) => `api-user:${req.caller?.id ?? req.ip}`,
  });
  app.addHook("onRequest", async (req) => {
    const header = req.headers.authorization;
    if (header === undefined || header === "") return;
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (m === null)
      throw new DomainError(
        "INVALID_TOKEN",
        "Authorization must be `Bearer <token>`",
      );
    req.caller = await auth.authenticate(m[1]);
    await enforce(perUser, req);
  });
}
