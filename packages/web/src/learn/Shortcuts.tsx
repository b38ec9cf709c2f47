/**
 * The keyboard shortcuts, listed in a dialog that `?` opens anywhere outside a text field (the
 * editor included: there `?` is a character).
 */
import { useEffect, useRef, useState } from "react";

/** The shortcuts: keys and what they do. */
export const SHORTCUTS: readonly (readonly [string, string])[] = [
  ["?", "Show this list of shortcuts"],
  ["Ctrl+S (⌘S)", "Save a revision of the circuit (circuit page)"],
  ["Esc then Tab", "Leave the editor with the keyboard (Tab indents in it)"],
  ["Ctrl+Space", "Suggest gates and keywords in the editor"],
  ["Arrow keys", "Move within the gate palette (one tab stop)"],
  ["Enter or Space", "Place the chosen gate on the wire under the cursor"],
  ["↑ ↓ ← →", "Move the selected gate (composer)"],
  ["Shift+← / Shift+→", "Select the previous or next gate (composer)"],
  ["Delete", "Remove the selected gate (composer)"],
  ["Ctrl+Z / Ctrl+Y", "Undo and redo in the composer"],
  ["Esc", "Drop the chosen gate or the selection (composer)"],
];

const typing = (t: EventTarget | null): boolean => {
  if (!(t instanceof HTMLElement)) return false;
  return (
    t.isContentEditable ||
    t.tagName === "INPUT" ||
    t.tagName === "TEXTAREA" ||
    t.tagName === "SELECT"
  );
};

/** The `?` dialog; mounted once by the shell. */
export function ShortcutsDialog() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "?" || e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e.target)) return;
      e.preventDefault();
      setOpen(true);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      className="shortcuts"
      aria-labelledby="shortcuts-title"
      onClose={() => setOpen(false)}
    >
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map(([keys, does]) => (
            <tr key={keys}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{does}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit" autoFocus>
          Close
        </button>
      </form>
    </dialog>
  );
}
