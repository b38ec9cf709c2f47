/** Sign-up page: creates the account (with an optional username), then signs in. */
import { useState } from "react";
import { useSession } from "../../api/session.tsx";
import { Link, navigate, queryParam } from "../../app/router.tsx";
import { noteWelcome } from "../../learn/Welcome.tsx";
import { safeNext } from "./SignInPage.tsx";
import { Field, SubmitForm } from "../forms.tsx";
import { USERNAME_RE } from "../projects/invitee.ts";
import { PageTitle, useSubmit } from "../ui.tsx";

/** The sign-up page component. */
export function SignUpPage() {
  const session = useSession();
  const submit = useSubmit();
  const [email, setEmail] = useState(() => queryParam("email") ?? "");
  const [username, setUsername] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const next = queryParam("next");
  const carry = next ? `?next=${encodeURIComponent(next)}` : "";
  const onSubmit = async () => {
    const ok = await submit.run(() =>
      session.signUp(email, password, {
        displayName: name.trim() || undefined,
        username: username.trim() || undefined,
      }),
    );
    if (ok) {
      noteWelcome();
      navigate(safeNext(queryParam("next")), true);
    }
  };
  return (
    <section className="page narrow">
      <PageTitle>Create an account</PageTitle>
      <SubmitForm
        submit={submit}
        onSubmit={onSubmit}
        action="Create account"
        pendingAction="Creating account…"
      >
        <Field
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          value={email}
          onChange={setEmail}
        />
        <Field
          label="Username (optional)"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          minLength={3}
          maxLength={39}
          pattern={USERNAME_RE.source}
          title="3 to 39 letters, digits or single hyphens, not at the start or end"
          value={username}
          onChange={setUsername}
          hint="How teammates invite you. Letters, digits and single hyphens; left empty, it is made from your email."
        />
        <Field
          label="Display name (optional)"
          name="displayName"
          autoComplete="name"
          maxLength={100}
          value={name}
          onChange={setName}
        />
        <Field
          label="Password (at least 8 characters)"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={password}
          onChange={setPassword}
        />
      </SubmitForm>
      <p>
        Already have an account? <Link href={`/signin${carry}`}>Sign in</Link>.
      </p>
    </section>
  );
}
