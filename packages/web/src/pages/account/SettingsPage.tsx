/** Account settings: who is signed in, change username and display name, change password. */
import { useState } from "react";
import type { User } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { Link } from "../../app/router.tsx";
import { Field, SubmitForm } from "../forms.tsx";
import { USERNAME_RE } from "../projects/invitee.ts";
import { PageTitle, useSubmit } from "../ui.tsx";

function ProfileForm({ user }: { user: User }) {
  const { sdk, reloadUser } = useSession();
  const submit = useSubmit();
  const [username, setUsername] = useState(user.username);
  const [name, setName] = useState(user.displayName);
  const [done, setDone] = useState(false);
  const onSubmit = async () => {
    setDone(false);
    const patch = {
      ...(username.trim() !== user.username
        ? { username: username.trim() }
        : {}),
      ...(name.trim() !== user.displayName ? { displayName: name.trim() } : {}),
    };
    if (Object.keys(patch).length === 0) return setDone(true);
    if (
      await submit.run(async () => {
        const saved = await sdk.updateMe(patch);
        setUsername(saved.username);
        setName(saved.displayName);
        await reloadUser();
      })
    )
      setDone(true);
  };
  return (
    <>
      <SubmitForm
        submit={submit}
        onSubmit={onSubmit}
        action="Save profile"
        pendingAction="Saving…"
        label="Profile"
      >
        <Field
          label="Username"
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          minLength={3}
          maxLength={39}
          pattern={USERNAME_RE.source}
          title="3 to 39 letters, digits or single hyphens, not at the start or end"
          value={username}
          onChange={(v) => {
            setUsername(v);
            setDone(false);
          }}
          hint="Teammates can invite you by this name. Letters, digits and single hyphens."
        />
        <Field
          label="Display name"
          name="displayName"
          autoComplete="name"
          required
          maxLength={100}
          value={name}
          onChange={(v) => {
            setName(v);
            setDone(false);
          }}
        />
      </SubmitForm>
      {done && (
        <p className="notice" role="status">
          Profile saved.
        </p>
      )}
    </>
  );
}

function PasswordForm() {
  const { sdk } = useSession();
  const submit = useSubmit();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [done, setDone] = useState(false);
  const onSubmit = async () => {
    setDone(false);
    if (
      await submit.run(() =>
        sdk.account.changePassword({
          currentPassword: current,
          newPassword: next,
        }),
      )
    ) {
      setCurrent("");
      setNext("");
      setDone(true);
    }
  };
  return (
    <>
      <SubmitForm
        submit={submit}
        onSubmit={onSubmit}
        action="Change password"
        pendingAction="Changing…"
        label="Change password"
      >
        <Field
          label="Current password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={setCurrent}
        />
        <Field
          label="New password (at least 8 characters)"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          value={next}
          onChange={setNext}
        />
      </SubmitForm>
      {done && (
        <p className="notice" role="status">
          Password changed. Your other sessions have been signed out.
        </p>
      )}
    </>
  );
}

/** The settings page component. */
export function SettingsPage() {
  const { state } = useSession();
  const user = state.status === "signedIn" ? state.user : null;
  return (
    <section className="page narrow">
      <PageTitle>Account settings</PageTitle>
      {user && (
        <dl className="facts">
          <dt>Username</dt>
          <dd>@{user.username}</dd>
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
      {user && (
        <>
          <h2>Profile</h2>
          <ProfileForm user={user} />
        </>
      )}
      <h2>Change password</h2>
      <PasswordForm />
    </section>
  );
}
