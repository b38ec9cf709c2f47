/**
 * Keeps the QASM text and the composer in sync both ways. Text edits are compiled (debounced,
 * possibly in a worker) and redraw the circuit when they compile; the drawing keeps the last good
 * circuit while the text has errors. Composer edits become text changes at the lines they touch
 * (composer/source-edit.ts): comments, gate definitions and loops stay as written. An edit that
 * needs restructuring waits in `question` until the person agrees or declines.
 */
import type { Circuit, Diagnostic } from "@stepfault/quantum";
import { useCallback, useEffect, useRef, useState } from "react";
import {
  emptyCircuit,
  initialState,
  replaceFromText,
  sameCircuit,
  type ComposerState,
} from "../composer/actions.ts";
import {
  drawnCircuit,
  drawText,
  planSourceEdit,
  type TextChange,
} from "../composer/source-edit.ts";
import { indexSource } from "../composer/source-map.ts";
import {
  createCompileClient,
  type CompileClient,
} from "../editor/compile-client.ts";
import { compileSource, sourceVersion } from "../qasm/quantum-api.ts";

/** The OpenQASM version a text is compiled as ("3.0" without a header unless it is plainly 2.0). */
export function textVersion(text: string): "2.0" | "3.0" {
  return sourceVersion(text);
}

/** What the sync hook exposes to the page. */
export interface CircuitSync {
  readonly text: string;
  readonly composer: ComposerState;
  readonly diagnostics: readonly Diagnostic[];
  /** The text the diagnostics belong to. */
  readonly diagnosticsFor: string;
  /** True while the drawing shows an older circuit because the text does not compile. */
  readonly stale: boolean;
  readonly compileMs: number;
  /** Why the last composer edit was refused (it cannot be written in the text's version), if it was. */
  readonly notice: string | null;
  /** A composer edit that needs restructuring the text, waiting for the person's answer. */
  readonly question: string | null;
  /** The flat circuit of the text (gate calls expanded), for running; null until it compiles. */
  readonly circuit: Circuit | null;
  /** The text changes of the last composer edit, for the editor to apply as one transaction. */
  readonly lastEdit: {
    readonly base: string;
    readonly changes: readonly TextChange[];
  } | null;
  setText(text: string): void;
  setComposer(next: ComposerState): void;
  /** Answers `question`: apply the restructuring edit, or drop it. */
  answer(apply: boolean): void;
}

/** The drawn circuit of a compiled text, with the same selection when nothing but spans changed. */
function refresh(state: ComposerState, drawn: Circuit): ComposerState {
  if (sameCircuit(state.circuit, drawn)) return { ...state, circuit: drawn };
  return replaceFromText(state, drawn);
}

/** The hook; `debounceMs` delays compiles while typing. */
export function useCircuitSync(
  initialText: string,
  debounceMs = 150,
): CircuitSync {
  const [text, setTextState] = useState(initialText);
  const [composer, setComposerState] = useState<ComposerState>(() => {
    return initialState(drawText(initialText) ?? emptyCircuit(2));
  });
  const [circuit, setCircuit] = useState<Circuit | null>(() => {
    const r = compileSource(initialText);
    return r.ok ? r.circuit : null;
  });
  const [lastEdit, setLastEdit] = useState<CircuitSync["lastEdit"]>(null);
  const [question, setQuestion] = useState<{
    reason: string;
    apply: () => void;
  } | null>(null);
  const [diag, setDiag] = useState<{
    list: readonly Diagnostic[];
    for: string;
    stale: boolean;
    ms: number;
  }>(() => {
    const r = compileSource(initialText);
    return { list: r.diagnostics, for: initialText, stale: !r.ok, ms: 0 };
  });
  const [notice, setNotice] = useState<string | null>(null);
  const composerRef = useRef(composer);
  const client = useRef<CompileClient | null>(null);
  const latest = useRef(initialText);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    client.current = createCompileClient();
    return () => {
      client.current?.dispose();
      client.current = null;
      if (timer.current) clearTimeout(timer.current);
    };
  }, []);

  const compileLatest = useCallback(async () => {
    const source = latest.current;
    const t0 = performance.now();
    const result = await (client.current ?? createCompileClient()).compile(
      source,
    );
    if (source !== latest.current) return; // a newer text is on its way
    setDiag({
      list: result.diagnostics,
      for: source,
      stale: !result.ok,
      ms: performance.now() - t0,
    });
    if (result.ok) {
      const drawn = drawnCircuit(result.circuit, indexSource(source));
      const next = refresh(composerRef.current, drawn);
      composerRef.current = next;
      setComposerState(next);
      setCircuit(result.circuit);
    }
  }, []);

  const setText = useCallback(
    (next: string) => {
      if (next === latest.current) return;
      latest.current = next;
      setTextState(next);
      setNotice(null);
      setQuestion(null);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void compileLatest(), debounceMs);
    },
    [compileLatest, debounceMs],
  );

  const setComposer = useCallback(
    (next: ComposerState) => {
      const apply = (state: ComposerState) => {
        composerRef.current = state;
        setComposerState(state);
      };
      const current = composerRef.current;
      if (next.circuit === current.circuit) {
        apply(next); // selection only: the text stays as it is
        return;
      }
      // Never overwrite text the drawing does not show: it must compile to the drawn circuit.
      const base = latest.current;
      const drawn = drawText(base);
      if (!drawn) {
        setNotice(
          "the text has errors. Fix them (or undo in the editor) before editing the drawing.",
        );
        return;
      }
      if (!sameCircuit(drawn, current.circuit)) {
        apply(refresh(current, drawn));
        setNotice(
          "the drawing was behind the text and has been updated. Please repeat the edit.",
        );
        return;
      }
      // Plan against the text's own drawing (its spans are current even if a compile is pending).
      const fresh = new Map(
        current.circuit.ops.map((o, i) => [o, drawn.ops[i]] as const),
      );
      const after = {
        ...next.circuit,
        ops: next.circuit.ops.map((o) => fresh.get(o) ?? o),
      };
      const plan = planSourceEdit(base, drawn, after);
      if (plan.kind === "refuse") {
        // The edit cannot be written in this OpenQASM version: refuse it and say why.
        setNotice(plan.reason);
        return;
      }
      setNotice(null);
      setQuestion(null);
      if (plan.kind === "none") {
        apply(next);
        return;
      }
      const write = () => {
        if (latest.current !== base) return; // the text changed meanwhile
        // The new text's own drawing (fresh spans), keeping the edit's selection and history.
        apply(plan.drawn ? { ...next, circuit: plan.drawn } : next);
        latest.current = plan.text;
        setLastEdit({ base, changes: plan.changes });
        setTextState(plan.text);
        if (timer.current) clearTimeout(timer.current);
        timer.current = setTimeout(() => void compileLatest(), 0);
      };
      if (plan.kind === "edit") write();
      else
        setQuestion({
          reason: plan.reason,
          apply: () => {
            setQuestion(null);
            write();
          },
        });
    },
    [compileLatest],
  );

  const answer = useCallback(
    (yes: boolean) => {
      if (yes && question) question.apply();
      else setQuestion(null);
    },
    [question],
  );

  return {
    text,
    composer,
    diagnostics: diag.list,
    diagnosticsFor: diag.for,
    stale: diag.stale,
    compileMs: diag.ms,
    notice,
    question: question?.reason ?? null,
    circuit,
    lastEdit,
    setText,
    setComposer,
    answer,
  };
}
