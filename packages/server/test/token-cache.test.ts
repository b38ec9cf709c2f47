import { describe, expect, it } from "vitest";
import { signAccessToken } from "../src/services/core/crypto.ts";
import { createAccessTokenVerifier } from "../src/services/core/token-cache.ts";

const SECRET = "a-test-secret-of-enough-length-0123456789";
const NOW = 1_800_000_000_000;

describe("createAccessTokenVerifier", () => {
  it("answers like verifyAccessToken on every call, including after the token is remembered", () => {
    const verify = createAccessTokenVerifier(SECRET);
    const token = signAccessToken(SECRET, "user-1", 60, NOW);
    for (let i = 0; i < 3; i++)
      expect(verify(token, NOW + i * 1000)).toMatchObject({ sub: "user-1" });
  });

  it("refuses a remembered token once it expires", () => {
    const verify = createAccessTokenVerifier(SECRET);
    const token = signAccessToken(SECRET, "user-1", 60, NOW);
    expect(verify(token, NOW)).toBeDefined();
    expect(verify(token, NOW + 59_999)).toBeDefined();
    expect(verify(token, NOW + 60_000)).toBeUndefined();
    // ... and keeps refusing it (the expired entry is dropped, not re-verified into the cache).
    expect(verify(token, NOW + 60_000)).toBeUndefined();
  });

  it("refuses tampered tokens and tokens of another secret even when a good one is remembered", () => {
    const verify = createAccessTokenVerifier(SECRET);
    const token = signAccessToken(SECRET, "user-1", 60, NOW);
    expect(verify(token, NOW)).toBeDefined();
    const [h, p, s] = token.split(".");
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BA" : "AA"}`;
    expect(verify(flipped, NOW)).toBeUndefined();
    const otherPayload = signAccessToken(SECRET, "user-2", 60, NOW).split(
      ".",
    )[1];
    expect(verify(`${h}.${otherPayload}.${s}`, NOW)).toBeUndefined();
    expect(
      verify(signAccessToken("another-secret", "user-1", 60, NOW), NOW),
    ).toBeUndefined();
    expect(verify("not.a.token", NOW)).toBeUndefined();
    expect(verify("", NOW)).toBeUndefined();
  });

  it("stays correct when more tokens arrive than it remembers", () => {
    const verify = createAccessTokenVerifier(SECRET, 2);
    const tokens = ["a", "b", "c", "d"].map((sub) =>
      signAccessToken(SECRET, sub, 60, NOW),
    );
    for (let round = 0; round < 2; round++)
      tokens.forEach((t, i) =>
        expect(verify(t, NOW)?.sub).toBe(["a", "b", "c", "d"][i]),
      );
  });
});
