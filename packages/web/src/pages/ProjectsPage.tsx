/** Projects page placeholder: lists nothing until the projects API exists (no invented data). */
import { Link } from "../app/router.tsx";

/** The projects page component. */
export function ProjectsPage() {
  return (
    <section className="page">
      <h1>Projects</h1>
      <p className="notice">
        Projects are stored by the server, and its projects API is not available
        in this build yet. Meanwhile the <Link href="/">circuit workbench</Link>{" "}
        works fully in the browser.
      </p>
    </section>
  );
}
