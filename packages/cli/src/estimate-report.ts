/** Output of `stepfault estimate`: the JSON object of its contract and the readable table. */
import type { EstimateResult } from "@stepfault/quantum";

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** `{observables, parameters, points, expectations, stddev, gradients, shots, method, timeMs}`. */
export function estimateJson(
  observables: readonly string[],
  r: EstimateResult,
): string {
  return JSON.stringify({
    observables,
    parameters: r.parameters,
    points: r.points,
    expectations: r.expectations,
    stddev: r.stddev,
    gradients: r.gradients,
    shots: r.shots,
    method: r.method,
    timeMs: round(r.timeMs, 3),
  });
}

function fmt(x: number): string {
  const s = x.toFixed(6);
  return s === "-0.000000" ? "0.000000" : s;
}

/** A row per point: the parameter values, then a column per observable (± standard error), then gradients. */
export function estimateTable(
  file: string,
  qubits: number,
  observables: readonly string[],
  values: readonly Readonly<Record<string, number>>[],
  r: EstimateResult,
  limit = 1000,
): string {
  const head = `${file}: ${qubits} qubit${qubits === 1 ? "" : "s"}, ${r.points} point${r.points === 1 ? "" : "s"}, ${r.shots === null ? "exact" : `${r.shots} shots per basis, seed ${r.seed}`}, ${r.method}, ${r.timeMs < 1000 ? `${r.timeMs.toFixed(1)} ms` : `${(r.timeMs / 1000).toFixed(2)} s`}`;
  const cols = [
    "point",
    ...r.parameters,
    ...observables.map((o, k) => (observables.length > 1 ? `E${k + 1}` : "E")),
  ];
  if (r.gradients)
    observables.forEach((_, k) =>
      r.parameters.forEach((p) =>
        cols.push(`d${observables.length > 1 ? `E${k + 1}` : "E"}/d${p}`),
      ),
    );
  const rows: string[][] = [];
  const points = Math.min(r.points, limit);
  for (let p = 0; p < points; p++) {
    const row = [String(p)];
    row.push(...r.parameters.map((name) => fmt(values[p][name])));
    r.expectations[p].forEach((e, k) =>
      row.push(r.stddev ? `${fmt(e)} ± ${r.stddev[p][k].toFixed(6)}` : fmt(e)),
    );
    if (r.gradients)
      r.gradients[p].forEach((g) => g.forEach((v) => row.push(fmt(v))));
    rows.push(row);
  }
  const widths = cols.map((c, i) =>
    Math.max(c.length, ...rows.map((row) => row[i].length)),
  );
  const line = (cells: string[]) =>
    cells.map((c, i) => c.padStart(widths[i])).join("  ");
  const legend =
    observables.length > 1
      ? observables.map((o, k) => `E${k + 1} = <${o}>`)
      : [`E = <${observables[0]}>`];
  const out = [head, ...legend, "", line(cols), ...rows.map(line)];
  if (r.points > limit)
    out.push(`(${r.points - limit} more points: use --json)`);
  return out.join("\n");
}
