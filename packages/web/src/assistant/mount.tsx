/**
 * How the circuit page mounts the assistant: a toggle button (remembered per browser) and a
 * wrapper that puts the lazily loaded panel beside the workbench.
 */
import { lazy, Suspense, useState, type ReactNode } from "react";
import type { AssistantPanelProps } from "./AssistantPanel.tsx";
import "./assistant.css";

const AssistantPanel = lazy(() => import("./AssistantPanel.tsx"));
const KEY = "sf.assistant.open";

/** Whether the panel is open, kept in localStorage. */
export function useAssistantOpen(): [boolean, (open: boolean) => void] {
  const [open, setOpen] = useState(() => {
    try {
      return window.localStorage.getItem(KEY) === "1";
    } catch {
      return false;
    }
  });
  return [
    open,
    (next) => {
      setOpen(next);
      try {
        window.localStorage.setItem(KEY, next ? "1" : "0");
      } catch {
        // storage unavailable: keep it for this page only
      }
    },
  ];
}

/** The button that opens and closes the panel. */
export function AssistantToggle({
  open,
  onToggle,
}: {
  open: boolean;
  onToggle(open: boolean): void;
}) {
  return (
    <button
      type="button"

      aria-expanded={open}
      onClick={() => onToggle(!open)}
    >
      {open ? "Hide assistant" : "Assistant"}
    </button>
  );
}

/** The workbench with the panel beside it when open. */
export function WithAssistant({
  open,
  children,
  ...panel
}: AssistantPanelProps & { open: boolean; children: ReactNode }) {
  // The same tree open or closed, so toggling never remounts (and resets) the workbench.
  return (
    <div className={open ? "with-assistant" : undefined}>
      <div className="with-assistant-main">{children}</div>
      {open && (
        <Suspense
          fallback={
            <p className="loading" role="status">
              Loading the assistant…
            </p>
          }
        >
          <AssistantPanel {...panel} />
        </Suspense>
      )}
    </div>
  );
}
