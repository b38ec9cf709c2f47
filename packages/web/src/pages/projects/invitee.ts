/**
 * Reads the members page's one "email or username" input: text with an "@" inside is an email,
 * anything else (optionally written `@name`) is a username.
 */
import type { AddMemberBody } from "@stepfault/sdk";

/** Who to add to a project: an account's email or its username (the member body without the role). */
export type MemberRef = WithoutRole<AddMemberBody>;
type WithoutRole<B> = B extends unknown ? Omit<B, "role"> : never;

/** The server's username format: 3-39 letters, digits or single hyphens inside. */
export const USERNAME_RE =
  /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){2,38}$/;

/** What the input names, or a message saying what is wrong with it. */
export type Invitee =
  | { readonly ok: true; readonly ref: MemberRef }
  | { readonly ok: false; readonly message: string };

/** Parses the invite input (trimmed): an email when it has an "@" after the first character. */
export function parseInvitee(input: string): Invitee {
  const text = input.trim();
  if (text === "")
    return { ok: false, message: "Enter an email or a username." };
  const handle =
    text.startsWith("@") && !text.slice(1).includes("@")
      ? text.slice(1)
      : undefined;
  if (handle === undefined && text.includes("@")) {
    if (!/^[^\s@]+@[^\s@]+$/.test(text))
      return { ok: false, message: `“${text}” is not a valid email address.` };
    return { ok: true, ref: { email: text.toLowerCase() } };
  }
  const name = handle ?? text;
  if (!USERNAME_RE.test(name))
    return {
      ok: false,
      message:
        "A username has 3 to 39 letters, digits or single hyphens, and does not start or end with a hyphen.",
    };
  return { ok: true, ref: { username: name.toLowerCase() } };
}
