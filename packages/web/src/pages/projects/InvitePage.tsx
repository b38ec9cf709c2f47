/**
 * An invitation link (`/invite/<token>`): says who invited the person to which project and role.
 * Signed out, it offers to create an account (the invited email filled in) or to sign in, and
 * comes back here to join; signed in, "Join" makes them a member and opens the project. A link
 * that was used, revoked or has expired says so plainly.
 */
import { useEffect, useRef, useState } from "react";
import type { InvitationPreview } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link, navigate, queryParam } from "../../app/router.tsx";
import { ErrorAlert, Loading, PageTitle, useSubmit } from "../ui.tsx";

const CLOSED: Record<string, { title: string; text: string }> = {
  INVITATION_USED: {
    title: "This invitation was already accepted",
    text: "An invitation link works once. If it was you, the project is in your list of projects.",
  },
  INVITATION_REVOKED: {
    title: "This invitation was withdrawn",
    text: "The project's owner revoked it. Ask them for a new invitation if you still need access.",
  },
  INVITATION_EXPIRED: {
    title: "This invitation has expired",
    text: "Invitation links work for seven days. Ask the project's owner to invite you again.",
  },
  INVITATION_NOT_FOUND: {
    title: "This invitation link is not valid",
    text: "Check that the whole link from the email was opened, or ask the project's owner to invite you again.",
  },
  VALIDATION_FAILED: {
    title: "This invitation link is not valid",
    text: "Check that the whole link from the email was opened, or ask the project's owner to invite you again.",
  },
};

function Offer({
  token,
  invite,
}: {
  token: string;
  invite: InvitationPreview;
}) {
  const { state, sdk } = useSession();
  const submit = useSubmit();
  const auto = queryParam("join") === "1";
  const started = useRef(false);
  const [joined, setJoined] = useState(false);
  const join = () =>
    submit.run(async () => {
      const project = await sdk.invitations.accept(token);
      setJoined(true);
      navigate(`/projects/${project.id}`, true);
    });
  const signedIn = state.status === "signedIn";
  useEffect(() => {
    // Back from signing up or in through this page's links: join at once, once.
    if (signedIn && auto && !started.current) {
      started.current = true;
      void join();
    }
  });
  const back = `/invite/${token}?join=1`;
  const carry = `?next=${encodeURIComponent(back)}&email=${encodeURIComponent(invite.email)}`;
  return (
    <>
      <p className="invite-offer">
        {invite.invitedBy ?? "A project owner"} invited{" "}
        <strong>{invite.email}</strong> to the project{" "}
        <strong>{invite.projectName}</strong> as <strong>{invite.role}</strong>.
      </p>
      {state.status === "loading" && <Loading what="Checking your session" />}
      {state.status === "signedOut" && (
        <>
          <p>Create an account to join, or sign in if you already have one.</p>
          <p className="actions">
            <Link className="button-link primary" href={`/signup${carry}`}>
              Create an account and join
            </Link>
            <Link className="button-link" href={`/signin${carry}`}>
              Sign in and join
            </Link>
          </p>
        </>
      )}
      {signedIn && (
        <>
          {state.user.email !== invite.email && (
            <p className="muted small">
              You are signed in as {state.user.email}; joining adds this account
              to the project.
            </p>
          )}
          <p className="actions">
            <button
              type="button"
              className="primary"
              disabled={submit.pending || joined}
              onClick={() => void join()}
            >
              {submit.pending ? "Joining…" : `Join ${invite.projectName}`}
            </button>
          </p>
        </>
      )}
      <ErrorAlert error={submit.error} />
      <p className="muted small">
        The link works once, until{" "}
        {new Date(invite.expiresAt).toLocaleDateString()}.
      </p>
    </>
  );
}

/** The invitation page component. */
export function InvitePage({ token }: { token: string }) {
  const { sdk } = useSession();
  const invite = useAsync(() => sdk.invitations.preview(token), token);
  if (invite.loading && !invite.data)
    return <Loading what="Opening the invitation" />;
  const closed = invite.error ? CLOSED[invite.error.code] : undefined;
  if (closed)
    return (
      <section className="page narrow">
        <PageTitle>{closed.title}</PageTitle>
        <p>{closed.text}</p>
        <p>
          <Link href="/projects">Your projects</Link> ·{" "}
          <Link href="/">The workbench</Link>
        </p>
      </section>
    );
  return (
    <section className="page narrow">
      <PageTitle>
        {invite.data ? `Join ${invite.data.projectName}` : "Project invitation"}
      </PageTitle>
      <ErrorAlert error={invite.error} />
      {invite.data && <Offer token={token} invite={invite.data} />}
    </section>
  );
}
