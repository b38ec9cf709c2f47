import { DomainError } from "../../errors/domain-error.ts";
import type { TokensRepository } from "../../repositories/tokens.repository.ts";
import type { UsersRepository } from "../../repositories/users.repository.ts";
import { toUserView, type AuthUser, type UserView } from "./auth.service.ts";
import type { UserCache } from "./user-cache.ts";

function requireAdmin(caller: AuthUser): void {
  // Non-admins learn nothing about admin endpoints: they answer 404 like any unknown route.
  if (caller.role !== "admin") throw new DomainError("NOT_FOUND");
}

/** Creates the admin service: list users, disable and enable accounts. */
export function createAdminService(deps: {
  users: UsersRepository;
  tokens: TokensRepository;
  userCache: UserCache;
}) {
  return {
    /** Lists users by email, paginated by an email cursor. */
    async listUsers(
      caller: AuthUser,
      opts: { limit: number; cursor?: string },
    ): Promise<{ items: UserView[]; nextCursor: string | null }> {
      requireAdmin(caller);
      const rows = await deps.users.list(opts.limit + 1, opts.cursor);
      const page = rows.slice(0, opts.limit);
      return {
        items: page.map(toUserView),
        nextCursor:
          rows.length > opts.limit ? page[page.length - 1].email : null,
      };
    },

    /** Disables or enables an account; disabling ends its sessions (tokens and keys stop at once). */
    async setDisabled(
      caller: AuthUser,
      userId: string,
      disabled: boolean,
    ): Promise<UserView> {
      requireAdmin(caller);
      if (disabled && userId === caller.id)
        throw new DomainError("CANNOT_DISABLE_SELF");
      const row = await deps.users.setDisabled(userId, disabled);
      if (row === undefined) throw new DomainError("USER_NOT_FOUND");
      deps.userCache.invalidate(userId);
      if (disabled) await deps.tokens.revokeAllForUser(userId);
      return toUserView(row);
    },
  };
}

/** The admin service. */
export type AdminService = ReturnType<typeof createAdminService>;
