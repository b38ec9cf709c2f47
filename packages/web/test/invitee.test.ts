import { describe, expect, it } from "vitest";
import { parseInvitee } from "../src/pages/projects/invitee.ts";

describe("parseInvitee", () => {
  it.each([
    ["bob@example.com", { email: "bob@example.com" }],
    ["  Bob@Example.COM ", { email: "bob@example.com" }],
    ["bob", { username: "bob" }],
    ["Bob-Smith-2", { username: "bob-smith-2" }],
    ["@bob-smith", { username: "bob-smith" }],
    [" @Ada ", { username: "ada" }],
  ])("reads %j as %j", (input, ref) => {
    expect(parseInvitee(input)).toEqual({ ok: true, ref });
  });

  it.each([
    ["", /enter an email or a username/i],
    ["   ", /enter an email or a username/i],
    ["bob@", /not a valid email/i],
    ["@bob@example.com", /not a valid email/i],
    ["bob smith@example.com", /not a valid email/i],
    ["ab", /3 to 39/],
    ["-bob", /hyphen/],
    ["bob--smith", /hyphen/],
    ["bob_smith", /letters, digits/],
    ["x".repeat(40), /3 to 39/],
    ["@", /3 to 39/],
  ])("refuses %j with a message", (input, message) => {
    const r = parseInvitee(input);
    expect(r.ok).toBe(false);
    expect(r.ok ? "" : r.message).toMatch(message);
  });
});
