/**
 * The statevector simulator's public entry: options checks, the memory check before allocating,
 * compile, run (static sampling or trajectories), and the result in the documented shape.
 */
import type { Circuit, Span } from "../ir/types.ts";
import { Rng, randomSeed } from "../math/rng.ts";
import { type SimEngine, singleThreadEngine } from "./engine.ts";
import { compileProgram, findOpaque, isDynamic } from "./program.ts";
import type { BlockingOptions } from "./blocking.ts";
import { Cancelled, type RunOutput, runStatic } from "./run.ts";
import { LoopLimit, runBranches } from "./branches.ts";
import { hasNoiseOps, type SimMethod, simulateNoisy } from "./noisy.ts";
import {
  ClusterTooLarge,
  MAX_CLUSTER_QUBITS,
  runFactorised,
} from "./factorised.ts";
import type { ReadoutErrors } from "./readout.ts";
import { applyNoiseModel, type NoiseModel } from "../noise/model.ts";

/** Options of `simulate`. */
export interface SimulateOptions {
  /** Number of shots (default 1024; 0 allowed with statevector). */
  readonly shots?: number;
  /** uint32 seed; when absent one is drawn and reported in the result. */
  readonly seed?: number;
  /** Amplitude precision (default "double"). */
  readonly precision?: "double" | "single";
  /** Return the final state (final measurements removed; dynamic circuits refuse). */
  readonly statevector?: boolean;
  /** Refuse before allocating when the state would not fit. */
  readonly memoryLimitBytes?: number;
  /** Merge neighbouring gates and run them in cache-blocked stages (default true). */
  readonly fusion?: boolean;
  /** Cache-blocking tuning (default: by precision and threads); false turns blocking off. */
  readonly blocking?: BlockingOptions | false;
  /**
   * Trajectories: draw the branches of mixed-unitary channels up front and fuse them with the gates
   * (default: from PRESAMPLE_MIN_QUBITS qubits, see trajectories.ts); false splits every channel
   * on the fly.
   */
  readonly presample?: boolean;
  /** Called with the fraction of steps applied. */
  readonly onProgress?: (fractionOfOpsApplied: number) => void;
  /** Polled between sweeps; when true the run ends with SIM_CANCELLED. */
  readonly shouldStop?: () => boolean;
  /**
   * How to simulate (default "auto": the statevector for ideal circuits; for noisy ones the density
   * matrix when it fits, else trajectories).
   */
  readonly method?: SimMethod;
  /** Readout errors by qubit, applied to every measured bit (noise models supply them too). */
  readonly readout?: ReadoutErrors;
  /** A noise model applied to the circuit (see noise/model.ts). */
  readonly noise?: NoiseModel;
}

/** A finished simulation. */
export interface SimulateResult {
  /** Qiskit get_counts keys (see counts.ts). */
  readonly counts: Record<string, number>;
  readonly shots: number;
  readonly seed: number;
  readonly qubits: number;
  readonly clbits: number;
  /**
   * One statevector simulation + sampling; or trajectories (dynamic or noisy circuits: shots split
   * exactly over measurement and Kraus branches); or the exact density matrix, then sampled.
   */
  readonly method: "statevector" | "trajectories" | "density_matrix";
  /** Interleaved re, im; little-endian (qubit 0 = LSB of the index); global phase applied. */
  readonly statevector?: Float64Array;
  readonly timeMs: number;
  /** Threads that shared each sweep. */
  readonly threads: number;
  /** Checks and compilation to kernel steps (fusion, cache-blocking stages). */
  readonly compileMs: number;
  /** Applying the steps to the state (for trajectories: everything after compiling, sampling included). */
  readonly simulateMs: number;
  /** Sampling the shots from the final state (0 for trajectories, which sample as they go). */
  readonly sampleMs: number;
  /** State sweeps actually made (after fusion). */
  readonly sweeps: number;
  /** Most statevectors alive at once (1 for static runs; dynamic runs keep up to 1 + log2(shots)). */
  readonly peakStates?: number;
}

/** A simulation outcome: a result, or an error with a stable code. */
export type SimulateOutcome =
  | { readonly ok: true; readonly result: SimulateResult }
  | {
      readonly ok: false;
      readonly error: {
        readonly code: string;
        readonly message: string;
        readonly span?: Span;
      };
    };

/** The most qubits the kernels support: amplitude indices stay below 2^31 (32-bit bit operations); element offsets are computed in doubles. */
export const MAX_SIM_QUBITS = 31;

/** Bytes a statevector of n qubits needs in the given precision. */
export function stateBytes(
  numQubits: number,
  precision: "double" | "single",
): number {
  return 2 ** numQubits * (precision === "single" ? 8 : 16);
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

function fail(code: string, message: string, span?: Span): SimulateOutcome {
  return {
    ok: false,
    error: span ? { code, message, span } : { code, message },
  };
}

/** The seed and precision checks shared by `simulate` and `estimate`. */
export function checkSeedAndPrecision(o: {
  readonly seed?: number;
  readonly precision?: string;
}): string | undefined {
  if (
    o.seed !== undefined &&
    (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)
  )
    return "seed must be an integer in [0, 2^32)";
  if (
    o.precision !== undefined &&
    o.precision !== "double" &&
    o.precision !== "single"
  )
    return 'precision must be "double" or "single"';
  return undefined;
}

function checkOptions(o: SimulateOptions): string | undefined {
  if (o.shots !== undefined && (!Number.isInteger(o.shots) || o.shots < 0))
    return "shots must be a non-negative integer";
  if (o.shots === 0 && !o.statevector)
    return "shots must be at least 1 unless the statevector is requested";
  const bad = checkSeedAndPrecision(o);
  if (bad) return bad;
  if (o.memoryLimitBytes !== undefined && !(o.memoryLimitBytes > 0))
    return "memoryLimitBytes must be positive";
  if (
    o.method !== undefined &&
    !["auto", "statevector", "density_matrix", "trajectories"].includes(
      o.method,
    )
  )
    return 'method must be "auto", "statevector", "density_matrix" or "trajectories"';
  return undefined;
}

/** Checks everything that can be refused before allocating; undefined when the run may go ahead. */
export function precheck(
  circuit: Circuit,
  options: SimulateOptions,
  dynamic: boolean,
): SimulateOutcome | undefined {
  const bad = checkOptions(options);
  if (bad) return fail("SIM_BAD_OPTION", bad);
  const opaque = findOpaque(circuit);
  if (opaque)
    return fail(
      "SIM_OPAQUE",
      `opaque gate "${opaque.name}" has no definition and cannot be simulated`,
      opaque.span,
    );
  if (options.statevector && dynamic)
    return fail(
      "SIM_STATEVECTOR_DYNAMIC",
      "the statevector is not defined for a circuit with mid-circuit measurement, reset or classical conditions",
    );
  const precision = options.precision ?? "double";
  const n = circuit.numQubits;
  const copies = dynamic ? 2 : 1;
  // The returned statevector is a double-precision copy of the state (with the global phase applied).
  const need =
    copies * stateBytes(n, precision) +
    (options.statevector ? stateBytes(n, "double") : 0);
  const what = `needs ${gib(need)} for ${n} qubits in ${precision} precision${copies > 1 ? " (at least two states for branch sampling)" : ""}${options.statevector ? " (with a double-precision copy for the returned statevector)" : ""}`;
  if (options.memoryLimitBytes !== undefined && need > options.memoryLimitBytes)
    return fail(
      "SIM_TOO_LARGE",
      `${what}; the limit is ${gib(options.memoryLimitBytes)}`,
    );
  if (n > MAX_SIM_QUBITS)
    return fail(
      "SIM_TOO_LARGE",
      `${what}; this simulator supports at most ${MAX_SIM_QUBITS} qubits`,
    );
  return undefined;
}

/** Runs a circuit on the given engine (shared by `simulate` and the threaded entry). */
export function simulateOn(
  source: Circuit,
  options: SimulateOptions,
  engine: SimEngine,
): SimulateOutcome {
  const t0 = performance.now();
  let circuit = source;
  let readout = options.readout;
  if (options.noise) {
    const applied = applyNoiseModel(circuit, options.noise);
    if (!applied.ok)
      return fail(
        "SIM_BAD_NOISE_MODEL",
        applied.errors
          .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
          .join("; "),
      );
    circuit = applied.circuit;
    if (applied.readout.size > 0)
      readout = new Map([...applied.readout, ...(readout ?? [])]);
  }
  if (
    hasNoiseOps(circuit) ||
    (readout && readout.size > 0) ||
    options.method === "density_matrix" ||
    options.method === "trajectories"
  ) {
    const refused = precheck(circuit, { ...options, statevector: false }, true);
    if (refused) return refused;
    return simulateNoisy(
      circuit,
      readout,
      options,
      engine,
      (n) =>
        defaultBlocking(n, options.precision ?? "double", engine.threads ?? 1),
      t0,
      maxStates(circuit, options),
    );
  }
  const dynamic = isDynamic(circuit);
  const refused = precheck(circuit, options, dynamic);
  if (refused && !(dynamic && tooLargeOnly(refused, options))) return refused;
  if (refused) return simulateFactorised(circuit, options, refused, t0);
  let prog;
  try {
    prog = compileProgram(circuit, {
      fusion: options.fusion ?? true,
      blocking:
        options.blocking ??
        defaultBlocking(
          circuit.numQubits,
          options.precision ?? "double",
          engine.threads ?? 1,
        ),
    });
  } catch (e) {
    return fail("SIM_BAD_CIRCUIT", e instanceof Error ? e.message : String(e));
  }
  const t1 = performance.now();
  const shots = options.shots ?? 1024;
  const seed = options.seed ?? randomSeed();
  const precision = options.precision ?? "double";
  const ctx = {
    engine,
    precision,
    rng: new Rng(seed),
    onProgress: options.onProgress,
    shouldStop: options.shouldStop,
  };
  let out: RunOutput;
  try {
    out = prog.dynamic
      ? runBranches(circuit, prog, shots, ctx, maxStates(circuit, options))
      : runStatic(circuit, prog, shots, ctx);
  } catch (e) {
    if (e instanceof Cancelled)
      return fail("SIM_CANCELLED", "the simulation was cancelled");
    if (e instanceof LoopLimit) return fail("SIM_LOOP_LIMIT", e.message);
    if (e instanceof RangeError && /allocat|buffer/i.test(e.message))
      return fail(
        "SIM_TOO_LARGE",
        `needs ${gib((prog.dynamic ? 2 : 1) * stateBytes(circuit.numQubits, precision))} for ${circuit.numQubits} qubits in ${precision} precision; the allocation failed (${e.message})`,
      );
    throw e;
  }
  const t2 = performance.now();
  const sampleMs = out.sampleMs ?? 0;
  let statevector: Float64Array | undefined;
  if (options.statevector && out.state)
    statevector = withPhase(out.state, prog.globalPhase);
  const result: SimulateResult = {
    counts: out.counts,
    shots,
    seed,
    qubits: circuit.numQubits,
    clbits: circuit.numClbits,
    method: prog.dynamic ? "trajectories" : "statevector",
    ...(statevector ? { statevector } : {}),
    timeMs: performance.now() - t0,
    threads: engine.threads ?? 1,
    compileMs: t1 - t0,
    simulateMs: t2 - t1 - sampleMs,
    sampleMs,
    sweeps: out.sweeps,
    peakStates: out.peakStates ?? 1,
  };
  return { ok: true, result };
}

/** Refused only because one statevector of all the qubits does not fit (no statevector asked for). */
function tooLargeOnly(
  refused: SimulateOutcome,
  options: SimulateOptions,
): boolean {
  return (
    !refused.ok &&
    refused.error.code === "SIM_TOO_LARGE" &&
    !options.statevector
  );
}

/**
 * A dynamic circuit too large for one statevector: per-shot trajectories on a factorised state
 * (factorised.ts), which run while no more than MAX_CLUSTER_QUBITS qubits are entangled at once
 * (and their state fits the memory limit); otherwise the original refusal, with the reason.
 */
function simulateFactorised(
  circuit: Circuit,
  options: SimulateOptions,
  refused: SimulateOutcome,
  t0: number,
): SimulateOutcome {
  const shots = options.shots ?? 1024;
  const seed = options.seed ?? randomSeed();
  const limit = options.memoryLimitBytes;
  const maxClusterQubits =
    limit === undefined
      ? MAX_CLUSTER_QUBITS
      : Math.floor(Math.log2(limit / 16 / 3));
  const t1 = performance.now();
  let out;
  try {
    out = runFactorised(circuit, shots, new Rng(seed), {
      maxClusterQubits,
      onProgress: options.onProgress,
      shouldStop: options.shouldStop,
    });
  } catch (e) {
    if (e instanceof Cancelled)
      return fail("SIM_CANCELLED", "the simulation was cancelled");
    if (e instanceof LoopLimit) return fail("SIM_LOOP_LIMIT", e.message);
    if (e instanceof ClusterTooLarge && !refused.ok)
      return fail("SIM_TOO_LARGE", `${refused.error.message}; ${e.message}`);
    throw e;
  }
  const t2 = performance.now();
  return {
    ok: true,
    result: {
      counts: out.counts,
      shots,
      seed,
      qubits: circuit.numQubits,
      clbits: circuit.numClbits,
      method: "trajectories",
      timeMs: t2 - t0,
      threads: 1,
      compileMs: t1 - t0,
      simulateMs: t2 - t1,
      sampleMs: 0,
      sweeps: 0,
      peakStates: 1,
    },
  };
}

/** States a dynamic run may keep alive at once: what the memory limit holds (at least 2), else unbounded. */
function maxStates(circuit: Circuit, options: SimulateOptions): number {
  if (options.memoryLimitBytes === undefined) return Infinity;
  const one = stateBytes(circuit.numQubits, options.precision ?? "double");
  return Math.max(2, Math.floor(options.memoryLimitBytes / one));
}

/**
 * Chunks of 1 MiB (a server core's L2; measured faster than 256 KiB with the SIMD kernels: fewer
 * stages and less copying), at least 8 of them per run when several threads share the work.
 */
export function defaultBlocking(
  n: number,
  precision: "double" | "single",
  threads: number,
): BlockingOptions {
  const chunk = precision === "single" ? 17 : 16;
  return {
    chunkQubits: threads > 1 ? Math.max(1, Math.min(chunk, n - 3)) : chunk,
    highQubits: 5,
  };
}

/** A Float64Array copy of the state multiplied by e^{i phase}. */
function withPhase(
  a: Float64Array | Float32Array,
  phase: number,
): Float64Array {
  const out = new Float64Array(a.length);
  const c = Math.cos(phase),
    s = Math.sin(phase);
  if (phase === 0) {
    out.set(a);
    return out;
  }
  for (let p = 0; p < a.length; p += 2) {
    out[p] = c * a[p] - s * a[p + 1];
    out[p + 1] = c * a[p + 1] + s * a[p];
  }
  return out;
}

/** Simulates a circuit on one thread: counts from `shots` samples, optionally the final statevector. */
export function simulate(
  circuit: Circuit,
  options: SimulateOptions = {},
): SimulateOutcome {
  return simulateOn(circuit, options, singleThreadEngine());
}
