/**
 * Jobs, results and a controllable fake of the jobs routes for the run panel and jobs tests: the
 * app's SDK client talks to it through `fetch`, as it talks to the server.
 */
import { vi } from "vitest";
import {
  StepFaultApiError,
  type Job,
  type JobListQuery,
  type JobPage,
  type JobResult,
  type JobSummary,
  type SubmitJobBody,
} from "@stepfault/sdk";

export const BELL_RESULT: JobResult = {
  counts: { "00": 493, "11": 507 },
  probabilities: { "00": 0.493, "11": 0.507 },
  shots: 1000,
  seed: 42,
  qubits: 2,
  clbits: 2,
  method: "statevector",
  sweeps: 1,
  peakMemoryBytes: 64,
  threads: 1,
  timing: { queueWaitMs: 12, compileMs: 1.5, simulateMs: 3.25 },
  statevector: [
    [Math.SQRT1_2, 0],
    [0, 0],
    [0, 0],
    [Math.SQRT1_2, 0],
  ],
};

/** A job in a given state (defaults: a queued Bell job of saved circuit c1 revision 2). */
export function job(over: Partial<Job> = {}): Job {
  return {
    id: "11111111-1111-4111-8111-111111111111",
    projectId: "p1",
    circuitId: "c1",
    circuitRevision: 2,
    createdBy: "u1",
    status: "queued",
    kind: "sample",
    primitive: null,
    method: "auto",
    threads: null,
    noise: null,
    variational: null,
    numQubits: 2,
    numClbits: 2,
    shots: 1000,
    seed: 42,
    precision: "double",
    progress: 0,
    attempts: 0,
    error: null,
    result: null,
    record: null,
    createdAt: "2026-01-01T00:00:00.000Z",
    startedAt: null,
    finishedAt: null,
    ...over,
  };
}

/** A response whose Server-Sent Events body the test writes to. */
export function sseResponse() {
  let ctl!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      ctl = c;
    },
  });
  const enc = new TextEncoder();
  return {
    response: new Response(body, {
      headers: { "content-type": "text/event-stream" },
    }),
    send(event: string, data: unknown, id?: number) {
      ctl.enqueue(
        enc.encode(
          `${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
        ),
      );
    },
    raw(text: string) {
      ctl.enqueue(enc.encode(text));
    },
    end() {
      ctl.close();
    },
    fail() {
      ctl.error(new TypeError("network error"));
    },
  };
}

/** A job as lists show it (its result and noise summarised as the server does). */
export function summary(j: Job): JobSummary {
  const { record: _r, resultUnavailable: _u, variational: _v, ...rest } = j;
  const {
    counts: _c,
    probabilities: _p,
    statevector: _s,
    sweep: _w,
    expectations: _e,
    stddev: _d,
    gradients: _g,
    ...result
  } = j.result ?? ({} as JobResult);
  return {
    ...rest,
    result: j.result ? result : null,
    noise: j.noise && {
      noiseModelId: j.noise.noiseModelId,
      noiseModelName: j.noise.noiseModelName,
      name: j.noise.model.name ?? null,
    },
  };
}

/**
 * The jobs routes as spies, each test setting the answers it needs (a rejected `StepFaultApiError`
 * is answered as its problem+json), and the `fetch` that serves them to the SDK; other routes
 * are not reachable.
 */
export function fakeJobs() {
  const spies = {
    submit: vi.fn<(projectId: string, body: SubmitJobBody) => Promise<Job>>(),
    list: vi.fn<(projectId: string, query: JobListQuery) => Promise<JobPage>>(),
    get: vi.fn<(jobId: string) => Promise<Job>>(),
    cancel: vi.fn<(jobId: string) => Promise<Job>>(),
    /** The raw event stream of `GET /jobs/{id}/events`. */
    events: vi.fn<(jobId: string, signal?: AbortSignal) => Promise<Response>>(),
  };
  const answer = async (call: () => Promise<unknown> | undefined) => {
    try {
      const value = await call();
      if (value instanceof Response) return value;
      if (value === undefined)
        return Response.json({ code: "NOT_MOCKED" }, { status: 404 });
      return Response.json(value);
    } catch (err) {
      if (!(err instanceof StepFaultApiError)) throw err;
      return Response.json(err.problem, {
        status: err.status,
        headers: { "content-type": "application/problem+json" },
      });
    }
  };
  const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), "http://app");
    const path = url.pathname.replace(/^\/api\/v1/, "");
    const method = init.method ?? "GET";
    const query = Object.fromEntries(
      [...url.searchParams].map(([k, v]) => [
        k,
        /^\d+$/.test(v) ? Number(v) : v,
      ]),
    ) as JobListQuery;
    let m: RegExpExecArray | null;
    if ((m = /^\/projects\/([^/]+)\/jobs$/.exec(path)))
      return method === "POST"
        ? answer(() =>
            spies.submit(m![1], JSON.parse(String(init.body)) as SubmitJobBody),
          )
        : answer(() => spies.list(m![1], query));
    if ((m = /^\/jobs\/([^/]+)\/events$/.exec(path)))
      return answer(() => spies.events(m![1], init.signal ?? undefined));
    if ((m = /^\/jobs\/([^/]+)\/cancel$/.exec(path)))
      return answer(() => spies.cancel(m![1]));
    if ((m = /^\/jobs\/([^/]+)$/.exec(path)))
      return answer(() => spies.get(m![1]));
    return Promise.reject(new TypeError("no network in this test"));
  };
  return { ...spies, fetch: fetchFn as typeof fetch };
}

/** A `StepFaultApiError` as the SDK makes them from a problem+json answer. */
export function problem(
  status: number,
  code: string,
  title: string,
  extra: Record<string, unknown> = {},
) {
  return new StepFaultApiError(status, { code, title, status, ...extra });
}
