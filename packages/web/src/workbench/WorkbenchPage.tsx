/** The circuit workbench page: QASM editor and visual composer side by side, kept in sync. */
import {
  lazy,
  Suspense,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from "react";
import { ComposerPanel } from "../composer/ComposerPanel.tsx";
import type { CodeEditorHandle } from "../editor/CodeEditor.tsx";
import { LiveView } from "../run/LiveView.tsx";
import { useLiveState } from "../run/useLiveState.ts";
import { LocalRunPanel } from "./LocalRunPanel.tsx";
import { readQasmFile } from "./share.ts";
import { ShareBar } from "./ShareBar.tsx";
import { SAMPLE_QASM } from "./sample.ts";
import { useCircuitSync } from "./useCircuitSync.ts";

const CodeEditor = lazy(() =>
  import("../editor/CodeEditor.tsx").then((m) => ({ default: m.CodeEditor })),
);

export { SAMPLE_QASM };

const SECTIONS = [
  ["workbench-editor", "Editor"],
  ["workbench-circuit", "Circuit"],
  ["workbench-run", "Run"],
] as const;

/**
 * On a phone the panels stack: buttons to jump to each (not `#` links, since the address's
 * fragment holds the circuit). Hidden where the panels sit side by side.
 */
function JumpLinks() {
  return (
    <nav className="workbench-jump" aria-label="Workbench panels">
      {SECTIONS.map(([id, label]) => (
        <button
          key={id}
          type="button"
          aria-label={`Jump to ${label}`}
          onClick={() => {
            const el = document.getElementById(id);
            el?.scrollIntoView({ block: "start" });
            el?.focus({ preventScroll: true });
          }}
        >
          {label}
        </button>
      ))}
    </nav>
  );
}

/** The workbench page component. */
export function WorkbenchPage({
  initialText = SAMPLE_QASM,
  onTextChange,
  runLocally = true,
  run,
  memberLink,
}: {
  initialText?: string;
  /** Told the text after every change (typing or drawing), e.g. to track unsaved changes. */
  onTextChange?: (text: string) => void;
  /** The scratch workbench runs circuits in the browser; a saved circuit has its own run panel. */
  runLocally?: boolean;
  /** A run panel of the page's own (a saved circuit's server runs), shown under the composer. */
  run?: ReactNode;
  /** A saved circuit's page path, for the share bar's "Copy link" (project members). */
  memberLink?: string;
}) {
  const sync = useCircuitSync(initialText);
  const notify = useRef(onTextChange);
  notify.current = onTextChange;
  useEffect(() => notify.current?.(sync.text), [sync.text]);
  const editor = useRef<CodeEditorHandle>(null);
  const [dropping, setDropping] = useState(false);
  const [dropError, setDropError] = useState<string | null>(null);
  const upToDate = sync.diagnosticsFor === sync.text;
  // While a new compile is pending, the last results stay on screen (dimmed) instead of flickering.
  const errors = sync.diagnostics.filter((d) => d.severity === "error").length;
  // The live view follows the text whenever it compiles (the scratch workbench only).
  const liveSource =
    runLocally && upToDate && errors === 0 && !sync.stale ? sync.text : null;
  const live = useLiveState(liveSource);
  return (
    <>
      <JumpLinks />
      <div className="workbench">
        <div className="workbench-main">
          <section
            className="panel editor-panel"
            aria-label="OpenQASM editor"
            id="workbench-editor"
            tabIndex={-1}
          >
            <header className="panel-head">
              <h2>OpenQASM</h2>
              <span
                className={errors ? "status bad" : "status ok"}
                role="status"
              >
                {errors
                  ? `${errors} error${errors > 1 ? "s" : ""}`
                  : "no problems"}
              </span>
            </header>
            <ShareBar
              text={sync.text}
              circuit={upToDate && !sync.stale ? sync.circuit : null}
              onOpen={sync.setText}
              memberLink={memberLink}
            />
            <div
              className={dropping ? "editor-host dropping" : "editor-host"}
              // A .qasm file dropped on the editor replaces the text (one undoable change).
              onDragOverCapture={(e) => {
                if (!e.dataTransfer.types.includes("Files")) return;
                e.preventDefault();
                e.stopPropagation();
                setDropping(true);
              }}
              onDragLeave={() => setDropping(false)}
              onDropCapture={(e) => {
                const file = e.dataTransfer.files[0];
                if (!file) return;
                e.preventDefault();
                e.stopPropagation();
                setDropping(false);
                setDropError(null);
                void readQasmFile(file).then((r) =>
                  r.ok ? sync.setText(r.text) : setDropError(r.message),
                );
              }}
            >
              <Suspense
                fallback={
                  <textarea
                    className="editor-fallback"
                    aria-label="OpenQASM source (loading editor)"
                    value={sync.text}
                    readOnly
                  />
                }
              >
                <CodeEditor
                  ref={editor}
                  value={sync.text}
                  onChange={sync.setText}
                  diagnostics={sync.diagnostics}
                  diagnosticsFor={sync.diagnosticsFor}
                  changes={sync.lastEdit}
                  label="OpenQASM source"
                />
              </Suspense>
            </div>
            {dropError && (
              <p role="alert" className="notice error">
                Not opened: {dropError}.
              </p>
            )}
            <div
              className={upToDate ? "problems" : "problems checking"}
              aria-label="Problems"
              aria-busy={!upToDate}
            >
              <h3>Problems</h3>
              {sync.diagnostics.length === 0 && <p className="muted">None.</p>}
              <ul>
                {sync.diagnostics.map((d, i) => (
                  <li key={i} className={d.severity}>
                    <button
                      type="button"
                      onClick={() =>
                        editor.current?.focusAt(d.span.line, d.span.col)
                      }
                    >
                      <span className="loc">
                        {d.span.line}:{d.span.col}
                      </span>{" "}
                      <span className="sev">{d.severity}</span> {d.message}{" "}
                      <span className="code">{d.code}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          </section>
          {runLocally && (
            <LiveView
              view={live}
              current={liveSource}
              qregs={sync.circuit?.qregs ?? []}
            />
          )}
        </div>
        <div className="workbench-side">
          <section
            className="panel composer-panel"
            aria-label="Composer"
            id="workbench-circuit"
            tabIndex={-1}
          >
            <header className="panel-head">
              <h2>Composer</h2>
              {sync.stale && (
                <span className="status warn">
                  showing the last circuit without errors
                </span>
              )}
            </header>
            {sync.notice && (
              <p role="alert" className="notice">
                That change was not applied: {sync.notice}
              </p>
            )}
            {sync.question && (
              <div
                role="alertdialog"
                aria-labelledby="restructure-title"
                aria-describedby="restructure-text"
                className="notice restructure"
              >
                <p id="restructure-title">
                  <strong>This edit changes more than one line.</strong>
                </p>
                <p id="restructure-text">{sync.question}</p>
                <div className="actions">
                  <button type="button" onClick={() => sync.answer(true)}>
                    Rewrite
                  </button>
                  <button
                    type="button"
                    autoFocus
                    onClick={() => sync.answer(false)}
                  >
                    Cancel
                  </button>
                </div>
              </div>
            )}
            <ComposerPanel
              state={sync.composer}
              onChange={sync.setComposer}
              onUndo={() => editor.current?.undo()}
              onRedo={() => editor.current?.redo()}
            />
          </section>
          {/*
           * The results: under the drawing up to 1200 px wide, and from there a column of their
           * own beside it, so the histogram shows without scrolling at 1280x800.
           */}
          <div className="workbench-results" id="workbench-run" tabIndex={-1}>
            {runLocally && (
              <LocalRunPanel
                text={sync.text}
                circuit={upToDate && !sync.stale ? sync.circuit : null}
                errors={errors}
              />
            )}
            {run}
          </div>
        </div>
      </div>
    </>
  );
}
