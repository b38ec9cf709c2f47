/// <reference lib="webworker" />
/**
 * Web Worker that runs one circuit in this browser: receives a `LocalRunRequest`, posts throttled
 * `progress` replies and one `done`. The page cancels a run by terminating the worker.
 */
import type { LocalRunReply, LocalRunRequest } from "./local-limits.ts";
import { runLocally } from "./local-run.ts";
import { liveState, type LiveReply, type LiveRequest } from "./live-state.ts";

const PROGRESS_INTERVAL_MS = 100;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (reply: LocalRunReply) => scope.postMessage(reply);

scope.onmessage = (event: MessageEvent<LocalRunRequest | LiveRequest>) => {
  const data = event.data;
  if ("type" in data && data.type === "live") {
    // The live view (Bloch spheres, marginals, amplitudes) of the text being edited.
    const reply: LiveReply = {
      type: "live",
      id: data.id,
      outcome: liveState(data.source),
    };
    scope.postMessage(reply);
    return;
  }
  let last = 0;
  try {
    const outcome = runLocally(data as LocalRunRequest, (fraction) => {
      const now = performance.now();
      if (now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      post({ type: "progress", fraction });
    });
    post({ type: "done", outcome });
  } catch (e) {
    post({
      type: "done",
      outcome: {
        ok: false,
        error: {
          code: "SIM_INTERNAL",
          message: e instanceof Error ? e.message : String(e),
        },
      },
    });
  }
};
