/**
 * The Variational page of a project: set up a VQE or QAOA run and watch it converge. The run
 * shown is in the address (`?job=ID`), so a reload, a shared link or the back button shows it
 * again with its whole history.
 */
import { useEffect, useState } from "react";
import type { CircuitPage, Project } from "@stepfault/sdk";
import { StepFaultApiError } from "@stepfault/sdk";
import { Link, navigate } from "../app/router.tsx";
import { Loading, NotFound, PageTitle } from "../pages/ui.tsx";
import { RunView } from "./RunView.tsx";
import { useSession } from "../api/session.tsx";
import { SetupForm } from "./SetupForm.tsx";
import "./variational.css";

/** The page. */
export function VariationalPage({
  projectId,
  jobId,
}: {
  projectId: string;
  jobId: string | null;
}) {
  const { sdk } = useSession();
  const [loaded, setLoaded] = useState<
    | { project: Project; circuits: CircuitPage["items"] }
    | { error: StepFaultApiError | Error }
    | null
  >(null);
  useEffect(() => {
    let live = true;
    setLoaded(null);
    Promise.all([
      sdk.projects.get(projectId),
      sdk.circuits.list(projectId, { limit: 100 }),
    ]).then(
      ([project, page]) => live && setLoaded({ project, circuits: page.items }),
      (error: Error) => live && setLoaded({ error }),
    );
    return () => {
      live = false;
    };
  }, [sdk, projectId]);

  if (loaded === null) return <Loading what="Loading project" />;
  if ("error" in loaded) {
    const e = loaded.error;
    if (
      e instanceof StepFaultApiError &&
      (e.status === 404 || e.status === 400)
    )
      return <NotFound what="Project" />;
    return (
      <section className="page">
        <p role="alert" className="notice error">
          {e.message}
        </p>
      </section>
    );
  }
  const { project, circuits } = loaded;
  const base = `/projects/${project.id}`;
  const canEdit = project.role !== "viewer";
  return (
    <section className="page wide variational-page">
      <p className="crumbs">
        <Link href="/projects">Projects</Link> /{" "}
        <Link href={base}>{project.name}</Link> /
      </p>
      <PageTitle>Variational</PageTitle>
      <p className="muted">
        A classical optimiser tunes the parameters of a circuit: VQE looks for
        the lowest energy of an observable, QAOA for the largest cut of a graph.
        Every iteration is saved, so a run survives a worker restart and this
        page can be reloaded.
      </p>
      <div className="variational-layout">
        {canEdit ? (
          <SetupForm
            sdk={sdk}
            projectId={project.id}
            circuits={circuits}
            onLaunched={(id) => navigate(`${base}/variational?job=${id}`)}
          />
        ) : (
          <p className="notice">
            Viewers can watch runs; launching one needs the editor role.
          </p>
        )}
        {jobId ? (
          <RunView
            sdk={sdk}
            projectId={project.id}
            jobId={jobId}
            canCancel={canEdit}
          />
        ) : (
          <p className="muted variational-empty">
            Launch a run to see its convergence here.
          </p>
        )}
      </div>
    </section>
  );
}
