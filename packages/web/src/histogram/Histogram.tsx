/** A light SVG bar chart of measurement counts, built on `histogramData`. */
import { useId, useMemo, useState } from "react";
import { histogramData, type HistogramOptions } from "./histogram-data.ts";

/** Props of Histogram: counts plus the initial sort and top-N. */
export interface HistogramProps {
  readonly counts: Readonly<Record<string, number>>;
  readonly initialSort?: HistogramOptions["sortBy"];
  readonly topN?: number;
  /** Offer a "show top N" switch with these choices (when there are more outcomes than the smallest). */
  readonly topNChoices?: readonly number[];
  readonly title?: string;
  /**
   * Counts drawn over the bars as outlines on the same scale (the ideal run under a noisy one);
   * `referenceLabel` names them in the legend.
   */
  readonly reference?: Readonly<Record<string, number>>;
  readonly referenceLabel?: string;
  /** Names the bars in the legend when there is a reference. */
  readonly label?: string;
}

/** The histogram component, with sort (and optionally top-N) switches; bars show probabilities, labels show counts. */
export function Histogram({
  counts,
  initialSort = "outcome",
  topN: initialTopN = 32,
  topNChoices,
  title = "Counts",
  reference,
  referenceLabel = "ideal",
  label = "counts",
}: HistogramProps) {
  const [sortBy, setSortBy] = useState(initialSort);
  const [topN, setTopN] = useState(initialTopN);
  const id = useId();
  const data = useMemo(
    () =>
      histogramData(counts, {
        sortBy,
        topN,
        ...(reference
          ? {
              alsoOutcomes: Object.keys(reference).filter(
                (k) => reference[k] > 0,
              ),
            }
          : {}),
      }),
    [counts, sortBy, topN, reference],
  );
  const refTotal = reference
    ? Object.values(reference).reduce((a, n) => a + (n > 0 ? n : 0), 0)
    : 0;
  // The reference's share of each bar (a grouped bar: the sum over the outcomes it groups).
  const refP = (label: string, grouped: boolean): number => {
    if (!reference || refTotal === 0) return 0;
    if (!grouped) return (reference[label] ?? 0) / refTotal;
    const shown = new Set(
      data.bars.filter((b) => !b.grouped).map((b) => b.label),
    );
    let rest = 0;
    for (const [k, n] of Object.entries(reference))
      if (!shown.has(k) && n > 0) rest += n;
    return rest / refTotal;
  };
  // Few outcomes get wider bars; many keep them narrow (the chart scrolls sideways).
  const barW = Math.max(
    28,
    Math.min(64, Math.floor(480 / data.bars.length) - 8),
  );
  const gap = 8;
  const h = 180;
  const top = 18;
  // The scale follows the outcomes themselves: a grouped "others" bar that is taller (thousands
  // of outcomes together) is cut at the top instead of flattening every other bar.
  const single = data.bars.filter((b) => !b.grouped);
  const maxP = Math.max(
    0.0001,
    ...(single.length > 0 ? single : data.bars).map((b) =>
      Math.max(b.probability, refP(b.label, b.grouped)),
    ),
  );
  const width = 48 + data.bars.length * (barW + gap);
  const labelLen = Math.max(2, ...data.bars.map((b) => b.label.length));
  // Short labels that fit under their bar stand upright; longer ones are slanted.
  const upright = labelLen * 7 <= barW + gap;
  const bottom = upright ? 24 : Math.min(160, 20 + labelLen * 6);
  const choices =
    topNChoices && data.distinctOutcomes > Math.min(...topNChoices)
      ? topNChoices
      : null;
  return (
    <figure className="histogram">
      <figcaption>
        <span>
          {title}: {data.totalShots} shots, {data.distinctOutcomes} outcome
          {data.distinctOutcomes === 1 ? "" : "s"}
        </span>{" "}
        {reference && (
          <span className="histogram-legend" aria-label="Legend">
            <span className="swatch bars" aria-hidden="true" /> {label}{" "}
            <span className="swatch reference" aria-hidden="true" />{" "}
            {referenceLabel}{" "}
          </span>
        )}
        <label htmlFor={`${id}-sort`}>sort by</label>{" "}
        <select
          id={`${id}-sort`}
          value={sortBy}
          onChange={(e) =>
            setSortBy(e.target.value as HistogramOptions["sortBy"])
          }
        >
          <option value="outcome">outcome</option>
          <option value="count">count</option>
        </select>
        {choices && (
          <>
            {" "}
            <label htmlFor={`${id}-top`}>show</label>{" "}
            <select
              id={`${id}-top`}
              value={topN}
              onChange={(e) => setTopN(Number(e.target.value))}
            >
              {choices.map((n) => (
                <option key={n} value={n}>
                  top {n}
                </option>
              ))}
            </select>
          </>
        )}
      </figcaption>
      <div
        className="histogram-scroll"
        tabIndex={0}
        role="region"
        aria-label={`${title} chart`}
      >
        <svg
          width={width}
          height={top + h + bottom}
          role="img"
          aria-label={`${title} histogram${reference ? ` (${label}, with ${referenceLabel} outlined)` : ""}: ${data.bars
            .slice(0, 8)
            .map((b) => `${b.label} ${b.count}`)
            .join(", ")}${data.bars.length > 8 ? ", …" : ""}`}
        >
          <line x1={40} y1={top + h} x2={width} y2={top + h} className="axis" />
          <text x={34} y={top + 4} textAnchor="end" className="tick">
            {maxP < 0.01
              ? (maxP * 100).toPrecision(2)
              : (maxP * 100).toFixed(1)}
            %
          </text>
          <text x={34} y={top + h} textAnchor="end" className="tick">
            0
          </text>
          {data.bars.map((b, i) => {
            const x = 48 + i * (barW + gap);
            const clipped = b.probability > maxP;
            const bh = Math.min(h, (b.probability / maxP) * h);
            const rp = refP(b.label, b.grouped);
            const rh = Math.min(h, (rp / maxP) * h);
            return (
              <g
                key={b.label}
                className={b.grouped ? "bar grouped" : "bar"}
                data-outcome={b.grouped ? undefined : b.label}
                data-count={b.count}
                data-reference={reference ? rp.toFixed(6) : undefined}
              >
                <title>{`${b.label}: ${b.count} (${(b.probability * 100).toFixed(2)}%)${reference ? `; ${referenceLabel} ${(rp * 100).toFixed(2)}%` : ""}`}</title>
                <rect x={x} y={top + h - bh} width={barW} height={bh} />
                {reference && rh > 0 && (
                  <rect
                    className="reference"
                    x={x + 1}
                    y={top + h - rh}
                    width={barW - 2}
                    height={rh}
                  />
                )}
                {clipped && (
                  <path
                    className="cut"
                    d={`M${x - 2} ${top + 14} l${(barW + 4) / 2} -5 l${(barW + 4) / 2} 5`}
                  />
                )}
                <text
                  x={x + barW / 2}
                  y={top + h - bh - 4}
                  textAnchor="middle"
                  className="tick count"
                >
                  {compact(b.count)}
                </text>
                <text
                  x={x + barW / 2}
                  y={top + h + 14}
                  textAnchor={upright ? "middle" : undefined}
                  transform={
                    upright
                      ? undefined
                      : `rotate(45 ${x + barW / 2} ${top + h + 14})`
                  }
                  className="tick"
                >
                  {b.label}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}

/** 1234 -> "1234", 12345 -> "12k", 1234567 -> "1.2M": short enough to sit above a bar. */
export function compact(n: number): string {
  if (n < 10_000) return String(n);
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}
