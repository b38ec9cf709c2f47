/**
 * The examples gallery: the classic algorithms as small commented programs; "Open in the
 * workbench" puts one on `/` (asking first when that would replace the person's own circuit).
 */
import { navigate } from "../app/router.tsx";
import { PageTitle } from "../pages/ui.tsx";
import { SAMPLE_QASM } from "../workbench/sample.ts";
import { loadScratch, saveScratch } from "../workbench/scratch-store.ts";
import { EXAMPLES, type Example } from "../workbench/examples.ts";

const tabStorage = (): Storage | undefined => {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
};

/** True when the workbench holds the person's own text (not the sample, not an example). */
export function holdsOwnWork(text: string | null): boolean {
  return (
    text !== null &&
    text.trim() !== "" &&
    text !== SAMPLE_QASM &&
    !EXAMPLES.some((e) => e.source === text)
  );
}

/** Puts `example` on the workbench and goes there; false when the person kept their circuit. */
export function openExample(example: Example): boolean {
  const storage = tabStorage();
  if (
    holdsOwnWork(loadScratch(storage)) &&
    !window.confirm(
      `Replace the circuit on the workbench with the ${example.title} example? (Save yours to a project first to keep it.)`,
    )
  )
    return false;
  saveScratch(storage, example.source);
  navigate("/");
  return true;
}

/** The gallery page component. */
export function ExamplesPage() {
  return (
    <section className="page">
      <PageTitle>Examples</PageTitle>
      <p className="muted">
        Each program compiles and runs in this browser. Open one in the
        workbench, run it, then change it.
      </p>
      <ul className="cards examples" aria-label="Examples">
        {EXAMPLES.map((e) => {
          const lines = e.source.split("\n").filter((l) => l.trim()).length;
          return (
            <li key={e.id} className="card example">
              <h2 className="card-title">{e.title}</h2>
              <p>{e.summary}</p>
              <p className="muted small">{lines} lines of OpenQASM 3</p>
              <button
                type="button"
                onClick={() => openExample(e)}
                aria-label={`Open in the workbench: ${e.title}`}
              >
                Open in the workbench
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
