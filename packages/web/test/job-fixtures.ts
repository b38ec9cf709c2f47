/** Jobs, results and a controllable fake jobs API for the run panel and jobs tests. */
import { vi } from "vitest";
import { ApiError } from "../src/api/client.ts";
import type { Job, JobResult, JobsApi } from "../src/api/jobs.ts";

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

/** A jobs API of spies; each test sets the answers it needs. */
export function fakeJobs() {
  return {
    submit: vi.fn<JobsApi["submit"]>(),
    list: vi.fn<JobsApi["list"]>(),
    get: vi.fn<JobsApi["get"]>(),
    cancel: vi.fn<JobsApi["cancel"]>(),
    events: vi.fn<JobsApi["events"]>(),
  } satisfies JobsApi;
}

/** An ApiError as the client makes them from a problem+json answer. */
export function problem(
  status: number,
  code: string,
  title: string,
  extra: Record<string, unknown> = {},
) {
  return new ApiError(status, code, title, title, { code, title, ...extra });
}
