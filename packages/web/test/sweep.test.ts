import { describe, expect, it } from "vitest";
import { piTicks } from "../src/run/SweepChart.tsx";
import {
  observableLines,
  parseAngle,
  pastedValues,
  rangeValues,
} from "../src/run/sweep.ts";

describe("the sweep editor's values", () => {
  it("reads numbers and multiples of pi", () => {
    expect(parseAngle("0.5")).toBe(0.5);
    expect(parseAngle("-1e-3")).toBe(-0.001);
    expect(parseAngle("2*pi")).toBeCloseTo(2 * Math.PI, 15);
    expect(parseAngle("pi/2")).toBeCloseTo(Math.PI / 2, 15);
    expect(parseAngle("-3*pi/4")).toBeCloseTo((-3 * Math.PI) / 4, 15);
    expect(parseAngle(" π ")).toBeCloseTo(Math.PI, 15);
    expect(parseAngle("2**2")).toBe(4);
    for (const bad of ["", "pie", "1,5", "theta", "pi;"])
      expect(parseAngle(bad)).toBeNull();
  });

  it("spreads a range over its points, both ends included, and names a bad field", () => {
    const v = rangeValues("0", "2*pi", "5");
    expect(v).toEqual([
      0,
      Math.PI / 2,
      Math.PI,
      (3 * Math.PI) / 2,
      2 * Math.PI,
    ]);
    expect(rangeValues("1", "3", "1")).toEqual([1]);
    expect(rangeValues("x", "1", "3")).toMatch(/start "x"/);
    expect(rangeValues("0", "tow", "3")).toMatch(/stop "tow"/);
    expect(rangeValues("0", "1", "2.5")).toMatch(/number of points/);
    expect(rangeValues("0", "1", "0")).toMatch(/number of points/);
  });

  it("reads pasted lists (commas, spaces, new lines, a JSON array) and names the bad value", () => {
    expect(pastedValues("0, 0.5 1\n1.5;2")).toEqual([0, 0.5, 1, 1.5, 2]);
    expect(pastedValues("[0, 0.25, 1]")).toEqual([0, 0.25, 1]);
    expect(pastedValues("0, pi/2, pi")).toEqual([0, Math.PI / 2, Math.PI]);
    expect(pastedValues("0, 1, two")).toBe('value 3 ("two") is not a number');
    expect(pastedValues("  ")).toMatch(/at least one/);
    expect(observableLines(" ZZ \n\n0.5*X0 Y1\n")).toEqual(["ZZ", "0.5*X0 Y1"]);
  });
});

describe("the sweep chart's axis", () => {
  const labels = (lo: number, hi: number) =>
    piTicks(lo, hi)?.map((t) => t.label) ?? null;

  it("marks an angle swept between multiples of pi at multiples of pi", () => {
    expect(labels(0, 2 * Math.PI)).toEqual([
      "0",
      "\u03c0/4",
      "\u03c0/2",
      "3\u03c0/4",
      "\u03c0",
      "5\u03c0/4",
      "3\u03c0/2",
      "7\u03c0/4",
      "2\u03c0",
    ]);
    expect(labels(-Math.PI, Math.PI)).toEqual([
      "\u2212\u03c0",
      "\u22123\u03c0/4",
      "\u2212\u03c0/2",
      "\u2212\u03c0/4",
      "0",
      "\u03c0/4",
      "\u03c0/2",
      "3\u03c0/4",
      "\u03c0",
    ]);
    expect(labels(0, 4 * Math.PI)).toEqual([
      "0",
      "\u03c0/2",
      "\u03c0",
      "3\u03c0/2",
      "2\u03c0",
      "5\u03c0/2",
      "3\u03c0",
      "7\u03c0/2",
      "4\u03c0",
    ]);
    expect(labels(0, 20 * Math.PI)).toEqual(
      [0, 4, 8, 12, 16, 20].map((k) => (k ? `${k}\u03c0` : "0")),
    );
    const quarter = piTicks(0, Math.PI / 2)!;
    expect(quarter.map((t) => t.label)).toEqual(["0", "\u03c0/4", "\u03c0/2"]);
    quarter.forEach((t, i) =>
      expect(t.value).toBeCloseTo((i * Math.PI) / 4, 14),
    );
  });

  it("keeps decimal ticks for other ranges", () => {
    expect(piTicks(0, 1)).toBeNull();
    expect(piTicks(0.1, 2 * Math.PI)).toBeNull();
    expect(piTicks(0, Math.PI / 4)).toBeNull();
  });
});
