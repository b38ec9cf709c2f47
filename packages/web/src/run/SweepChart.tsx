/**
 * A line chart of expectation values against the swept parameter: one line per observable, and
 * with `showGradient` the derivative dE/d(parameter) of each as a dashed line of the same colour.
 * Every drawn point carries its values (`data-x`, `data-y`) and a tooltip.
 */

/** One line of the chart. */
export interface ChartSeries {
  readonly label: string;
  readonly y: readonly number[];
  /** Drawn dashed (a derivative). */
  readonly dashed?: boolean;
  /** Index of the colour (lines of one observable share it). */
  readonly colour: number;
}

const COLOURS = [
  "#2563eb",
  "#dc2626",
  "#059669",
  "#d97706",
  "#7c3aed",
  "#0891b2",
  "#db2777",
  "#4b5563",
];

const W = 640;
const H = 300;
const M = { left: 52, right: 16, top: 14, bottom: 40 };

function ticks(lo: number, hi: number, count = 5): number[] {
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step =
    [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

/** `k·π/d` written as a person would: `0`, `π/4`, `−3π/2`, `2π`. */
function piLabel(num: number, den: number): string {
  if (num === 0) return "0";
  let g = Math.abs(num);
  for (let b = den; b;) [g, b] = [b, g % b];
  const [n, d] = [num / g, den / g];
  const sign = n < 0 ? "\u2212" : "";
  const a = Math.abs(n);
  return `${sign}${a === 1 ? "" : a}\u03c0${d === 1 ? "" : `/${d}`}`;
}

/**
 * Ticks at multiples of π (π/4, π/2, π or more apart, at most 9 of them) when the axis is an angle
 * swept between multiples of π/8 over at least π/2; else null (decimal ticks).
 */
export function piTicks(
  lo: number,
  hi: number,
): { value: number; label: string }[] | null {
  const eighths = (v: number) => (v / Math.PI) * 8;
  const onGrid = (v: number) =>
    Math.abs(eighths(v) - Math.round(eighths(v))) < 1e-6;
  if (!(hi - lo >= Math.PI / 2 - 1e-12) || !onGrid(lo) || !onGrid(hi))
    return null;
  // Steps in units of π: π/4, π/2, π, then whole multiples.
  for (const step of [0.25, 0.5, 1, 2, 4, 5, 10, 20, 50, 100]) {
    const first = Math.ceil(lo / Math.PI / step - 1e-9);
    const last = Math.floor(hi / Math.PI / step + 1e-9);
    if (last - first + 1 > 9) continue;
    const out: { value: number; label: string }[] = [];
    for (let k = first; k <= last; k++)
      out.push({
        value: k * step * Math.PI,
        label: step < 1 ? piLabel(k, 1 / step) : piLabel(k * step, 1),
      });
    return out;
  }
  return null;
}

const fmt = (v: number) =>
  Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0)
    ? v.toExponential(1)
    : String(Number(v.toFixed(3)));

/** The chart component. */
export function SweepChart({
  x,
  xLabel,
  series,
}: {
  x: readonly number[];
  xLabel: string;
  series: readonly ChartSeries[];
}) {
  const all = series.flatMap((s) => s.y).filter(Number.isFinite);
  let yLo = Math.min(-1, ...all);
  let yHi = Math.max(1, ...all);
  if (all.length > 0) {
    yLo = Math.min(...all);
    yHi = Math.max(...all);
    const pad = (yHi - yLo) * 0.06 || 0.5;
    yLo -= pad;
    yHi += pad;
  }
  const xLo = Math.min(...x);
  const xHi = Math.max(...x);
  const sx = (v: number) =>
    M.left +
    (xHi === xLo ? 0.5 : (v - xLo) / (xHi - xLo)) * (W - M.left - M.right);
  const sy = (v: number) =>
    M.top + (1 - (v - yLo) / (yHi - yLo)) * (H - M.top - M.bottom);
  const showDots = x.length <= 64;
  return (
    <figure className="sweep-chart">
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-label={`Expectation values against ${xLabel}`}
      >
        {ticks(yLo, yHi).map((t) => (
          <g key={`y${t}`} className="tick">
            <line x1={M.left} x2={W - M.right} y1={sy(t)} y2={sy(t)} />
            <text x={M.left - 6} y={sy(t) + 4} textAnchor="end">
              {fmt(t)}
            </text>
          </g>
        ))}
        {(
          piTicks(xLo, xHi) ??
          ticks(xLo, xHi, 6).map((t) => ({ value: t, label: fmt(t) }))
        ).map((t) => (
          <g key={`x${t.value}`} className="tick">
            <line
              x1={sx(t.value)}
              x2={sx(t.value)}
              y1={M.top}
              y2={H - M.bottom}
            />
            <text x={sx(t.value)} y={H - M.bottom + 16} textAnchor="middle">
              {t.label}
            </text>
          </g>
        ))}
        {yLo < 0 && yHi > 0 && (
          <line
            className="zero"
            x1={M.left}
            x2={W - M.right}
            y1={sy(0)}
            y2={sy(0)}
          />
        )}
        <text
          className="axis-label"
          x={(M.left + W - M.right) / 2}
          y={H - 6}
          textAnchor="middle"
        >
          {xLabel}
        </text>
        {series.map((s, k) => {
          const colour = COLOURS[s.colour % COLOURS.length];
          const pts = x.map((v, i) => `${sx(v)},${sy(s.y[i])}`).join(" ");
          return (
            <g
              key={k}
              className="series"
              data-series={s.label}
              data-dashed={s.dashed ? "true" : undefined}
            >
              <polyline
                points={pts}
                fill="none"
                stroke={colour}
                strokeWidth={2}
                strokeDasharray={s.dashed ? "6 4" : undefined}
              />
              {x.map((v, i) => (
                <circle
                  key={i}
                  cx={sx(v)}
                  cy={sy(s.y[i])}
                  r={showDots ? 3 : 0}
                  fill={colour}
                  data-x={v}
                  data-y={s.y[i]}
                >
                  <title>{`${s.label} at ${xLabel} = ${fmt(v)}: ${s.y[i].toFixed(6)}`}</title>
                </circle>
              ))}
            </g>
          );
        })}
      </svg>
      <figcaption className="sweep-legend">
        {series.map((s, k) => (
          <span key={k} className="legend-item">
            <svg width="22" height="10" aria-hidden="true">
              <line
                x1="1"
                x2="21"
                y1="5"
                y2="5"
                stroke={COLOURS[s.colour % COLOURS.length]}
                strokeWidth={2}
                strokeDasharray={s.dashed ? "4 3" : undefined}
              />
            </svg>
            {s.label}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
