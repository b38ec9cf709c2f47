import { describe, expect, it } from "vitest";
import { type TargetRow, targetTable } from "../../bench/targets.ts";

const row = (over: Partial<TargetRow>): TargetRow => ({
  n: 24,
  circuit: "random",
  precision: "single",
  threads: 1,
  ms: 1000,
  cpuMs: 1000,
  ratioToBandwidthLimit: 50,
  load1: 1,
  ...over,
});

const lineOf = (lines: string[], start: string): string =>
  lines.find((l) => l.replace(/\s+/g, " ").startsWith(start)) ?? "";

describe("targetTable", () => {
  it("holds each ratio to its target: wall and CPU time against the baseline, the large sizes against the bandwidth limit", () => {
    const lines = targetTable(
      [
        row({ ratioToBaseline: 0.07, cpuRatioToBaseline: 0.08 }),
        row({ threads: 2, ratioToBaseline: 0.03 }),
        row({ n: 16, ratioToBaseline: 0.3, cpuRatioToBaseline: 0.3 }),
        row({ n: 28, threads: 2, ratioToBandwidthLimit: 1.5 }),
        row({
          n: 30,
          precision: "double",
          threads: 2,
          ratioToBandwidthLimit: 2.5,
        }),
        row({ n: 31, threads: 2, ratioToBandwidthLimit: 1.9 }),
        row({ circuit: "qft", ratioToBaseline: 9 }),
      ],
      [],
    );
    expect(
      lineOf(lines, "24 single 1 baseline 0.070 0.080 <= 0.075 met NOT met"),
    ).not.toBe("");
    expect(lineOf(lines, "24 single 2 baseline 0.030 - <= 0.036 met")).not.toBe(
      "",
    );
    expect(lineOf(lines, "16 single 1 baseline 0.300 0.300 1000")).not.toBe("");
    expect(lineOf(lines, "28 single 2 bandwidth 1.500 - <= 2 met")).not.toBe(
      "",
    );
    expect(
      lineOf(lines, "30 double 2 bandwidth 2.500 - <= 2 NOT met"),
    ).not.toBe("");
    expect(lines.some((l) => l.includes("9.000"))).toBe(false); // only the random circuit
    expect(lines).toContain(
      "n=20 single 1 thread (<= 0.04 x baseline): not run",
    );
    expect(lines.at(-1)).toBe(
      "back-to-back n=30 double then n=31 single in one process: met",
    );
  });

  it("says the back-to-back large runs are not met when one failed, and not run without them", () => {
    expect(
      targetTable([], ["n=31 random single 2t: SIM_TOO_LARGE ..."]).at(-1),
    ).toBe(
      "back-to-back n=30 double then n=31 single in one process: NOT met (n=31 random single 2t: SIM_TOO_LARGE ...)",
    );
    expect(targetTable([], []).at(-1)).toContain("not run (--large)");
  });
});
