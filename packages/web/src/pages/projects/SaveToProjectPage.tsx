/**
 * "Save to project" for the scratch workbench's circuit: the circuit comes from this tab's
 * autosave (so it survives the sign-in or sign-up detour), the person picks one of their projects
 * or names a new one, names the circuit, and lands on the saved circuit.
 */
import { useEffect, useId, useState } from "react";
import type { Diagnostic } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link, navigate } from "../../app/router.tsx";
import { loadScratch } from "../../workbench/scratch-store.ts";
import { Field, SubmitForm } from "../forms.tsx";
import { ErrorAlert, Loading, PageTitle, useSubmit } from "../ui.tsx";

const NEW_PROJECT = "__new__";

const tabStorage = (): Storage | undefined => {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
};

/** A name for the circuit from its first comment line (`// Bell pair` -> "Bell pair"). */
export function suggestName(source: string): string {
  for (const line of source.split("\n")) {
    const m = /^\s*\/\/\s*(.+?)\s*$/.exec(line);
    if (m?.[1]) return m[1].slice(0, 200);
  }
  return "Untitled circuit";
}

/** The save-to-project page component. */
export function SaveToProjectPage() {
  const { sdk } = useSession();
  const [source] = useState(() => loadScratch(tabStorage()));
  const projects = useAsync(() => sdk.projects.list(), "projects");
  const [name, setName] = useState(() => suggestName(source ?? ""));
  const [project, setProject] = useState("");
  const [projectName, setProjectName] = useState("My circuits");
  const submit = useSubmit();
  const formId = useId();
  const list = projects.data ?? [];
  const writable = list.filter((p) => p.role !== "viewer");
  // The first project the person can write to is preselected; none means a new one.
  useEffect(() => {
    if (projects.data && project === "")
      setProject(
        projects.data.find((p) => p.role !== "viewer")?.id ?? NEW_PROJECT,
      );
  }, [projects.data, project]);

  if (source === null)
    return (
      <section className="page narrow">
        <PageTitle>Save to project</PageTitle>
        <p>
          There is no circuit in this tab to save.{" "}
          <Link href="/">Write one on the workbench</Link> first.
        </p>
      </section>
    );

  const onSubmit = async () => {
    await submit.run(async () => {
      const target =
        project === NEW_PROJECT
          ? (await sdk.projects.create(projectName.trim())).id
          : project;
      const c = await sdk.circuits.create(target, {
        name: name.trim(),
        source: source,
      });
      navigate(`/projects/${target}/circuits/${c.id}`, true);
    });
  };
  const lines = source.split("\n");
  const diags = (submit.error?.problem.diagnostics ?? []) as Diagnostic[];
  return (
    <section className="page narrow">
      <PageTitle>Save to project</PageTitle>
      <p className="muted">
        Saves the circuit from the workbench ({lines.length} line
        {lines.length === 1 ? "" : "s"}) as a new circuit. The workbench keeps
        its copy.
      </p>
      <pre className="save-preview" aria-label="Circuit to save" tabIndex={0}>
        {lines.slice(0, 12).join("\n")}
        {lines.length > 12 ? "\n…" : ""}
      </pre>
      {projects.loading && <Loading what="Loading your projects" />}
      <ErrorAlert error={projects.error} />
      {projects.data && (
        <SubmitForm
          submit={submit}
          onSubmit={onSubmit}
          action="Save circuit"
          pendingAction="Saving…"
          label="Save to project"
        >
          <Field
            label="Circuit name"
            name="circuitName"
            required
            maxLength={200}
            value={name}
            onChange={setName}
          />
          <div className="field">
            <label htmlFor={`${formId}-project`}>Project</label>
            <select
              id={`${formId}-project`}
              name="project"
              value={project}
              onChange={(e) => setProject(e.target.value)}
            >
              {writable.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
              <option value={NEW_PROJECT}>New project…</option>
            </select>
          </div>
          {project === NEW_PROJECT && (
            <Field
              label="New project name"
              name="projectName"
              required
              maxLength={200}
              value={projectName}
              onChange={setProjectName}
            />
          )}
        </SubmitForm>
      )}
      {diags.length > 0 && (
        <ul className="server-diags" aria-label="Server diagnostics">
          {diags.map((d, i) => (
            <li key={i}>
              {d.line}:{d.column} {d.message}
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link href="/">Back to the workbench</Link>
      </p>
    </section>
  );
}
