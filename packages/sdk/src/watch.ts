/** Following one job to its end: the event stream first, polling when it cannot be had. */
import { StepFaultApiError } from "./errors.ts";
import type { Job, JobEvent, JobStatus } from "./types.ts";

/** Whether each state is final, in the order lists show the states. */
const FINAL: Readonly<Record<JobStatus, boolean>> = {
  queued: false,
  running: false,
  succeeded: true,
  failed: true,
  cancelled: true,
};

/** Every job state, in the order of its life (queued, running, then the final ones). */
export const JOB_STATUSES = Object.keys(FINAL) as readonly JobStatus[];

/** True when a job in this state will not change any more. */
export function isTerminal(status: JobStatus): boolean {
  return FINAL[status];
}

/** What `jobs.watch` tells its caller as the job goes on. */
export interface JobWatcher {
  /** The latest full job: the stream's first state, every poll, and the final job. */
  onJob?(job: Job): void;
  /** A status change seen on the stream (before the full job is fetched). */
  onStatus?(status: JobStatus): void;
  onProgress?(fraction: number): void;
  /** Every event of the stream as it arrives. */
  onEvent?(event: JobEvent): void;
  /** How updates arrive now. */
  onTransport?(transport: "stream" | "polling"): void;
}

/** Options of `jobs.watch`. */
export interface WatchOptions {
  readonly signal?: AbortSignal;
  /** Polling interval when the stream is not available (default 1000 ms). */
  readonly pollMs?: number;
  /** Poll instead of streaming. */
  readonly poll?: boolean;
}

/** What the watcher needs of the client. */
export interface WatchTransport {
  get(jobId: string): Promise<Job>;
  events(
    jobId: string,
    opts: { signal?: AbortSignal },
  ): AsyncGenerator<JobEvent>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

/** True for the error an aborted fetch throws. */
export const isAbortError = (err: unknown): boolean =>
  err instanceof Error && err.name === "AbortError";

/** A refusal (4xx) that another try would only repeat. */
const isRefusal = (err: unknown) =>
  err instanceof StepFaultApiError && err.status >= 400 && err.status < 500;

/**
 * Follows a job until it succeeds, fails or is cancelled and returns the final job with its whole
 * result. Reads the event stream; when it cannot be opened (a 4xx is thrown) or ends early, polls
 * `GET /jobs/{id}`, riding out a few network failures in a row. Returns null when `signal` aborts
 * first.
 */
export async function watchJob(
  t: WatchTransport,
  jobId: string,
  w: JobWatcher = {},
  opts: WatchOptions = {},
): Promise<Job | null> {
  const { signal } = opts;
  let ended = false;
  let progress = -1;
  const report = (fraction: number) => {
    if (fraction === progress) return;
    progress = fraction;
    w.onProgress?.(fraction);
  };
  if (!opts.poll) {
    const ac = new AbortController();
    const stop = () => ac.abort();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      let first = true;
      for await (const e of t.events(jobId, { signal: ac.signal })) {
        if (first) w.onTransport?.("stream");
        first = false;
        w.onEvent?.(e);
        if (e.event === "state") {
          // A stream may carry a large result as its summary only: the end GETs the whole job.
          if (isTerminal(e.data.status)) ended = true;
          else {
            w.onJob?.(e.data);
            report(e.data.progress);
          }
        } else if (e.event === "progress") report(e.data.fraction);
        else if (e.event === "status") {
          w.onStatus?.(e.data.status);
          if (isTerminal(e.data.status)) ended = true;
        }
        if (ended) break;
      }
    } catch (err) {
      if (signal?.aborted || isAbortError(err)) return null;
      if (isRefusal(err)) throw err;
      // The stream failed: poll below.
    } finally {
      signal?.removeEventListener("abort", stop);
      ac.abort();
    }
  }
  if (signal?.aborted) return null;
  if (!ended) w.onTransport?.("polling");
  for (let failures = 0; ;) {
    try {
      const job = await t.get(jobId);
      if (signal?.aborted) return null;
      failures = 0;
      w.onJob?.(job);
      report(job.progress);
      if (isTerminal(job.status)) return job;
    } catch (err) {
      if (signal?.aborted || isAbortError(err)) return null;
      if (isRefusal(err) || ++failures >= 5) throw err;
    }
    await sleep(opts.pollMs ?? 1000, signal);
    if (signal?.aborted) return null;
  }
}
