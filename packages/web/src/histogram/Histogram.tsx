/** A light SVG bar chart of measurement counts, built on `histogramData`. */
import { useMemo, useState } from "react";
import { histogramData, type HistogramOptions } from "./histogram-data.ts";

/** Props of Histogram: counts plus the initial sort and top-N. */
export interface HistogramProps {
  readonly counts: Readonly<Record<string, number>>;
  readonly initialSort?: HistogramOptions["sortBy"];
  readonly topN?: number;
  readonly title?: string;
}

/** The histogram component, with a sort switch; bars show probabilities, tooltips show counts. */
export function Histogram({
  counts,
  initialSort = "outcome",
  topN = 32,
  title = "Counts",
}: HistogramProps) {
  const [sortBy, setSortBy] = useState(initialSort);
  const data = useMemo(
    () => histogramData(counts, { sortBy, topN }),
    [counts, sortBy, topN],
  );
  const barW = 28;
  const gap = 8;
  const h = 180;
  const maxP = Math.max(0.0001, ...data.bars.map((b) => b.probability));
  const width = 48 + data.bars.length * (barW + gap);
  return (
    <figure className="histogram">
      <figcaption>
        {title}: {data.totalShots} shots, {data.distinctOutcomes} outcomes{" "}
        <label>
          sort by{" "}
          <select
            value={sortBy}
            onChange={(e) =>
              setSortBy(e.target.value as HistogramOptions["sortBy"])
            }
          >
            <option value="outcome">outcome</option>
            <option value="count">count</option>
          </select>
        </label>
      </figcaption>
      <svg
        width={width}
        height={h + 70}
        role="img"
        aria-label={`${title} histogram`}
      >
        <line x1={40} y1={h + 10} x2={width} y2={h + 10} className="axis" />
        <text x={34} y={14} textAnchor="end" className="tick">
          {(maxP * 100).toFixed(1)}%
        </text>
        <text x={34} y={h + 10} textAnchor="end" className="tick">
          0
        </text>
        {data.bars.map((b, i) => {
          const x = 48 + i * (barW + gap);
          const bh = (b.probability / maxP) * h;
          return (
            <g key={b.label} className={b.grouped ? "bar grouped" : "bar"}>
              <title>{`${b.label}: ${b.count} (${(b.probability * 100).toFixed(2)}%)`}</title>
              <rect x={x} y={h + 10 - bh} width={barW} height={bh} />
              <text
                x={x + barW / 2}
                y={h + 24}
                transform={`rotate(45 ${x + barW / 2} ${h + 24})`}
                className="tick"
              >
                {b.label}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
