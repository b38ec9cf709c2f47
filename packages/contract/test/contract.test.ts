import { Value } from "typebox/value";
import { describe, expect, it } from "vitest";
import {
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
