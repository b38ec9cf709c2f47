/** The app shell: header with navigation and account menu, the routed page, system light/dark theme. */
import { Suspense, useEffect, useRef, useState } from "react";
import { SessionProvider, useSession } from "../api/session.tsx";
import { ShortcutsDialog } from "../learn/Shortcuts.tsx";
import { WelcomeBanner } from "../learn/Welcome.tsx";
import { Route } from "./routes.tsx";
import { Link, navigate, usePath } from "./router.tsx";
import "./shell.css";

function Nav() {
  const session = useSession();
  const { state } = session;
  const path = usePath();
  // On a phone the links fold into a menu: one row of header, opened by the Menu button.
  const [open, setOpen] = useState(false);
  useEffect(() => setOpen(false), [path]);
  return (
    <nav aria-label="Main">
      <button
        type="button"
        className="nav-toggle"
        aria-expanded={open}
        aria-controls="nav-links"
        onClick={() => setOpen(!open)}
      >
        Menu
      </button>
      <div id="nav-links" className={open ? "nav-links open" : "nav-links"}>
        <Link href="/workbench">Workbench</Link>
        <Link href="/examples">Examples</Link>
        {state.status === "signedIn" ? (
          <>
            <Link href="/projects">Projects</Link>
            <Link href="/settings/api-keys">API keys</Link>
            <Link href="/settings">Settings</Link>
            {state.user.role === "admin" && (
              <Link href="/admin/users">Users</Link>
            )}
            <a href="/api/docs">API docs</a>
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
            <a href="/api/docs">API docs</a>
            <Link href="/signin">Sign in</Link>
            <Link href="/signup">Sign up</Link>
          </>
        ) : null}
      </div>
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
        <WelcomeBanner />
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Route path={path} />
        </Suspense>
      </main>
      <ShortcutsDialog />
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
