/**
 * Keeps the QASM text and the composer in sync both ways. Text edits are compiled (debounced,
 * possibly in a worker) and redraw the circuit when they compile; the drawing keeps the last good
 * circuit while the text has errors. Composer edits print the circuit in the text's QASM version.
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
  createCompileClient,
  type CompileClient,
} from "../editor/compile-client.ts";
import {
  circuitToQasm,
  compileSource,
  sourceVersion,
} from "../qasm/quantum-api.ts";

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
  setText(text: string): void;
  setComposer(next: ComposerState): void;
}

/** The hook; `debounceMs` delays compiles while typing. */
export function useCircuitSync(
  initialText: string,
  debounceMs = 150,
): CircuitSync {
  const [text, setTextState] = useState(initialText);
  const [composer, setComposerState] = useState<ComposerState>(() => {
    const r = compileSource(initialText);
    return initialState(r.ok ? r.circuit : emptyCircuit(2));
  });
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
      const next = replaceFromText(composerRef.current, result.circuit);
      composerRef.current = next;
      setComposerState(next);
    }
  }, []);

  const setText = useCallback(
    (next: string) => {
      if (next === latest.current) return;
      latest.current = next;
      setTextState(next);
      setNotice(null);
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
      const check = compileSource(latest.current);
      if (!check.ok) {
        setNotice(
          "the text has errors. Fix them (or undo in the editor) before editing the drawing.",
        );
        return;
      }
      if (!sameCircuit(check.circuit, current.circuit)) {
        apply(replaceFromText(current, check.circuit));
        setNotice(
          "the drawing was behind the text and has been updated. Please repeat the edit.",
        );
        return;
      }
      const version = textVersion(latest.current);
      const printed = circuitToQasm(
        withVersion(next.circuit, version),
        version,
      );
      if (!printed.ok) {
        // The edit cannot be written in this OpenQASM version: refuse it and say why.
        setNotice(printed.message);
        return;
      }
      setNotice(null);
      apply(next);
      if (printed.text === latest.current) return;
      latest.current = printed.text;
      setTextState(printed.text);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => void compileLatest(), 0);
    },
    [compileLatest],
  );

  return {
    text,
    composer,
    diagnostics: diag.list,
    diagnosticsFor: diag.for,
    stale: diag.stale,
    compileMs: diag.ms,
    notice,
    setText,
    setComposer,
  };
}

function withVersion(circuit: Circuit, version: "2.0" | "3.0"): Circuit {
  return { ...circuit, sourceVersion: version };
}
