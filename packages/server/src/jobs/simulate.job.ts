/**
 * The `simulate` job handler: claims the job (queued/running -> running, next attempt), runs it in
 * the simulation thread pool, watches for cancellation, and writes the outcome exactly once.
 * Safe to run twice: a finished job is skipped, and a stale attempt cannot overwrite a newer one.
 */
import { readFileSync } from "node:fs";
import type { FastifyBaseLogger } from "fastify";
import type {
  JobRow,
  JobsRepository,
} from "../repositories/jobs.repository.ts";
import type { JobEventBus } from "./event-bus.ts";
import type { JobSettings } from "./limits.ts";
import type { JobMetrics } from "./metrics.ts";
import type { SimulateMessage } from "./queue.ts";
import type { ResultStore } from "./result-store.ts";
import type { SimPool } from "./sim-pool.ts";
import type { SimSuccess } from "./sim-task.ts";

/** The StepFault version written into every job record. */
export const STEPFAULT_VERSION = (
  JSON.parse(
    readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
  ) as { version: string }
).version;

const CANCEL_POLL_MS = 250;
const PROGRESS_WRITE_MS = 250;

/** Outcomes that mean "this process could not finish it": leave the message for a retry. */
const RETRYABLE = new Set(["SIM_POOL_CLOSED", "SIM_THREAD_DIED"]);

function resultOf(row: JobRow, r: SimSuccess, startedAt: Date) {
  const probabilities: Record<string, number> = {};
  for (const [k, n] of Object.entries(r.counts))
    probabilities[k] = n / row.shots;
  let statevector: [number, number][] | undefined;
  if (r.statevector) {
    statevector = [];
    for (let i = 0; i < r.statevector.length; i += 2)
      statevector.push([r.statevector[i], r.statevector[i + 1]]);
  }
  return {
    counts: r.counts,
    probabilities,
    shots: row.shots,
    seed: r.seed,
    qubits: r.qubits,
    clbits: r.clbits,
    method: r.method,
    sweeps: r.sweeps,
    peakMemoryBytes: r.peakMemoryBytes,
    timing: {
      queueWaitMs: Math.max(0, startedAt.getTime() - row.createdAt.getTime()),
      compileMs: r.compileMs,
      simulateMs: r.simulateMs,
    },
    ...(statevector ? { statevector } : {}),
  };
}

/** Creates the handler for `simulate` messages. */
export function createSimulateHandler(deps: {
  jobs: JobsRepository;
  pool: SimPool;
  bus: JobEventBus;
  settings: JobSettings;
  log: FastifyBaseLogger;
  metrics?: JobMetrics;
  /** Moves large results to the file store (inline in the row without it). */
  results?: ResultStore;
}) {
  const { jobs, pool, bus, settings, log } = deps;

  return async function handle(message: SimulateMessage): Promise<void> {
    const row = await jobs.start(message.jobId);
    if (row === undefined) return; // finished, cancelled or deleted: nothing to do
    const attempt = row.attempts;
    const startedAt = new Date();
    deps.metrics?.observeQueueWait(
      Math.max(0, startedAt.getTime() - row.createdAt.getTime()) / 1000,
    );
    let finalStatus = "retry";
    bus.changed(row.id);
    let lastWrite = 0;
    const handle = pool.run(
      {
        source: row.source,
        inputs: (row.inputs ?? undefined) as
          Record<string, number | boolean> | undefined,
        shots: row.shots,
        seed: Number(row.seed ?? 0),
        precision: row.precision,
        statevectorMaxQubits: settings.statevectorMaxQubits,
        memoryLimitBytes: settings.memoryLimitBytes,
      },
      {
        onProgress: (fraction) => {
          bus.progress(row.id, fraction);
          const now = Date.now();
          if (now - lastWrite < PROGRESS_WRITE_MS) return;
          lastWrite = now;
          jobs.setProgress(row.id, attempt, fraction).catch(() => undefined);
        },
        onLog: (line) => {
          jobs
            .addEvent(row.id, "log", { message: line })
            .then(() => bus.changed(row.id))
            .catch(() => undefined);
        },
      },
    );
    // Cancellation: the API flips the row to `cancelled`; the bus wakes us in-process and the
    // poll covers APIs in other processes.
    const check = () => {
      jobs.statusOf(row.id).then(
        (s) => {
          if (s !== "running") handle.cancel();
        },
        () => undefined,
      );
    };
    const unsubscribe = bus.subscribe(row.id, (sig) => {
      if (sig.kind === "changed") check();
    });
    const timer = setInterval(check, CANCEL_POLL_MS);
    try {
      const outcome = await handle.outcome;
      if (outcome.ok) {
        const r = outcome.result;
        const full = resultOf(row, r, startedAt);
        const result = deps.results
          ? await deps.results.prepare(row.id, attempt, full)
          : full;
        const written = await jobs.finish(row.id, attempt, {
          status: "succeeded",
          result,
          record: {
            source: row.source,
            inputs: row.inputs ?? null,
            circuit: r.circuitJson,
            seed: r.seed,
            options: { shots: row.shots, precision: row.precision },
            stepfaultVersion: STEPFAULT_VERSION,
          },
        });
        finalStatus = "succeeded";
        if (!written) {
          log.info({ jobId: row.id }, "job result already written");
          await deps.results?.remove(result);
        }
      } else if (RETRYABLE.has(outcome.error.code)) {
        throw new Error(`${outcome.error.code}: ${outcome.error.message}`);
      } else {
        finalStatus =
          outcome.error.code === "SIM_CANCELLED" ? "cancelled" : "failed";
        await jobs.finish(row.id, attempt, {
          status:
            outcome.error.code === "SIM_CANCELLED" ? "cancelled" : "failed",
          ...(outcome.error.code === "SIM_CANCELLED"
            ? {}
            : { error: outcome.error }),
        });
      }
    } finally {
      deps.metrics?.observeRunTime(
        (Date.now() - startedAt.getTime()) / 1000,
        finalStatus,
      );
      clearInterval(timer);
      unsubscribe();
      bus.changed(row.id);
    }
  };
}
