/**
 * What a run panel shows about a run, shared by the project run panel (server jobs) and the
 * scratch workbench (runs in this browser): the status line, the progress bar while it runs, the
 * failure or cancel message, and the result (histogram, probabilities, statevector; lazy).
 */
import { lazy, Suspense, type ReactNode } from "react";
import { Loading } from "../pages/ui.tsx";
import {
  percent,
  statusText,
  statusTone,
  type RunJob,
  type RunState,
} from "./run-state.ts";

const ResultView = lazy(() => import("./ResultView.tsx"));

/**
 * The status badge of a run panel's header. `outdated`: the text changed since the run shown, so
 * the badge says the result is of an earlier version instead of vouching for the text on screen.
 */
export function RunStatus({
  state,
  outdated = false,
}: {
  state: RunState<RunJob>;
  outdated?: boolean;
}) {
  const job = state.job;
  const text = statusText(state) || (job ? job.status : "Not run yet");
  const old = outdated && state.phase === "done";
  return (
    <span
      className={`status run-status ${old ? "outdated" : statusTone(state)}`}
      role="status"
      aria-live="polite"
    >
      {old ? `${text} (earlier version)` : text}
    </span>
  );
}

/** Progress, outcome message and result of a run; `children` go just above the result. */
export function RunOutcome({
  state,
  noun,
  local = false,
  outdated = false,
  ideal,
  children,
}: {
  state: RunState<RunJob>;
  /** "job" on the server, "run" in the browser. */
  noun: string;
  /** The run happened in this browser (no queue). */
  local?: boolean;
  /** The text changed since this run: its result is shown as of an earlier version. */
  outdated?: boolean;
  /** Counts of the ideal run of a noisy job, drawn over its histogram. */
  ideal?: Readonly<Record<string, number>>;
  children?: ReactNode;
}) {
  const job = state.job;
  const done = job !== null && state.phase === "done";
  return (
    <>
      {state.phase === "active" && (
        <div className="run-progress">
          <progress
            max={1}
            value={state.status === "queued" ? undefined : state.progress}
            aria-label={`${noun[0].toUpperCase()}${noun.slice(1)} progress`}
          />
          <span className="muted small">
            {state.status === "queued"
              ? "waiting for a worker"
              : percent(state.progress)}
          </span>
        </div>
      )}
      {done && job.status === "failed" && (
        <p role="alert" className="notice error job-error">
          The {noun} failed: {job.error?.message ?? "no reason was given"}
          {job.error?.code ? ` (${job.error.code})` : ""}
        </p>
      )}
      {done && job.status === "cancelled" && (
        <p className="notice">The {noun} was cancelled.</p>
      )}
      {done && outdated && (
        <p className="notice run-outdated" role="status">
          {job.status === "succeeded"
            ? `This result is of an earlier version of the circuit: the text changed since. Run again to see the current one.`
            : `This ${noun} was of an earlier version of the circuit: the text changed since.`}
        </p>
      )}
      {children}
      {done && job.result && (
        <div className={outdated ? "run-result outdated" : "run-result"}>
          <Suspense fallback={<Loading what="Loading charts" />}>
            <ResultView result={job.result} local={local} ideal={ideal} />
          </Suspense>
        </div>
      )}
    </>
  );
}
