/**
 * The workbench at `/`: never loses work. It opens with a shared link's circuit, else this tab's
 * autosave, else the sample, and saves every change to the tab and to the address's fragment.
 */
import { useEffect, useRef, useState } from "react";
import { Link, navigate } from "../app/router.tsx";
import { FirstRunTour } from "../learn/Tour.tsx";
import { SAMPLE_QASM } from "./sample.ts";
import {
  encodeFragment,
  initialScratch,
  noteWrittenFragment,
  saveScratch,
} from "./scratch-store.ts";
import { WorkbenchPage } from "./WorkbenchPage.tsx";

const tabStorage = (): Storage | undefined => {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
};

/** The scratch workbench page. */
export function ScratchWorkbench({
  saveDelayMs = 300,
}: {
  saveDelayMs?: number;
}) {
  const [initial, setInitial] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void initialScratch(window.location.hash, tabStorage(), SAMPLE_QASM).then(
      (text) => live && setInitial(text),
    );
    return () => {
      live = false;
    };
  }, []);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const onTextChange = (text: string) => {
    saveScratch(tabStorage(), text);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      void encodeFragment(text).then((fragment) => {
        const { pathname, search } = window.location;
        // Only while the workbench is still the page shown.
        if (pathname !== "/" && pathname !== "/workbench") return;
        if (fragment) noteWrittenFragment(tabStorage(), fragment);
        window.history.replaceState(
          window.history.state,
          "",
          pathname + search + (fragment ?? ""),
        );
      });
    }, saveDelayMs);
  };
  if (initial === null)
    return (
      <p className="muted" role="status">
        Opening your circuit…
      </p>
    );
  return (
    <>
      <div className="circuit-bar scratch-bar">
        <h1 tabIndex={-1}>Workbench</h1>
        <span className="muted small">
          Kept in this tab and in the address; nothing is sent until you save.
        </span>
        <Link href="/examples" className="button-link">
          Examples
        </Link>
        <button
          type="button"
          className="primary"
          onClick={() => navigate("/save")}
          title="Save this circuit to one of your projects (signs you in first)"
        >
          Save to project
        </button>
      </div>
      <FirstRunTour />
      <WorkbenchPage initialText={initial} onTextChange={onTextChange} />
    </>
  );
}
