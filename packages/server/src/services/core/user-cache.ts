import type { UserRow } from "../../repositories/users.repository.ts";

/** How long an authenticated user's row is reused before it is read again. */
export const USER_CACHE_TTL_MS = 2000;

/**
 * A tiny per-process cache of user rows for bearer-token authentication. Changes made through
 * this process (disable, enable) invalidate at once; other replicas see them within the TTL.
 */
export interface UserCache {
  get(id: string): UserRow | undefined;
  set(row: UserRow): void;
  invalidate(id: string): void;
}

/** Creates a user cache with `ttlMs` (0 disables caching) holding at most `max` users. */
export function createUserCache(
  ttlMs = USER_CACHE_TTL_MS,
  max = 10_000,
): UserCache {
  const entries = new Map<string, { row: UserRow; expires: number }>();
  return {
    get(id) {
      const e = entries.get(id);
      if (e === undefined) return undefined;
      if (e.expires <= Date.now()) {
        entries.delete(id);
        return undefined;
      }
      return e.row;
    },
    set(row) {
      if (ttlMs <= 0) return;
      if (entries.size >= max)
        entries.delete(entries.keys().next().value as string);
      entries.set(row.id, { row, expires: Date.now() + ttlMs });
    },
    invalidate(id) {
      entries.delete(id);
    },
  };
}
