/**
 * A succeeded job's result: run facts (timing, sweeps, seed used), the counts histogram, the
 * probability table and, for small circuits, the statevector. Loaded lazily with the charts.
 */
import type { JobResult } from "@stepfault/sdk";
import { Histogram } from "../histogram/Histogram.tsx";
import { ProbabilityTable } from "./ProbabilityTable.tsx";
import { countsCsv, countsJson, download } from "./export.ts";
import { StatevectorView } from "./StatevectorView.tsx";

/** "12.3 ms", "1.52 s". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/** "512 B", "16.0 KiB", "1.00 GiB". */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

/** The result view component; `local` results ran in this browser (no queue). */
export function ResultView({
  result,
  local = false,
  ideal,
}: {
  result: JobResult;
  local?: boolean;
  /** Counts of the ideal run (same program, shots and seed, without noise), overlaid. */
  ideal?: Readonly<Record<string, number>>;
}) {
  const t = result.timing;
  return (
    <div className="result-view">
      {Object.keys(result.counts).length > 0 ? (
        <div className="result-charts">
          <Histogram
            counts={result.counts}
            topN={32}
            topNChoices={[16, 32, 64, 128]}
            {...(ideal
              ? {
                  reference: ideal,
                  title: "Noisy and ideal counts",
                  label: `noisy (${result.method.replace("_", " ")})`,
                  referenceLabel: "ideal",
                }
              : {})}
          />
          <ProbabilityTable counts={result.counts} />
          <div
            className="result-export"
            role="group"
            aria-label="Export counts"
          >
            <button
              type="button"
              onClick={() =>
                download("counts.csv", countsCsv(result.counts), "text/csv")
              }
            >
              Counts CSV
            </button>
            <button
              type="button"
              onClick={() =>
                download(
                  "counts.json",
                  countsJson(result.counts),
                  "application/json",
                )
              }
            >
              Counts JSON
            </button>
          </div>
        </div>
      ) : (
        <p className="muted">
          The circuit measures nothing, so there are no counts.
        </p>
      )}
      <dl className="facts run-facts" aria-label="Run details">
        {local ? (
          <>
            <dt>Ran in</dt>
            <dd>this browser</dd>
          </>
        ) : (
          <>
            <dt>Queue wait</dt>
            <dd>{duration(t.queueWaitMs)}</dd>
          </>
        )}
        <dt>Compile</dt>
        <dd>{duration(t.compileMs)}</dd>
        <dt>Simulate</dt>
        <dd>{duration(t.simulateMs)}</dd>
        <dt>Fused sweeps</dt>
        <dd>{result.sweeps}</dd>
        <dt>Method</dt>
        <dd>{result.method}</dd>
        {result.threads !== undefined && (
          <>
            <dt>Threads</dt>
            <dd>{result.threads}</dd>
          </>
        )}
        <dt>Seed used</dt>
        <dd className="mono">{result.seed}</dd>
        <dt>Qubits / bits</dt>
        <dd>
          {result.qubits} / {result.clbits}
        </dd>
        <dt>Peak memory</dt>
        <dd>{bytes(result.peakMemoryBytes)}</dd>
      </dl>
      {result.statevector && result.statevector.length > 0 && (
        <StatevectorView state={result.statevector} />
      )}
    </div>
  );
}

export default ResultView;
