/**
 * Keeps the live view of the text being edited: each new text (debounced) goes to a run worker
 * of its own; only the answer for the latest text is kept. Without Worker support it stays idle.
 */
import { useEffect, useRef, useState } from "react";
import type { LiveOutcome, LiveReply, LiveRequest } from "./live-state.ts";

/** The live view's state: the answer and the text it belongs to. */
export interface LiveView {
  readonly outcome: LiveOutcome | null;
  readonly source: string | null;
}

/** The hook; `source` null means the text has errors (the last view stays, marked stale). */
export function useLiveState(
  source: string | null,
  debounceMs = 120,
): LiveView {
  const [view, setView] = useState<LiveView>({ outcome: null, source: null });
  const worker = useRef<Worker | null>(null);
  const ids = useRef(0);
  const texts = useRef(new Map<number, string>());

  useEffect(() => {
    if (typeof Worker === "undefined") return;
    const w = new Worker(new URL("./live-state.worker.ts", import.meta.url), {
      type: "module",
    });
    w.onmessage = (e: MessageEvent<LiveReply>) => {
      if (e.data.type !== "live") return;
      if (e.data.id !== ids.current) return; // a newer text is on its way
      setView({
        outcome: e.data.outcome,
        source: texts.current.get(e.data.id) ?? null,
      });
      texts.current.clear();
    };
    worker.current = w;
    return () => {
      w.terminate();
      worker.current = null;
    };
  }, []);

  useEffect(() => {
    if (source === null) return;
    const t = setTimeout(() => {
      const w = worker.current;
      if (!w) return;
      const id = ++ids.current;
      texts.current.set(id, source);
      const request: LiveRequest = { type: "live", id, source };
      w.postMessage(request);
    }, debounceMs);
    return () => clearTimeout(t);
  }, [source, debounceMs]);

  return view;
}
