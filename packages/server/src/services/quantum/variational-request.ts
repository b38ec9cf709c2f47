/**
 * Turns a `vqe` / `qaoa` submission into what the worker runs (`VariationalSpec`): compiles the
 * ansatz (or builds the QAOA circuit), parses the observable, resolves the initial point and
 * checks every field against the server's limits. A bad field is a 422 `JOB_INPUT_INVALID` whose
 * `field` names it (`observable`, `problem/edges/3/1`, `optimizer/name`, ...).
 */
import { randomInt } from "node:crypto";
import { compileParametric, parseObservable } from "@stepfault/quantum";
import {
  bruteForce,
  BRUTE_FORCE_MAX_NODES,
  checkProblem,
  costHamiltonian,
  groundEnergyOfMasks,
  nodeCount,
  OPTIMIZER_NAMES,
  pauliSumText,
  qaoaCircuit,
  qaoaParameterNames,
  type OptimizerName,
  type QaoaProblem,
} from "@stepfault/variational";
import type { QaoaJobBody, VqeJobBody } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type { JobSettings } from "../../jobs/limits.ts";
import type { VariationalSpec } from "../../jobs/variational-spec.ts";

/** Widest VQE observable whose exact ground energy is computed at submit (Lanczos, ~50 ms). */
const VQE_REFERENCE_MAX_QUBITS = 10;
/** Default iteration budget and tolerance. */
const DEFAULT_MAX_ITERATIONS = 200;
const DEFAULT_TOLERANCE = 1e-6;
/** Default shots sampled at a QAOA job's best point. */
const DEFAULT_SAMPLE_SHOTS = 4096;

/** A 422 naming the field. */
function invalid(field: string, message: string): DomainError {
  return new DomainError("JOB_INPUT_INVALID", `${field}: ${message}`, {
    field,
  });
}

/** What the jobs service stores for a variational job. */
export interface PreparedVariational {
  readonly source: string;
  readonly numQubits: number;
  readonly numClbits: number;
  readonly spec: VariationalSpec;
}

function optimizerOf(
  o: VqeJobBody["optimizer"],
  settings: JobSettings,
): VariationalSpec["optimizer"] {
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(o.name))
    throw invalid(
      "optimizer/name",
      `unknown optimiser '${o.name}'; use one of ${OPTIMIZER_NAMES.join(", ")}`,
    );
  const maxIterations = o.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  if (maxIterations > settings.maxIterations)
    throw new DomainError(
      "JOB_INPUT_INVALID",
      `optimizer/maxIterations: asks for ${maxIterations} iterations; this server allows ${settings.maxIterations} (JOB_MAX_ITERATIONS)`,
      {
        field: "optimizer/maxIterations",
        limit: "maxIterations",
        allowed: settings.maxIterations,
        requested: maxIterations,
      },
    );
  return {
    ...o,
    name: o.name as OptimizerName,
    maxIterations,
    tolerance: o.tolerance ?? DEFAULT_TOLERANCE,
  };
}

function initialPointOf(
  given: VqeJobBody["initialPoint"],
  parameters: readonly string[],
  seed: number,
  fallback: () => number[],
): number[] {
  if (given === undefined) return fallback();
  if (given === "zeros") return parameters.map(() => 0);
  if (given === "random") {
    // uniform in [-pi, pi), seeded by the job's seed (mulberry32)
    let s = seed >>> 0;
    return parameters.map(() => {
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 * Math.PI - Math.PI;
    });
  }
  for (const k of Object.keys(given))
    if (!parameters.includes(k))
      throw invalid(
        `initialPoint/${k}`,
        `'${k}' is not an input of the ansatz (inputs: ${parameters.join(", ")})`,
      );
  return parameters.map((p) => given[p] ?? 0);
}

function checkShots(shots: number | null | undefined, settings: JobSettings) {
  if (shots !== undefined && shots !== null && shots > settings.maxShots)
    throw new DomainError(
      "JOB_LIMIT_EXCEEDED",
      `asks for ${shots} shots; this server allows ${settings.maxShots}`,
      { limit: "maxShots", allowed: settings.maxShots, requested: shots },
    );
}

/** A complex coefficient (`1j`, `2.5i`, `(1+2j)`) makes the observable non-Hermitian. */
const COMPLEX = /(\d|\))\s*[ij]\b|\b[ij]\s*\*/;

/** Resolves a VQE submission whose ansatz source is already known. */
export function prepareVqe(
  body: VqeJobBody,
  source: string,
  settings: JobSettings,
): PreparedVariational {
  const compiled = compileParametric(source, { fileName: "ansatz.qasm" });
  if (!compiled.ok) {
    const d = compiled.diagnostics.find((x) => x.severity === "error");
    throw new DomainError(
      "CIRCUIT_INVALID",
      d
        ? `ansatz.qasm:${d.span.line}:${d.span.col}: ${d.message}`
        : "the ansatz does not compile",
      { field: "source" },
    );
  }
  const parameters = compiled.parameters;
  if (parameters.length === 0)
    throw invalid(
      body.circuitId ? "circuitId" : "source",
      "the ansatz has no `input` parameters to optimise (declare them as `input float[64] theta;`)",
    );
  const n = compiled.program.circuit.numQubits;
  if (n > settings.maxQubits)
    throw new DomainError(
      "JOB_LIMIT_EXCEEDED",
      `uses ${n} qubits; this server allows ${settings.maxQubits}`,
      { limit: "maxQubits", allowed: settings.maxQubits, requested: n },
    );
  if (COMPLEX.test(body.observable))
    throw invalid(
      "observable",
      "coefficients must be real: an observable with complex coefficients is not Hermitian",
    );
  const obs = parseObservable(body.observable, n);
  if (!obs.ok) throw invalid("observable", obs.error);
  checkShots(body.shots, settings);
  const optimizer = optimizerOf(body.optimizer, settings);
  const seed = body.seed ?? randomInt(0, 2 ** 32 - 1);
  const initialPoint = initialPointOf(body.initialPoint, parameters, seed, () =>
    parameters.map(() => 0),
  );
  const exactEnergy =
    n <= VQE_REFERENCE_MAX_QUBITS
      ? (groundEnergyOfMasks(
          n,
          obs.observable.terms.map((t) => ({
            x: t.x,
            z: t.z,
            coefficient: t.coef,
          })),
        ) ?? null)
      : null;
  return {
    source,
    numQubits: n,
    numClbits: compiled.program.circuit.numClbits,
    spec: {
      kind: "vqe",
      observable: body.observable,
      parameters,
      initialPoint,
      optimizer,
      shots: body.shots ?? null,
      seed,
      exactEnergy,
    },
  };
}

/** Resolves a QAOA submission: cost Hamiltonian, circuit, optimum by brute force when small. */
export function prepareQaoa(
  body: QaoaJobBody,
  settings: JobSettings,
): PreparedVariational {
  const raw = body.problem;
  const problem: QaoaProblem =
    raw.type === "maxcut"
      ? { type: "maxcut", nodes: raw.nodes ?? NaN, edges: raw.edges ?? [] }
      : {
          type: "ising",
          h: raw.h ?? {},
          J: raw.J ?? [],
          ...(raw.nodes !== undefined ? { nodes: raw.nodes } : {}),
        };
  if (raw.type === "maxcut" && raw.nodes === undefined)
    throw invalid("problem/nodes", "a MaxCut problem needs `nodes`");
  const issues = checkProblem(problem, settings.maxQubits);
  if (issues.length > 0)
    throw new DomainError(
      "JOB_INPUT_INVALID",
      `problem/${issues[0].path}: ${issues[0].message}`,
      {
        field: `problem/${issues[0].path}`,
        errors: issues.map((i) => ({ ...i, path: `problem/${i.path}` })),
      },
    );
  const layers = body.layers ?? 1;
  const n = nodeCount(problem);
  const terms = costHamiltonian(problem);
  const observable = terms.length > 0 ? pauliSumText(terms) : "0";
  checkShots(body.shots, settings);
  const optimizer = optimizerOf(body.optimizer, settings);
  const seed = body.seed ?? randomInt(0, 2 ** 32 - 1);
  const parameters = qaoaParameterNames(layers);
  // Default: a linear ramp (gamma up, beta down), as in trotterised-annealing initialisations.
  const ramp = () =>
    parameters.map((name) => {
      const l = Number(name.split("_")[1]);
      const f = (l + 0.5) / layers;
      return name.startsWith("gamma") ? 0.8 * f : -0.8 * (1 - f);
    });
  const initialPoint = initialPointOf(
    body.initialPoint,
    parameters,
    seed,
    ramp,
  );
  const optimum =
    n <= BRUTE_FORCE_MAX_NODES ? (bruteForce(problem) ?? null) : null;
  return {
    source: qaoaCircuit(problem, layers),
    numQubits: n,
    numClbits: n,
    spec: {
      kind: "qaoa",
      observable,
      parameters,
      initialPoint,
      optimizer,
      shots: body.shots ?? null,
      seed,
      exactEnergy: optimum?.cost ?? null,
      qaoa: {
        problem,
        layers,
        sampleShots: body.sampleShots ?? DEFAULT_SAMPLE_SHOTS,
        optimum,
      },
    },
  };
}
