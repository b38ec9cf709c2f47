import { describe, expect, it } from "vitest";
import {
  buildBody,
  DEFAULT_SETUP,
  H2_OBSERVABLE,
} from "../src/variational/setup.ts";

describe("buildBody", () => {
  it("sends the default tolerance, shown as 1e-6, as the number 1e-6", () => {
    expect(DEFAULT_SETUP.tolerance).toBe("1e-6");
    const b = buildBody(DEFAULT_SETUP);
    expect(b.ok && b.body.optimizer).toMatchObject({
      name: "cobyla",
      tolerance: 1e-6,
    });
    expect(b.ok && b.kind === "vqe" && b.body.observable).toBe(H2_OBSERVABLE);
  });

  it.each([
    ["2.5E-4", 2.5e-4],
    [" 0.001 ", 0.001],
    [".5", 0.5],
  ])("reads the tolerance %j", (text, value) => {
    const b = buildBody({ ...DEFAULT_SETUP, tolerance: text });
    expect(b.ok && b.body.optimizer.tolerance).toBe(value);
  });

  it.each(["", "abc", "0", "-1e-6", "1e-6x", "1e999"])(
    "refuses the tolerance %j, naming the field",
    (text) => {
      expect(buildBody({ ...DEFAULT_SETUP, tolerance: text })).toMatchObject({
        ok: false,
        field: "tolerance",
      });
    },
  );
});
