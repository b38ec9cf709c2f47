import { DomainError } from "../../errors/domain-error.ts";
import type { TokensRepository } from "../../repositories/tokens.repository.ts";
import type { UsersRepository } from "../../repositories/users.repository.ts";
import { toUserView, type AuthUser, type UserView } from "./auth.service.ts";
import type { UserCache } from "./user-cache.ts";

function requireAdmin(caller: AuthUser): void {
  // Non-admins learn nothing about admin endpoints: they answer 404 like any unknown route.
  if (caller.role !== "admin") throw new DomainError("NOT_FOUND");
}

/** Creates the admin service: list and search users, change roles, disable and enable accounts. */
export function createAdminService(deps: {
  users: UsersRepository;
  tokens: TokensRepository;
  userCache: UserCache;
}) {
  return {
    /** Lists users by email, paginated by an email cursor. */
    async listUsers(
      caller: AuthUser,
      opts: { limit: number; cursor?: string; q?: string },
    ): Promise<{ items: UserView[]; nextCursor: string | null }> {
      requireAdmin(caller);
      const rows = await deps.users.list(
        opts.limit + 1,
        opts.cursor,
        opts.q?.trim(),
      );
      const page = rows.slice(0, opts.limit);
      return {
        items: page.map(toUserView),
        nextCursor:
          rows.length > opts.limit ? page[page.length - 1].email : null,
      };
    },

    /** Makes an account an administrator or a user; the last enabled administrator stays one. */
    async setRole(
      caller: AuthUser,
      userId: string,
      role: "admin" | "user",
    ): Promise<UserView> {
      requireAdmin(caller);
      const row = await deps.users.setRole(userId, role);
      if (row === "last-admin")
        throw new DomainError(
          "LAST_ADMIN",
          "this is the only enabled administrator; make another account an administrator first",
        );
      if (row === undefined) throw new DomainError("USER_NOT_FOUND");
      deps.userCache.invalidate(userId);
      return toUserView(row);
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
