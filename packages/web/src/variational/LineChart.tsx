/**
 * A small SVG line chart for the Variational page (the app draws its charts as plain SVG, like
 * the histogram): one or more series of (x, y) points, optional horizontal reference lines
 * (the exact ground energy), axes with a few round ticks, and a legend.
 */
import { useId } from "react";

/** One line. */
export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
  /** CSS class of the line (colour), e.g. `s0`..`s7`. */
  readonly className?: string;
}

/** A horizontal reference line. */
export interface Reference {
  readonly label: string;
  readonly y: number;
}

/** Props of LineChart. */
export interface LineChartProps {
  readonly title: string;
  readonly series: readonly Series[];
  readonly references?: readonly Reference[];
  readonly xLabel: string;
  readonly yLabel: string;
  readonly width?: number;
  readonly height?: number;
}

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
}

/** The chart. */
export function LineChart({
  title,
  series,
  references = [],
  xLabel,
  yLabel,
  width = 560,
  height = 260,
}: LineChartProps) {
  const id = useId();
  const left = 64;
  const right = 16;
  const top = 12;
  const bottom = 40;
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = [
    ...series.flatMap((s) => s.points.map((p) => p[1])),
    ...references.map((r) => r.y),
  ];
  const x0 = xs.length ? Math.min(...xs) : 0;
  const x1 = Math.max(x0 + 1, ...xs);
  let y0 = ys.length ? Math.min(...ys) : 0;
  let y1 = ys.length ? Math.max(...ys) : 1;
  if (y1 - y0 < 1e-9) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const pad = (y1 - y0) * 0.06;
  y0 -= pad;
  y1 += pad;
  const w = width - left - right;
  const h = height - top - bottom;
  const X = (x: number) => left + ((x - x0) / (x1 - x0)) * w;
  const Y = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * h;
  const last = series.map((s) => s.points.at(-1));
  return (
    <figure className="line-chart" aria-labelledby={`${id}-t`}>
      <figcaption id={`${id}-t`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        width="100%"
        role="img"
        aria-label={`${title}: ${series
          .map((s, k) =>
            last[k]
              ? `${s.name} ${fmt(last[k][1])} at ${xLabel} ${last[k][0]}`
              : `${s.name} no points yet`,
          )
          .join(
            "; ",
          )}${references.map((r) => `; ${r.label} ${fmt(r.y)}`).join("")}`}
      >
        {ticks(y0, y1).map((v) => (
          <g key={`y${v}`} className="grid">
            <line x1={left} x2={width - right} y1={Y(v)} y2={Y(v)} />
            <text x={left - 6} y={Y(v) + 4} textAnchor="end" className="tick">
              {fmt(v)}
            </text>
          </g>
        ))}
        {ticks(x0, x1)
          .filter((v) => Number.isInteger(v))
          .map((v) => (
            <text
              key={`x${v}`}
              x={X(v)}
              y={top + h + 16}
              textAnchor="middle"
              className="tick"
            >
              {v}
            </text>
          ))}
        <line
          className="axis"
          x1={left}
          x2={width - right}
          y1={top + h}
          y2={top + h}
        />
        <line className="axis" x1={left} x2={left} y1={top} y2={top + h} />
        <text
          x={left + w / 2}
          y={height - 4}
          textAnchor="middle"
          className="label"
        >
          {xLabel}
        </text>
        <text
          transform={`translate(12 ${top + h / 2}) rotate(-90)`}
          textAnchor="middle"
          className="label"
        >
          {yLabel}
        </text>
        {references.map((r) => (
          <g key={r.label} className="reference" data-y={r.y}>
            <line x1={left} x2={width - right} y1={Y(r.y)} y2={Y(r.y)} />
            <text x={width - right - 4} y={Y(r.y) - 4} textAnchor="end">
              {r.label} {fmt(r.y)}
            </text>
          </g>
        ))}
        {series.map((s, k) => (
          <g key={s.name} className={`series ${s.className ?? `s${k % 8}`}`}>
            <polyline
              points={s.points.map(([x, y]) => `${X(x)},${Y(y)}`).join(" ")}
              data-points={s.points.length}
            />
            {s.points.length === 1 && (
              <circle cx={X(s.points[0][0])} cy={Y(s.points[0][1])} r={3} />
            )}
          </g>
        ))}
      </svg>
      {series.length > 1 && (
        <ul className="legend">
          {series.map((s, k) => (
            <li key={s.name} className={`series ${s.className ?? `s${k % 8}`}`}>
              <span className="swatch" aria-hidden="true" />
              {s.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
