/** The app shell: header with navigation and account menu, the routed page, system light/dark theme. */
import { Suspense, useEffect, useRef } from "react";
import { SessionProvider, useSession } from "../api/session.tsx";
import { Route } from "./routes.tsx";
import { Link, navigate, usePath } from "./router.tsx";
import "./shell.css";

function Nav() {
  const session = useSession();
  const { state } = session;
  return (
    <nav aria-label="Main">
      <Link href="/workbench">Workbench</Link>
      {state.status === "signedIn" ? (
        <>
          <Link href="/projects">Projects</Link>
          <Link href="/settings/api-keys">API keys</Link>
          <Link href="/settings">Settings</Link>
          {state.user.role === "admin" && (
            <Link href="/admin/users">Users</Link>
          )}
          <button
            type="button"
            className="link-button"
            onClick={() =>
              void session.signOut().then(() => navigate("/signin", true))
            }
          >
            Sign out
          </button>
        </>
      ) : state.status === "signedOut" ? (
        <>
          <Link href="/signin">Sign in</Link>
          <Link href="/signup">Sign up</Link>
        </>
      ) : null}
    </nav>
  );
}

function Shell() {
  const path = usePath();
  const first = useRef(true);
  // After an in-app navigation, focus goes to the new page's heading (not on the first load).
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => {
      const h = document.querySelector<HTMLElement>("main h1");
      if (h && !h.contains(document.activeElement)) h.focus();
    }, 0);
    return () => clearTimeout(t);
  }, [path]);
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          StepFault
        </Link>
        <Nav />
      </header>
      <main id="main">
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Route path={path} />
        </Suspense>
      </main>
    </div>
  );
}

/** The root component. */
export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}
