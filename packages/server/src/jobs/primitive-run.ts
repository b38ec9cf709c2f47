/**
 * Runs the primitives of a job in a simulation thread: an estimate (expectation values of the
 * job's observables over its sweep, optionally with gradients or from shots), or a sampling sweep
 * (counts per point). The program is compiled once; points are bound, never recompiled.
 */
import {
  bindParameters,
  circuitToJson,
  compileForSweep,
  densityBytes,
  estimate,
  type EstimateOptions,
  type EstimateOutcome,
  estimateBytes,
  noiseModelFromJson,
  parseObservable,
  simulate,
  stateBytes,
  sweepPoints,
  type NoiseModel,
  type ParametricCircuit,
  type SimulateResult,
} from "@stepfault/quantum";
import {
  MIN_QUBITS_FOR_THREADS,
  estimateParallel,
} from "@stepfault/quantum/threads";
import type { SimReply, SimTask } from "./sim-task.ts";

const PROGRESS_INTERVAL_MS = 200;

type Post = (msg: SimReply, transfer?: ArrayBuffer[]) => void;

class TaskFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Compiles a job's program for its sweep and builds its points (shared with submit-time checks). */
export function preparePrimitive(
  source: string,
  inputs: Readonly<Record<string, number | boolean>> | undefined,
  sweep: Readonly<Record<string, readonly number[]>> | undefined,
):
  | {
      ok: true;
      program: ParametricCircuit;
      points: Record<string, number>[];
    }
  | {
      ok: false;
      code: "CIRCUIT_INVALID" | "BAD_REQUEST";
      message: string;
      /** The bad field's path, for a `BAD_REQUEST`. */
      field?: string;
      diagnostics?: ReturnType<typeof compileForSweep>["diagnostics"];
    } {
  const compiled = compileForSweep(source, {
    fileName: "job.qasm",
    maxOps: 1_000_000,
    fixed: Object.fromEntries(
      Object.entries(inputs ?? {}).filter(([k]) => !(sweep && k in sweep)),
    ),
  });
  if (!compiled.ok) {
    const d = compiled.diagnostics.find((x) => x.severity === "error");
    return {
      ok: false,
      code: "CIRCUIT_INVALID",
      message: d
        ? `job.qasm:${d.span.line}:${d.span.col}: ${d.message}`
        : "circuit does not compile",
      diagnostics: compiled.diagnostics,
    };
  }
  const built = sweepPoints(compiled.program.parameters, sweep, inputs);
  if (!built.ok)
    return {
      ok: false,
      code: "BAD_REQUEST",
      message: built.error,
      field: built.field,
    };
  return { ok: true, program: compiled.program, points: built.points };
}

/** The task's noise model (read again: it was checked when the job was submitted). */
export function taskNoise(task: SimTask): NoiseModel | undefined {
  if (task.noise === undefined || task.noise === null) return undefined;
  const read = noiseModelFromJson(task.noise);
  if (!read.ok)
    throw new Error(
      `noise: ${read.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`,
    );
  return read.model;
}

/**
 * Runs an estimate or a sampling sweep, posting throttled progress and one `done` reply. An
 * estimate on several threads (`task.threads` > 1) finishes asynchronously: the promise is the
 * reply's.
 */
export function runPrimitive(task: SimTask, post: Post): void | Promise<void> {
  const fail = (e: unknown) =>
    post({
      kind: "done",
      taskId: task.taskId,
      ok: false,
      error:
        e instanceof TaskFailure
          ? { code: e.code, message: e.message }
          : {
              code: "SIM_INTERNAL",
              message: e instanceof Error ? e.message : String(e),
            },
    });
  try {
    const reply = run(task, post);
    if (reply instanceof Promise) return reply.then(post, fail);
    post(reply);
  } catch (e) {
    fail(e);
  }
}

function run(task: SimTask, post: Post): SimReply | Promise<SimReply> {
  const stop = new Int32Array(task.stop);
  const shouldStop = () => Atomics.load(stop, 0) !== 0;
  let last = 0;
  const onProgress = (fraction: number) => {
    const now = performance.now();
    if (now - last < PROGRESS_INTERVAL_MS) return;
    last = now;
    post({ kind: "progress", taskId: task.taskId, fraction });
  };
  const t0 = performance.now();
  const prepared = preparePrimitive(
    task.source,
    task.inputs,
    task.primitive?.sweep,
  );
  if (!prepared.ok) throw new TaskFailure(prepared.code, prepared.message);
  const { program, points } = prepared;
  const noise = taskNoise(task);
  const compileMs = performance.now() - t0;
  const n = program.circuit.numQubits;
  post({
    kind: "log",
    taskId: task.taskId,
    message: `compiled ${n} qubits, ${program.circuit.ops.length} operations, ${program.parameters.length} parameter(s) in ${compileMs.toFixed(1)} ms; ${points.length} point(s)`,
  });
  const base = {
    qubits: n,
    clbits: program.circuit.numClbits,
    compileMs,
    circuitJson: circuitToJson(program.circuit),
  };
  if (task.kind === "estimate") {
    const texts = task.primitive?.observables ?? [];
    const observables = texts.map((text) => {
      const r = parseObservable(text, n);
      if (!r.ok)
        throw new TaskFailure(
          "BAD_REQUEST",
          `observable "${text}": ${r.error}`,
        );
      return r.observable;
    });
    const shots = task.shots > 0 ? task.shots : null;
    const options: EstimateOptions = {
      points,
      gradient: task.primitive?.gradient ?? false,
      shots,
      seed: shots === null ? undefined : task.seed,
      precision: task.precision,
      memoryLimitBytes: task.memoryLimitBytes,
      onProgress,
      shouldStop,
      ...(noise ? { noise } : {}),
      ...(task.method === "density_matrix" || task.method === "statevector"
        ? { method: task.method }
        : {}),
    };
    // Threads share the statevector's sweeps; a noisy estimate (density matrix) runs on one.
    const exact =
      noise === undefined &&
      !program.circuit.ops.some((op) => op.kind === "noise");
    const threads =
      exact && n >= MIN_QUBITS_FOR_THREADS ? Math.max(1, task.threads ?? 1) : 1;
    const done = (out: EstimateOutcome): SimReply => {
      if (!out.ok) throw new TaskFailure(out.error.code, out.error.message);
      const r = out.result;
      return {
        kind: "done",
        taskId: task.taskId,
        ok: true,
        result: {
          ...base,
          counts: {},
          seed: task.seed,
          method: "statevector",
          sweeps: 0,
          simulateMs: r.timeMs,
          peakMemoryBytes:
            r.method === "density_matrix"
              ? densityBytes(n, task.precision)
              : estimateBytes(n, observables.length, {
                  precision: task.precision,
                  gradient: task.primitive?.gradient,
                  shots,
                }),
          estimate: { ...r, observables: texts, parameters: [...r.parameters] },
          threads,
        },
      };
    };
    if (threads > 1)
      return estimateParallel(program, observables, {
        ...options,
        threads,
      }).then(done);
    return done(estimate(program, observables, options));
  }
  // A sampling sweep: counts per point, seeds task.seed + p.
  const counts: Record<string, number>[] = [];
  let sweeps = 0;
  let method = "statevector" as SimulateResult["method"];
  const t1 = performance.now();
  points.forEach((point, p) => {
    if (shouldStop())
      throw new TaskFailure("SIM_CANCELLED", "the simulation was cancelled");
    const values = program.parameters.map((name) => point[name]);
    const out = simulate(bindParameters(program, values), {
      shots: task.shots,
      seed: (task.seed + p) >>> 0,
      precision: task.precision,
      memoryLimitBytes: task.memoryLimitBytes,
      shouldStop,
      ...(noise ? { noise } : {}),
      ...(task.method ? { method: task.method } : {}),
    });
    if (!out.ok) throw new TaskFailure(out.error.code, out.error.message);
    counts.push(out.result.counts);
    sweeps += out.result.sweeps;
    method = out.result.method;
    onProgress((p + 1) / points.length);
  });
  return {
    kind: "done",
    taskId: task.taskId,
    ok: true,
    result: {
      ...base,
      counts: counts[0],
      seed: task.seed,
      method,
      sweeps,
      simulateMs: performance.now() - t1,
      peakMemoryBytes:
        method === "density_matrix"
          ? densityBytes(n, task.precision)
          : (method === "trajectories" ? 2 : 1) * stateBytes(n, task.precision),
      sweep: { parameters: [...program.parameters], counts },
    },
  };
}
