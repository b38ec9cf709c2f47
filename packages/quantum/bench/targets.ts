/**
 * The speed targets of issue 17 and the table `npm run bench` prints against them: the random
 * circuit per size, precision and thread count as a ratio to the baseline loop of the same run
 * (wall time, and for 1 thread also CPU time over the baseline's CPU time, steadier on a shared
 * machine), the large sizes against the memory-bandwidth limit, and whether each target is met.
 */

/** What the table needs of a benchmark row. */
export interface TargetRow {
  readonly n: number;
  readonly circuit: string;
  readonly precision: "double" | "single";
  readonly threads: number;
  readonly ms: number;
  readonly cpuMs: number;
  readonly ratioToBaseline?: number;
  readonly cpuRatioToBaseline?: number;
  readonly ratioToBandwidthLimit: number;
  readonly load1: number;
}

/** One target: a size, precision and thread count, and the most a ratio may be. */
export interface Target {
  readonly n: number;
  readonly precision: "double" | "single";
  readonly threads: number;
  /** Against the baseline loop or the memory-bandwidth limit. */
  readonly of: "baseline" | "bandwidth";
  readonly atMost: number;
}

/** Issue 17's targets (qsim's ratios on the issue's machine, or better). */
export const TARGETS: readonly Target[] = [
  { n: 24, precision: "single", threads: 1, of: "baseline", atMost: 0.075 },
  { n: 24, precision: "single", threads: 2, of: "baseline", atMost: 0.036 },
  { n: 20, precision: "single", threads: 1, of: "baseline", atMost: 0.04 },
  { n: 24, precision: "double", threads: 1, of: "baseline", atMost: 0.15 },
  { n: 28, precision: "single", threads: 2, of: "bandwidth", atMost: 2.0 },
  { n: 30, precision: "double", threads: 2, of: "bandwidth", atMost: 2.0 },
];

const verdict = (ratio: number | undefined, atMost: number): string =>
  ratio === undefined ? "-" : ratio <= atMost ? "met" : "NOT met";

const fixed = (x: number | undefined): string =>
  x === undefined ? "-" : x.toFixed(3);

/**
 * The table's lines: per size, precision and thread count the random circuit's ratio to the
 * baseline in wall time and, for 1 thread, in CPU time (from n = 26: to the bandwidth limit),
 * the target where there is one and whether each ratio meets it; then targets of sizes the run
 * left out, and the back-to-back large runs (`largeFailed`: the errors of the n = 30 and 31 runs).
 */
export function targetTable(
  rows: readonly TargetRow[],
  largeFailed: readonly string[],
): string[] {
  const random = rows
    .filter((r) => r.circuit === "random")
    .sort(
      (a, b) =>
        a.n - b.n ||
        b.precision.localeCompare(a.precision) ||
        a.threads - b.threads,
    );
  const lines = [
    "Issue 17 targets, random circuit: ratio to the baseline loop of this run in wall time and (1 thread) CPU time over the baseline's CPU time; from n = 26 to the memory-bandwidth limit.",
    [
      "n".padEnd(4),
      "precision".padEnd(10),
      "threads".padEnd(8),
      "of".padEnd(10),
      "wall".padEnd(8),
      "cpu".padEnd(8),
      "target".padEnd(10),
      "wall".padEnd(9),
      "cpu".padEnd(9),
      "ms".padStart(9),
      "cpu ms".padStart(10),
      "  load",
    ].join(""),
  ];
  for (const r of random) {
    const target = TARGETS.find(
      (x) =>
        x.n === r.n && x.precision === r.precision && x.threads === r.threads,
    );
    const ofBandwidth =
      target?.of === "bandwidth" || r.ratioToBaseline === undefined;
    const wall = ofBandwidth ? r.ratioToBandwidthLimit : r.ratioToBaseline;
    const cpu = ofBandwidth ? undefined : r.cpuRatioToBaseline;
    lines.push(
      [
        String(r.n).padEnd(4),
        r.precision.padEnd(10),
        `${r.threads}`.padEnd(8),
        (ofBandwidth ? "bandwidth" : "baseline").padEnd(10),
        fixed(wall).padEnd(8),
        fixed(cpu).padEnd(8),
        (target ? `<= ${target.atMost}` : "").padEnd(10),
        (target ? verdict(wall, target.atMost) : "").padEnd(9),
        (target && cpu !== undefined ? verdict(cpu, target.atMost) : "").padEnd(
          9,
        ),
        r.ms.toFixed(0).padStart(9),
        r.cpuMs.toFixed(0).padStart(10),
        `  ${r.load1.toFixed(1)}`,
      ].join(""),
    );
  }
  for (const t of TARGETS)
    if (
      !random.some(
        (r) =>
          r.n === t.n && r.precision === t.precision && r.threads === t.threads,
      )
    )
      lines.push(
        `n=${t.n} ${t.precision} ${t.threads} thread${t.threads > 1 ? "s" : ""} (<= ${t.atMost} x ${t.of}): not run${t.n > 24 ? " (--large)" : ""}`,
      );
  const ran = (n: number, p: string): boolean =>
    random.some((x) => x.n === n && x.precision === p);
  lines.push(
    `back-to-back n=30 double then n=31 single in one process: ${
      largeFailed.length > 0
        ? `NOT met (${largeFailed.join("; ")})`
        : ran(30, "double") && ran(31, "single")
          ? "met"
          : "not run (--large)"
    }`,
  );
  return lines;
}
