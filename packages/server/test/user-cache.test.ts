import { describe, expect, it, vi } from "vitest";
import type { UserRow } from "../src/repositories/users.repository.ts";
import { createUserCache } from "../src/services/core/user-cache.ts";

const row = (id: string): UserRow => ({
  id,
  email: `${id}@example.test`,
  username: id,
  displayName: id,
  passwordHash: "x",
  role: "user",
  disabled: false,
  createdAt: new Date(0),
});

describe("UserCache", () => {
  it("returns a row until its TTL passes, then forgets it", () => {
    vi.useFakeTimers();
    try {
      const cache = createUserCache(1000);
      cache.set(row("a"));
      expect(cache.get("a")?.id).toBe("a");
      vi.advanceTimersByTime(999);
      expect(cache.get("a")).toBeDefined();
      vi.advanceTimersByTime(2);
      expect(cache.get("a")).toBeUndefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it("drops a row at once on invalidate, and caches nothing with TTL 0", () => {
    const cache = createUserCache(60_000);
    cache.set(row("b"));
    cache.invalidate("b");
    expect(cache.get("b")).toBeUndefined();
    const off = createUserCache(0);
    off.set(row("c"));
    expect(off.get("c")).toBeUndefined();
  });

  it("evicts the oldest entry beyond its capacity", () => {
    const cache = createUserCache(60_000, 2);
    cache.set(row("1"));
    cache.set(row("2"));
    cache.set(row("3"));
    expect(cache.get("1")).toBeUndefined();
    expect(cache.get("3")?.id).toBe("3");
  });
});
