/**
 * In-process job event bus: wakes SSE streams when a job changes and carries progress directly.
 * Streams also poll the database, so changes made by workers in other processes still arrive.
 */
import { EventEmitter } from "node:events";

/** A signal about one job: something was written (`changed`), or progress moved. */
export type JobSignal =
  | { readonly kind: "changed" }
  | { readonly kind: "progress"; readonly fraction: number };

/** Creates an in-process bus keyed by job id. */
export function createJobEventBus() {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    /** Tells listeners of `jobId` that its row or events changed. */
    changed(jobId: string): void {
      emitter.emit(jobId, { kind: "changed" } satisfies JobSignal);
    },
    /** Publishes progress of a running job. */
    progress(jobId: string, fraction: number): void {
      emitter.emit(jobId, { kind: "progress", fraction } satisfies JobSignal);
    },
    /** Listens to one job; returns the unsubscribe function. */
    subscribe(
      jobId: string,
      listener: (signal: JobSignal) => void,
    ): () => void {
      emitter.on(jobId, listener);
      return () => emitter.off(jobId, listener);
    },
  };
}

/** The job event bus. */
export type JobEventBus = ReturnType<typeof createJobEventBus>;
