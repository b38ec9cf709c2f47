/**
 * The assistant panel beside the editor (a lazy chunk): conversation history, streamed answers as
 * Markdown with highlighted code, tool activity as compact steps, badges on QASM blocks, "Insert
 * into editor" for compiled blocks, "Apply edit" for proposals, and the not-configured state.
 */
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from "react";
import type { BlockBadge, Conversation, Proposal } from "@stepfault/sdk";
import { asApiError, errorText } from "../api/errors.ts";
import type { Sdk } from "../api/sdk.ts";
import { useSession } from "../api/session.tsx";
import {
  applyEvent,
  EMPTY_CHAT,
  fromHistory,
  refusalText,
  withProposal,
  type ChatItem,
  type ChatState,
} from "./chat-state.ts";
import { highlight } from "./highlight.tsx";
import { Markdown } from "./markdown.tsx";

/** What the circuit page gives the panel. */
export interface AssistantPanelProps {
  readonly projectId: string;
  readonly circuitId: string;
  /** The editor's current text, sent as context with each message. */
  getEditorText(): string;
  /** Replaces the editor text with a compiled block. */
  onInsert(code: string): void;
  /** A proposal for this circuit was accepted: the circuit has a new revision. */
  onApplied(): void;
}

function Badge({ badge, draft }: { badge?: BlockBadge; draft: boolean }) {
  if (!badge)
    return (
      <p className="qasm-badge pending">
        {draft ? "Checking when the answer is complete…" : "Not checked"}
      </p>
    );
  if (badge.status === "invalid")
    return (
      <div className="qasm-badge invalid" role="note">
        <strong>✗ Does not compile</strong>
        <ul>
          {badge.diagnostics.slice(0, 5).map((d, i) => (
            <li key={i}>
              {d.line}:{d.column} {d.message}
            </li>
          ))}
        </ul>
      </div>
    );
  const sim = badge.simulated;
  return (
    <p className="qasm-badge valid" role="note">
      <strong>✓ Compiles</strong> · {badge.numQubits} qubit
      {badge.numQubits === 1 ? "" : "s"}
      {sim ? (
        <>
          {" "}
          · simulated {sim.shots} shots:{" "}
          {Object.entries(sim.counts)
            .slice(0, 4)
            .map(([k, v]) => `${k || "∅"}: ${v}`)
            .join(", ")}
          {sim.otherOutcomes > 0 ? ` (+${sim.otherOutcomes} more)` : ""}
        </>
      ) : (
        badge.note && <> · {badge.note}</>
      )}
    </p>
  );
}

function AssistantAnswer({
  item,
  onInsert,
}: {
  item: Extract<ChatItem, { kind: "assistant" }>;
  onInsert(code: string): void;
}) {
  return (
    <div className="chat-assistant" aria-busy={item.draft}>
      <Markdown
        text={item.content}
        renderCode={(lang, code, index, key) => {
          const badge =
            index === null
              ? undefined
              : item.blocks?.find((b) => b.index === index);
          return (
            <figure className="code-block" key={key}>
              <pre>
                <code>{highlight(code, index !== null)}</code>
              </pre>
              {index !== null && (
                <figcaption>
                  <Badge badge={badge} draft={item.draft} />
                  {badge?.status === "valid" && (
                    <button type="button" onClick={() => onInsert(code)}>
                      Insert into editor
                    </button>
                  )}
                </figcaption>
              )}
              {index === null && lang && (
                <figcaption className="muted small">{lang}</figcaption>
              )}
            </figure>
          );
        }}
      />
    </div>
  );
}

function ProposalCard({
  p,
  circuitId,
  busy,
  onAccept,
  onReject,
}: {
  p: Proposal;
  circuitId: string;
  busy: boolean;
  onAccept(): void;
  onReject(): void;
}) {
  return (
    <div className={`proposal ${p.status}`} aria-label="Proposed edit">
      <p>
        <strong>Proposed edit:</strong> {p.summary}
        {p.circuitId !== circuitId && (
          <span className="muted small"> (another circuit)</span>
        )}
      </p>
      <details>
        <summary>Show the proposed source</summary>
        <pre>
          <code>{highlight(p.source, true)}</code>
        </pre>
      </details>
      {p.status === "pending" ? (
        <div className="proposal-actions">
          <button type="button" onClick={onAccept} disabled={busy}>
            Apply edit
          </button>
          <button type="button" onClick={onReject} disabled={busy}>
            Reject
          </button>
        </div>
      ) : (
        <p className="muted small" role="status">
          {p.status === "accepted"
            ? `Applied as revision ${p.resultRevision ?? "?"}`
            : "Rejected"}
        </p>
      )}
    </div>
  );
}

/** Per SDK client, whether the server has an AI provider: asked once per page load. */
const configured = new WeakMap<Sdk, Promise<boolean>>();

/**
 * Whether the assistant is configured (`GET /assistant/status`, 200 either way), asked once per
 * client so an open panel never provokes a 503 on every page; a failed ask is asked again.
 */
function assistantConfigured(sdk: Sdk): Promise<boolean> {
  let known = configured.get(sdk);
  if (!known) {
    known = sdk.assistant.status().then((s) => s.configured);
    known.catch(() => configured.delete(sdk));
    configured.set(sdk, known);
  }
  return known;
}

/** The assistant panel (default export for `React.lazy`). */
export default function AssistantPanel(props: AssistantPanelProps) {
  const { projectId, circuitId } = props;
  const { sdk } = useSession();
  const api = sdk.assistant;
  const [conversations, setConversations] = useState<Conversation[] | null>(
    null,
  );
  const [offline, setOffline] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [chat, setChat] = useState<ChatState>(EMPTY_CHAT);
  const [input, setInput] = useState("");
  const [busy, setBusy] = useState(false);
  const abort = useRef<AbortController | null>(null);
  // set synchronously, so a second Enter or click before the next render cannot send twice
  const sending = useRef(false);
  const seq = useRef(0);
  const log = useRef<HTMLDivElement>(null);

  const pushError = useCallback((text: string) => {
    setChat((s) => ({
      ...s,
      items: [...s.items, { kind: "error", key: `x${++seq.current}`, text }],
    }));
  }, []);

  const fail = useCallback((err: unknown): boolean => {
    const e = asApiError(err);
    if (e.code === "AI_NOT_CONFIGURED") {
      setOffline(true);
      return true;
    }
    return false;
  }, []);

  useEffect(() => {
    let live = true;
    assistantConfigured(sdk)
      .then((yes) => {
        if (yes) return api.list(projectId);
        if (live) setOffline(true);
        return null;
      })
      .then(
        (list) => {
          if (!live || list === null) return;
          setConversations(list);
          setCurrent((c) => c ?? list[0]?.id ?? null);
        },
        (err: unknown) => {
          if (!live || fail(err)) return;
          setLoadError(errorText(asApiError(err)));
        },
      );
    return () => {
      live = false;
    };
  }, [api, sdk, projectId, fail]);

  useEffect(() => {
    if (current === null) {
      setChat(EMPTY_CHAT);
      return;
    }
    let live = true;
    api.get(projectId, current).then(
      (c) => live && setChat(fromHistory(c.messages, c.proposals)),
      (err: unknown) => {
        if (live && !fail(err)) setLoadError(errorText(asApiError(err)));
      },
    );
    return () => {
      live = false;
    };
  }, [api, projectId, current, fail]);

  useEffect(() => {
    const el = log.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [chat]);

  useEffect(() => () => abort.current?.abort(), []);

  const refreshList = useCallback(() => {
    api.list(projectId).then(setConversations, () => undefined);
  }, [api, projectId]);

  const send = async (e?: FormEvent) => {
    e?.preventDefault();
    const content = input.trim();
    if (!content || busy || sending.current) return;
    sending.current = true;
    setBusy(true);
    const ac = new AbortController();
    abort.current = ac;
    let id = current;
    try {
      if (id === null) {
        const c = await api.create(projectId);
        id = c.id;
        setCurrent(c.id);
        setChat(EMPTY_CHAT);
      }
      setInput("");
      for await (const ev of api.send(
        projectId,
        id,
        { content, circuitId, editorSource: props.getEditorText() },
        { signal: ac.signal },
      )) {
        const n = ++seq.current;
        setChat((s) => applyEvent(s, ev, n));
      }
    } catch (err) {
      if (ac.signal.aborted) pushError("Stopped.");
      else if (!fail(err)) {
        const a = asApiError(err);
        if (a.code === "CONVERSATION_BUSY" && id !== null) {
          // show what the other tab asked (its answer is stored when it ends)
          const c = await api.get(projectId, id).catch(() => null);
          if (c) setChat(fromHistory(c.messages, c.proposals));
        }
        pushError(refusalText(a));
        setInput((cur) => cur || content);
      }
    } finally {
      sending.current = false;
      setBusy(false);
      abort.current = null;
      refreshList();
    }
  };

  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === "Enter" && !e.shiftKey) {
      e.preventDefault();
      void send();
    }
  };

  const newConversation = async () => {
    try {
      const c = await api.create(projectId);
      setConversations((l) => [c, ...(l ?? [])]);
      setCurrent(c.id);
    } catch (err) {
      if (!fail(err)) pushError(errorText(asApiError(err)));
    }
  };

  const deleteConversation = async () => {
    if (current === null) return;
    try {
      await api.delete(projectId, current);
      const rest = (conversations ?? []).filter((c) => c.id !== current);
      setConversations(rest);
      setCurrent(rest[0]?.id ?? null);
    } catch (err) {
      pushError(errorText(asApiError(err)));
    }
  };

  const resolve = async (p: Proposal, accept: boolean) => {
    if (current === null) return;
    setBusy(true);
    try {
      const next = accept
        ? await api.acceptProposal(projectId, current, p.id)
        : await api.rejectProposal(projectId, current, p.id);
      setChat((s) => withProposal(s, next));
      if (accept && next.circuitId === circuitId) props.onApplied();
    } catch (err) {
      pushError(errorText(asApiError(err)));
    } finally {
      setBusy(false);
    }
  };

  if (offline)
    return (
      <aside className="assistant panel" aria-label="Assistant">
        <header className="panel-head">
          <h2>Assistant</h2>
        </header>
        <div className="assistant-off" role="status">
          <h3>The assistant is not available on this server</h3>
          <p>
            The administrator has not configured an AI provider: set{" "}
            <code>AI_PROVIDER</code> (<code>openai</code>,{" "}
            <code>anthropic</code> or <code>openai-compatible</code> for a local
            model server), with <code>AI_API_KEY</code>, <code>AI_MODEL</code>{" "}
            and, for a local server, <code>AI_BASE_URL</code>, then restart
            StepFault.
          </p>
        </div>
      </aside>
    );

  return (
    <aside className="assistant panel" aria-label="Assistant">
      <header className="panel-head assistant-head">
        <h2>Assistant</h2>
        <label className="visually-hidden" htmlFor="assistant-history">
          Conversation
        </label>
        <select
          id="assistant-history"
          value={current ?? ""}
          onChange={(e) => setCurrent(e.target.value || null)}
          disabled={busy}
        >
          {current === null && <option value="">New conversation</option>}
          {(conversations ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.title}
            </option>
          ))}
        </select>
        <button
          type="button"
          onClick={() => void newConversation()}
          disabled={busy}
        >
          New
        </button>
        <button
          type="button"

          onClick={() => void deleteConversation()}
          disabled={busy || current === null}
          aria-label="Delete this conversation"
        >
          Delete
        </button>
      </header>
      {loadError && (
        <p role="alert" className="notice error">
          {loadError}
        </p>
      )}
      <div
        className="chat-log"
        ref={log}
        aria-live="polite"
        aria-label="Conversation"
      >
        {chat.items.length === 0 && (
          <p className="muted">
            Ask about this circuit: the assistant sees its source and
            diagnostics, can check and simulate circuits, and proposes edits you
            apply yourself.
          </p>
        )}
        {chat.items.map((it) => {
          switch (it.kind) {
            case "user":
              return (
                <div key={it.key} className="chat-user">
                  {it.content}
                </div>
              );
            case "assistant":
              return (
                <AssistantAnswer
                  key={it.key}
                  item={it}
                  onInsert={props.onInsert}
                />
              );
            case "step":
              return (
                <p key={it.key} className={`chat-step ${it.status}`}>
                  <span aria-hidden="true">
                    {it.status === "running"
                      ? "…"
                      : it.status === "ok"
                        ? "✓"
                        : "✗"}
                  </span>{" "}
                  <code>{it.name}</code> {it.summary}
                </p>
              );
            case "notice":
              return (
                <p key={it.key} className="chat-notice" role="status">
                  {it.text}
                </p>
              );
            case "error":
              return (
                <p key={it.key} className="notice error" role="alert">
                  {it.text}
                </p>
              );
            case "proposal": {
              const p = chat.proposals.find((x) => x.id === it.id);
              return p ? (
                <ProposalCard
                  key={it.key}
                  p={p}
                  circuitId={circuitId}
                  busy={busy}
                  onAccept={() => void resolve(p, true)}
                  onReject={() => void resolve(p, false)}
                />
              ) : null;
            }
          }
        })}
      </div>
      <form className="chat-form" onSubmit={(e) => void send(e)}>
        <label htmlFor="assistant-input" className="visually-hidden">
          Ask the assistant
        </label>
        <textarea
          id="assistant-input"
          value={input}
          onChange={(e) => setInput(e.target.value)}
          onKeyDown={onKey}
          placeholder="Ask about this circuit (Enter sends, Shift+Enter for a new line)"
          rows={3}
          maxLength={20000}
        />
        {/* Send stays in place, disabled while an answer streams: a double click cannot send
            twice or land on Stop */}
        <button type="submit" disabled={busy || !input.trim()}>
          Send
        </button>
        {busy && (
          <button type="button" onClick={() => abort.current?.abort()}>
            Stop
          </button>
        )}
      </form>
    </aside>
  );
}
