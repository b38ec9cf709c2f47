/**
 * A VQE or QAOA run, live: status, the convergence chart (energy or cost against iteration, with
 * the exact ground energy or the optimum as a reference line when the server could compute it),
 * the parameters' traces, and the final result; for QAOA the graph with the best cut coloured.
 * The history comes from the SDK's iteration iterator, which replays every stored iteration
 * before following the live stream, so a reload shows the whole run.
 */
import { useEffect, useState } from "react";
import type {
  Iteration,
  StepFaultClient,
  VariationalJob,
} from "@stepfault/sdk";
import { Link } from "../app/router.tsx";
import { GraphView } from "./GraphView.tsx";
import { LineChart } from "./LineChart.tsx";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
/** Parameters drawn in the traces chart (the rest are listed in the result). */
const MAX_TRACES = 12;

/** How each stop reason reads in the result (only "converged" means the optimiser converged). */
const STOP_REASONS: Record<string, string> = {
  converged: "converged",
  maxIterations: "iteration limit reached, not converged",
  cancelled: "cancelled",
};

/** Props of RunView. */
export interface RunViewProps {
  readonly sdk: StepFaultClient;
  readonly projectId: string;
  readonly jobId: string;
  readonly canCancel: boolean;
}

function num(v: number | null | undefined, digits = 6): string {
  return v === null || v === undefined
    ? "n/a"
    : Number(v.toFixed(digits)).toString();
}

/** The run. */
export function RunView({ sdk, projectId, jobId, canCancel }: RunViewProps) {
  const [job, setJob] = useState<VariationalJob | null>(null);
  const [history, setHistory] = useState<Iteration[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState(false);

  useEffect(() => {
    const ac = new AbortController();
    setJob(null);
    setHistory([]);
    setError(null);
    void (async () => {
      try {
        const first = await sdk.variational.get(jobId);
        if (ac.signal.aborted) return;
        setJob(first);
        if (!TERMINAL.has(first.status) || first.result === null) {
          for await (const it of sdk.variational.iterations(jobId, {
            signal: ac.signal,
          }))
            setHistory((h) =>
              h.length > 0 && h[h.length - 1].iteration >= it.iteration
                ? h
                : [...h, it],
            );
          if (ac.signal.aborted) return;
        }
        const last = await sdk.variational.get(jobId);
        if (ac.signal.aborted) return;
        setJob(last);
        if (last.result) setHistory(last.result.history);
      } catch (err) {
        if (!ac.signal.aborted) setError((err as Error).message);
      }
    })();
    return () => ac.abort();
  }, [sdk, jobId]);

  if (error && !job)
    return (
      <p role="alert" className="notice error">
        {error}
      </p>
    );
  if (!job)
    return (
      <p className="loading" role="status">
        Loading the run…
      </p>
    );
  const info = job.variational;
  const qaoa = info?.qaoa;
  const exact = info?.exactEnergy ?? null;
  const names = info?.parameters ?? [];
  const r = job.result;
  const running = !TERMINAL.has(job.status);
  const status = running
    ? `${job.status} · iteration ${history.at(-1)?.iteration ?? "–"}`
    : job.status;
  const energyName = qaoa ? "cost ⟨C⟩" : "energy";

  const cancel = async () => {
    setCancelling(true);
    try {
      await sdk.jobs.cancel(jobId);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setCancelling(false);
    }
  };

  return (
    <section
      className="variational-run"
      aria-labelledby="run-h"
      data-job={jobId}
      data-status={job.status}
    >
      <h2 id="run-h">
        {job.kind === "qaoa" ? "QAOA" : "VQE"} run{" "}
        <Link
          href={`/projects/${projectId}/jobs/${jobId}`}
          className="mono small"
        >
          job {jobId.slice(0, 8)}
        </Link>
      </h2>
      <p>
        <span
          className={`job-status ${job.status}`}
          role="status"
          aria-live="polite"
        >
          {status}
        </span>{" "}
        {info && (
          <span className="muted">
            {info.optimizer.name}, {names.length} parameter
            {names.length === 1 ? "" : "s"},{" "}
            {info.shots === null
              ? "exact expectation values"
              : `${info.shots} shots per evaluation`}
          </span>
        )}{" "}
        {running && canCancel && (
          <button
            type="button"
            className="danger"
            disabled={cancelling}
            onClick={() => void cancel()}
          >
            {cancelling ? "Cancelling…" : "Cancel"}
          </button>
        )}
      </p>
      {error && (
        <p role="alert" className="notice error">
          {error}
        </p>
      )}
      {job.status === "failed" && (
        <p role="alert" className="notice error">
          The run failed: {job.error?.message ?? "no reason was given"}
          {job.error?.code ? ` (${job.error.code})` : ""}
        </p>
      )}
      <div className="variational-charts">
        <LineChart
          title={`Convergence: ${energyName} against iteration`}
          xLabel="iteration"
          yLabel={energyName}
          series={[
            {
              name: energyName,
              points: history.map((h) => [h.iteration, h.energy] as const),
            },
          ]}
          references={
            exact === null
              ? []
              : [
                  {
                    label: qaoa ? "optimum (−max cut)" : "exact ground energy",
                    y: exact,
                  },
                ]
          }
        />
        <LineChart
          title="Parameters against iteration"
          xLabel="iteration"
          yLabel="value (rad)"
          series={names.slice(0, MAX_TRACES).map((n, k) => ({
            name: n,
            points: history.map((h) => [h.iteration, h.parameters[k]] as const),
          }))}
        />
      </div>
      {exact === null && info && (
        <p className="muted small">
          No reference line: the problem is too large to diagonalise exactly on
          the server.
        </p>
      )}
      {r && (
        <section aria-labelledby="final-h" className="variational-result">
          <h3 id="final-h">
            {job.status === "cancelled"
              ? "Best point before the cancel"
              : "Result"}
          </h3>
          <dl className="facts" aria-label="Variational result">
            <dt>{qaoa ? "Best cost ⟨C⟩" : "Energy"}</dt>
            <dd className="mono" data-testid="final-energy">
              {num(r.energy, 8)}
            </dd>
            {r.exactEnergy !== null && (
              <>
                <dt>{qaoa ? "Optimum" : "Exact ground energy"}</dt>
                <dd className="mono">{num(r.exactEnergy, 8)}</dd>
                <dt>Difference</dt>
                <dd className="mono">
                  {(r.energy - r.exactEnergy).toExponential(3)}
                </dd>
              </>
            )}
            <dt>Stopped</dt>
            <dd data-testid="stop-reason">
              {STOP_REASONS[r.reason] ?? r.reason}
              {r.detail ? ` (${r.detail})` : ""}
            </dd>
            <dt>Iterations / evaluations</dt>
            <dd>
              {r.iterations} / {r.evaluations}
            </dd>
            <dt>Time</dt>
            <dd>
              {(r.timing.wallMs / 1000).toFixed(2)} s (
              {(r.timing.simulateMs / 1000).toFixed(2)} s simulating)
            </dd>
          </dl>
          {qaoa && r.bestBitstring !== undefined && (
            <div className="qaoa-result">
              <GraphView
                graph={{
                  nodes: qaoa.problem.nodes ?? r.bestBitstring.length,
                  edges: (qaoa.problem.edges ?? []).map((e) =>
                    e.length === 3
                      ? ([e[0], e[1], e[2]] as const)
                      : ([e[0], e[1]] as const),
                  ),
                }}
                bitstring={r.bestBitstring}
                label={`Best cut ${r.bestBitstring}`}
              />
              <dl className="facts" aria-label="Cut">
                <dt>Best sampled bitstring</dt>
                <dd className="mono">{r.bestBitstring}</dd>
                {r.bestCut !== undefined && (
                  <>
                    <dt>Its cut</dt>
                    <dd data-testid="best-cut">{r.bestCut}</dd>
                    <dt>Expected cut</dt>
                    <dd>{num(r.expectedCut, 4)}</dd>
                    <dt>Maximum cut</dt>
                    <dd>{r.maxCut ?? "not computed (too many nodes)"}</dd>
                    <dt>Approximation ratio</dt>
                    <dd>{num(r.approximationRatio, 4)}</dd>
                  </>
                )}
              </dl>
              {r.topBitstrings && (
                <table className="top-bitstrings">
                  <caption>
                    Most sampled bitstrings ({r.sampleShots} shots)
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">bitstring</th>
                      <th scope="col">count</th>
                      <th scope="col">cut</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.topBitstrings.map((b) => (
                      <tr key={b.bitstring}>
                        <td className="mono">{b.bitstring}</td>
                        <td>{b.count}</td>
                        <td>{b.cut ?? b.cost}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          )}
          <table className="final-parameters">
            <caption>Parameters at the best point</caption>
            <thead>
              <tr>
                <th scope="col">input</th>
                <th scope="col">value (rad)</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(r.parameters).map(([n, v]) => (
                <tr key={n}>
                  <td className="mono">{n}</td>
                  <td className="mono">{num(v, 6)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </section>
  );
}
