/**
 * The `vqe` / `qaoa` job runner: a job of those kinds arrives on the simulate queue like any
 * other; after the claim, the simulate handler hands it here. It compiles the ansatz once
 * (parameters are bound per evaluation without recompiling), runs `minimize` from the job's last
 * checkpoint (or its initial point), and after every iteration stores the checkpoint and the
 * `iteration` event in one statement that only the attempt holding the job can write. A worker
 * killed mid-run leaves the job to the reaper, and the next attempt resumes after the last stored
 * iteration: the history has no gaps and no duplicates. A cancel (the API flips the row) stops the
 * loop between evaluations; the best point found is written on the cancelled job. A worker
 * stopping cleanly (SIGTERM) stops the loop the same way and gives the job back to the queue at
 * once, so another worker resumes it from the checkpoint without waiting for the reaper.
 *
 * Evaluations run on this process's event loop (they are small: the state of a variational
 * problem fits in cache), yielding between evaluations so heartbeats, cancels and other jobs go on.
 */
import { setImmediate as yieldTurn } from "node:timers/promises";
import {
  compileParametric,
  compileQasm,
  estimate,
  parseObservable,
  simulate,
} from "@stepfault/quantum";
import {
  costOf,
  minimize,
  type Checkpoint,
  type IterationRecord,
  type MinimizeResult,
} from "@stepfault/variational";
import type { FastifyBaseLogger } from "fastify";
import type {
  JobRow,
  JobsRepository,
} from "../repositories/jobs.repository.ts";
import type { JobEventBus } from "./event-bus.ts";
import type { Liveness } from "./recovery.ts";
import type { JobOutcome } from "./simulate.job.ts";
import type { VariationalSpec } from "./variational-spec.ts";

const CANCEL_POLL_MS = 250;
/** Bitstrings listed in a QAOA result. */
const TOP_BITSTRINGS = 10;

/** A failure of the job itself (bad circuit at run time, simulator error): not retried. */
class RunError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Creates the runner the simulate handler calls for a claimed `vqe` / `qaoa` job. */
export function createVariationalRunner(deps: {
  jobs: JobsRepository;
  bus: JobEventBus;
  liveness: Liveness;
  log: FastifyBaseLogger;
  /** The one "job finished" path of the simulate handler. */
  finishJob: (
    row: JobRow,
    attempt: number,
    outcome: JobOutcome,
  ) => Promise<boolean>;
  /** Writes the record of a finished job. */
  record: (row: JobRow, extra: Record<string, unknown>) => unknown;
  /** True once the worker is stopping (SIGTERM): the loop stops at the next evaluation. */
  draining: () => boolean;
  /** Gives a running attempt back to the queue; the next one resumes from its checkpoint. */
  release: (row: JobRow, attempt: number) => Promise<void>;
}) {
  const { jobs, bus, log } = deps;

  return async function runVariational(
    row: JobRow,
    attempt: number,
  ): Promise<string> {
    const spec = row.spec as VariationalSpec;
    const untrack = deps.liveness.track(row.id, attempt);
    let stop = false;
    const check = () => {
      jobs.statusOf(row.id).then(
        (s) => {
          if (s !== "running") stop = true;
        },
        () => undefined,
      );
    };
    const unsubscribe = bus.subscribe(row.id, (sig) => {
      if (sig.kind === "changed") check();
    });
    const timer = setInterval(check, CANCEL_POLL_MS);
    try {
      const outcome = await run(row, spec, attempt, () => stop);
      if (outcome === "cancelled") return "cancelled";
      if (outcome === "released") {
        await deps.release(row, attempt);
        return "retry";
      }
      await deps.finishJob(row, attempt, outcome);
      return outcome.status;
    } finally {
      clearInterval(timer);
      unsubscribe();
      untrack();
    }
  };

  async function run(
    row: JobRow,
    spec: VariationalSpec,
    attempt: number,
    stopped: () => boolean,
  ): Promise<JobOutcome | "cancelled" | "released"> {
    const startedAt = Date.now();
    let simulateMs = 0;
    try {
      const compiled = compileParametric(row.source, {
        fileName: "ansatz.qasm",
      });
      if (!compiled.ok)
        throw new RunError(
          "CIRCUIT_INVALID",
          compiled.diagnostics.find((d) => d.severity === "error")?.message ??
            "the ansatz does not compile",
        );
      const program = compiled.program;
      let lost = false;
      const obs = parseObservable(spec.observable, program.circuit.numQubits);
      if (!obs.ok) throw new RunError("OBSERVABLE_INVALID", obs.error);
      const names = spec.parameters;
      const point = (x: readonly number[]) =>
        Object.fromEntries(names.map((n, i) => [n, x[i]]));
      const evaluate = async (
        x: readonly number[],
        evaluation: number,
        gradient: boolean,
      ) => {
        await yieldTurn();
        const t0 = performance.now();
        const r = estimate(program, [obs.observable], {
          points: [point(x)],
          shots: spec.shots,
          seed: (spec.seed + evaluation * 7919) >>> 0,
          gradient,
        });
        simulateMs += performance.now() - t0;
        if (!r.ok) throw new RunError(r.error.code, r.error.message);
        return {
          value: r.result.expectations[0][0],
          gradient: r.result.gradients?.[0][0] ?? [],
        };
      };
      const result = await minimize({
        optimizer: spec.optimizer.name,
        options: spec.optimizer,
        x0: spec.initialPoint.slice(),
        checkpoint: (row.checkpoint ?? undefined) as Checkpoint | undefined,
        cost: {
          value: async (x, e) => (await evaluate(x, e, false)).value,
          valueAndGradient: (x, e) => evaluate(x, e, true),
        },
        shouldStop: () => lost || stopped() || deps.draining(),
        onIteration: async (rec: IterationRecord, cp: Checkpoint) => {
          const progress = Math.min(
            0.99,
            rec.iteration / Math.max(1, spec.optimizer.maxIterations),
          );
          const saved = await jobs.saveIteration(
            row.id,
            attempt,
            rec,
            cp,
            progress,
          );
          // Not stored: cancelled, or another attempt took the job over. Stop at the next
          // evaluation; a cancelled job still gets the best point (written only if it is ours).
          if (!saved) lost = true;
          else bus.changed(row.id);
        },
      });
      // Stopped by the worker's shutdown (not a cancel, not taken over): the last checkpoint is
      // stored, so the job goes back to the queue and another worker continues from there.
      if (result.reason === "cancelled" && !lost && !stopped())
        return "released";
      // With shots, the answer is the last iterate re-estimated with 4x the shots: the best of
      // many noisy evaluations is biased low by the selection.
      let answer: MinimizeResult = result;
      if (spec.shots !== null && !(result.reason === "cancelled" || lost)) {
        const t0 = performance.now();
        const r = estimate(program, [obs.observable], {
          points: [point(result.last.x)],
          shots: spec.shots * 4,
          seed: (spec.seed ^ 0x5bd1e995) >>> 0,
        });
        simulateMs += performance.now() - t0;
        if (!r.ok) throw new RunError(r.error.code, r.error.message);
        answer = {
          ...result,
          value: r.result.expectations[0][0],
          x: result.last.x,
          evaluations: result.evaluations + 1,
        };
      }
      const history = await jobs.iterations(row.id);
      const full = resultOf(spec, answer, history, {
        simulateMs,
        wallMs: Date.now() - startedAt,
      });
      const qaoa = spec.qaoa ? sampleQaoa(row.source, spec, answer) : {};
      const value = { ...full, ...qaoa };
      if (result.reason === "cancelled" || lost || stopped()) {
        await jobs.setCancelledResult(row.id, attempt, value);
        bus.changed(row.id);
        return "cancelled";
      }
      return {
        status: "succeeded",
        result: value,
        record: deps.record(row, { variational: spec }),
      };
    } catch (err) {
      if (err instanceof RunError)
        return {
          status: "failed",
          error: { code: err.code, message: err.message },
        };
      log.error({ err, jobId: row.id }, "variational job failed");
      return {
        status: "failed",
        error: { code: "INTERNAL", message: "the variational loop failed" },
      };
    }
  }
}

function resultOf(
  spec: VariationalSpec,
  r: MinimizeResult,
  history: unknown[],
  timing: { simulateMs: number; wallMs: number },
) {
  return {
    energy: r.value,
    parameters: Object.fromEntries(spec.parameters.map((n, i) => [n, r.x[i]])),
    iterations: r.iterations,
    evaluations: r.evaluations,
    history,
    converged: r.converged,
    reason: r.reason,
    ...(r.detail ? { detail: r.detail } : {}),
    exactEnergy: spec.exactEnergy,
    optimizer: spec.optimizer.name,
    timing: {
      ...timing,
      elapsedMs: r.elapsedMs,
    },
  };
}

/** QAOA statistics at the best point: sampled bitstrings, best sampled, expected cut, ratio. */
function sampleQaoa(source: string, spec: VariationalSpec, r: MinimizeResult) {
  const q = spec.qaoa!;
  const inputs = Object.fromEntries(spec.parameters.map((n, i) => [n, r.x[i]]));
  const compiled = compileQasm(source, { inputs });
  if (!compiled.ok)
    throw new RunError("CIRCUIT_INVALID", "the QAOA circuit does not compile");
  const out = simulate(compiled.circuit, {
    shots: q.sampleShots,
    seed: spec.seed,
  });
  if (!out.ok) throw new RunError(out.error.code, out.error.message);
  const counts = out.result.counts;
  const maxcut = q.problem.type === "maxcut";
  const sign = maxcut ? -1 : 1; // a cut is -cost
  const sampled = Object.entries(counts).map(([bitstring, count]) => ({
    bitstring,
    count,
    probability: count / q.sampleShots,
    [maxcut ? "cut" : "cost"]: sign * costOf(q.problem, bitstring),
  }));
  const byCost = (a: (typeof sampled)[number]) =>
    costOf(q.problem, a.bitstring);
  sampled.sort((a, b) => byCost(a) - byCost(b) || b.count - a.count);
  const best = sampled[0];
  const top = [...sampled]
    .sort((a, b) => b.count - a.count || byCost(a) - byCost(b))
    .slice(0, TOP_BITSTRINGS);
  const expected = r.value;
  const optimum = q.optimum;
  return {
    bestBitstring: best.bitstring,
    ...(maxcut
      ? {
          bestCut: -byCost(best),
          expectedCut: -expected,
          maxCut: optimum ? -optimum.cost : null,
          approximationRatio:
            optimum && optimum.cost !== 0 ? expected / optimum.cost : null,
        }
      : {
          bestCost: byCost(best),
          expectedCost: expected,
          minCost: optimum ? optimum.cost : null,
          approximationRatio:
            optimum && optimum.cost < 0 ? expected / optimum.cost : null,
        }),
    optimalBitstring: optimum?.bitstring ?? null,
    topBitstrings: top,
    sampleShots: q.sampleShots,
  };
}
