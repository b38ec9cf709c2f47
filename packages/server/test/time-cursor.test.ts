import { describe, expect, it } from "vitest";
import { DomainError } from "../src/errors/domain-error.ts";
import {
  decodeTimeCursor,
  encodeTimeCursor,
} from "../src/services/core/time-cursor.ts";

describe("time cursor", () => {
  it("round-trips the creation time (to the millisecond) and id", () => {
    const at = new Date("2026-11-30T07:35:43.523Z");
    const c = encodeTimeCursor({ createdAt: at, id: "row-1" });
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeTimeCursor(c)).toEqual({ createdAt: at, id: "row-1" });
  });

  it("refuses anything it did not make with 400 BAD_REQUEST", () => {
    const bad = [
      "",
      "not base64 at all!",
      Buffer.from("[1,2]").toString("base64url"),
      Buffer.from('{"t":"yesterday","i":"x"}').toString("base64url"),
      Buffer.from('{"t":"2026-01-01T00:00:00Z","i":7}').toString("base64url"),
    ];
    for (const c of bad) {
      let thrown: unknown;
      try {
        decodeTimeCursor(c);
      } catch (err) {
        thrown = err;
      }
      expect(thrown, c).toBeInstanceOf(DomainError);
      expect((thrown as DomainError).code).toBe("BAD_REQUEST");
    }
  });
});
