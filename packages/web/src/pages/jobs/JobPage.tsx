/**
 * One job: status (followed live while it runs), cancel, the failure message, the noise it ran
 * with and the method used, the reproducible record (source, seed used, options, StepFault
 * version) and the result; under noise the ideal counts (same source, shots and seed, run in this
 * browser) are drawn over the noisy histogram, as on the run panel. "Run again" submits every
 * field the job ran with again (the SDK's `jobs.rerun`), so the counts come out the same.
 */
import { lazy, Suspense, useEffect } from "react";
import { isTerminal, rerunBody, type Job, type Project } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link, navigate } from "../../app/router.tsx";
import { LOCAL_MAX_QUBITS } from "../../run/local-limits.ts";
import { statusText } from "../../run/run-state.ts";
import { useLocalRun } from "../../run/useLocalRun.ts";
import { useRun } from "../../run/useRun.ts";
import { CopyLinkButton } from "../copy-link.tsx";
import {
  ErrorAlert,
  Loading,
  NotFound,
  PageTitle,
  useSubmit,
  when,
} from "../ui.tsx";
import "../../run/run.css";

const ResultView = lazy(() => import("../../run/ResultView.tsx"));

function JobView({ project, initial }: { project: Project; initial: Job }) {
  const { jobs } = useSession().sdk;
  const run = useRun(jobs);
  const rerun = useSubmit();
  const { follow } = run;
  useEffect(() => follow(initial), [follow, initial]);
  const job = run.state.job ?? initial;
  const active = !isTerminal(job.status);
  const base = `/projects/${project.id}`;
  const canEdit = project.role !== "viewer";
  const again = rerunBody(job);
  const record = job.record;
  const result = job.result;
  const noisy =
    job.noise !== null ||
    result?.method === "density_matrix" ||
    result?.method === "trajectories";

  // Under noise, the ideal run of the same source, shots and seed runs in this browser (when the
  // circuit is small enough) and its counts are drawn over the noisy histogram.
  const ideal = useLocalRun();
  const { run: runIdeal } = ideal;
  const idealSource =
    noisy &&
    job.status === "succeeded" &&
    result &&
    result.qubits <= LOCAL_MAX_QUBITS &&
    Object.keys(result.counts).length > 0
      ? (record?.source ?? null)
      : null;
  useEffect(() => {
    if (idealSource === null) return;
    runIdeal({
      source: idealSource,
      shots: job.shots,
      seed: job.seed,
      precision: job.precision === "single" ? "single" : "double",
      ideal: true,
    });
  }, [idealSource, runIdeal, job.shots, job.seed, job.precision]);

  const onRerun = async () => {
    if (!again) return;
    await rerun.run(async () => {
      // A deleted circuit is run from the record's source.
      const next = await jobs.rerun(job);
      navigate(`${base}/jobs/${next.id}`);
    });
  };

  return (
    <section className="page wide job-page">
      <p className="crumbs">
        <Link href="/projects">Projects</Link> /{" "}
        <Link href={base}>{project.name}</Link> /{" "}
        <Link href={`${base}/jobs`}>Jobs</Link> /
      </p>
      <PageTitle>Job {job.id.slice(0, 8)}</PageTitle>
      <p>
        <span
          className={`job-status ${job.status}`}
          role="status"
          aria-live="polite"
        >
          {(run.state.job && statusText(run.state)) || job.status}
        </span>
      </p>
      {active && (
        <div className="run-progress">
          <progress
            max={1}
            value={job.status === "queued" ? undefined : run.state.progress}
            aria-label="Job progress"
          />
        </div>
      )}
      <div className="job-actions">
        {canEdit && active && (
          <button
            type="button"
            className="danger"
            disabled={run.state.cancelling}
            onClick={() => void run.cancel()}
          >
            {run.state.cancelling ? "Cancelling…" : "Cancel job"}
          </button>
        )}
        {canEdit && !active && (
          <button
            type="button"
            className="primary"
            disabled={!again || rerun.pending}
            onClick={() => void onRerun()}
            title={
              again
                ? "Submit the same circuit, seed, shots, inputs, noise and options again"
                : "This job has no record or saved circuit to run again"
            }
          >
            {rerun.pending ? "Submitting…" : "Run again"}
          </button>
        )}
        {job.circuitId && (
          <Link href={`${base}/circuits/${job.circuitId}`}>Open circuit</Link>
        )}
        <CopyLinkButton path={`${base}/jobs/${job.id}`} what="this job" />
      </div>
      <ErrorAlert error={run.state.error} />
      <ErrorAlert error={rerun.error} />
      {job.status === "failed" && (
        <p role="alert" className="notice error job-error">
          The job failed: {job.error?.message ?? "no reason was given"}
          {job.error?.code ? ` (${job.error.code})` : ""}
        </p>
      )}
      {job.resultUnavailable && (
        <p role="alert" className="notice error job-error">
          The result is no longer available: {job.resultUnavailable.message}
        </p>
      )}
      <dl className="facts" aria-label="Job details">
        <dt>Job id</dt>
        <dd className="mono">{job.id}</dd>
        <dt>Circuit</dt>
        <dd>
          {job.circuitId
            ? `saved circuit, revision ${job.circuitRevision ?? "?"}`
            : "inline source"}
        </dd>
        <dt>Qubits / bits</dt>
        <dd>
          {job.numQubits} / {job.numClbits}
        </dd>
        <dt>Shots</dt>
        <dd>{job.shots.toLocaleString("en")}</dd>
        <dt>Seed</dt>
        <dd className="mono">{job.seed}</dd>
        <dt>Precision</dt>
        <dd>{job.precision}</dd>
        <dt>Noise</dt>
        <dd data-testid="job-noise">
          {job.noise
            ? job.noise.noiseModelId
              ? `saved model “${job.noise.noiseModelName ?? job.noise.noiseModelId}”`
              : `inline model${
                  typeof job.noise.model.name === "string"
                    ? ` “${job.noise.model.name}”`
                    : ""
                }`
            : noisy
              ? "noise pragmas in the source"
              : "none (ideal)"}
        </dd>
        <dt>Method</dt>
        <dd data-testid="job-method">
          {result?.method
            ? `${result.method}${
                job.method !== result.method ? ` (asked: ${job.method})` : ""
              }`
            : job.method}
        </dd>
        <dt>Attempts</dt>
        <dd>{job.attempts}</dd>
        <dt>Submitted</dt>
        <dd>{when(job.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{job.startedAt ? when(job.startedAt) : "not yet"}</dd>
        <dt>Finished</dt>
        <dd>{job.finishedAt ? when(job.finishedAt) : "not yet"}</dd>
      </dl>
      {record && (
        <section aria-labelledby="record-h">
          <h2 id="record-h">Reproducible record</h2>
          <dl className="facts" aria-label="Record">
            <dt>Seed used</dt>
            <dd className="mono">{record.seed}</dd>
            <dt>Options</dt>
            <dd className="mono">
              shots {record.options.shots}, precision {record.options.precision}
            </dd>
            <dt>Inputs</dt>
            <dd className="mono">
              {record.inputs ? JSON.stringify(record.inputs) : "none"}
            </dd>
            <dt>StepFault version</dt>
            <dd className="mono">{record.stepfaultVersion}</dd>
          </dl>
          {job.noise && (
            <details className="record-noise">
              <summary>Noise model the job ran with (JSON)</summary>
              <pre tabIndex={0}>{JSON.stringify(job.noise.model, null, 2)}</pre>
            </details>
          )}
          <h3 id="record-source-h">Source</h3>
          <pre
            className="record-source"
            aria-labelledby="record-source-h"
            tabIndex={0}
          >
            {record.source}
          </pre>
        </section>
      )}
      {job.result && (
        <section aria-labelledby="result-h">
          <h2 id="result-h">Result</h2>
          <Suspense fallback={<Loading what="Loading charts" />}>
            <ResultView
              result={job.result}
              ideal={ideal.state.job?.result?.counts}
            />
          </Suspense>
        </section>
      )}
    </section>
  );
}

/** The job page component: the job must belong to `projectId`. */
export function JobPage({
  projectId,
  jobId,
}: {
  projectId: string;
  jobId: string;
}) {
  const { sdk } = useSession();
  const loaded = useAsync(async () => {
    const [project, job] = await Promise.all([
      sdk.projects.get(projectId),
      sdk.jobs.get(jobId),
    ]);
    return { project, job };
  }, `${projectId}|${jobId}`);
  if (loaded.loading) return <Loading what="Loading job" />;
  const status = loaded.error?.status;
  if (status === 404 || status === 400)
    return (
      <NotFound
        what={loaded.error?.code === "PROJECT_NOT_FOUND" ? "Project" : "Job"}
      />
    );
  if (!loaded.data)
    return (
      <section className="page">
        <ErrorAlert error={loaded.error} />
      </section>
    );
  const { project, job } = loaded.data;
  if (job.projectId !== project.id) return <NotFound what="Job" />;
  return <JobView key={job.id} project={project} initial={job} />;
}
