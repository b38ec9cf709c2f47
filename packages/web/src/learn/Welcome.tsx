/**
 * The welcome after sign-up: the sign-up form announces the new account; the shell then shows a
 * welcome above the next page, telling the first account that it administers this server.
 */
import { useEffect, useState } from "react";
import { useSession } from "../api/session.tsx";
import { Link } from "../app/router.tsx";

const EVENT = "stepfault:welcome";

/** Asks the shell to welcome the account just created (called by the sign-up form). */
export function noteWelcome(): void {
  window.dispatchEvent(new Event(EVENT));
}

/** The welcome banner; shown after a sign-up until dismissed or the page is reloaded. */
export function WelcomeBanner() {
  const { state } = useSession();
  const [show, setShow] = useState(false);
  useEffect(() => {
    const on = () => setShow(true);
    window.addEventListener(EVENT, on);
    return () => window.removeEventListener(EVENT, on);
  }, []);
  useEffect(() => {
    if (state.status === "signedOut") setShow(false);
  }, [state.status]);
  if (!show || state.status !== "signedIn") return null;
  const user = state.user;
  const name = user.displayName || user.username;
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">Welcome to StepFault, {name}</h2>
      {user.role === "admin" ? (
        <p>
          You created the first account, so{" "}
          <strong>you are the administrator</strong> of this server: you manage
          the other accounts under <Link href="/admin/users">Users</Link>, where
          the server&apos;s health is shown too.
        </p>
      ) : (
        <p>Your account is ready.</p>
      )}
      <p>
        Start on the <Link href="/">workbench</Link>, open an{" "}
        <Link href="/examples">example</Link>, or create a{" "}
        <Link href="/projects">project</Link> to keep circuits and run them on
        the server. The <a href="/api/docs">API documentation</a> describes the
        REST API behind every page.
      </p>
      <button type="button" onClick={() => setShow(false)}>
        Dismiss
      </button>
    </section>
  );
}
