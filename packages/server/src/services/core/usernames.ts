/**
 * Usernames: GitHub-like handles, 3-39 characters of [a-z0-9] with single hyphens inside, stored
 * lower-case. The derivation from an email matches the backfill in drizzle/0005_usernames.sql.
 */

import { USERNAME_MIN, USERNAME_PATTERN } from "@stepfault/contract";

const FORMAT = new RegExp(USERNAME_PATTERN);

/** Names nobody may take (routes, roles, well-known system names). Keep in sync with the migration. */
export const RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  "admin",
  "administrator",
  "api",
  "app",
  "assets",
  "auth",
  "docs",
  "help",
  "jobs",
  "login",
  "logout",
  "me",
  "metrics",
  "new",
  "null",
  "owner",
  "projects",
  "register",
  "root",
  "settings",
  "signin",
  "signup",
  "stepfault",
  "support",
  "system",
  "undefined",
  "users",
]);

/** True when `name` (any case) has the username format. */
export function isUsernameFormat(name: string): boolean {
  return FORMAT.test(name);
}

/** True when the lower-cased `name` is reserved. */
export function isReservedUsername(name: string): boolean {
  return RESERVED_USERNAMES.has(name.toLowerCase());
}

/** Longest base derived from an email, leaving room for a `-N` suffix. */
const BASE_MAX = 30;

/**
 * The username base for an email: its local part lower-cased, every run of other characters
 * turned into one hyphen, hyphens trimmed, cut to 30 characters; a base shorter than 3 gets
 * `-user` appended (`""` gives `user`).
 */
export function usernameBaseFromEmail(email: string): string {
  const local = email.split("@")[0].toLowerCase();
  let base = local.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  base = base.slice(0, BASE_MAX).replace(/-+$/, "");
  if (base.length < USERNAME_MIN) base = `${base}-user`.replace(/^-+/, "");
  return base;
}

/**
 * The first free candidate for `base`: `base`, then `base-2`, `base-3`, ... skipping reserved
 * names and those in `taken`.
 */
export function firstFreeUsername(
  base: string,
  taken: ReadonlySet<string>,
): string {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (!taken.has(candidate) && !RESERVED_USERNAMES.has(candidate))
      return candidate;
  }
}
