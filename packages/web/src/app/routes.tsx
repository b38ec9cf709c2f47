/** The route table: which page a path shows, and which pages need a signed-in person. */
import { lazy, useEffect, useState, type ReactNode } from "react";
import { useSession } from "../api/session.tsx";
import { AdminUsersPage } from "../pages/account/AdminUsersPage.tsx";
import { ApiKeysPage } from "../pages/account/ApiKeysPage.tsx";
import { SettingsPage } from "../pages/account/SettingsPage.tsx";
import { ResetPasswordPage } from "../pages/auth/ResetPasswordPage.tsx";
import { safeNext, SignInPage } from "../pages/auth/SignInPage.tsx";
import { SignUpPage } from "../pages/auth/SignUpPage.tsx";
import { NotFoundPage } from "../pages/NotFoundPage.tsx";
import { InvitePage } from "../pages/projects/InvitePage.tsx";
import { MembersPage } from "../pages/projects/MembersPage.tsx";
import { ProjectPage } from "../pages/projects/ProjectPage.tsx";
import { ProjectsPage } from "../pages/projects/ProjectsPage.tsx";
import { SaveToProjectPage } from "../pages/projects/SaveToProjectPage.tsx";
import { Loading } from "../pages/ui.tsx";
import { matchPath, navigate, queryParam } from "./router.tsx";

const ScratchWorkbench = lazy(() =>
  import("../workbench/ScratchWorkbench.tsx").then((m) => ({
    default: m.ScratchWorkbench,
  })),
);
const ExamplesPage = lazy(() =>
  import("../learn/ExamplesPage.tsx").then((m) => ({
    default: m.ExamplesPage,
  })),
);
const JobsPage = lazy(() =>
  import("../pages/jobs/JobsPage.tsx").then((m) => ({ default: m.JobsPage })),
);
const JobPage = lazy(() =>
  import("../pages/jobs/JobPage.tsx").then((m) => ({ default: m.JobPage })),
);
const VariationalPage = lazy(() =>
  import("../variational/VariationalPage.tsx").then((m) => ({
    default: m.VariationalPage,
  })),
);
const NoiseModelsPage = lazy(() =>
  import("../noise/NoiseModelsPage.tsx").then((m) => ({
    default: m.NoiseModelsPage,
  })),
);
const CircuitPage = lazy(() =>
  import("../pages/projects/CircuitPage.tsx").then((m) => ({
    default: m.CircuitPage,
  })),
);

/** Shows `children` to a signed-in person; otherwise sends them to sign in and back here. */
function Private({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const signedOut = state.status === "signedOut";
  // The page asked for, read once: an effect run again (React's strict mode does) must not read
  // the sign-in address it already went to.
  const [here] = useState(
    () => window.location.pathname + window.location.search,
  );
  useEffect(() => {
    if (!signedOut) return;
    navigate(`/signin?next=${encodeURIComponent(here)}`, true);
  }, [signedOut, here]);
  if (state.status !== "signedIn")
    return <Loading what="Checking your session" />;
  return <>{children}</>;
}

/** Signed-in people have no use for the sign-in and sign-up forms. */
function Public({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const signedIn = state.status === "signedIn";
  useEffect(() => {
    // Same target as the sign-in form's own redirect, so the two never disagree.
    if (signedIn) navigate(safeNext(queryParam("next")), true);
  }, [signedIn]);
  if (state.status === "loading")
    return <Loading what="Checking your session" />;
  return signedIn ? null : <>{children}</>;
}

/** The page for a path (with its query). */
export function Route({ path: full }: { path: string }) {
  const [path = "/", search = ""] = full.split("?");
  const m = (pattern: string) => matchPath(pattern, path);
  let p: Record<string, string> | null;
  switch (path) {
    case "/":
    case "/workbench":
      return <ScratchWorkbench />;
    case "/examples":
      return <ExamplesPage />;
    case "/signin":
      return (
        <Public>
          <SignInPage />
        </Public>
      );
    case "/signup":
      return (
        <Public>
          <SignUpPage />
        </Public>
      );
    case "/reset-password":
      return <ResetPasswordPage />;
    case "/projects":
      return (
        <Private>
          <ProjectsPage />
        </Private>
      );
    case "/save":
      return (
        <Private>
          <SaveToProjectPage />
        </Private>
      );
    case "/settings":
      return (
        <Private>
          <SettingsPage />
        </Private>
      );
    case "/settings/api-keys":
      return (
        <Private>
          <ApiKeysPage />
        </Private>
      );
    case "/admin/users":
      return (
        <Private>
          <AdminUsersPage />
        </Private>
      );
  }
  if ((p = m("/invite/:token"))) return <InvitePage token={p.token ?? ""} />;
  if ((p = m("/projects/:id")))
    return (
      <Private>
        <ProjectPage id={p.id ?? ""} />
      </Private>
    );
  if ((p = m("/projects/:id/members")))
    return (
      <Private>
        <MembersPage id={p.id ?? ""} />
      </Private>
    );
  if ((p = m("/projects/:id/jobs")))
    return (
      <Private>
        <JobsPage projectId={p.id ?? ""} />
      </Private>
    );
  if ((p = m("/projects/:id/jobs/:jobId")))
    return (
      <Private>
        <JobPage projectId={p.id ?? ""} jobId={p.jobId ?? ""} />
      </Private>
    );
  if ((p = m("/projects/:id/variational")))
    return (
      <Private>
        <VariationalPage
          projectId={p.id ?? ""}
          jobId={new URLSearchParams(search).get("job")}
        />
      </Private>
    );
  if ((p = m("/projects/:id/noise-models")))
    return (
      <Private>
        <NoiseModelsPage
          projectId={p.id ?? ""}
          open={new URLSearchParams(search).get("model")}
        />
      </Private>
    );
  if ((p = m("/projects/:id/circuits/:cid"))) {
    const rev = Number(new URLSearchParams(search).get("rev"));
    return (
      <Private>
        <CircuitPage
          projectId={p.id ?? ""}
          circuitId={p.cid ?? ""}
          rev={Number.isInteger(rev) && rev > 0 ? rev : null}
        />
      </Private>
    );
  }
  return <NotFoundPage />;
}
