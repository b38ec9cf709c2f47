import type { UserRow } from "../../repositories/users.repository.ts";

/** How long an authenticated user's row is reused before it is read again. */
export const USER_CACHE_TTL_MS = 2000;

/**
 * A tiny per-process cache of user rows for bearer-token authentication. Changes made through
 * this process (disable, enable) invalidate at once; other replicas see them within the TTL, or at once with `shareInvalidations` over Redis.
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

/** The slice of an ioredis client that `shareInvalidations` uses. */
export interface PubSubClient {
  publish(channel: string, message: string): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  on(
    event: "message",
    listener: (channel: string, message: string) => void,
  ): unknown;
  quit(): Promise<unknown>;
}

/**
 * Shares invalidations between replicas over Redis pub/sub: `invalidate` drops the row here and
 * tells every other process on `channel`, so a disabled user is refused everywhere at once instead
 * of after the TTL. `subscriber` must be a connection of its own (ioredis `duplicate()`).
 */
export async function shareInvalidations(
  cache: UserCache,
  publisher: PubSubClient,
  subscriber: PubSubClient,
  channel: string,
): Promise<{ cache: UserCache; close(): Promise<void> }> {
  subscriber.on("message", (ch, id) => {
    if (ch === channel) cache.invalidate(id);
  });
  await subscriber.subscribe(channel);
  return {
    cache: {
      get: (id) => cache.get(id),
      set: (row) => cache.set(row),
      invalidate(id) {
        cache.invalidate(id);
        void publisher.publish(channel, id).catch(() => undefined);
      },
    },
    close: async () => {
      await subscriber.quit().catch(() => undefined);
    },
  };
}
