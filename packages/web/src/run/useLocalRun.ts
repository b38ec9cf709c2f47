/**
 * Runs a circuit in this browser, in a module Web Worker (the page never freezes and never loads
 * the simulator itself), with the run panel's state from `runReducer`; cancel terminates the worker.
 */
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { LocalRunReply, LocalRunRequest } from "./local-limits.ts";
import {
  INITIAL_RUN,
  runReducer,
  type RunJob,
  type RunState,
} from "./run-state.ts";

/** A run in this browser, in the shape the run state and views expect. */
export type LocalJob = RunJob;

/** The parts of a Worker the hook uses (tests pass a fake). */
export interface RunWorker {
  onmessage: ((event: MessageEvent<LocalRunReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
  postMessage(request: LocalRunRequest): void;
  terminate(): void;
}

/** Starts the real run worker (a module worker built by Vite). */
export function startRunWorker(): RunWorker {
  return new Worker(new URL("./local-run.worker.ts", import.meta.url), {
    type: "module",
  }) as RunWorker;
}

/** The local run controller. */
export interface LocalRun {
  readonly state: RunState<LocalJob>;
  /** Starts a run; ignored while one runs. */
  run(request: LocalRunRequest): void;
  /** Stops the running simulation (terminates its worker). */
  cancel(): void;
  /** Forgets the last finished run (not a running one). */
  clear(): void;
}

/** The hook; `startWorker` creates the worker of each run (one worker per run). */
export function useLocalRun(
  startWorker: () => RunWorker = startRunWorker,
): LocalRun {
  const [state, dispatch] = useReducer(runReducer<LocalJob>, INITIAL_RUN);
  const current = useRef<{ worker: RunWorker; job: LocalJob } | null>(null);
  const count = useRef(0);

  const stop = useCallback(() => {
    current.current?.worker.terminate();
    current.current = null;
  }, []);
  useEffect(() => stop, [stop]);

  const run = useCallback(
    (request: LocalRunRequest) => {
      if (current.current) return;
      dispatch({ type: "submit" });
      const job: LocalJob = {
        id: `local-${++count.current}`,
        status: "running",
        progress: 0,
        result: null,
        error: null,
      };
      const finish = (end: Partial<LocalJob>) => {
        if (current.current?.job !== job) return; // cancelled or replaced
        stop();
        dispatch({ type: "job", job: { ...job, ...end } });
      };
      let worker: RunWorker;
      try {
        worker = startWorker();
      } catch (e) {
        dispatch({ type: "submitted", job });
        dispatch({
          type: "job",
          job: {
            ...job,
            status: "failed",
            error: {
              code: "WORKER_UNAVAILABLE",
              message: `this browser cannot start the simulation worker (${e instanceof Error ? e.message : String(e)})`,
            },
          },
        });
        return;
      }
      current.current = { worker, job };
      dispatch({ type: "submitted", job });
      worker.onmessage = (event) => {
        const reply = event.data;
        if (current.current?.job !== job) return;
        if (reply.type === "progress") {
          dispatch({ type: "progress", fraction: reply.fraction });
          return;
        }
        const o = reply.outcome;
        finish(
          o.ok
            ? { status: "succeeded", progress: 1, result: o.result }
            : { status: "failed", error: o.error },
        );
      };
      worker.onerror = (event) => {
        event.preventDefault?.();
        finish({
          status: "failed",
          error: {
            code: "WORKER_CRASHED",
            message: `the simulation stopped unexpectedly${event.message ? ` (${event.message})` : ""}; the browser may have run out of memory`,
          },
        });
      };
      worker.postMessage(request);
    },
    [startWorker, stop],
  );

  const cancel = useCallback(() => {
    const running = current.current;
    if (!running) return;
    stop();
    dispatch({ type: "job", job: { ...running.job, status: "cancelled" } });
  }, [stop]);

  const clear = useCallback(() => dispatch({ type: "clear" }), []);

  return { state, run, cancel, clear };
}
