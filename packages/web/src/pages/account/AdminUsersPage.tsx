/** Admin: all users, with disable and enable (the server answers 404 to non-admins). */
import { useState } from "react";
import type { User } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import {
  ErrorAlert,
  Loading,
  NotFound,
  PageTitle,
  useSubmit,
  when,
} from "../ui.tsx";

/** The admin users page component. */
export function AdminUsersPage() {
  const { sdk, state } = useSession();
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const page = useAsync(
    () => sdk.admin.users({ limit: 100, cursor }),
    cursor ?? "",
  );
  const submit = useSubmit();
  const me = state.status === "signedIn" ? state.user : null;
  if (me && me.role !== "admin") return <NotFound what="Page" />;
  const replace = (u: User) =>
    page.setData(
      (old) =>
        old && {
          ...old,
          items: old.items.map((x) => (x.id === u.id ? u : x)),
        },
    );
  return (
    <section className="page">
      <PageTitle>Users</PageTitle>
      <ErrorAlert error={submit.error} />
      {page.loading && <Loading what="Loading users" />}
      <ErrorAlert error={page.error} />
      {page.data && (
        <table className="table">
          <caption className="visually-hidden">All users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {page.data.items.map((u) => (
              <tr key={u.id}>
                <td>{u.displayName}</td>
                <td>@{u.username}</td>
                <td>{u.email}</td>
                <td>{u.role}</td>
                <td>{when(u.createdAt)}</td>
                <td>{u.disabled ? "disabled" : "active"}</td>
                <td>
                  {u.id !== me?.id && (
                    <button
                      type="button"
                      className={u.disabled ? "" : "danger"}
                      disabled={submit.pending}
                      aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.email}`}
                      onClick={() =>
                        void submit.run(async () =>
                          replace(
                            await sdk.admin.setDisabled(u.id, !u.disabled),
                          ),
                        )
                      }
                    >
                      {u.disabled ? "Enable" : "Disable"}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page.data?.nextCursor && (
        <button
          type="button"
          onClick={() => setCursor(page.data?.nextCursor ?? undefined)}
        >
          Next page
        </button>
      )}
      {cursor && (
        <button type="button" onClick={() => setCursor(undefined)}>
          First page
        </button>
      )}
    </section>
  );
}
