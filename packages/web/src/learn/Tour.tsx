/**
 * The first-run tour of the workbench: four short steps beside the page (not a modal), shown
 * once per browser; "Skip" or "Done" dismisses it for good.
 */
import { useState } from "react";
import { Link } from "../app/router.tsx";

/** localStorage key set once the tour was dismissed. */
export const TOUR_KEY = "sf.tour.done";

const STEPS: readonly { title: string; text: string }[] = [
  {
    title: "Write OpenQASM",
    text: "Type OpenQASM 2 or 3 in the editor. Problems appear under it, at their line and column, as you type.",
  },
  {
    title: "Or draw it",
    text: "Drag gates from the palette onto the wires of the composer (or pick one and press Enter): the text follows, and the drawing follows the text.",
  },
  {
    title: "Run it here",
    text: "Run simulates in this browser, up to 20 qubits, and shows the counts, probabilities and statevector beside the circuit. Nothing is sent to the server.",
  },
  {
    title: "Keep it",
    text: "Your circuit stays in this tab and in the address (copy the link to share it). Save to project keeps it on the server with revisions, jobs and your team.",
  },
];

function done(): boolean {
  try {
    return window.localStorage.getItem(TOUR_KEY) === "1";
  } catch {
    return true;
  }
}

/** The tour component; renders nothing once dismissed. */
export function FirstRunTour() {
  const [hidden, setHidden] = useState(done);
  const [step, setStep] = useState(0);
  if (hidden) return null;
  const dismiss = () => {
    try {
      window.localStorage.setItem(TOUR_KEY, "1");
    } catch {
      // storage unavailable: hidden for this page
    }
    setHidden(true);
  };
  const s = STEPS[step] ?? STEPS[0];
  const last = step === STEPS.length - 1;
  return (
    <aside className="tour" aria-label="Welcome tour">
      <p className="tour-count muted small">
        Step {step + 1} of {STEPS.length}
      </p>
      <h2>{s.title}</h2>
      <p>{s.text}</p>
      {last && (
        <p className="small">
          Start from one of the <Link href="/examples">examples</Link>, and
          press <kbd>?</kbd> for the keyboard shortcuts.
        </p>
      )}
      <div className="tour-actions">
        {step > 0 && (
          <button type="button" onClick={() => setStep(step - 1)}>
            Back
          </button>
        )}
        {last ? (
          <button type="button" className="primary" onClick={dismiss}>
            Done
          </button>
        ) : (
          <button
            type="button"
            className="primary"
            onClick={() => setStep(step + 1)}
          >
            Next
          </button>
        )}
        {!last && (
          <button type="button" className="link-button" onClick={dismiss}>
            Skip the tour
          </button>
        )}
      </div>
    </aside>
  );
}
