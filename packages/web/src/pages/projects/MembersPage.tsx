/**
 * Members of a project: everyone sees the list; owners add by email or username (an email
 * without an account gets an invitation by mail), change roles, remove, and see and revoke
 * pending invitations.
 */
import { useState, type FormEvent } from "react";
import type { Invitation } from "@stepfault/sdk";
import type { Member, Project, ProjectRole } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { asApiError } from "../../api/errors.ts";
import { useAsync } from "../../api/useAsync.ts";
import { Link } from "../../app/router.tsx";
import { ErrorAlert, Loading, NotFound, PageTitle, useSubmit } from "../ui.tsx";
import { inviteByEmail, PendingInvitations } from "./Invitations.tsx";
import { parseInvitee } from "./invitee.ts";

const ROLES: readonly ProjectRole[] = ["owner", "editor", "viewer"];

function AddMember({
  project,
  onAdded,
  onInvited,
}: {
  project: Project;
  onAdded(m: Member): void;
  onInvited(i: Invitation): void;
}) {
  const { sdk } = useSession();
  const [sent, setSent] = useState<string | null>(null);
  const submit = useSubmit();
  const [who, setWho] = useState("");
  const [role, setRole] = useState<ProjectRole>("editor");
  const [invalid, setInvalid] = useState<string | null>(null);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseInvitee(who);
    if (!parsed.ok) {
      submit.clear();
      setInvalid(parsed.message);
      return;
    }
    setInvalid(null);
    setSent(null);
    const ref = parsed.ref;
    await submit.run(async () => {
      try {
        onAdded(await sdk.projects.members.add(project.id, { ...ref, role }));
      } catch (err) {
        // No account with this email yet: invite it instead (a mail with a link).
        if (!("email" in ref) || asApiError(err).code !== "USER_NOT_FOUND")
          throw err;
        onInvited(await inviteByEmail(sdk, project.id, ref.email, role));
        setSent(ref.email);
      }
      setWho("");
    });
  };
  return (
    <>
      <form className="inline-form" onSubmit={onSubmit} noValidate>
        <label>
          Email or username
          <input
            name="member"
            autoComplete="off"
            autoCapitalize="none"
            spellCheck={false}
            required
            aria-invalid={invalid !== null}
            aria-describedby="invite-hint"
            value={who}
            onChange={(e) => {
              setWho(e.target.value);
              setInvalid(null);
            }}
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
          {submit.pending ? "Adding…" : "Add or invite"}
        </button>
      </form>
      <p id="invite-hint" className="muted small">
        Type their email, or their username (as shown in their account
        settings). An email without a StepFault account gets an invitation with
        a link to sign up and join.
      </p>
      {sent !== null && (
        <p className="notice" role="status">
          Invitation sent to {sent}. They join as soon as they open the link and
          sign up or sign in.
        </p>
      )}
      <ErrorAlert error={invalid ?? submit.error} />
    </>
  );
}

/** The members page component. */
export function MembersPage({ id }: { id: string }) {
  const { sdk, state } = useSession();
  const project = useAsync(() => sdk.projects.get(id), id);
  const isOwner = project.data?.role === "owner";
  const invitations = useAsync(
    () => (isOwner ? sdk.projects.invitations.list(id) : Promise.resolve([])),
    `${id}:${isOwner}`,
  );
  const members = useAsync(() => sdk.projects.members.list(id), id);
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
          onInvited={(i) =>
            invitations.setData((old) =>
              [...(old ?? []), i].sort((a, b) =>
                a.email.localeCompare(b.email),
              ),
            )
          }
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
              <th scope="col">Username</th>
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
                <td>@{m.username}</td>
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
                            await sdk.projects.members.setRole(
                              p.id,
                              m.userId,
                              role,
                            ),
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
                          await sdk.projects.members.remove(p.id, m.userId);
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
      {owner && (
        <PendingInvitations
          sdk={sdk}
          projectId={p.id}
          invitations={invitations}
        />
      )}
    </section>
  );
}
