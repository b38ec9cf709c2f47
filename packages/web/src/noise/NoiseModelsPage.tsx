/**
 * The saved noise models of a project (`/projects/{id}/noise-models`): the list, and an editor to
 * create, change or delete one. The model open is in the address (`?model=ID`, `?model=new`).
 * Saved models are offered by the run form's noise panel.
 */
import { useEffect, useState } from "react";
import {
  StepFaultApiError,
  type NoiseModel,
  type NoiseModelSummary,
  type Project,
} from "@stepfault/sdk";
import { useSession } from "../api/session.tsx";
import { Link, navigate } from "../app/router.tsx";
import { Loading, NotFound, PageTitle, when } from "../pages/ui.tsx";
import { NoiseModelEditor } from "./NoiseModelEditor.tsx";
import "./noise.css";

/** The page. */
export function NoiseModelsPage({
  projectId,
  open,
}: {
  projectId: string;
  /** The model in the address: an id, "new", or null. */
  open: string | null;
}) {
  const { sdk } = useSession();
  const [project, setProject] = useState<Project | Error | null>(null);
  const [models, setModels] = useState<NoiseModelSummary[] | null>(null);
  const [current, setCurrent] = useState<NoiseModel | Error | null>(null);
  const base = `/projects/${projectId}/noise-models`;

  useEffect(() => {
    let live = true;
    setProject(null);
    Promise.all([
      sdk.projects.get(projectId),
      sdk.noiseModels.list(projectId, { limit: 100 }),
    ]).then(
      ([p, page]) => {
        if (!live) return;
        setProject(p);
        setModels(page.items);
      },
      (e: Error) => live && setProject(e),
    );
    return () => {
      live = false;
    };
  }, [sdk, projectId]);

  useEffect(() => {
    let live = true;
    setCurrent(null);
    if (open === null || open === "new") return;
    sdk.noiseModels.get(projectId, open).then(
      (m) => live && setCurrent(m),
      (e: Error) => live && setCurrent(e),
    );
    return () => {
      live = false;
    };
  }, [sdk, projectId, open]);

  if (project === null) return <Loading what="Loading noise models" />;
  if (project instanceof Error) {
    if (
      project instanceof StepFaultApiError &&
      (project.status === 404 || project.status === 400)
    )
      return <NotFound what="Project" />;
    return (
      <section className="page">
        <p role="alert" className="notice error">
          {project.message}
        </p>
      </section>
    );
  }
  const canEdit = project.role !== "viewer";
  const sorted = [...(models ?? [])].sort((a, b) =>
    a.name.localeCompare(b.name),
  );

  return (
    <section className="page wide noise-models-page">
      <p className="crumbs">
        <Link href="/projects">Projects</Link> /{" "}
        <Link href={`/projects/${project.id}`}>{project.name}</Link> /
      </p>
      <PageTitle>Noise models</PageTitle>
      <p className="muted">
        Saved noise models of this project: channels after chosen gates, readout
        errors, or noise built from device figures. Choose one in a circuit’s
        run panel (Noise: saved model). Jobs keep their own copy, so changing or
        deleting a model leaves finished jobs as they ran.
      </p>
      <div className="noise-models-layout">
        <nav aria-label="Saved noise models" className="noise-model-list">
          {sorted.length === 0 ? (
            <p className="muted small">No saved models yet.</p>
          ) : (
            <ul>
              {sorted.map((m) => (
                <li key={m.id}>
                  <Link
                    href={`${base}?model=${m.id}`}
                    className={m.id === open ? "current" : undefined}
                  >
                    {m.name}
                  </Link>
                  <span className="muted small"> {when(m.updatedAt)}</span>
                </li>
              ))}
            </ul>
          )}
          {canEdit && (
            <button type="button" onClick={() => navigate(`${base}?model=new`)}>
              New noise model
            </button>
          )}
        </nav>
        <div className="noise-model-detail">
          {open === null ? (
            <p className="muted">
              {canEdit
                ? "Open a model to edit it, or make a new one."
                : "Open a model to see it (viewers cannot change models)."}
            </p>
          ) : open === "new" ? (
            canEdit ? (
              <NoiseModelEditor
                key="new"
                sdk={sdk}
                projectId={project.id}
                model={null}
                canEdit
                onSaved={(m) => {
                  setModels((ms) => [...(ms ?? []), m]);
                  navigate(`${base}?model=${m.id}`, true);
                }}
                onDeleted={() => undefined}
              />
            ) : (
              <p className="notice">Making a model needs the editor role.</p>
            )
          ) : current === null ? (
            <Loading what="Loading the model" />
          ) : current instanceof Error ? (
            <p role="alert" className="notice error">
              {current instanceof StepFaultApiError && current.status === 404
                ? "This noise model does not exist (any more)."
                : current.message}
            </p>
          ) : (
            <NoiseModelEditor
              key={current.id}
              sdk={sdk}
              projectId={project.id}
              model={current}
              canEdit={canEdit}
              onSaved={(m) => {
                setModels((ms) =>
                  (ms ?? []).map((x) => (x.id === m.id ? m : x)),
                );
                setCurrent(m);
              }}
              onDeleted={(id) => {
                setModels((ms) => (ms ?? []).filter((x) => x.id !== id));
                navigate(base, true);
              }}
            />
          )}
        </div>
      </div>
    </section>
  );
}
