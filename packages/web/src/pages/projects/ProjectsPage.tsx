/** The projects the person is a member of, and a form to create one. */
import { useState, type FormEvent } from "react";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link, navigate } from "../../app/router.tsx";
import { ErrorAlert, Loading, PageTitle, useSubmit, when } from "../ui.tsx";

/** The projects page component. */
export function ProjectsPage() {
  const { sdk } = useSession();
  const list = useAsync(() => sdk.projects.list(), "projects");
  const submit = useSubmit();
  const [name, setName] = useState("");
  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    await submit.run(async () => {
      const p = await sdk.projects.create(name.trim());
      navigate(`/projects/${p.id}`);
    });
  };
  return (
    <section className="page">
      <PageTitle>Projects</PageTitle>
      <form className="inline-form" onSubmit={onCreate}>
        <label>
          New project name
          <input
            name="projectName"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" disabled={submit.pending || !name.trim()}>
          {submit.pending ? "Creating…" : "Create project"}
        </button>
      </form>
      <ErrorAlert error={submit.error} />
      {list.loading && <Loading what="Loading projects" />}
      <ErrorAlert error={list.error} />
      {list.data && list.data.length === 0 && (
        <p className="muted">No projects yet. Create one above.</p>
      )}
      {list.data && list.data.length > 0 && (
        <ul className="cards" aria-label="Your projects">
          {list.data.map((p) => (
            <li key={p.id} className="card">
              <Link href={`/projects/${p.id}`} className="card-title">
                {p.name}
              </Link>
              <span className="muted small">
                {p.role} · updated {when(p.updatedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
