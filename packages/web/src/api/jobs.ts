/**
 * The jobs API for the app: types as the server sends them, typed calls, a Server-Sent Events
 * reader for `GET /jobs/{id}/events`, and `watchJob`, which follows one job to its end (the event
 * stream first, polling `GET /jobs/{id}` when the stream cannot be opened or breaks).
 */
import { ApiError, type ApiClient } from "./client.ts";
import type { Page } from "./endpoints.ts";
import type {
  JobNoise,
  JobNoiseSummary,
  NoiseModelSpec,
  SimulationMethod,
} from "@stepfault/sdk";

/** Job states: queued -> running -> succeeded | failed | cancelled. */
export type JobStatus =
  "queued" | "running" | "succeeded" | "failed" | "cancelled";

/** All states, in the order the filters show them. */
export const JOB_STATUSES: readonly JobStatus[] = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "cancelled",
];

/** True when the job will not change any more. */
export function isTerminal(status: JobStatus): boolean {
  return (
    status === "succeeded" || status === "failed" || status === "cancelled"
  );
}

/** Simulator precision. */
export type Precision = "double" | "single";

/** What a succeeded job produced. */
export interface JobResult {
  readonly counts: Readonly<Record<string, number>>;
  readonly probabilities: Readonly<Record<string, number>>;
  readonly shots: number;
  readonly seed: number;
  readonly qubits: number;
  readonly clbits: number;
  readonly method: string;
  readonly sweeps: number;
  readonly peakMemoryBytes: number;
  readonly timing: {
    readonly queueWaitMs: number;
    readonly compileMs: number;
    readonly simulateMs: number;
  };
  /** Final state as [re, im] pairs, little-endian (qubit 0 is the lowest bit); small static circuits only. */
  readonly statevector?: readonly (readonly [number, number])[];
}

/** The reproducible record of a finished job. */
export interface JobRecord {
  readonly source: string;
  readonly inputs: Readonly<Record<string, unknown>> | null;
  readonly circuit: unknown;
  readonly seed: number;
  readonly options: { readonly shots: number; readonly precision: string };
  readonly stepfaultVersion: string;
}

/** A job as the API shows it. */
export interface Job {
  readonly id: string;
  readonly projectId: string;
  readonly circuitId: string | null;
  readonly circuitRevision: number | null;
  readonly createdBy: string | null;
  readonly status: JobStatus;
  /** The simulation method asked for (`result.method` is the one used); absent on old servers. */
  readonly method?: SimulationMethod;
  /** The noise model the job ran with (null: none beyond pragmas in its source). */
  readonly noise?: JobNoise | null;
  readonly numQubits: number;
  readonly numClbits: number;
  readonly shots: number;
  readonly seed: number;
  readonly precision: string;
  readonly progress: number;
  readonly attempts: number;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly result: JobResult | null;
  /** Set when the job succeeded but its stored result file is gone on the server (`result` is null). */
  readonly resultUnavailable?: {
    readonly code: "RESULT_MISSING";
    readonly message: string;
  };
  readonly record: JobRecord | null;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

/** A job as lists show it: no record, and a result without counts, probabilities or statevector. */
export type JobSummary = Omit<
  Job,
  "record" | "result" | "resultUnavailable" | "noise"
> & {
  /** Which noise model (by id and name), not the model itself (a full job also fits). */
  readonly noise?: Pick<
    JobNoiseSummary,
    "noiseModelId" | "noiseModelName"
  > | null;
  readonly result: Omit<
    JobResult,
    "counts" | "probabilities" | "statevector"
  > | null;
};

/** Body of a job submission: a saved circuit (optionally a revision) or inline source. */
export interface SubmitJob {
  readonly circuitId?: string;
  readonly revision?: number;
  readonly source?: string;
  readonly shots: number;
  readonly seed?: number;
  readonly precision?: Precision;
  /** A noise model (at most one of `noise` and `noiseModelId`). */
  readonly noise?: NoiseModelSpec;
  /** A saved noise model of the project. */
  readonly noiseModelId?: string;
  /** Simulation method (default auto). */
  readonly method?: SimulationMethod;
}

/** One message of the job event stream. */
export type JobEvent =
  | { readonly event: "state"; readonly data: Job }
  | {
      readonly event: "status";
      readonly data: {
        readonly status: JobStatus;
        readonly attempt?: number;
        readonly error?: { readonly code: string; readonly message: string };
      };
    }
  | { readonly event: "progress"; readonly data: { readonly fraction: number } }
  | { readonly event: "log"; readonly data: { readonly message: string } };

const enc = encodeURIComponent;

/** The jobs calls bound to one client. */
export function jobsApi(c: ApiClient) {
  return {
    submit: (projectId: string, body: SubmitJob) =>
      c.request<Job>("POST", `/projects/${enc(projectId)}/jobs`, { body }),
    list: (
      projectId: string,
      query: {
        status?: JobStatus;
        circuitId?: string;
        cursor?: string;
        limit?: number;
      } = {},
    ) =>
      c.request<Page<JobSummary>>("GET", `/projects/${enc(projectId)}/jobs`, {
        query: { limit: query.limit ?? 50, ...query },
      }),
    get: (jobId: string) => c.request<Job>("GET", `/jobs/${enc(jobId)}`),
    cancel: (jobId: string) =>
      c.request<Job>("POST", `/jobs/${enc(jobId)}/cancel`),
    /** The raw event stream response. */
    events: (jobId: string, signal?: AbortSignal) =>
      c.stream("GET", `/jobs/${enc(jobId)}/events`, { signal }),
  };
}

/** The bound jobs calls. */
export type JobsApi = ReturnType<typeof jobsApi>;

/** One raw Server-Sent Events message. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** Parses a Server-Sent Events body into messages (comments and heartbeats skipped). */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buf = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buf += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let end: number;
      while ((end = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, end);
        buf = buf.slice(end + 2);
        let event = "message";
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split("\n")) {
          if (line === "" || line.startsWith(":")) continue;
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value =
            colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = value;
          else if (field === "data") data.push(value);
          else if (field === "id") id = value;
        }
        if (data.length > 0)
          yield { event, data: data.join("\n"), ...(id ? { id } : {}) };
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** What `watchJob` tells its caller. */
export interface JobWatcher {
  /** The latest full job (first state, every poll, and the final job). */
  onJob(job: Job): void;
  /** A status change seen on the stream (before the full job is fetched). */
  onStatus?(status: JobStatus): void;
  onProgress?(fraction: number): void;
  /** How updates arrive now. */
  onTransport?(transport: "stream" | "polling"): void;
}

/** Options of `watchJob`. */
export interface WatchOptions {
  readonly signal?: AbortSignal;
  /** Polling interval when the stream is not available, default 1000 ms. */
  readonly pollMs?: number;
  /** Skip the stream and poll (for tests and for lists). */
  readonly poll?: boolean;
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

const isAbort = (err: unknown) =>
  err instanceof DOMException && err.name === "AbortError";

/**
 * Follows a job until it succeeds, fails or is cancelled and returns the final job (with its
 * result). Uses the event stream; when it cannot be opened (other than a 4xx, which is thrown) or
 * ends early, polls `GET /jobs/{id}`. Returns null when `signal` aborts first.
 */
export async function watchJob(
  api: JobsApi,
  jobId: string,
  w: JobWatcher,
  opts: WatchOptions = {},
): Promise<Job | null> {
  const { signal } = opts;
  // After a terminal status on the stream one GET fetches the final job with its result.
  let ended = false;
  if (!opts.poll) {
    const ac = new AbortController();
    const stop = () => ac.abort();
    signal?.addEventListener("abort", stop, { once: true });
    try {
      const res = await api.events(jobId, ac.signal);
      if (res.body) {
        w.onTransport?.("stream");
        for await (const m of readSse(res.body)) {
          const e = { event: m.event, data: JSON.parse(m.data) } as JobEvent;
          if (e.event === "state") {
            if (isTerminal(e.data.status)) {
              // A stream may show a large result as its summary only: GET the whole job.
              ended = true;
              break;
            }
            w.onJob(e.data);
          } else if (e.event === "progress") w.onProgress?.(e.data.fraction);
          else if (e.event === "status") {
            w.onStatus?.(e.data.status);
            if (isTerminal(e.data.status)) {
              ended = true;
              break;
            }
          }
        }
      }
    } catch (err) {
      if (signal?.aborted || isAbort(err)) return null;
      if (err instanceof ApiError && err.status >= 400 && err.status < 500)
        throw err;
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
      const job = await api.get(jobId);
      if (signal?.aborted) return null;
      failures = 0;
      w.onJob(job);
      if (isTerminal(job.status)) return job;
    } catch (err) {
      if (signal?.aborted || isAbort(err)) return null;
      if (err instanceof ApiError && err.status >= 400 && err.status < 500)
        throw err;
      // Network trouble: keep trying a few times before giving up.
      if (++failures >= 5) throw err;
    }
    await sleep(opts.pollMs ?? 1000, signal);
    if (signal?.aborted) return null;
  }
}
