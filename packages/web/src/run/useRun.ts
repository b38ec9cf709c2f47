/** Submits a job and follows it to its end (stream, then polling), with cancel; state from `runReducer`. */
import { useCallback, useEffect, useReducer, useRef } from "react";
import type { Job, SubmitJobBody } from "@stepfault/sdk";
import { asApiError } from "../api/errors.ts";
import type { Sdk } from "../api/sdk.ts";
import { INITIAL_RUN, runReducer, type RunState } from "./run-state.ts";

/** The circuit's last job with its whole result (lists carry a summary only), or null. */
export async function lastRunOf(
  jobs: Pick<Sdk["jobs"], "list" | "get">,
  projectId: string,
  circuitId: string,
): Promise<Job | null> {
  const last = (await jobs.list(projectId, { circuitId, limit: 1 })).items[0];
  return last ? jobs.get(last.id) : null;
}

/** The run controller. */
export interface Run {
  readonly state: RunState;
  /** Submits a job in `projectId`; ignored while one is being submitted or is running. */
  submit(projectId: string, body: SubmitJobBody): Promise<void>;
  /** Asks the server to cancel the running job. */
  cancel(): Promise<void>;
  /** Follows an existing job (e.g. one opened from the jobs page). */
  follow(job: Job): void;
}

/** The SDK's job calls a run makes. */
export type RunJobs = Pick<Sdk["jobs"], "submit" | "cancel" | "watch">;

/** The run hook; `pollMs` is the polling interval used when the event stream is unavailable. */
export function useRun(jobs: RunJobs, opts: { pollMs?: number } = {}): Run {
  const [state, dispatch] = useReducer(runReducer<Job>, INITIAL_RUN);
  const watching = useRef<AbortController | null>(null);
  const busy = useRef(false);
  const stateRef = useRef(state);
  stateRef.current = state;
  const pollMs = opts.pollMs;

  useEffect(() => () => watching.current?.abort(), []);

  const follow = useCallback(
    (job: Job) => {
      watching.current?.abort();
      const ac = new AbortController();
      watching.current = ac;
      dispatch({ type: "submitted", job });
      if (job.status !== "queued" && job.status !== "running") return;
      void jobs
        .watch(
          job.id,
          {
            onJob: (j) => dispatch({ type: "job", job: j }),
            onStatus: (status) => dispatch({ type: "status", status }),
            onProgress: (fraction) => dispatch({ type: "progress", fraction }),
            onTransport: (transport) =>
              dispatch({ type: "transport", transport }),
          },
          { signal: ac.signal, ...(pollMs !== undefined ? { pollMs } : {}) },
        )
        .then(
          () => {
            if (!ac.signal.aborted) dispatch({ type: "watchStopped" });
          },
          (err: unknown) => {
            if (!ac.signal.aborted)
              dispatch({ type: "error", error: asApiError(err) });
          },
        );
    },
    [jobs, pollMs],
  );

  const submit = useCallback(
    async (projectId: string, body: SubmitJobBody) => {
      const phase = stateRef.current.phase;
      if (busy.current || phase === "active") return;
      busy.current = true;
      dispatch({ type: "submit" });
      try {
        follow(await jobs.submit(projectId, body));
      } catch (err) {
        dispatch({ type: "error", error: asApiError(err) });
      } finally {
        busy.current = false;
      }
    },
    [follow, jobs],
  );

  const cancel = useCallback(async () => {
    const job = stateRef.current.job;
    if (!job || stateRef.current.phase !== "active") return;
    dispatch({ type: "cancel" });
    try {
      dispatch({ type: "job", job: await jobs.cancel(job.id) });
    } catch (err) {
      const e = asApiError(err);
      // It finished meanwhile: the watcher brings the final job; nothing to report.
      if (e.code !== "JOB_FINISHED") dispatch({ type: "error", error: e });
    }
  }, [jobs]);

  return { state, submit, cancel, follow };
}
