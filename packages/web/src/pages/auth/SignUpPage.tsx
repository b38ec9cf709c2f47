/** Sign-up page: creates the account, then signs in. */
import { useState, type FormEvent } from "react";
import { useSession } from "../../api/session.tsx";
import { Link, navigate } from "../../app/router.tsx";
import { ErrorAlert, PageTitle, useSubmit } from "../ui.tsx";

/** The sign-up page component. */
export function SignUpPage() {
  const session = useSession();
  const submit = useSubmit();
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await submit.run(() =>
      session.signUp(email, password, name.trim() || undefined),
    );
    if (ok) navigate("/projects", true);
  };
  return (
    <section className="page narrow">
      <PageTitle>Create an account</PageTitle>
      <form onSubmit={onSubmit} className="form" aria-busy={submit.pending}>
        <label>
          Email
          <input
            name="email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Display name (optional)
          <input
            name="displayName"
            autoComplete="name"
            maxLength={100}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Password (at least 8 characters)
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" disabled={submit.pending}>
          {submit.pending ? "Creating account…" : "Create account"}
        </button>
      </form>
      <ErrorAlert error={submit.error} />
      <p>
        Already have an account? <Link href="/signin">Sign in</Link>.
      </p>
    </section>
  );
}
