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
  type RunJob,
  type RunState,
} from "./run-state.ts";

const ResultView = lazy(() => import("./ResultView.tsx"));

/** The status badge of a run panel's header. */
export function RunStatus({ state }: { state: RunState<RunJob> }) {
  const job = state.job;
  return (
    <span
      className={`status run-status ${state.status ?? "idle"}`}
      role="status"
      aria-live="polite"
    >
      {statusText(state) || (job ? job.status : "Not run yet")}
    </span>
  );
}

/** Progress, outcome message and result of a run; `children` go just above the result. */
export function RunOutcome({
  state,
  noun,
  local = false,
  children,
}: {
  state: RunState<RunJob>;
  /** "job" on the server, "run" in the browser. */
  noun: string;
  /** The run happened in this browser (no queue). */
  local?: boolean;
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
      {children}
      {done && job.result && (
        <Suspense fallback={<Loading what="Loading charts" />}>
          <ResultView result={job.result} local={local} />
        </Suspense>
      )}
    </>
  );
}
