/** Account settings: who is signed in, and change password. */
import { useState, type FormEvent } from "react";
import { useSession } from "../../api/session.tsx";
import { Link } from "../../app/router.tsx";
import { ErrorAlert, PageTitle, useSubmit } from "../ui.tsx";

/** The settings page component. */
export function SettingsPage() {
  const { api, state } = useSession();
  const submit = useSubmit();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (await submit.run(() => api.changePassword(current, next))) {
      setCurrent("");
      setNext("");
      setDone(true);
    }
  };
  const user = state.status === "signedIn" ? state.user : null;
  return (
    <section className="page narrow">
      <PageTitle>Account settings</PageTitle>
      {user && (
        <dl className="facts">
          <dt>Name</dt>
          <dd>{user.displayName}</dd>
          <dt>Email</dt>
          <dd>{user.email}</dd>
          <dt>Role</dt>
          <dd>{user.role}</dd>
        </dl>
      )}
      <p>
        <Link href="/settings/api-keys">Manage API keys</Link>
      </p>
      <h2>Change password</h2>
      <form onSubmit={onSubmit} className="form" aria-busy={submit.pending}>
        <label>
          Current password
          <input
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <label>
          New password (at least 8 characters)
          <input
            name="newPassword"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </label>
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? "Changing…" : "Change password"}
        </button>
      </form>
      <ErrorAlert error={submit.error} />
      {done && (
        <p className="notice" role="status">
          Password changed. Your other sessions have been signed out.
        </p>
      )}
    </section>
  );
}
