/** Members of a project: everyone sees the list; owners add by email, change roles and remove. */
import { useState, type FormEvent } from "react";
import type { Member, Project, ProjectRole } from "../../api/endpoints.ts";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link } from "../../app/router.tsx";
import { ErrorAlert, Loading, NotFound, PageTitle, useSubmit } from "../ui.tsx";

const ROLES: readonly ProjectRole[] = ["owner", "editor", "viewer"];

function AddMember({
  project,
  onAdded,
}: {
  project: Project;
  onAdded(m: Member): void;
}) {
  const { api } = useSession();
  const submit = useSubmit();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<ProjectRole>("editor");
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    await submit.run(async () => {
      onAdded(await api.addMember(project.id, email.trim(), role));
      setEmail("");
    });
  };
  return (
    <>
      <form className="inline-form" onSubmit={onSubmit}>
        <label>
          Invite by email
          <input
            name="memberEmail"
            type="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Role
          <select
            name="memberRole"
            value={role}
            onChange={(e) => setRole(e.target.value as ProjectRole)}
          >
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? "Adding…" : "Add member"}
        </button>
      </form>
      <p className="muted small">
        The person needs a StepFault account with that email already.
      </p>
      <ErrorAlert error={submit.error} />
    </>
  );
}

/** The members page component. */
export function MembersPage({ id }: { id: string }) {
  const { api, state } = useSession();
  const project = useAsync(() => api.getProject(id), id);
  const members = useAsync(() => api.listMembers(id), id);
  const submit = useSubmit();
  if (project.loading && !project.data)
    return <Loading what="Loading members" />;
  if (project.error?.status === 404 || project.error?.status === 400)
    return <NotFound what="Project" />;
  const p = project.data;
  if (!p)
    return (
      <section className="page">
        <ErrorAlert error={project.error} />
      </section>
    );
  const owner = p.role === "owner";
  const me = state.status === "signedIn" ? state.user.id : "";
  const replace = (m: Member) =>
    members.setData((old) => old?.map((x) => (x.userId === m.userId ? m : x)));
  return (
    <section className="page">
      <p className="crumbs">
        <Link href="/projects">Projects</Link> /{" "}
        <Link href={`/projects/${p.id}`}>{p.name}</Link> /
      </p>
      <PageTitle>Members</PageTitle>
      {owner && (
        <AddMember
          project={p}
          onAdded={(m) => members.setData((old) => [...(old ?? []), m])}
        />
      )}
      <ErrorAlert error={submit.error} />
      {members.loading && <Loading what="Loading members" />}
      <ErrorAlert error={members.error} />
      {members.data && (
        <table className="table">
          <caption className="visually-hidden">Members of {p.name}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              {owner && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {members.data.map((m) => (
              <tr key={m.userId}>
                <td>
                  {m.displayName}
                  {m.userId === me ? " (you)" : ""}
                </td>
                <td>{m.email}</td>
                <td>
                  {owner ? (
                    <select
                      aria-label={`Role of ${m.email}`}
                      value={m.role}
                      disabled={submit.pending}
                      onChange={(e) => {
                        const role = e.target.value as ProjectRole;
                        void submit.run(async () =>
                          replace(
                            await api.setMemberRole(p.id, m.userId, role),
                          ),
                        );
                      }}
                    >
                      {ROLES.map((r) => (
                        <option key={r}>{r}</option>
                      ))}
                    </select>
                  ) : (
                    m.role
                  )}
                </td>
                {owner && (
                  <td>
                    <button
                      type="button"
                      className="danger"
                      disabled={submit.pending}
                      aria-label={`Remove ${m.email}`}
                      onClick={() =>
                        void submit.run(async () => {
                          await api.removeMember(p.id, m.userId);
                          members.setData((old) =>
                            old?.filter((x) => x.userId !== m.userId),
                          );
                        })
                      }
                    >
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
