import { describe, expect, it } from "vitest";
import {
  compareOutcomes,
  histogramData,
} from "../src/histogram/histogram-data.ts";

describe("histogramData", () => {
  const counts = { "11": 480, "00": 500, "01": 12, "10": 8 };
  it("sorts by outcome as binary numbers", () => {
    const d = histogramData(counts, { sortBy: "outcome" });
    expect(d.bars.map((b) => b.label)).toEqual(["00", "01", "10", "11"]);
    expect(d.totalShots).toBe(1000);
    expect(d.bars[0].probability).toBeCloseTo(0.5);
  });
  it("sorts by count, most frequent first", () => {
    expect(
      histogramData(counts, { sortBy: "count" }).bars.map((b) => b.label),
    ).toEqual(["00", "11", "01", "10"]);
  });
  it("keeps the top N and groups the rest into one bar", () => {
    const d = histogramData(counts, { sortBy: "outcome", topN: 2 });
    expect(
      d.bars.map((b) => [b.label, b.count, b.grouped, b.outcomes]),
    ).toEqual([
      ["00", 500, false, 1],
      ["11", 480, false, 1],
      ["2 others", 20, true, 2],
    ]);
    expect(d.bars.reduce((s, b) => s + b.probability, 0)).toBeCloseTo(1);
  });
  it("groups thousands of outcomes", () => {
    const many: Record<string, number> = {};
    for (let i = 0; i < 4096; i++)
      many[i.toString(2).padStart(12, "0")] = 1 + (i % 7);
    const d = histogramData(many, { sortBy: "count", topN: 10 });
    expect(d.bars).toHaveLength(11);
    expect(d.bars[10].outcomes).toBe(4086);
    expect(d.bars.slice(0, 10).every((b) => b.count === 7)).toBe(true);
    expect(d.distinctOutcomes).toBe(4096);
  });
  it("ignores zero counts and compares register groups", () => {
    expect(
      histogramData({ "0": 0, "1": 3 }, { sortBy: "outcome" }).bars,
    ).toHaveLength(1);
    expect(compareOutcomes("1 00", "0 11")).toBeGreaterThan(0);
    expect(compareOutcomes("10", "010")).toBeLessThan(0);
  });
});
