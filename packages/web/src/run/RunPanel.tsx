/**
 * The run panel of a circuit: shots, seed and precision; Run submits a job (the saved revision, or
 * the editor text inline when it has unsaved changes), shows live status and progress from the
 * event stream (polling when the stream is unavailable), cancel while it runs, then the result
 * (histogram, probabilities, statevector; loaded lazily) or the failure message.
 */
import {
  lazy,
  Suspense,
  useEffect,
  useId,
  useMemo,
  useRef,
  useState,
  type FormEvent,
} from "react";
import type { ServerDiagnostic } from "../api/endpoints.ts";
import {
  jobsApi,
  type JobsApi,
  type Precision,
  type SubmitJob,
} from "../api/jobs.ts";
import { useSession } from "../api/session.tsx";
import { Link } from "../app/router.tsx";
import { ErrorAlert, Loading, when } from "../pages/ui.tsx";
import { percent, statusText } from "./run-state.ts";
import { useRun } from "./useRun.ts";
import "./run.css";

const ResultView = lazy(() => import("./ResultView.tsx"));

/** What to run: a saved circuit revision, or inline source when the editor has unsaved changes. */
export interface RunTarget {
  readonly circuitId?: string;
  readonly revision?: number;
  readonly source: string;
  /** The editor text differs from the revision: submit the text itself. */
  readonly unsaved: boolean;
}

/** Checked form values, or the first problem as a message. */
export function parseRunForm(form: {
  shots: string;
  seed: string;
  precision: string;
}):
  | { ok: true; value: Pick<SubmitJob, "shots" | "seed" | "precision"> }
  | { ok: false; field: "shots" | "seed"; message: string } {
  const shots = Number(form.shots);
  if (!/^\s*\d+\s*$/.test(form.shots) || shots < 1 || shots > 1_000_000)
    return {
      ok: false,
      field: "shots",
      message: "Shots must be a whole number from 1 to 1,000,000.",
    };
  let seed: number | undefined;
  if (form.seed.trim() !== "") {
    seed = Number(form.seed);
    if (!/^\s*\d+\s*$/.test(form.seed) || seed > 4294967295)
      return {
        ok: false,
        field: "seed",
        message:
          "Seed must be a whole number from 0 to 4294967295, or empty for a random one.",
      };
  }
  const precision: Precision =
    form.precision === "single" ? "single" : "double";
  return {
    ok: true,
    value: { shots, precision, ...(seed !== undefined ? { seed } : {}) },
  };
}

/** The run panel component. `jobs` may be passed by tests; `pollMs` tunes the polling fallback. */
export function RunPanel({
  projectId,
  target,
  canRun = true,
  jobs: given,
  pollMs,
}: {
  projectId: string;
  target: RunTarget;
  canRun?: boolean;
  jobs?: JobsApi;
  pollMs?: number;
}) {
  const { client } = useSession();
  const jobs = useMemo(() => given ?? jobsApi(client), [given, client]);
  const run = useRun(jobs, { pollMs });
  const { state } = run;
  const [restoredId, setRestoredId] = useState<string | null>(null);
  const circuitId = target.circuitId;
  const { follow } = run;
  const phaseRef = useRef(state.phase);
  phaseRef.current = state.phase;
  // Reopening a circuit shows its last run (still followed if it runs), unless a run has started.
  useEffect(() => {
    if (!circuitId) return;
    let live = true;
    Promise.resolve()
      .then(() => jobs.list(projectId, { circuitId, limit: 1 }))
      // Lists carry a summary only: the full job has the counts (and record).
      .then((page) => {
        const last = page?.items[0];
        return live && last ? jobs.get(last.id) : undefined;
      })
      .then(
        (last) => {
          if (!live || !last || phaseRef.current !== "idle") return;
          setRestoredId(last.id);
          follow(last);
        },
        () => undefined, // best effort: the panel works without it
      );
    return () => {
      live = false;
    };
  }, [circuitId, follow, jobs, projectId]);
  const id = useId();
  const [shots, setShots] = useState("1000");
  const [seed, setSeed] = useState("");
  const [precision, setPrecision] = useState<Precision>("double");
  const [invalid, setInvalid] = useState<{
    field: "shots" | "seed";
    message: string;
  } | null>(null);
  const active = state.phase === "active" || state.phase === "submitting";

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseRunForm({ shots, seed, precision });
    if (!parsed.ok) {
      setInvalid(parsed);
      return;
    }
    setInvalid(null);
    const what: Partial<SubmitJob> =
      target.unsaved || !target.circuitId
        ? { source: target.source }
        : {
            circuitId: target.circuitId,
            ...(target.revision !== undefined
              ? { revision: target.revision }
              : {}),
          };
    void run.submit(projectId, { ...what, ...parsed.value });
  };

  const job = state.job;
  const restored = job !== null && job.id === restoredId;
  const diags = (state.error?.problem.diagnostics ?? []) as ServerDiagnostic[];
  const status = statusText(state);
  return (
    <section className="panel run-panel" aria-labelledby={`${id}-h`}>
      <header className="panel-head">
        <h2 id={`${id}-h`}>Run</h2>
        <span
          className={`status run-status ${state.status ?? "idle"}`}
          role="status"
          aria-live="polite"
        >
          {status || (job ? job.status : "Not run yet")}
        </span>
        {state.transport === "polling" && state.phase === "active" && (
          <span className="muted small">live updates unavailable; polling</span>
        )}
      </header>
      <form className="run-form" onSubmit={onSubmit} noValidate>
        <div className="run-field">
          <label htmlFor={`${id}-shots`}>Shots</label>
          <input
            id={`${id}-shots`}
            name="shots"
            type="number"
            inputMode="numeric"
            min={1}
            max={1_000_000}
            step={1}
            required
            value={shots}
            aria-invalid={invalid?.field === "shots" || undefined}
            aria-describedby={
              invalid?.field === "shots" ? `${id}-err` : undefined
            }
            onChange={(e) => setShots(e.target.value)}
          />
        </div>
        <div className="run-field">
          <label htmlFor={`${id}-seed`}>Seed</label>
          <input
            id={`${id}-seed`}
            name="seed"
            type="number"
            inputMode="numeric"
            min={0}
            max={4294967295}
            step={1}
            placeholder="random"
            value={seed}
            aria-invalid={invalid?.field === "seed" || undefined}
            aria-describedby={
              invalid?.field === "seed" ? `${id}-err` : undefined
            }
            onChange={(e) => setSeed(e.target.value)}
          />
        </div>
        <div className="run-field">
          <label htmlFor={`${id}-precision`}>Precision</label>
          <select
            id={`${id}-precision`}
            name="precision"
            value={precision}
            onChange={(e) => setPrecision(e.target.value as Precision)}
          >
            <option value="double">double</option>
            <option value="single">single</option>
          </select>
        </div>
        <div className="run-buttons">
          <button
            type="submit"
            className="primary"
            disabled={!canRun || active}
          >
            {state.phase === "submitting" ? "Submitting…" : "Run"}
          </button>
          {state.phase === "active" && (
            <button
              type="button"
              className="danger"
              disabled={state.cancelling}
              onClick={() => void run.cancel()}
            >
              {state.cancelling ? "Cancelling…" : "Cancel"}
            </button>
          )}
        </div>
      </form>
      <p className="muted small run-what">
        {!canRun
          ? "Viewers cannot run circuits in this project."
          : target.unsaved || !target.circuitId
            ? "Runs the editor text as it is now (not yet saved)."
            : `Runs revision ${target.revision ?? "current"} as saved.`}
      </p>
      {invalid && (
        <p id={`${id}-err`} role="alert" className="notice error">
          {invalid.message}
        </p>
      )}
      <ErrorAlert error={state.error} />
      {diags.length > 0 && (
        <ul className="server-diags" aria-label="Run diagnostics">
          {diags.map((d, i) => (
            <li key={i}>
              {d.line}:{d.column} {d.message}
            </li>
          ))}
        </ul>
      )}
      {state.phase === "active" && (
        <div className="run-progress">
          <progress
            max={1}
            value={state.status === "queued" ? undefined : state.progress}
            aria-label="Job progress"
          />
          <span className="muted small">
            {state.status === "queued"
              ? "waiting for a worker"
              : percent(state.progress)}
          </span>
        </div>
      )}
      {job && state.phase === "done" && job.status === "failed" && (
        <p role="alert" className="notice error job-error">
          The job failed: {job.error?.message ?? "no reason was given"}
          {job.error?.code ? ` (${job.error.code})` : ""}
        </p>
      )}
      {job && state.phase === "done" && job.status === "cancelled" && (
        <p className="notice">The job was cancelled.</p>
      )}
      {restored && job && (
        <p className="muted small">
          Last run: revision {job.circuitRevision ?? "?"},{" "}
          {job.shots.toLocaleString("en")} shots, {when(job.createdAt)}.
        </p>
      )}
      <p className="small">
        {job && (
          <>
            <Link href={`/projects/${projectId}/jobs/${job.id}`}>
              Open job {job.id.slice(0, 8)}
            </Link>{" "}
            ·{" "}
          </>
        )}
        <Link href={`/projects/${projectId}/jobs`}>All jobs</Link>
      </p>
      {job?.result && state.phase === "done" && (
        <Suspense fallback={<Loading what="Loading charts" />}>
          <ResultView result={job.result} />
        </Suspense>
      )}
    </section>
  );
}
