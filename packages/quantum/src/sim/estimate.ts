/**
 * The Estimator primitive: expectation values of Pauli-sum observables for a parametric circuit
 * at many parameter points, exactly from the statevector or estimated from shots (with standard
 * errors), optionally with gradients (adjoint for exact runs, parameter shift for shots).
 */
import { parity } from "../math/bits.ts";
import type { Circuit, GateOp } from "../ir/types.ts";
import {
  type ParametricCircuit,
  ParamGradientError,
  bindParameters,
  opParameterJacobian,
} from "../ir/parametric.ts";
import { Rng, randomSeed } from "../math/rng.ts";
import { type SimEngine, singleThreadEngine } from "./engine.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { lowerControlled } from "./lower.ts";
import { gateMatrix } from "../ir/gates.ts";
import { sampleIndices } from "./measure.ts";
import {
  type Observable,
  applyObservable,
  expectationValues,
  qubitWiseGroups,
} from "./observable.ts";
import { compileProgram, findOpaque } from "./program.ts";
import {
  MAX_SIM_QUBITS,
  checkSeedAndPrecision,
  defaultBlocking,
  stateBytes,
} from "./simulate.ts";
import {
  GradientCancelled,
  adjointGradients,
  backwardBlocking,
  shiftRule,
} from "./gradient.ts";
import { estimateDensity } from "./density-estimate.ts";
import { applyNoiseModelToProgram, type NoiseModel } from "../noise/model.ts";
import { expvalKernels } from "./wasm/expval.ts";
import { MAX_COPY_BYTES } from "./wasm/expval-funcs.ts";

/** Options of `estimate`. */
export interface EstimateOptions {
  /** Parameter values, one record per point (default: one point, for a circuit without parameters). */
  readonly points?: readonly Readonly<Record<string, number>>[];
  /** Also return dE/d(parameter): true picks adjoint (exact) or parameter shift (shots). */
  readonly gradient?: boolean | "adjoint" | "parameter-shift";
  /** Shots per measured basis; null or absent: exact expectations. */
  readonly shots?: number | null;
  /** uint32 seed for shots (drawn and reported when absent). */
  readonly seed?: number;
  readonly precision?: "double" | "single";
  /** Refuse before allocating when the states would not fit. */
  readonly memoryLimitBytes?: number;
  /** Called with the fraction of points done. */
  readonly onProgress?: (fraction: number) => void;
  /** Polled between points and gates; when true the run ends with SIM_CANCELLED. */
  readonly shouldStop?: () => boolean;
  /** A noise model applied to the program (its readout errors do not touch exact expectations). */
  readonly noise?: NoiseModel;
  /**
   * "auto" (default): the statevector, or the density matrix when the program has noise;
   * "density_matrix" always uses it; "statevector" refuses noise.
   */
  readonly method?: "auto" | "statevector" | "density_matrix";
}

/** What `estimate` returns; arrays are indexed [point][observable] ([..][parameter] for gradients). */
export interface EstimateResult {
  readonly parameters: readonly string[];
  readonly points: number;
  readonly expectations: number[][];
  /** Standard errors of the shot estimates (null when exact). */
  readonly stddev: number[][] | null;
  readonly gradients: number[][][] | null;
  readonly shots: number | null;
  readonly seed: number | null;
  /** "statevector", "shots", plus "+adjoint" or "+parameter-shift" with gradients. */
  readonly method: string;
  readonly timeMs: number;
}

/** An estimate outcome: a result, or an error with a stable code. */
export type EstimateOutcome =
  | { readonly ok: true; readonly result: EstimateResult }
  | {
      readonly ok: false;
      readonly error: { readonly code: string; readonly message: string };
    };

class EstimateError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(code: string, message: string): EstimateOutcome {
  return { ok: false, error: { code, message } };
}

/** The parameter values of each point, in parameter order; throws naming a missing or unknown key. */
export function pointValues(
  parameters: readonly string[],
  points: readonly Readonly<Record<string, number>>[],
): Float64Array[] {
  return points.map((p, i) => {
    for (const key of Object.keys(p))
      if (!parameters.includes(key))
        throw new EstimateError(
          "SIM_BAD_POINT",
          `point ${i}: '${key}' is not an input of the program (inputs: ${parameters.join(", ") || "none"})`,
        );
    return Float64Array.from(parameters, (name) => {
      const v = p[name];
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new EstimateError(
          "SIM_BAD_POINT",
          `point ${i}: no finite value for input '${name}'`,
        );
      return v;
    });
  });
}

/** Bytes `estimate` needs at once for n qubits and k observables. */
export function estimateBytes(
  numQubits: number,
  observables: number,
  options: Pick<EstimateOptions, "precision" | "gradient" | "shots">,
): number {
  const shots = options.shots !== undefined && options.shots !== null;
  const adjoint =
    !!options.gradient && !shots && options.gradient !== "parameter-shift";
  const bytes = stateBytes(numQubits, options.precision ?? "double");
  // Exact expectations copy the state into the SIMD module's memory (the adjoint gradient a
  // second buffer there too), up to MAX_COPY_BYTES a state.
  const copies = !shots && bytes <= MAX_COPY_BYTES ? (adjoint ? 2 : 1) : 0;
  const states = 1 + (adjoint ? observables : 0) + (shots ? 1 : 0) + copies;
  return states * bytes;
}

function checkOptions(o: EstimateOptions): string | undefined {
  if (
    o.shots !== undefined &&
    o.shots !== null &&
    (!Number.isInteger(o.shots) || o.shots < 1)
  )
    return "shots must be a positive integer or null";
  const bad = checkSeedAndPrecision(o);
  if (bad) return bad;
  if (o.gradient === "adjoint" && o.shots !== undefined && o.shots !== null)
    return "the adjoint gradient needs exact expectations (no shots); use parameter-shift";
  return undefined;
}

/** Estimates on one thread. */
export function estimate(
  program: ParametricCircuit,
  observables: readonly Observable[],
  options: EstimateOptions = {},
): EstimateOutcome {
  return estimateOn(program, observables, options, singleThreadEngine());
}

/** Estimates with sweeps on the given engine (the thread pool supplies its own). */
export function estimateOn(
  program: ParametricCircuit,
  observables: readonly Observable[],
  options: EstimateOptions,
  engine: SimEngine,
): EstimateOutcome {
  const t0 = performance.now();
  const bad = checkOptions(options);
  if (bad) return fail("SIM_BAD_OPTION", bad);
  if (options.noise) {
    const applied = applyNoiseModelToProgram(program, options.noise);
    if (!applied.ok)
      return fail(
        "SIM_BAD_NOISE_MODEL",
        applied.errors.map((e) => `${e.path}: ${e.message}`).join("; "),
      );
    program = applied.program;
  }
  const circuit = program.circuit;
  const n = circuit.numQubits;
  for (const o of observables)
    if (o.numQubits !== n)
      return fail(
        "SIM_BAD_OBSERVABLE",
        `observable "${o.text}" is for ${o.numQubits} qubit(s), the circuit has ${n}`,
      );
  if (observables.length === 0)
    return fail("SIM_BAD_OBSERVABLE", "give at least one observable");
  const opaque = findOpaque(circuit);
  if (opaque)
    return fail(
      "SIM_OPAQUE",
      `opaque gate "${opaque.name}" has no definition and cannot be simulated`,
    );
  const noisy = circuit.ops.some((op) => op.kind === "noise");
  if (noisy && options.method === "statevector")
    return fail(
      "SIM_METHOD_UNSUPPORTED",
      'the statevector method does not simulate noise: use "density_matrix" or "auto"',
    );
  if (noisy || options.method === "density_matrix")
    try {
      // Noise channels: exact expectation values from the density matrix (density-estimate.ts).
      const xs = pointValues(program.parameters, options.points ?? [{}]);
      return estimateDensity(program, observables, xs, options, engine, t0);
    } catch (e) {
      if (e instanceof EstimateError) return fail(e.code, e.message);
      throw e;
    }
  const precision = options.precision ?? "double";
  const shots = options.shots ?? null;
  const need = estimateBytes(n, observables.length, options);
  if (n > MAX_SIM_QUBITS)
    return fail(
      "SIM_TOO_LARGE",
      `this simulator supports at most ${MAX_SIM_QUBITS} qubits; the circuit has ${n}`,
    );
  if (options.memoryLimitBytes !== undefined && need > options.memoryLimitBytes)
    return fail(
      "SIM_TOO_LARGE",
      `needs ${(need / 2 ** 30).toFixed(1)} GiB for ${n} qubits in ${precision} precision; the limit is ${(options.memoryLimitBytes / 2 ** 30).toFixed(1)} GiB`,
    );
  const gradient =
    options.gradient === true
      ? shots === null
        ? "adjoint"
        : "parameter-shift"
      : options.gradient || null;
  const seed = shots === null ? null : (options.seed ?? randomSeed());
  try {
    const xs = pointValues(program.parameters, options.points ?? [{}]);
    const est = new PointEstimator(
      engine,
      n,
      precision,
      observables,
      shots,
      seed,
    );
    const expectations: number[][] = [];
    const stddev: number[][] | null = shots === null ? null : [];
    const gradients: number[][][] | null = gradient ? [] : null;
    xs.forEach((x, p) => {
      if (options.shouldStop?.()) throw new GradientCancelled();
      const bound = bindParameters(program, x);
      if (gradient === "adjoint") {
        const jac = opParameterJacobian(program, x);
        const { values, grads } = est.adjoint(
          bound,
          jac,
          program.parameters.length,
          options.shouldStop,
        );
        expectations.push(values);
        gradients!.push(grads);
      } else {
        const { values, errors } = est.evaluate(bound);
        expectations.push(values);
        stddev?.push(errors!);
        if (gradient)
          gradients!.push(
            est.shiftGradients(
              bound,
              opParameterJacobian(program, x),
              program.parameters.length,
            ),
          );
      }
      options.onProgress?.((p + 1) / xs.length);
    });
    return {
      ok: true,
      result: {
        parameters: program.parameters,
        points: xs.length,
        expectations,
        stddev,
        gradients,
        shots,
        seed,
        method:
          (shots === null ? "statevector" : "shots") +
          (gradient ? `+${gradient}` : ""),
        timeMs: performance.now() - t0,
      },
    };
  } catch (e) {
    if (e instanceof EstimateError) return fail(e.code, e.message);
    if (e instanceof ParamGradientError)
      return fail("SIM_GRADIENT_UNSUPPORTED", e.message);
    if (e instanceof GradientCancelled)
      return fail("SIM_CANCELLED", "the estimate was cancelled");
    if (e instanceof RangeError && /allocat|buffer/i.test(e.message))
      return fail("SIM_TOO_LARGE", `the allocation failed (${e.message})`);
    throw e;
  }
}

/** Runs bound circuits and measures the observables; holds the states it reuses between points. */
class PointEstimator {
  private readonly rng: Rng | undefined;
  private state: Amplitudes | undefined;
  private scratch: Amplitudes | undefined;
  private lams: Amplitudes[] | undefined;
  /** Per observable: constant part and the qubit-wise commuting groups of its terms. */
  private readonly groups: ReturnType<typeof groupAll>;

  constructor(
    private readonly engine: SimEngine,
    private readonly n: number,
    private readonly precision: "double" | "single",
    private readonly observables: readonly Observable[],
    private readonly shots: number | null,
    seed: number | null,
  ) {
    this.rng = seed === null ? undefined : new Rng(seed);
    this.groups = groupAll(observables);
  }

  /** The final state of a bound circuit. */
  run(circuit: Circuit, adjoint = false): Amplitudes {
    // A state that fits in a cache-blocking chunk gains nothing from blocking, and planning the
    // stages would cost more than running the sweeps (a sweep re-plans at every point).
    const blocking = defaultBlocking(
      this.n,
      this.precision,
      this.engine.threads ?? 1,
    );
    const prog = compileProgram(circuit, {
      fusion: true,
      blocking: this.n <= blocking.chunkQubits ? false : blocking,
    });
    if (prog.dynamic)
      throw new EstimateError(
        "SIM_ESTIMATE_DYNAMIC",
        "expectation values need a circuit without mid-circuit measurement, reset or classical conditions (final measurements are ignored)",
      );
    const a = this.stateAtZero(adjoint);
    a[0] = 1;
    for (const st of prog.steps) {
      if (st.kind !== "kernel") continue;
      this.engine.sweep(a, st.instr, this.n);
    }
    return a;
  }

  /**
   * A zeroed state for `run`. On one thread it lives in the expectation kernels' WebAssembly
   * memory (wasm/expval.ts), which they would otherwise copy it into; for the adjoint gradient two
   * states are reserved there first, so O a (written to the second) never grows the memory under
   * this view. Taken anew every run: anything else growing that memory detaches old views.
   */
  private stateAtZero(adjoint: boolean): Amplitudes {
    const single = this.precision === "single";
    const kernels =
      (this.engine.threads ?? 1) === 1 && this.shots === null
        ? expvalKernels()
        : undefined;
    if (kernels && (!adjoint || kernels.reserve(this.n, single, 2))) {
      const a = kernels.stateBuffer(this.n, single, 0);
      if (a) return a;
    }
    this.state ??= this.engine.allocate(this.n, this.precision);
    this.state.fill(0);
    return this.state;
  }

  /** Expectations (and standard errors with shots) of one bound circuit. */
  evaluate(circuit: Circuit): { values: number[]; errors?: number[] } {
    const a = this.run(circuit);
    if (this.shots === null)
      return { values: expectationValues(a, this.observables) };
    return this.sampled(a);
  }

  private sampled(a: Amplitudes): { values: number[]; errors: number[] } {
    const shots = this.shots!;
    const values = this.groups.constant.slice();
    const variances = values.map(() => 0);
    this.scratch ??= this.engine.allocate(this.n, this.precision);
    const b = this.scratch;
    for (const g of this.groups.list) {
      b.set(a);
      for (let q = 0; q < this.n; q++) {
        const bit = 2 ** q;
        const x = (g.x & bit) !== 0,
          z = (g.z & bit) !== 0;
        if (x && z) this.apply1(b, "sdg", q);
        if (x) this.apply1(b, "h", q);
      }
      const counts = sampleIndices(b, shots, this.rng!);
      // Per observable: sum over shots of v and v^2, v = sum of its terms' eigenvalues * coefs.
      const s1 = new Float64Array(this.observables.length);
      const s2 = new Float64Array(this.observables.length);
      const touched = new Set<number>();
      for (const [idx, c] of counts) {
        const v = new Float64Array(this.observables.length);
        for (const m of g.members) {
          const sign = parity((idx & m.support) >>> 0) ? -1 : 1;
          v[m.k] += m.coef * sign;
          touched.add(m.k);
        }
        for (let k = 0; k < v.length; k++) {
          s1[k] += c * v[k];
          s2[k] += c * v[k] * v[k];
        }
      }
      for (const k of touched) {
        const mean = s1[k] / shots;
        values[k] += mean;
        const variance =
          shots > 1
            ? Math.max(0, (s2[k] / shots - mean * mean) * (shots / (shots - 1)))
            : 0;
        variances[k] += variance / shots;
      }
    }
    return { values, errors: variances.map(Math.sqrt) };
  }

  private apply1(b: Amplitudes, name: string, q: number): void {
    this.engine.sweep(
      b,
      lowerControlled([q], [], gateMatrix({ name, params: [] })),
      this.n,
    );
  }

  /** Exact expectations and adjoint gradients [k][j]. */
  adjoint(
    circuit: Circuit,
    jac: ReturnType<typeof opParameterJacobian>,
    numParams: number,
    shouldStop?: () => boolean,
  ): { values: number[]; grads: number[][] } {
    const a = this.run(circuit, true);
    // One observable on one thread: lambda is the kernels' second state, where O a is computed.
    const slot1 =
      this.observables.length === 1 && a.buffer !== this.state?.buffer
        ? expvalKernels()?.stateBuffer(
            this.n,
            this.precision === "single",
            1,
            false,
          )
        : undefined;
    const lams = slot1
      ? [slot1]
      : (this.lams ??= this.observables.map(() =>
          this.engine.allocate(this.n, this.precision),
        ));
    const values = this.observables.map((o, k) =>
      applyObservable(a, o, lams[k]),
    );
    const grads = adjointGradients(
      this.engine,
      circuit,
      jac,
      a,
      lams,
      numParams,
      shouldStop,
      backwardBlocking(
        defaultBlocking(this.n, this.precision, this.engine.threads ?? 1),
      ),
    );
    return { values, grads: grads.map((g) => Array.from(g)) };
  }

  /** Parameter-shift gradients [k][j] (with shots when the estimator has them). */
  shiftGradients(
    circuit: Circuit,
    jac: ReturnType<typeof opParameterJacobian>,
    numParams: number,
  ): number[][] {
    const grads = this.observables.map(() =>
      new Array<number>(numParams).fill(0),
    );
    for (const { op: idx, d } of jac) {
      const op = circuit.ops[idx] as GateOp;
      d.forEach((row, r) => {
        if (!row.some((v) => v !== 0)) return;
        const rule = shiftRule(op, r);
        if (!rule)
          throw new EstimateError(
            "SIM_GRADIENT_UNSUPPORTED",
            `the parameter-shift rule does not apply to gate '${op.name}'${op.controls.length ? " with controls" : ""}${op.span ? ` (line ${op.span.line})` : ""}; use exact expectations for the adjoint gradient`,
          );
        const dE = this.observables.map(() => 0);
        for (const { shift, weight } of rule) {
          const params = op.params.slice();
          params[r] += shift;
          const ops = circuit.ops.slice();
          ops[idx] = { ...op, params };
          const { values } = this.evaluate({ ...circuit, ops });
          values.forEach((v, k) => (dE[k] += weight * v));
        }
        dE.forEach((g, k) => {
          for (let j = 0; j < numParams; j++) grads[k][j] += g * row[j];
        });
      });
    }
    return grads;
  }
}

/** Identity parts per observable, and qubit-wise commuting groups shared by all observables. */
function groupAll(observables: readonly Observable[]) {
  const constant = observables.map(() => 0);
  const terms: { k: number; coef: number; x: number; z: number }[] = [];
  observables.forEach((o, k) => {
    for (const t of o.terms) {
      if (t.x === 0 && t.z === 0) constant[k] += t.coef;
      else if (t.coef !== 0) terms.push({ k, coef: t.coef, x: t.x, z: t.z });
    }
  });
  const list = qubitWiseGroups(terms).map((g) => ({
    x: g.x,
    z: g.z,
    members: g.members.map((i) => ({
      k: terms[i].k,
      coef: terms[i].coef,
      support: (terms[i].x | terms[i].z) >>> 0,
    })),
  }));
  return { constant, list };
}
