import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import {
  checkText,
  ERROR_CATALOG,
  ErrorCodeSchema,
  JobEvent,
  SubmitJobBody,
} from "../src/index.ts";

const BELL = "OPENQASM 3.0;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n";

describe("SubmitJobBody", () => {
  it('takes a sample job without `kind` and with `kind: "sample"`', () => {
    expect(Value.Check(SubmitJobBody, { source: BELL, shots: 100 })).toBe(true);
    expect(
      Value.Check(SubmitJobBody, { kind: "sample", source: BELL, shots: 1 }),
    ).toBe(true);
  });

  it("rejects an unknown kind, an unknown field and a sample job without shots", () => {
    expect(
      Value.Check(SubmitJobBody, { kind: "teleport", source: BELL, shots: 1 }),
    ).toBe(false);
    expect(
      Value.Check(SubmitJobBody, { source: BELL, shots: 1, colour: "red" }),
    ).toBe(false);
    expect(Value.Check(SubmitJobBody, { source: BELL })).toBe(false);
  });
});

describe("JobEvent", () => {
  it("describes each event the job stream sends", () => {
    for (const e of [
      { id: 3, event: "status", data: { status: "running", attempt: 1 } },
      {
        id: 4,
        event: "status",
        data: { status: "failed", error: { code: "X", message: "m" } },
      },
      { event: "progress", data: { fraction: 0.5 } },
      { id: 5, event: "log", data: { message: "hello" } },
    ])
      expect(Value.Check(JobEvent, e), JSON.stringify(e)).toBe(true);
  });

  it("rejects an event it does not know and a status outside the job states", () => {
    expect(Value.Check(JobEvent, { event: "done", data: {} })).toBe(false);
    expect(
      Value.Check(JobEvent, { event: "status", data: { status: "exploded" } }),
    ).toBe(false);
  });
});

describe("ERROR_CATALOG", () => {
  it("maps every code to a 4xx or 5xx status, and the code schema lists each code", () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.status, code).toBeLessThan(600);
      expect(Value.Check(ErrorCodeSchema, code)).toBe(true);
    }
    expect(Value.Check(ErrorCodeSchema, "NOT_A_CODE")).toBe(false);
  });
});

describe("checkText", () => {
  it("normalises names to NFC and trims them, counting length in characters", () => {
    expect(checkText("  Cafe\u0301 ", "name")).toEqual({
      ok: true,
      value: "Caf\u00e9",
    });
    // four astral characters are four characters, not eight UTF-16 units
    expect(checkText("\u{1F600}".repeat(4), "name", { maxLength: 4 }).ok).toBe(
      true,
    );
    expect(checkText("   ", "name", { minLength: 1 }).ok).toBe(false);
  });

  it("refuses NUL everywhere, controls outside multi-line text, and bidi overrides in names", () => {
    expect(checkText("a\u0000b", "secret").ok).toBe(false);
    expect(checkText("a\u0000b", "text").ok).toBe(false);
    expect(checkText("line 1\n\tline 2\r\n", "text")).toEqual({
      ok: true,
      value: "line 1\n\tline 2\r\n",
    });
    expect(checkText("x\u001b[31my", "line")).toEqual({
      ok: false,
      message: "must not contain control characters (U+001B)",
    });
    expect(checkText("x\u0085y", "text").ok).toBe(false);
    expect(checkText("x\u202ey", "name").ok).toBe(false);
    expect(checkText("x\u202ey", "line").ok).toBe(true);
    expect(checkText("\ud800", "line").ok).toBe(false);
    expect(checkText(" pass word\u0007 ", "secret")).toEqual({
      ok: true,
      value: " pass word\u0007 ",
    });
  });
});
