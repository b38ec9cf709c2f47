/**
 * A job's event stream for Server-Sent Events: the current state first, then status changes, log
 * lines and variational `iteration`s from `job_events` (whose ids are the SSE ids, so `Last-Event-ID` resumes), and
 * progress at most a few times a second. Woken by the in-process bus; polls the database as a
 * fallback for workers in other processes. Ends after a terminal status.
 */
import type { Job, JobEvent } from "@stepfault/contract";
import type {
  JobRow,
  JobsRepository,
} from "../repositories/jobs.repository.ts";
import { TERMINAL_STATES } from "../repositories/jobs.repository.ts";
import type { JobEventBus } from "./event-bus.ts";
import { createWaker } from "./waker.ts";

/** One SSE message of a job stream. */
export type StreamMessage = JobEvent;

/** Database poll of a stream: a fallback when the bus is in-process only, a safety net otherwise. */
const POLL_MS = 500;
const POLL_CROSS_PROCESS_MS = 5000;
const PROGRESS_MIN_MS = 250;

/** Streams a job's events until it finishes or `signal` aborts. */
export async function* jobEventStream(
  deps: {
    jobs: JobsRepository;
    bus: JobEventBus;
    view: (r: JobRow) => Job;
  },
  jobId: string,
  lastEventId: number | undefined,
  signal: AbortSignal,
  /** The job and its newest event id read together (`JobsRepository.snapshot`), when known. */
  initial?: { row: JobRow; lastEventId: number },
): AsyncGenerator<StreamMessage> {
  const waker = createWaker();
  let pendingProgress: number | undefined;
  const unsubscribe = deps.bus.subscribe(jobId, (sig) => {
    if (sig.kind === "progress") pendingProgress = sig.fraction;
    waker.wake();
  });
  const onAbort = () => waker.wake();
  signal.addEventListener("abort", onAbort);
  try {
    // A fresh client: current state first, then only what happens next. The state and the id
    // of its newest event come from one snapshot, so no change falls between them.
    const snap = initial ?? (await deps.jobs.snapshot(jobId));
    if (snap === undefined) return;
    const row = snap.row;
    let after = lastEventId ?? 0;
    if (lastEventId === undefined) {
      after = snap.lastEventId;
      yield { id: after, event: "state", data: deps.view(row) };
      if (TERMINAL_STATES.includes(row.status)) return;
    }
    let lastProgress = row.progress;
    let lastProgressAt = 0;
    // Progress comes from the bus; the row is read for it only after a quiet polling interval
    // (a worker in another process without a shared bus).
    let woken = true;
    while (!signal.aborted) {
      for (const e of await deps.jobs.eventsAfter(jobId, after)) {
        after = e.id;
        // job_events rows are written by the repository in the contract's shapes
        yield { id: e.id, event: e.type, data: e.data } as JobEvent;
        const status = (e.data as { status?: string }).status;
        if (e.type === "status" && TERMINAL_STATES.some((s) => s === status))
          return;
      }
      const now = Date.now();
      if (now - lastProgressAt >= PROGRESS_MIN_MS) {
        let fraction = pendingProgress;
        pendingProgress = undefined;
        if (fraction === undefined && !woken) {
          const current = await deps.jobs.findById(jobId);
          if (current === undefined) return; // deleted
          if (current.status === "running") fraction = current.progress;
        }
        if (fraction !== undefined && fraction !== lastProgress) {
          lastProgress = fraction;
          lastProgressAt = now;
          yield { event: "progress", data: { fraction } };
        }
      }
      woken = await waker.wait(
        deps.bus.crossProcess ? POLL_CROSS_PROCESS_MS : POLL_MS,
      );
    }
  } finally {
    unsubscribe();
    signal.removeEventListener("abort", onAbort);
  }
}
