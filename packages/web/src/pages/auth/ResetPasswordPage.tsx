/**
 * Password reset: without `?token=` it asks for the email (the server mails a link to
 * `/reset-password?token=...`); with a token it sets the new password.
 */
import { useState } from "react";
import { useSession } from "../../api/session.tsx";
import { Link, queryParam } from "../../app/router.tsx";
import { Field, SubmitForm } from "../forms.tsx";
import { PageTitle, useSubmit } from "../ui.tsx";

function RequestForm() {
  const { sdk } = useSession();
  const submit = useSubmit();
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState(false);
  const onSubmit = async () => {
    if (await submit.run(() => sdk.auth.requestPasswordReset(email)))
      setSent(true);
  };
  if (sent)
    return (
      <p className="notice" role="status">
        If an account exists for {email}, an email with a reset link is on its
        way. The link works once.
      </p>
    );
  return (
    <SubmitForm
      submit={submit}
      onSubmit={onSubmit}
      action="Email me a reset link"
      pendingAction="Sending…"
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
    </SubmitForm>
  );
}

function ConfirmForm({ token }: { token: string }) {
  const { sdk } = useSession();
  const submit = useSubmit();
  const [password, setPassword] = useState("");
  const [done, setDone] = useState(false);
  const onSubmit = async () => {
    if (
      await submit.run(() =>
        sdk.auth.confirmPasswordReset({ token, newPassword: password }),
      )
    )
      setDone(true);
  };
  if (done)
    return (
      <p className="notice" role="status">
        Your password has been changed. <Link href="/signin">Sign in</Link> with
        the new one.
      </p>
    );
  return (
    <SubmitForm
      submit={submit}
      onSubmit={onSubmit}
      action="Set new password"
      pendingAction="Saving…"
    >
      <Field
        label="New password (at least 8 characters)"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        minLength={8}
        value={password}
        onChange={setPassword}
      />
    </SubmitForm>
  );
}

/** The password reset page component. */
export function ResetPasswordPage() {
  const token = queryParam("token");
  return (
    <section className="page narrow">
      <PageTitle>Reset your password</PageTitle>
      {token ? <ConfirmForm token={token} /> : <RequestForm />}
      <p>
        <Link href="/signin">Back to sign in</Link>
      </p>
    </section>
  );
}
