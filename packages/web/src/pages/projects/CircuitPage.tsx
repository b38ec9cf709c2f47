/**
 * A saved circuit in the workbench: unsaved-changes marker, save as a new revision (Ctrl+S),
 * revision list, and drafts kept in sessionStorage across reloads and expired sessions.
 */
import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useRef,
  useState,
} from "react";
import type { Circuit, Diagnostic, Job, RevisionSummary } from "@stepfault/sdk";
import { useSession } from "../../api/session.tsx";
import { useAsync } from "../../api/useAsync.ts";
import { Link } from "../../app/router.tsx";
import { WorkbenchPage } from "../../workbench/WorkbenchPage.tsx";
import {
  AssistantToggle,
  useAssistantOpen,
  WithAssistant,
} from "../../assistant/mount.tsx";
import {
  ErrorAlert,
  Loading,
  NotFound,
  PageTitle,
  useSubmit,
  when,
} from "../ui.tsx";
import { loadDraft, saveDraft } from "./drafts.ts";
import { lastRunOf } from "../../run/useRun.ts";

const loadRunPanel = () => import("../../run/RunPanel.tsx");
const RunPanel = lazy(() =>
  loadRunPanel().then((m) => ({ default: m.RunPanel })),
);
const EstimatePanel = lazy(() =>
  import("../../run/EstimatePanel.tsx").then((m) => ({
    default: m.EstimatePanel,
  })),
);

interface Opened {
  readonly circuit: Circuit;
  readonly projectName: string;
  /** The caller's role in the project (viewers cannot run). */
  readonly role: string;
  /** The source shown at open: a draft, an old revision, or the current source. */
  readonly text: string;
  /** The revision number shown when it is not the current one. */
  readonly viewing: number | null;
  readonly restored: boolean;
  /** The circuit's revisions as they were at open (newest first). */
  readonly revisions: readonly RevisionSummary[];
  /** The circuit's last job with its result (null: never run, or it could not be read). */
  readonly lastRun: Job | null;
}

function Revisions({
  circuit,
  viewing,
  version,
  initial,
}: {
  circuit: Circuit;
  viewing: number | null;
  /** Bumped after each save: the list is read again. */
  version: number;
  /** The list read when the page opened (shown until the first save). */
  initial: readonly RevisionSummary[];
}) {
  const { sdk } = useSession();
  const list = useAsync(
    async () =>
      version === 0
        ? initial
        : sdk.circuits.revisions(circuit.projectId, circuit.id),
    `${circuit.id}|${version}`,
  );
  const base = `/projects/${circuit.projectId}/circuits/${circuit.id}`;
  return (
    <details className="revisions">
      <summary>Revisions</summary>
      {list.loading && <Loading what="Loading revisions" />}
      <ErrorAlert error={list.error} />
      <ol aria-label="Revisions">
        {list.data?.map((r: RevisionSummary) => {
          const current = r.revision === circuit.revision;
          const shown = (viewing ?? circuit.revision) === r.revision;
          return (
            <li key={r.revision}>
              <Link
                href={current ? base : `${base}?rev=${r.revision}`}
                aria-current={shown ? "true" : undefined}
              >
                Revision {r.revision}
                {current ? " (current)" : ""}
              </Link>{" "}
              <span className="muted small">{when(r.createdAt)}</span>
            </li>
          );
        })}
      </ol>
    </details>
  );
}

function Editor({ opened }: { opened: Opened }) {
  const { sdk } = useSession();
  const [circuit, setCircuit] = useState(opened.circuit);
  // The text the shown revision has on the server: edits beyond it are unsaved changes.
  const [saved, setSaved] = useState(
    opened.viewing === null ? opened.circuit.source : opened.text,
  );
  const [text, setText] = useState(opened.text);
  // What the workbench starts from; the assistant replaces it (new `n` remounts the workbench).
  const [seed, setSeed] = useState({ text: opened.text, n: 0 });
  const [assistantOpen, setAssistantOpen] = useAssistantOpen();
  const textRef = useRef(text);
  textRef.current = text;
  const [version, setVersion] = useState(0);
  const [viewing, setViewing] = useState(opened.viewing);
  const submit = useSubmit();
  const dirty = text !== saved;
  // An older revision can be saved as it is: that makes it the current one again.
  const canSave = dirty || viewing !== null;

  useEffect(() => {
    saveDraft(
      circuit.id,
      dirty && viewing === null
        ? { text, baseRevision: circuit.revision }
        : null,
    );
  }, [circuit.id, circuit.revision, dirty, text, viewing]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const save = useCallback(async () => {
    if (!canSave) return;
    await submit.run(async () => {
      const next = await sdk.circuits.update(circuit.projectId, circuit.id, {
        source: text,
      });
      setCircuit(next);
      setSaved(next.source);
      setViewing(null);
      setVersion((v) => v + 1);
      saveDraft(circuit.id, null);
    });
  }, [sdk, circuit, canSave, submit, text]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [save]);

  // After the assistant's edit proposal was accepted (a new revision on the server).
  const applied = useCallback(async () => {
    const next = await sdk.circuits.get(circuit.projectId, circuit.id);
    setCircuit(next);
    setSaved(next.source);
    setViewing(null);
    setVersion((v) => v + 1);
    saveDraft(circuit.id, null);
    setSeed((s) => ({ text: next.source, n: s.n + 1 }));
  }, [sdk, circuit.projectId, circuit.id]);

  const diags = (submit.error?.problem.diagnostics ?? []) as Diagnostic[];
  const target = {
    circuitId: circuit.id,
    revision: viewing ?? circuit.revision,
    source: text,
    unsaved: dirty,
  };
  return (
    <>
      <div className="circuit-bar">
        <p className="crumbs">
          <Link href="/projects">Projects</Link> /{" "}
          <Link href={`/projects/${circuit.projectId}`}>
            {opened.projectName}
          </Link>{" "}
          /
        </p>
        <PageTitle>{circuit.name}</PageTitle>
        <span className="muted small">
          {viewing !== null
            ? `Viewing revision ${viewing} (current is ${circuit.revision})`
            : `Revision ${circuit.revision}`}
        </span>
        <span
          className={dirty ? "status warn" : "status ok"}
          role="status"
          aria-live="polite"
        >
          {submit.pending
            ? "Saving…"
            : dirty
              ? "Unsaved changes"
              : "All changes saved"}
        </span>
        <button
          type="button"
          onClick={() => void save()}
          disabled={!canSave || submit.pending}
          title="Save as a new revision (Ctrl+S)"
        >
          Save revision
        </button>
        <Revisions
          circuit={circuit}
          viewing={viewing}
          version={version}
          initial={opened.revisions}
        />
        <AssistantToggle open={assistantOpen} onToggle={setAssistantOpen} />
      </div>
      {opened.restored && dirty && (
        <p className="notice" role="status">
          Restored unsaved changes kept in this tab.
        </p>
      )}
      <ErrorAlert error={submit.error} />
      {diags.length > 0 && (
        <ul className="server-diags" aria-label="Server diagnostics">
          {diags.map((d, i) => (
            <li key={i}>
              {d.line}:{d.column} {d.message}
            </li>
          ))}
        </ul>
      )}
      <WithAssistant
        open={assistantOpen}
        projectId={circuit.projectId}
        circuitId={circuit.id}
        getEditorText={() => textRef.current}
        onInsert={(code) => setSeed((s) => ({ text: code, n: s.n + 1 }))}
        onApplied={() => void applied()}
      >
        <WorkbenchPage
          key={seed.n}
          initialText={seed.text}
          onTextChange={setText}
          runLocally={false}
          memberLink={`/projects/${circuit.projectId}/circuits/${circuit.id}`}
          run={
            <Suspense fallback={<Loading what="Loading the run panel" />}>
              <RunPanel
                projectId={circuit.projectId}
                canRun={opened.role !== "viewer"}
                target={target}
                lastRun={opened.lastRun}
              />
              <EstimatePanel
                projectId={circuit.projectId}
                canRun={opened.role !== "viewer"}
                target={target}
              />
            </Suspense>
          }
        />
      </WithAssistant>
    </>
  );
}

/** The circuit page component; `rev` opens an older revision. */
export function CircuitPage({
  projectId,
  circuitId,
  rev,
}: {
  projectId: string;
  circuitId: string;
  rev: number | null;
}) {
  const { sdk } = useSession();
  const opened = useAsync<Opened>(
    async () => {
      // Everything the page shows is asked for at once (the run panel's code too), not one
      // request after another.
      void loadRunPanel().catch(() => undefined);
      const [circuit, project, revision, revisions, lastRun] =
        await Promise.all([
          sdk.circuits.get(projectId, circuitId),
          sdk.projects.get(projectId),
          rev !== null
            ? sdk.circuits.revision(projectId, circuitId, rev)
            : null,
          sdk.circuits.revisions(projectId, circuitId),
          // Best effort: the run panel works without the last run.
          lastRunOf(sdk.jobs, projectId, circuitId).catch(() => null),
        ]);
      const base = {
        circuit,
        projectName: project.name,
        role: project.role,
        revisions,
        lastRun,
      };
      if (revision && rev !== circuit.revision)
        return {
          ...base,
          text: revision.source ?? "",
          viewing: rev,
          restored: false,
        };
      const draft = loadDraft(circuitId);
      if (draft && draft.text !== circuit.source)
        return { ...base, text: draft.text, viewing: null, restored: true };
      return { ...base, text: circuit.source, viewing: null, restored: false };
    },
    `${projectId}|${circuitId}|${rev ?? ""}`,
  );
  if (opened.loading) return <Loading what="Opening circuit" />;
  const status = opened.error?.status;
  if (status === 404 || status === 400)
    return (
      <NotFound
        what={
          opened.error?.code === "REVISION_NOT_FOUND" ? "Revision" : "Circuit"
        }
      />
    );
  if (!opened.data)
    return (
      <section className="page">
        <ErrorAlert error={opened.error} />
      </section>
    );
  return (
    <Editor
      key={`${circuitId}|${opened.data.viewing ?? ""}`}
      opened={opened.data}
    />
  );
}
