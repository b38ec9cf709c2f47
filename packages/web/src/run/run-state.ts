/**
 * The state of a run as a pure reducer, shared by the project run panel (a server job) and the
 * scratch workbench (a run in this browser): submitting, following the run (status, progress, how
 * updates arrive), the final outcome, cancelling, and errors of requests (shown as messages).
 */
import {
  isTerminal,
  type Job,
  type JobResult,
  type JobStatus,
  type StepFaultApiError,
} from "@stepfault/sdk";

/** What the state needs of a run: a server `Job`, or a simulation in this browser. */
export interface RunJob {
  readonly id: string;
  readonly status: JobStatus;
  /** 0..1 */
  readonly progress: number;
  readonly result: JobResult | null;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** Where a run stands. */
export type RunPhase = "idle" | "submitting" | "active" | "done";

/** The state of a run panel. */
export interface RunState<J extends RunJob = Job> {
  readonly phase: RunPhase;
  /** The job being followed or the last finished one. */
  readonly job: J | null;
  /** Latest status (the stream may report it before the full job arrives). */
  readonly status: JobStatus | null;
  /** 0..1 */
  readonly progress: number;
  readonly transport: "stream" | "polling" | null;
  readonly cancelling: boolean;
  /** A request that failed (submit, follow, cancel), as a readable error. */
  readonly error: StepFaultApiError | null;
}

/** Everything that changes the state. */
export type RunAction<J extends RunJob = Job> =
  | { readonly type: "submit" }
  | { readonly type: "submitted"; readonly job: J }
  | { readonly type: "job"; readonly job: J }
  | { readonly type: "status"; readonly status: JobStatus }
  | { readonly type: "progress"; readonly fraction: number }
  | { readonly type: "transport"; readonly transport: "stream" | "polling" }
  | { readonly type: "cancel" }
  | { readonly type: "error"; readonly error: StepFaultApiError }
  | { readonly type: "watchStopped" }
  | { readonly type: "clear" };

/** The state before anything ran. */
export const INITIAL_RUN: RunState<never> = {
  phase: "idle",
  job: null,
  status: null,
  progress: 0,
  transport: null,
  cancelling: false,
  error: null,
};

const clamp01 = (x: number) =>
  Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;

/** The next state. Updates about another job than the current one are ignored. */
export function runReducer<J extends RunJob = Job>(
  state: RunState<J>,
  action: RunAction<J>,
): RunState<J> {
  switch (action.type) {
    case "submit":
      if (state.phase === "submitting" || state.phase === "active")
        return state;
      return { ...INITIAL_RUN, phase: "submitting", job: state.job };
    case "submitted":
      return {
        ...INITIAL_RUN,
        phase: isTerminal(action.job.status) ? "done" : "active",
        job: action.job,
        status: action.job.status,
        progress: clamp01(action.job.progress),
      };
    case "job": {
      if (state.job && state.job.id !== action.job.id) return state;
      const done = isTerminal(action.job.status);
      return {
        ...state,
        phase: done ? "done" : "active",
        job: action.job,
        status: action.job.status,
        // Progress never goes back while a job runs; a succeeded job is complete.
        progress:
          action.job.status === "succeeded"
            ? 1
            : Math.max(
                state.job?.id === action.job.id ? state.progress : 0,
                clamp01(action.job.progress),
              ),
        cancelling: done ? false : state.cancelling,
      };
    }
    case "status":
      if (state.phase !== "active") return state;
      return { ...state, status: action.status };
    case "progress":
      if (state.phase !== "active") return state;
      return {
        ...state,
        progress: Math.max(state.progress, clamp01(action.fraction)),
      };
    case "transport":
      return { ...state, transport: action.transport };
    case "cancel":
      if (state.phase !== "active") return state;
      return { ...state, cancelling: true, error: null };
    case "error":
      return {
        ...state,
        // A failed submit leaves nothing running; a failed cancel or follow keeps the job.
        phase: state.phase === "submitting" ? "idle" : state.phase,
        cancelling: false,
        error: action.error,
      };
    case "watchStopped":
      return { ...state, transport: null };
    case "clear":
      // Forget a finished run (e.g. its circuit was refused since); a running one stays.
      return state.phase === "active" || state.phase === "submitting"
        ? state
        : INITIAL_RUN;
  }
}

/** 0.42 -> "42%"; below 10 % one decimal, so a slow start does not read as "0%". */
export function percent(fraction: number): string {
  const p = fraction * 100;
  return p > 0 && p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/** The badge's tone: a refused submission reads as a failure, never as the last job's status. */
export function statusTone(state: RunState<RunJob>): string {
  if (state.phase === "idle") return state.error ? "failed" : "idle";
  return state.status ?? "idle";
}

/** A short line for the status of a run. */
export function statusText(state: RunState<RunJob>): string {
  switch (state.phase) {
    case "idle":
      // Back to idle with an error: the server refused the submission (nothing ran).
      if (state.error) return "Refused";
      return state.job ? "" : "Not run yet";
    case "submitting":
      return "Submitting…";
    case "active":
      if (state.cancelling) return "Cancelling…";
      if (state.status === "queued") return "Queued";
      return `Running ${percent(state.progress)}`;
    case "done":
      switch (state.status) {
        case "succeeded":
          return "Succeeded";
        case "failed":
          return "Failed";
        case "cancelled":
          return "Cancelled";
        default:
          return "";
      }
  }
}
