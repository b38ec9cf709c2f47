/**
 * Pending invitations on the members page (owners only): who was invited with which role, until
 * when, and a Revoke button each. Invitations are made by the members form when the email has no
 * account yet (`inviteByEmail`).
 */
import type { Invitation, ProjectRole } from "@stepfault/sdk";
import type { Sdk } from "../../api/sdk.ts";
import type { AsyncState } from "../../api/useAsync.ts";
import { ErrorAlert, useSubmit, when } from "../ui.tsx";

/** Invites an email that has no account yet; the server mails the link. */
export function inviteByEmail(
  sdk: Sdk,
  projectId: string,
  email: string,
  role: ProjectRole,
): Promise<Invitation> {
  return sdk.projects.invitations.create(projectId, { email, role });
}

/** The pending invitations table with revoke buttons. */
export function PendingInvitations({
  sdk,
  projectId,
  invitations,
}: {
  sdk: Sdk;
  projectId: string;
  invitations: AsyncState<Invitation[]>;
}) {
  const submit = useSubmit();
  const list = invitations.data ?? [];
  return (
    <section aria-labelledby="pending-title" className="pending-invitations">
      <h2 id="pending-title">Pending invitations</h2>
      <ErrorAlert error={invitations.error ?? submit.error} />
      {list.length === 0 ? (
        <p className="muted small">
          {invitations.loading ? "Loading…" : "No invitation is waiting."}
        </p>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Pending invitations</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col" className="wide-only">
                Invited by
              </th>
              <th scope="col" className="wide-only">
                Expires
              </th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.id}>
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td className="wide-only">{i.invitedBy ?? "—"}</td>
                <td className="wide-only">{when(i.expiresAt)}</td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    disabled={submit.pending}
                    aria-label={`Revoke the invitation of ${i.email}`}
                    onClick={() =>
                      void submit.run(async () => {
                        await sdk.projects.invitations.revoke(projectId, i.id);
                        invitations.setData((old) =>
                          old?.filter((x) => x.id !== i.id),
                        );
                      })
                    }
                  >
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
