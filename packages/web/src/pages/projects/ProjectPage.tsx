/** One project: its circuits (search, create, open), and for owners rename and delete. */
import { useEffect, useState, type FormEvent } from "react";
import type { Project } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link, navigate } from "../../app/router.tsx";
import { SAMPLE_QASM } from "../../workbench/sample.ts";
import {
  ErrorAlert,
  Loading,
  NotFound,
  PageTitle,
  useSubmit,
  when,
} from "../ui.tsx";

function CircuitList({ project }: { project: Project }) {
  const { sdk } = useSession();
  const [q, setQ] = useState("");
  const [query, setQuery] = useState("");
  useEffect(() => {
    const t = setTimeout(() => setQuery(q.trim()), 250);
    return () => clearTimeout(t);
  }, [q]);
  const list = useAsync(
    () => sdk.circuits.list(project.id, { q: query || undefined, limit: 100 }),
    `${project.id}|${query}`,
  );
  const submit = useSubmit();
  const [name, setName] = useState("");
  const canEdit = project.role !== "viewer";
  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    await submit.run(async () => {
      const c = await sdk.circuits.create(project.id, {
        name: name.trim(),
        source: SAMPLE_QASM,
      });
      navigate(`/projects/${project.id}/circuits/${c.id}`);
    });
  };
  return (
    <section aria-labelledby="circuits-h">
      <h2 id="circuits-h">Circuits</h2>
      {canEdit && (
        <form className="inline-form" onSubmit={onCreate}>
          <label>
            New circuit name
            <input
              name="circuitName"
              required
              maxLength={200}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <button type="submit" disabled={submit.pending || !name.trim()}>
            {submit.pending ? "Creating…" : "Create circuit"}
          </button>
        </form>
      )}
      <ErrorAlert error={submit.error} />
      <label className="search">
        Search circuits
        <input
          type="search"
          name="q"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </label>
      {list.loading && <Loading what="Loading circuits" />}
      <ErrorAlert error={list.error} />
      {list.data && list.data.items.length === 0 && (
        <p className="muted">
          {query ? `No circuit matches “${query}”.` : "No circuits yet."}
        </p>
      )}
      {list.data && list.data.items.length > 0 && (
        <ul className="cards" aria-label="Circuits">
          {list.data.items.map((c) => (
            <li key={c.id} className="card">
              <Link
                href={`/projects/${project.id}/circuits/${c.id}`}
                className="card-title"
              >
                {c.name}
              </Link>
              <span className="muted small">
                {c.numQubits} qubits · revision {c.revision} · updated{" "}
                {when(c.updatedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {list.data?.nextCursor && (
        <p className="muted small">
          Showing the first {list.data.items.length}; search to narrow down.
        </p>
      )}
    </section>
  );
}

function OwnerTools({
  project,
  onRenamed,
}: {
  project: Project;
  onRenamed(p: Project): void;
}) {
  const { sdk } = useSession();
  const submit = useSubmit();
  const [name, setName] = useState(project.name);
  const onRename = async (e: FormEvent) => {
    e.preventDefault();
    await submit.run(async () =>
      onRenamed(await sdk.projects.rename(project.id, name.trim())),
    );
  };
  const onDelete = async () => {
    if (
      !window.confirm(
        `Delete the project “${project.name}” and all its circuits? This cannot be undone.`,
      )
    )
      return;
    if (await submit.run(() => sdk.projects.delete(project.id)))
      navigate("/projects", true);
  };
  return (
    <details className="owner-tools">
      <summary>Project settings</summary>
      <form className="inline-form" onSubmit={onRename}>
        <label>
          Project name
          <input
            name="rename"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" disabled={submit.pending || !name.trim()}>
          Rename
        </button>
      </form>
      <button type="button" className="danger" onClick={onDelete}>
        Delete project
      </button>
      <ErrorAlert error={submit.error} />
    </details>
  );
}

/** The project page component. */
export function ProjectPage({ id }: { id: string }) {
  const { sdk } = useSession();
  const project = useAsync(() => sdk.projects.get(id), id);
  if (project.loading && !project.data)
    return <Loading what="Loading project" />;
  if (project.error?.status === 404 || project.error?.status === 400)
    return <NotFound what="Project" />;
  if (project.error)
    return (
      <section className="page">
        <ErrorAlert error={project.error} />
      </section>
    );
  const p = project.data;
  if (!p) return null;
  return (
    <section className="page">
      <p className="crumbs">
        <Link href="/projects">Projects</Link> /
      </p>
      <PageTitle>{p.name}</PageTitle>
      <p className="muted">
        Your role: {p.role} ·{" "}
        <Link href={`/projects/${p.id}/members`}>Members</Link> ·{" "}
        <Link href={`/projects/${p.id}/jobs`}>Jobs</Link> ·{" "}
        <Link href={`/projects/${p.id}/variational`}>Variational</Link> ·{" "}
        <Link href={`/projects/${p.id}/noise-models`}>Noise models</Link>
      </p>
      {p.role === "owner" && (
        <OwnerTools project={p} onRenamed={(n) => project.setData(() => n)} />
      )}
      <CircuitList project={p} />
    </section>
  );
}
