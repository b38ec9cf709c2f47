/**
 * A project's jobs: newest first, filtered by status, updated live (the list is re-read every
 * two seconds while a job is queued or running), cancel, and a link to each job's record.
 */
import { useCallback, useEffect, useMemo, useState } from "react";
import {
  isTerminal,
  JOB_STATUSES,
  type JobStatus,
  type JobSummary,
  type Project,
  type StepFaultApiError,
} from "@stepfault/sdk";
import { asApiError } from "../../api/errors.ts";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link } from "../../app/router.tsx";
import {
  ErrorAlert,
  Loading,
  NotFound,
  PageTitle,
  useSubmit,
  when,
} from "../ui.tsx";
import { percent } from "../../run/run-state.ts";
import "../../run/run.css";
import { ScrollTable } from "../../run/ScrollTable.tsx";

/** Jobs per page. */
const PAGE_SIZE = 50;

/** How often the list is re-read while something runs. */
export const LIST_REFRESH_MS = 2000;

/** The status of a job as a word with its colour (and progress while it runs). */
export function JobStatusBadge({ job }: { job: JobSummary }) {
  return (
    <span className={`job-status ${job.status}`}>
      {job.status}
      {job.status === "running" ? ` ${percent(job.progress)}` : ""}
    </span>
  );
}

function JobList({
  project,
  refreshMs,
}: {
  project: Project;
  refreshMs: number;
}) {
  const { sdk } = useSession();
  const { jobs } = sdk;
  const [filter, setFilter] = useState<JobStatus | "all">("all");
  const [items, setItems] = useState<readonly JobSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<StepFaultApiError | null>(null);
  const [tick, setTick] = useState(0);
  const cancel = useSubmit();
  const more = useSubmit();
  // Circuit names for the list (the first 100 circuits; others show their revision only).
  const circuits = useAsync(
    () => sdk.circuits.list(project.id, { limit: 100 }),
    `circuits|${project.id}`,
  );
  const names = useMemo(
    () => new Map(circuits.data?.items.map((c) => [c.id, c.name]) ?? []),
    [circuits.data],
  );
  const status = filter === "all" ? undefined : filter;

  // Loads the first page; while anything in it is unfinished, loads it again every 2 s.
  useEffect(() => {
    let live = true;
    jobs.list(project.id, { limit: PAGE_SIZE, status }).then(
      (page) => {
        if (!live) return;
        setError(null);
        setItems((old) => {
          // Keep rows of later pages that are already shown ("load more").
          if (!old || tick === 0) return page.items;
          const ids = new Set(page.items.map((j) => j.id));
          const rest = old
            .slice(page.items.length)
            .filter((j) => !ids.has(j.id));
          return [...page.items, ...rest];
        });
        if (tick === 0) setCursor(page.nextCursor);
      },
      (err: unknown) => live && setError(asApiError(err)),
    );
    return () => {
      live = false;
    };
  }, [jobs, project.id, status, tick]);

  const unfinished = items?.some((j) => !isTerminal(j.status)) ?? false;
  useEffect(() => {
    if (!unfinished) return;
    const t = setTimeout(() => setTick((n) => n + 1), refreshMs);
    return () => clearTimeout(t);
  }, [unfinished, items, refreshMs]);

  const choose = (f: JobStatus | "all") => {
    if (f === filter) return;
    setFilter(f);
    setItems(null);
    setTick(0);
  };

  const onCancel = useCallback(
    async (job: JobSummary) => {
      await cancel.run(async () => {
        const next = await jobs.cancel(job.id);
        // The row keeps its summary; what a cancel changes comes from the job.
        const { status, progress, error, finishedAt } = next;
        setItems(
          (old) =>
            old?.map((j) =>
              j.id === next.id
                ? { ...j, status, progress, error, finishedAt }
                : j,
            ) ?? old,
        );
      });
    },
    [cancel, jobs],
  );

  const loadMore = async () => {
    if (!cursor) return;
    await more.run(async () => {
      const page = await jobs.list(project.id, {
        limit: PAGE_SIZE,
        status,
        cursor,
      });
      setItems((old) => [...(old ?? []), ...page.items]);
      setCursor(page.nextCursor);
    });
  };

  const canEdit = project.role !== "viewer";
  const base = `/projects/${project.id}`;
  return (
    <>
      <fieldset className="job-filters">
        <legend>Show</legend>
        {(["all", ...JOB_STATUSES] as const).map((f) => (
          <button
            key={f}
            type="button"
            aria-pressed={filter === f}
            onClick={() => choose(f)}
          >
            {f}
          </button>
        ))}
      </fieldset>
      {items === null && !error && <Loading what="Loading jobs" />}
      <ErrorAlert error={error} />
      <ErrorAlert error={cancel.error} />
      {items && items.length === 0 && (
        <p className="muted">
          {filter === "all"
            ? "No jobs yet. Open a circuit and press Run."
            : `No ${filter} jobs.`}
        </p>
      )}
      {items && items.length > 0 && (
        <ScrollTable label="Jobs">
          <thead>
            <tr>
              <th scope="col">Job</th>
              <th scope="col">Status</th>
              <th scope="col">Circuit</th>
              <th scope="col" className="num">
                Qubits
              </th>
              <th scope="col" className="num">
                Shots
              </th>
              <th scope="col">Noise</th>
              <th scope="col">Submitted</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {items.map((j) => (
              <tr key={j.id} data-job={j.id}>
                <td>
                  <Link
                    href={`${base}/jobs/${j.id}`}
                    className="mono"
                    aria-label={`Job ${j.id.slice(0, 8)}`}
                  >
                    {j.id.slice(0, 8)}
                  </Link>
                </td>
                <td>
                  <JobStatusBadge job={j} />
                </td>
                <td>
                  {j.circuitId ? (
                    <Link href={`${base}/circuits/${j.circuitId}`}>
                      {names.get(j.circuitId) ?? "circuit"} · revision{" "}
                      {j.circuitRevision ?? "?"}
                    </Link>
                  ) : (
                    <span className="muted">inline source</span>
                  )}
                </td>
                <td className="num">{j.numQubits}</td>
                <td className="num">{j.shots.toLocaleString("en")}</td>
                <td>
                  {j.noise ? (
                    (j.noise.noiseModelName ?? "inline model")
                  ) : (
                    <span className="muted">none</span>
                  )}
                </td>
                <td>{when(j.createdAt)}</td>
                <td>
                  {canEdit && !isTerminal(j.status) && (
                    <button
                      type="button"
                      className="danger"
                      disabled={cancel.pending}
                      onClick={() => void onCancel(j)}
                      aria-label={`Cancel job ${j.id.slice(0, 8)}`}
                    >
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </ScrollTable>
      )}
      {unfinished && (
        <p className="muted small" role="status">
          Updating while jobs run…
        </p>
      )}
      {cursor && (
        <p>
          <button
            type="button"
            onClick={() => void loadMore()}
            disabled={more.pending}
          >
            {more.pending ? "Loading…" : "Load more"}
          </button>
        </p>
      )}
      <ErrorAlert error={more.error} />
    </>
  );
}

/** The jobs page component; `refreshMs` is how often the list is re-read while jobs run. */
export function JobsPage({
  projectId,
  refreshMs = LIST_REFRESH_MS,
}: {
  projectId: string;
  refreshMs?: number;
}) {
  const { sdk } = useSession();
  const project = useAsync(() => sdk.projects.get(projectId), projectId);
  if (project.loading && !project.data)
    return <Loading what="Loading project" />;
  if (project.error?.status === 404 || project.error?.status === 400)
    return <NotFound what="Project" />;
  if (!project.data)
    return (
      <section className="page">
        <ErrorAlert error={project.error} />
      </section>
    );
  const p = project.data;
  return (
    <section className="page wide">
      <p className="crumbs">
        <Link href="/projects">Projects</Link> /{" "}
        <Link href={`/projects/${p.id}`}>{p.name}</Link> /
      </p>
      <PageTitle>Jobs</PageTitle>
      <JobList project={p} refreshMs={refreshMs} />
    </section>
  );
}
