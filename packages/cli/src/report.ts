/**
 * Text the CLI prints: GCC-style diagnostics, the counts table, the statevector table and the
 * JSON objects of the CLI contract (ARCHITECTURE.md).
 */
import type { Diagnostic, SimulateResult, Span } from "@stepfault/quantum";

/** `FILE:LINE:COL: error: message` (GCC style) for one compiler diagnostic. */
export function formatDiagnostic(
  d: Pick<Diagnostic, "severity" | "message" | "file"> & { span?: Span },
  file: string,
): string {
  const where = d.span
    ? `${d.file ?? file}:${d.span.line}:${d.span.col}`
    : (d.file ?? file);
  return `${where}: ${d.severity}: ${oneLine(d.message)}`;
}

/** A message on one line (newlines folded), so every diagnostic is one line of stderr. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ");
}

/** What the readable and JSON reports show; the threads and phase times where the run reports them. */
export type RunReport = Omit<
  SimulateResult,
  "threads" | "compileMs" | "simulateMs" | "sampleMs"
> &
  Partial<
    Pick<SimulateResult, "threads" | "compileMs" | "simulateMs" | "sampleMs">
  >;

/** The `--json` object for a counts run (`threads` and the phase times when known). */
export function countsJson(r: RunReport): string {
  const ms = (x: number | undefined): number | undefined =>
    x === undefined ? undefined : round(x, 3);
  return JSON.stringify({
    counts: r.counts,
    shots: r.shots,
    seed: r.seed,
    qubits: r.qubits,
    clbits: r.clbits,
    method: r.method,
    timeMs: round(r.timeMs, 3),
    threads: r.threads,
    compileMs: ms(r.compileMs),
    simulateMs: ms(r.simulateMs),
    sampleMs: ms(r.sampleMs),
  });
}

/** The `--statevector --json` object: `{ qubits, statevector: [[re, im], ...] }`, little-endian. */
export function statevectorJson(r: RunReport): string {
  const sv = r.statevector ?? new Float64Array(0);
  const parts: string[] = [];
  for (let i = 0; i < sv.length; i += 2)
    parts.push(`[${num(sv[i])},${num(sv[i + 1])}]`);
  return `{"qubits":${r.qubits},"statevector":[${parts.join(",")}]}`;
}

function num(x: number): string {
  return Object.is(x, -0) ? "0" : JSON.stringify(x);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** The one-line header of the readable output. */
export function header(r: RunReport, file: string): string {
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? "" : "s"}`;
  return `${file}: ${plural(r.qubits, "qubit")}, ${plural(r.clbits, "clbit")}, ${plural(r.shots, "shot")}, seed ${r.seed}, ${r.method}, ${formatMs(r.timeMs)}${r.threads === undefined ? "" : `, ${plural(r.threads, "thread")}`}`;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

const BAR_WIDTH = 40;

/** Outcomes sorted by count (then key), top `limit` rows with count, probability and a bar, then "(N more)". */
export function countsTable(
  counts: Record<string, number>,
  shots: number,
  limit = 32,
): string[] {
  const rows = Object.entries(counts).sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  );
  if (rows.length === 0) return ["(no outcomes)"];
  const shown = rows.slice(0, limit);
  const max = shown[0][1];
  const keyW = Math.max("outcome".length, ...shown.map(([k]) => k.length));
  const countW = Math.max(
    "count".length,
    ...shown.map(([, v]) => String(v).length),
  );
  const lines = [
    `${"outcome".padEnd(keyW)}  ${"count".padStart(countW)}  probability`,
  ];
  for (const [k, v] of shown) {
    const p = shots > 0 ? v / shots : 0;
    const bar = "█".repeat(
      Math.max(v > 0 ? 1 : 0, Math.round((v / max) * BAR_WIDTH)),
    );
    lines.push(
      `${k.padEnd(keyW)}  ${String(v).padStart(countW)}  ${p.toFixed(4).padStart(11)}  ${bar}`,
    );
  }
  if (rows.length > limit) lines.push(`(${rows.length - limit} more)`);
  return lines;
}

/** Non-negligible amplitudes in index order (qubit n-1 leftmost), at most `limit` rows, then "(N more)". */
export function statevectorTable(
  sv: Float64Array,
  n: number,
  limit = 64,
): string[] {
  const lines = [
    `${"basis".padEnd(Math.max(5, n))}  ${"re".padStart(12)}  ${"im".padStart(12)}  probability`,
  ];
  let shown = 0;
  let more = 0;
  for (let i = 0; i < sv.length / 2; i++) {
    const re = sv[2 * i];
    const im = sv[2 * i + 1];
    const p = re * re + im * im;
    if (p < 1e-20) continue;
    if (shown >= limit) {
      more++;
      continue;
    }
    shown++;
    const key = i.toString(2).padStart(n, "0");
    lines.push(
      `${key.padEnd(Math.max(5, n))}  ${re.toFixed(8).padStart(12)}  ${im.toFixed(8).padStart(12)}  ${p.toFixed(6).padStart(11)}`,
    );
  }
  if (more > 0) lines.push(`(${more} more)`);
  return lines;
}
