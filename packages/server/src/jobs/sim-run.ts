/**
 * One simulation run: compiles the job's source and simulates it with @stepfault/quantum, posting
 * throttled progress; a shared stop flag cancels it between sweeps.
 */
import {
  type Circuit,
  type SimulateOptions,
  type SimulateOutcome,
  circuitToJson,
  compileQasm,
  isDynamic,
  simulate,
  stateBytes,
} from "@stepfault/quantum";
import { simulateParallel } from "@stepfault/quantum/threads";
import type { SimReply, SimTask } from "./sim-task.ts";
import { runPrimitive, taskNoise } from "./primitive-run.ts";

const PROGRESS_INTERVAL_MS = 200;

/** Where a run posts its replies (a thread's parent port, or a callback when run inline). */
export type SimPost = (msg: SimReply, transfer?: ArrayBuffer[]) => void;

/**
 * Compiles and simulates one task, posting throttled progress, log lines and exactly one `done`
 * reply. Used by the simulation threads, and inline by the worker for tiny jobs.
 */
export function runSimTask(task: SimTask, post: SimPost): void | Promise<void> {
  const fail = (e: unknown) =>
    post({
      kind: "done",
      taskId: task.taskId,
      ok: false,
      error: {
        code: "SIM_INTERNAL",
        message: e instanceof Error ? e.message : String(e),
      },
    });
  try {
    const running = run(task, post);
    if (running instanceof Promise) return running.catch(fail);
  } catch (e) {
    fail(e);
  }
}

/** Runs the task; a run on several threads (`task.threads` > 1) finishes asynchronously. */
function run(task: SimTask, post: SimPost): void | Promise<void> {
  if (task.kind === "estimate" || task.primitive?.sweep)
    return runPrimitive(task, post);
  const stop = new Int32Array(task.stop);
  const t0 = performance.now();
  const compiled = compileQasm(task.source, {
    fileName: "job.qasm",
    maxOps: 1_000_000,
    ...(task.inputs ? { inputs: task.inputs } : {}),
  });
  const compileMs = performance.now() - t0;
  if (!compiled.ok) {
    const d = compiled.diagnostics.find((x) => x.severity === "error");
    post({
      kind: "done",
      taskId: task.taskId,
      ok: false,
      error: {
        code: "CIRCUIT_INVALID",
        message: d
          ? `job.qasm:${d.span.line}:${d.span.col}: ${d.message}`
          : "circuit does not compile",
      },
    });
    return;
  }
  const circuit = compiled.circuit;
  post({
    kind: "log",
    taskId: task.taskId,
    message: `compiled ${circuit.numQubits} qubits, ${circuit.ops.length} operations in ${compileMs.toFixed(1)} ms`,
  });
  let last = 0;
  const noise = taskNoise(task);
  const noisy =
    noise !== undefined ||
    circuit.ops.some((op) => op.kind === "noise") ||
    (task.method !== undefined &&
      task.method !== "auto" &&
      task.method !== "statevector");
  const wantState =
    circuit.numQubits <= task.statevectorMaxQubits &&
    !isDynamic(circuit) &&
    !noisy;
  const options: SimulateOptions = {
    shots: task.shots,
    seed: task.seed,
    precision: task.precision,
    statevector: wantState,
    memoryLimitBytes: task.memoryLimitBytes,
    ...(noise ? { noise } : {}),
    ...(task.method ? { method: task.method } : {}),
    onProgress: (fraction) => {
      const now = performance.now();
      if (now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      post({ kind: "progress", taskId: task.taskId, fraction });
    },
    shouldStop: () => Atomics.load(stop, 0) !== 0,
  };
  const threads = Math.max(1, task.threads ?? 1);
  if (threads > 1)
    return simulateParallel(circuit, { ...options, threads }).then((out) =>
      finish(task, post, circuit, compileMs, out),
    );
  finish(task, post, circuit, compileMs, simulate(circuit, options));
}

/** Posts the `done` reply of a sampling run. */
function finish(
  task: SimTask,
  post: SimPost,
  circuit: Circuit,
  compileMs: number,
  out: SimulateOutcome,
): void {
  if (!out.ok) {
    post({
      kind: "done",
      taskId: task.taskId,
      ok: false,
      error: { code: out.error.code, message: out.error.message },
    });
    return;
  }
  const r = out.result;
  const copies = r.method === "trajectories" ? 2 : 1;
  const result = {
    counts: r.counts,
    seed: r.seed,
    qubits: r.qubits,
    clbits: r.clbits,
    method: r.method,
    sweeps: r.sweeps,
    compileMs,
    simulateMs: r.timeMs,
    threads: r.threads,
    // States alive at once as the simulator counted them (branch-split sampling keeps several).
    peakMemoryBytes:
      r.method === "density_matrix"
        ? stateBytes(2 * r.qubits, task.precision)
        : (r.peakStates ?? copies) * stateBytes(r.qubits, task.precision),
    ...(r.statevector ? { statevector: r.statevector } : {}),
    circuitJson: circuitToJson(circuit),
  };
  post(
    { kind: "done", taskId: task.taskId, ok: true, result },
    r.statevector ? [r.statevector.buffer as ArrayBuffer] : [],
  );
}

/** Largest amplitude updates (2^qubits × operations) of a job run inline. */
const INLINE_MAX_WORK = 2 ** 15;
/** Most shots of a job run inline (sampling 20,000 shots takes about 2 ms). */
const INLINE_MAX_SHOTS = 20_000;

/**
 * True for jobs small enough to run on a worker's event loop (well under a few milliseconds):
 * static circuits of at most 2^15 amplitude updates and 20,000 shots. Decided at submit time
 * from the compiled circuit; such jobs go to the small-job queue.
 */
export function runsInline(
  circuit: { readonly numQubits: number; readonly ops: readonly unknown[] },
  dynamic: boolean,
  shots: number,
): boolean {
  return (
    !dynamic &&
    circuit.numQubits <= 15 &&
    2 ** circuit.numQubits * (circuit.ops.length + 1) <= INLINE_MAX_WORK &&
    shots <= INLINE_MAX_SHOTS
  );
}
