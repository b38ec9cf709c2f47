/** Shown for unknown paths. */
import { Link } from "../app/router.tsx";

/** The not-found page component. */
export function NotFoundPage() {
  return (
    <section className="page narrow">
      <h1>Page not found</h1>
      <p>
        There is nothing at this address.{" "}
        <Link href="/">Go to the workbench</Link>.
      </p>
    </section>
  );
}
