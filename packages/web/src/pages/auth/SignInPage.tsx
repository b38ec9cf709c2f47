/** Sign-in page: email and password; goes back to where the person was (`?next=`). */
import { useState } from "react";
import { useSession } from "../../api/session.tsx";
import { Link, navigate, queryParam } from "../../app/router.tsx";
import { Field, SubmitForm } from "../forms.tsx";
import { PageTitle, useSubmit } from "../ui.tsx";

/** Only same-app paths are followed after sign-in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//")
    ? next
    : "/projects";
}

/** The sign-in page component. */
export function SignInPage() {
  const session = useSession();
  const submit = useSubmit();
  const [email, setEmail] = useState(() => queryParam("email") ?? "");
  const [password, setPassword] = useState("");
  const expired = session.state.status === "signedOut" && session.state.expired;
  const next = queryParam("next");
  const carry = next ? `?next=${encodeURIComponent(next)}` : "";
  const onSubmit = async () => {
    const ok = await submit.run(() => session.signIn(email, password));
    if (ok) navigate(safeNext(queryParam("next")), true);
  };
  return (
    <section className="page narrow">
      <PageTitle>Sign in</PageTitle>
      {expired && (
        <p className="notice" role="status">
          Your session has expired. Sign in again; unsaved circuit text is kept
          in this tab.
        </p>
      )}
      {safeNext(next).startsWith("/invite/") && (
        <p className="notice" role="status">
          Sign in to accept your invitation, or create an account if you have
          none yet.
        </p>
      )}
      {safeNext(next) === "/save" && (
        <p className="notice" role="status">
          Sign in or create an account to save your circuit to a project; it is
          kept in this tab meanwhile.
        </p>
      )}
      <SubmitForm
        submit={submit}
        onSubmit={onSubmit}
        action="Sign in"
        pendingAction="Signing in…"
      >
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="username"
          required
          value={email}
          onChange={setEmail}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={setPassword}
        />
      </SubmitForm>
      <p>
        New here? <Link href={`/signup${carry}`}>Create an account</Link>.{" "}
        <Link href="/reset-password">Forgot your password?</Link>
      </p>
    </section>
  );
}
