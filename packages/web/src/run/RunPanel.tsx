/**
 * The run panel of a circuit: shots, seed and precision; Run submits a job (the saved revision, or
 * the editor text inline when it has unsaved changes), shows live status and progress from the
 * event stream (polling when the stream is unavailable), cancel while it runs, then the result
 * (histogram, probabilities, statevector; loaded lazily) or the failure message.
 */
import { useEffect, useId, useRef, useState } from "react";
import type { Diagnostic } from "@stepfault/sdk";
import type { Job, SampleJobBody } from "@stepfault/sdk";
import { useSession } from "../api/session.tsx";
import { Link } from "../app/router.tsx";
import { ErrorAlert, when } from "../pages/ui.tsx";
import { RunForm, type RunOptions } from "./RunForm.tsx";
import { RunOutcome, RunStatus } from "./RunOutcome.tsx";
import { lastRunOf, useRun } from "./useRun.ts";
import { useLocalRun } from "./useLocalRun.ts";
import { LOCAL_MAX_QUBITS } from "./local-limits.ts";
import {
  INITIAL_NOISE,
  NoisePanel,
  noiseRequest,
  type NoiseSettings,
} from "./NoisePanel.tsx";
import "./run.css";

export { parseRunForm } from "./RunForm.tsx";

/** What to run: a saved circuit revision, or inline source when the editor has unsaved changes. */
export interface RunTarget {
  readonly circuitId?: string;
  readonly revision?: number;
  readonly source: string;
  /** The editor text differs from the revision: submit the text itself. */
  readonly unsaved: boolean;
}

/**
 * The run panel component. `lastRun` is the circuit's last job when the page has fetched it
 * (alongside its other requests); left out, the panel asks for it. `pollMs` tunes the polling
 * fallback.
 */
export function RunPanel({
  projectId,
  target,
  canRun = true,
  lastRun,
  pollMs,
}: {
  projectId: string;
  target: RunTarget;
  canRun?: boolean;
  lastRun?: Job | null;
  pollMs?: number;
}) {
  const { jobs } = useSession().sdk;
  const run = useRun(jobs, pollMs !== undefined ? { pollMs } : {});
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
    (lastRun !== undefined
      ? Promise.resolve(lastRun)
      : lastRunOf(jobs, projectId, circuitId)
    ).then(
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
  }, [circuitId, follow, jobs, projectId, lastRun]);
  const id = useId();
  // The source of the run shown when this panel submitted it (a restored run has its revision).
  const [ranSource, setRanSource] = useState<string | null>(null);
  const [noise, setNoise] = useState<NoiseSettings>(INITIAL_NOISE);
  const [noiseProblem, setNoiseProblem] = useState<ReturnType<
    typeof noiseRequest
  > | null>(null);
  // Under noise, the ideal run of the same program (same shots and seed) runs in this browser
  // when the job has succeeded, and its counts are drawn over the noisy histogram.
  const ideal = useLocalRun();
  const wantIdeal = useRef(false);
  const { run: runIdeal, clear: clearIdeal } = ideal;
  useEffect(() => {
    const j = state.job;
    if (
      !wantIdeal.current ||
      state.phase !== "done" ||
      j === null ||
      j.status !== "succeeded" ||
      !j.result
    )
      return;
    wantIdeal.current = false;
    if (j.result.qubits > LOCAL_MAX_QUBITS) return;
    runIdeal({
      source: j.record?.source ?? target.source,
      shots: j.shots,
      seed: j.seed,
      precision: j.precision === "single" ? "single" : "double",
      ideal: true,
    });
  }, [state.phase, state.job, runIdeal, target.source]);

  const onRun = (options: RunOptions) => {
    const n = noiseRequest(noise);
    if (!n.ok) {
      setNoiseProblem(n);
      return;
    }
    setNoiseProblem(null);
    clearIdeal();
    wantIdeal.current =
      n.value.noise !== undefined || n.value.noiseModelId !== undefined;
    const what: Partial<SampleJobBody> =
      target.unsaved || !target.circuitId
        ? { source: target.source }
        : {
            circuitId: target.circuitId,
            ...(target.revision !== undefined
              ? { revision: target.revision }
              : {}),
          };
    setRanSource(target.source);
    void run.submit(projectId, { ...what, ...options, ...n.value });
  };

  const job = state.job;
  const restored = job !== null && job.id === restoredId;
  const outdated =
    job !== null &&
    (restored
      ? target.unsaved || job.circuitRevision !== target.revision
      : ranSource !== target.source);
  const diags = (state.error?.problem.diagnostics ?? []) as Diagnostic[];
  return (
    <section className="panel run-panel" aria-labelledby={`${id}-h`}>
      <header className="panel-head">
        <h2 id={`${id}-h`}>Run</h2>
        <RunStatus state={state} outdated={outdated} />
        {state.transport === "polling" && state.phase === "active" && (
          <span className="muted small">live updates unavailable; polling</span>
        )}
      </header>
      <RunForm
        id={id}
        onRun={onRun}
        onCancel={() => void run.cancel()}
        canRun={canRun}
        phase={state.phase}
        cancelling={state.cancelling}
      >
        <p className="muted small run-what">
          {!canRun
            ? "Viewers cannot run circuits in this project."
            : target.unsaved || !target.circuitId
              ? "Runs the editor text as it is now (not yet saved)."
              : `Runs revision ${target.revision ?? "current"} as saved.`}
        </p>
        <NoisePanel
          id={`${id}-noise`}
          projectId={projectId}
          value={noise}
          onChange={setNoise}
          invalid={
            noiseProblem && !noiseProblem.ok ? noiseProblem.field : undefined
          }
        />
        {noiseProblem && !noiseProblem.ok && (
          <p role="alert" className="notice error">
            {noiseProblem.message}
          </p>
        )}
      </RunForm>
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
      <RunOutcome
        state={state}
        noun="job"
        outdated={outdated}
        ideal={ideal.state.job?.result?.counts}
      >
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
      </RunOutcome>
    </section>
  );
}
