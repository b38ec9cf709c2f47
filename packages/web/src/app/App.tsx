/** The app shell: header with navigation, the routed page (loaded lazily), system light/dark theme. */
import { lazy, Suspense } from "react";
import { NotFoundPage } from "../pages/NotFoundPage.tsx";
import { ProjectsPage } from "../pages/ProjectsPage.tsx";
import { SignInPage } from "../pages/SignInPage.tsx";
import { Link, usePath } from "./router.tsx";

const WorkbenchPage = lazy(() =>
  import("../workbench/WorkbenchPage.tsx").then((m) => ({
    default: m.WorkbenchPage,
  })),
);

function Page({ path }: { path: string }) {
  switch (path) {
    case "/":
    case "/workbench":
      return <WorkbenchPage />;
    case "/projects":
      return <ProjectsPage />;
    case "/signin":
      return <SignInPage />;
    default:
      return <NotFoundPage />;
  }
}

/** The root component. */
export function App() {
  const path = usePath();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          StepFault
        </Link>
        <nav aria-label="Main">
          <Link href="/">Workbench</Link>
          <Link href="/projects">Projects</Link>
          <Link href="/signin">Sign in</Link>
        </nav>
      </header>
      <main id="main">
        <Suspense fallback={<p className="loading">Loading…</p>}>
          <Page path={path} />
        </Suspense>
      </main>
    </div>
  );
}
