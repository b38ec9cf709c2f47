/**
 * Noisy simulation: picks the method (density matrix when it fits, else quantum trajectories),
 * refuses what cannot run before allocating, and produces the usual result with the method used.
 */
import type { Circuit } from "../ir/types.ts";
import { Rng, randomSeed } from "../math/rng.ts";
import {
  DM_MAX_QUBITS,
  densityDiagonal,
  densityUnsupported,
  runDensity,
} from "./density.ts";
import type { SimEngine } from "./engine.ts";
import { sampleIndices } from "./measure.ts";
import { addSampledCounts, type ReadoutErrors } from "./readout.ts";
import { Cancelled, type RunContext } from "./run.ts";
import { runTrajectories } from "./trajectories.ts";
import type {
  SimulateOptions,
  SimulateOutcome,
  SimulateResult,
} from "./simulate.ts";

/** How a circuit is simulated: `auto` picks; the result names the method used. */
export type SimMethod =
  "auto" | "statevector" | "density_matrix" | "trajectories";

/** The simulation methods a caller may ask for. */
export const SIM_METHODS: readonly SimMethod[] = [
  "auto",
  "statevector",
  "density_matrix",
  "trajectories",
];

/** True when the circuit holds a noise channel. */
export function hasNoiseOps(circuit: Circuit): boolean {
  return circuit.ops.some((op) => op.kind === "noise");
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(bytes < 2 ** 30 ? 3 : 1)} GiB`;
}

function fail(code: string, message: string): SimulateOutcome {
  return { ok: false, error: { code, message } };
}

/** Bytes the density matrix of n qubits takes (a 2n-qubit state). */
export function densityBytes(
  n: number,
  precision: "double" | "single",
): number {
  return 4 ** n * (precision === "single" ? 8 : 16);
}

/** Why the density-matrix method cannot take this circuit (undefined when it can). */
export function densityRefusal(
  circuit: Circuit,
  options: SimulateOptions,
): { code: string; message: string } | undefined {
  const precision = options.precision ?? "double";
  const n = circuit.numQubits;
  const need = densityBytes(n, precision);
  const max = DM_MAX_QUBITS[precision];
  if (n > max)
    return {
      code: "SIM_TOO_LARGE",
      message: `the density matrix of ${n} qubits needs ${gib(need)} in ${precision} precision; the density-matrix method takes at most ${max} qubits in ${precision} precision (use trajectories)`,
    };
  if (options.memoryLimitBytes !== undefined && need > options.memoryLimitBytes)
    return {
      code: "SIM_TOO_LARGE",
      message: `the density matrix of ${n} qubits needs ${gib(need)} in ${precision} precision; the limit is ${gib(options.memoryLimitBytes)}`,
    };
  const why = densityUnsupported(circuit);
  if (why) return { code: "SIM_METHOD_UNSUPPORTED", message: why };
  return undefined;
}

/** The method `auto` resolves to for a noisy circuit. */
export function autoMethod(
  circuit: Circuit,
  options: SimulateOptions,
): "density_matrix" | "trajectories" {
  return densityRefusal(circuit, options) ? "trajectories" : "density_matrix";
}

/**
 * Runs a circuit that has noise (channels or readout errors), or any circuit with an explicit
 * density_matrix / trajectories method. `options` have been checked by the caller.
 */
export function simulateNoisy(
  circuit: Circuit,
  readout: ReadoutErrors | undefined,
  options: SimulateOptions,
  engine: SimEngine,
  blocking: (numQubits: number) => SimulateOptions["blocking"],
  t0: number,
  /** Trajectory states alive at once at the most (what the memory limit holds). */
  maxStates = Infinity,
): SimulateOutcome {
  const asked = options.method ?? "auto";
  if (asked === "statevector")
    return fail(
      "SIM_METHOD_UNSUPPORTED",
      'the statevector method does not simulate noise: use "density_matrix", "trajectories" or "auto"',
    );
  if (options.statevector)
    return fail(
      "SIM_STATEVECTOR_NOISY",
      "a noisy circuit has no statevector (its state is a density matrix)",
    );
  const method = asked === "auto" ? autoMethod(circuit, options) : asked;
  const precision = options.precision ?? "double";
  const shots = options.shots ?? 1024;
  const seed = options.seed ?? randomSeed();
  const ctx: RunContext = {
    engine,
    precision,
    rng: new Rng(seed),
    onProgress: options.onProgress,
    shouldStop: options.shouldStop,
  };
  const n = circuit.numQubits;
  let counts: Record<string, number> = {};
  let sweeps: number;
  let peakStates = 1;
  let sampleMs = 0;
  const t1 = performance.now();
  try {
    if (method === "density_matrix") {
      const refused = densityRefusal(circuit, options);
      if (refused) return fail(refused.code, refused.message);
      const run = runDensity(circuit, ctx, {
        fusion: options.fusion ?? true,
        blocking: options.blocking ?? blocking(2 * n) ?? false,
      });
      sweeps = run.sweeps;
      const p = densityDiagonal(run, n);
      const amps = new Float64Array(2 * p.length);
      for (let i = 0; i < p.length; i++) amps[2 * i] = Math.sqrt(p[i]);
      const finalMeasures = circuit.ops.flatMap((op) =>
        op.kind === "measure" ? [{ qubit: op.qubit, clbit: op.clbit }] : [],
      );
      const ts = performance.now();
      addSampledCounts(
        counts,
        sampleIndices(amps, shots, ctx.rng),
        { ...circuit, finalMeasures },
        readout,
        ctx.rng,
      );
      sampleMs = performance.now() - ts;
    } else {
      const out = runTrajectories(
        circuit,
        shots,
        ctx,
        {
          fusion: options.fusion ?? true,
          blocking: options.blocking ?? blocking(n) ?? false,
          maxStates,
          ...(options.presample !== undefined
            ? { presample: options.presample }
            : {}),
        },
        readout,
      );
      counts = out.counts;
      sweeps = out.sweeps;
      peakStates = out.peakStates;
    }
  } catch (e) {
    if (e instanceof Cancelled)
      return fail("SIM_CANCELLED", "the simulation was cancelled");
    if (e instanceof RangeError && /allocat|buffer/i.test(e.message))
      return fail(
        "SIM_TOO_LARGE",
        `the allocation for ${n} qubits failed (${e.message})`,
      );
    throw e;
  }
  const result: SimulateResult = {
    counts,
    shots,
    seed,
    qubits: n,
    clbits: circuit.numClbits,
    method,
    timeMs: performance.now() - t0,
    sweeps,
    peakStates,
    threads: engine.threads ?? 1,
    compileMs: t1 - t0,
    simulateMs: performance.now() - t1 - sampleMs,
    sampleMs,
  };
  return { ok: true, result };
}

/**
 * Width in qubits of the state a run sweeps: 2n when it will run as a density matrix (asked for,
 * or auto with noise that fits), else n. The thread pool decides by it whether threads pay.
 */
export function simulationWidth(
  circuit: Circuit,
  options: SimulateOptions,
): number {
  const n = circuit.numQubits;
  const method = options.method ?? "auto";
  if (method === "density_matrix") return 2 * n;
  const noisy =
    hasNoiseOps(circuit) ||
    options.noise !== undefined ||
    (options.readout !== undefined && options.readout.size > 0);
  if (method === "auto" && noisy && !densityRefusal(circuit, options))
    return 2 * n;
  return n;
}
