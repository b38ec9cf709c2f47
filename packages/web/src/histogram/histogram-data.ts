/**
 * Turns measurement counts into the bars of a histogram: sorted by outcome or by count, the top
 * N kept and the rest grouped into one "other" bar so that thousands of outcomes stay readable.
 */

/** One bar: an outcome (or the grouped rest), its count and its share of all shots. */
export interface HistogramBar {
  readonly label: string;
  readonly count: number;
  readonly probability: number;
  /** True for the bar that groups the outcomes beyond the top N. */
  readonly grouped: boolean;
  /** How many outcomes the bar stands for (1 unless grouped). */
  readonly outcomes: number;
}

/** How to build the bars. */
export interface HistogramOptions {
  /** "outcome": by bitstring (as a binary number, register groups left to right); "count": most frequent first. */
  readonly sortBy: "outcome" | "count";
  /** Keep at most this many outcomes (the most frequent); the rest form one grouped bar. */
  readonly topN?: number;
  /** Outcomes kept with a zero count when `counts` lacks them (those of a reference shown beside). */
  readonly alsoOutcomes?: readonly string[];
}

/** The bars and totals for a histogram. */
export interface HistogramData {
  readonly bars: readonly HistogramBar[];
  readonly totalShots: number;
  readonly distinctOutcomes: number;
}

/** Compares two outcome keys like "01 110" as binary numbers, register by register. */
export function compareOutcomes(a: string, b: string): number {
  const pa = a.split(" ");
  const pb = b.split(" ");
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? "";
    const y = pb[i] ?? "";
    if (x.length !== y.length) return x.length - y.length;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Builds histogram bars from `counts` (outcome -> number of shots); ignores non-positive counts. */
export function histogramData(
  counts: Readonly<Record<string, number>>,
  options: HistogramOptions,
): HistogramData {
  const entries = Object.entries(counts).filter(
    ([, n]) => Number.isFinite(n) && n > 0,
  );
  const totalShots = entries.reduce((s, [, n]) => s + n, 0);
  const distinctOutcomes = entries.length;
  const seen = new Set(entries.map(([k]) => k));
  for (const k of options.alsoOutcomes ?? [])
    if (!seen.has(k)) {
      seen.add(k);
      entries.push([k, 0]);
    }
  const byCount = [...entries].sort(
    (a, b) => b[1] - a[1] || compareOutcomes(a[0], b[0]),
  );
  const topN = options.topN ?? Number.POSITIVE_INFINITY;
  const keepCount =
    byCount.length > topN ? Math.max(0, Math.floor(topN)) : byCount.length;
  const kept = byCount.slice(0, keepCount);
  const rest = byCount.slice(keepCount);
  if (options.sortBy === "outcome")
    kept.sort((a, b) => compareOutcomes(a[0], b[0]));
  const p = (n: number) => (totalShots > 0 ? n / totalShots : 0);
  const bars: HistogramBar[] = kept.map(([label, count]) => ({
    label,
    count,
    probability: p(count),
    grouped: false,
    outcomes: 1,
  }));
  if (rest.length > 0) {
    const count = rest.reduce((s, [, n]) => s + n, 0);
    bars.push({
      label: `${rest.length} others`,
      count,
      probability: p(count),
      grouped: true,
      outcomes: rest.length,
    });
  }
  return { bars, totalShots, distinctOutcomes };
}
