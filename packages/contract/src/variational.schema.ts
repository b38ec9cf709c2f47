/**
 * The variational job kinds, `vqe` and `qaoa`: their bodies, the `iteration` event, and their
 * result. Optimiser names and problem fields are checked by the server (a bad one is a 422
 * `JOB_INPUT_INVALID` naming the field), not here, so the error can say which field and why.
 */
import { Type, type Static } from "typebox";
import { JobBaseFields, jobBodyOptions } from "./job-base.schema.ts";
import { LineString, TextString } from "./strings.ts";

/**
 * An optimiser and its settings. `name`: cobyla, nelder-mead, spsa, adam or l-bfgs-b; other
 * members are the optimiser's own settings (learningRate, rhobeg, step, perturbation, bounds, ...).
 */
export const OptimizerSpec = Type.Object(
  {
    name: LineString({ minLength: 1, maxLength: 40 }),
    /** Iteration budget (default 200; at most the server's JOB_MAX_ITERATIONS). */
    maxIterations: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Convergence tolerance (default 1e-6; its meaning depends on the optimiser). */
    tolerance: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: true },
);
export type OptimizerSpec = Static<typeof OptimizerSpec>;

/** Where the optimiser starts: values by input name, "zeros", or "random" (seeded). */
export const InitialPoint = Type.Union([
  Type.Record(Type.String(), Type.Number()),
  Type.Literal("zeros"),
  Type.Literal("random"),
]);
export type InitialPoint = Static<typeof InitialPoint>;

/** Fields both variational kinds take. */
const VariationalFields = {
  optimizer: OptimizerSpec,
  /** Where the optimiser starts (default: zeros for VQE, a linear ramp for QAOA). */
  initialPoint: Type.Optional(InitialPoint),
  /** Shots per expectation value (per measured basis); null or absent: exact. */
  shots: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()]),
  ),
};

/**
 * Body of a `vqe` job: the ansatz (a saved circuit or inline OpenQASM 3 whose `input`s are the
 * parameters), a Pauli-sum observable and an optimiser. `precision` and `inputs` are not used.
 */
export const VqeJobBody = Type.Object(
  {
    kind: Type.Literal("vqe"),
    ...JobBaseFields,
    /** A Pauli sum with real coefficients: `-1.05 * II + 0.39 * IZ - 0.39 * ZI + 0.18 * XX`. */
    observable: TextString({ minLength: 1, maxLength: 1_000_000 }),
    ...VariationalFields,
  },
  jobBodyOptions,
);
export type VqeJobBody = Static<typeof VqeJobBody>;

/** A QAOA problem: MaxCut or Ising (checked by the server, which names a bad field). */
export const QaoaProblemSpec = Type.Object(
  {
    type: Type.Union([Type.Literal("maxcut"), Type.Literal("ising")]),
    /** Number of nodes (MaxCut: required; Ising: default 1 + the largest node named). */
    nodes: Type.Optional(Type.Integer()),
    /** MaxCut: `[i, j]` or `[i, j, weight]`. */
    edges: Type.Optional(Type.Array(Type.Array(Type.Number()))),
    /** Ising fields by node. */
    h: Type.Optional(Type.Record(Type.String(), Type.Number())),
    /** Ising couplings `[i, j, Jij]`. */
    J: Type.Optional(Type.Array(Type.Array(Type.Number()))),
  },
  { additionalProperties: false },
);
export type QaoaProblemSpec = Static<typeof QaoaProblemSpec>;

/**
 * Body of a `qaoa` job: StepFault builds the cost Hamiltonian and the p-layer QAOA circuit (kept
 * in the job record as OpenQASM 3), so it takes no circuit fields.
 */
export const QaoaJobBody = Type.Object(
  {
    kind: Type.Literal("qaoa"),
    problem: QaoaProblemSpec,
    /** QAOA depth p (default 1). */
    layers: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    /** Shots sampled at the best point for the bitstring statistics (default 4096). */
    sampleShots: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    ),
    /** Seed of the run (default: a random one, recorded in the job). */
    seed: JobBaseFields.seed,
    ...VariationalFields,
  },
  jobBodyOptions,
);
export type QaoaJobBody = Static<typeof QaoaJobBody>;

/** One optimiser iteration: an `iteration` SSE event and an entry of the result's history. */
export const IterationEvent = Type.Object({
  iteration: Type.Integer(),
  /** The cost at the iterate (energy for VQE, <H> = -expected cut for MaxCut QAOA). */
  energy: Type.Number(),
  /** Parameter values in the order of the job's `variational.parameters`. */
  parameters: Type.Array(Type.Number()),
  gradientNorm: Type.Optional(Type.Number()),
  evaluations: Type.Integer(),
  elapsedMs: Type.Number(),
});
export type IterationEvent = Static<typeof IterationEvent>;

/** A sampled bitstring of a QAOA result. */
export const SampledBitstring = Type.Object({
  bitstring: Type.String(),
  count: Type.Integer(),
  probability: Type.Number(),
  cut: Type.Optional(Type.Number()),
  cost: Type.Optional(Type.Number()),
});
export type SampledBitstring = Static<typeof SampledBitstring>;

/** The result of a `vqe` or `qaoa` job (also the best point of a cancelled one). */
export const VariationalResult = Type.Object({
  /** The best cost found over every evaluation. */
  energy: Type.Number(),
  parameters: Type.Record(Type.String(), Type.Number()),
  iterations: Type.Integer(),
  evaluations: Type.Integer(),
  history: Type.Array(IterationEvent),
  converged: Type.Boolean(),
  reason: Type.Union([
    Type.Literal("converged"),
    Type.Literal("maxIterations"),
    Type.Literal("cancelled"),
  ]),
  detail: Type.Optional(Type.String()),
  /** Lowest eigenvalue of the observable when small enough to diagonalise, else null. */
  exactEnergy: Type.Union([Type.Number(), Type.Null()]),
  optimizer: Type.String(),
  timing: Type.Object({
    simulateMs: Type.Number(),
    wallMs: Type.Number(),
    elapsedMs: Type.Number(),
  }),
  bestBitstring: Type.Optional(Type.String()),
  bestCut: Type.Optional(Type.Number()),
  expectedCut: Type.Optional(Type.Number()),
  maxCut: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  bestCost: Type.Optional(Type.Number()),
  expectedCost: Type.Optional(Type.Number()),
  minCost: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  approximationRatio: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  optimalBitstring: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  topBitstrings: Type.Optional(Type.Array(SampledBitstring)),
  sampleShots: Type.Optional(Type.Integer()),
});
export type VariationalResult = Static<typeof VariationalResult>;

/** What a variational job runs (the resolved request), shown on the job. */
export const VariationalInfo = Type.Object({
  observable: Type.String(),
  parameters: Type.Array(Type.String()),
  initialPoint: Type.Array(Type.Number()),
  optimizer: OptimizerSpec,
  shots: Type.Union([Type.Integer(), Type.Null()]),
  seed: Type.Integer(),
  exactEnergy: Type.Union([Type.Number(), Type.Null()]),
  qaoa: Type.Optional(
    Type.Object({
      problem: QaoaProblemSpec,
      layers: Type.Integer(),
      sampleShots: Type.Integer(),
      optimum: Type.Union([
        Type.Object({ cost: Type.Number(), bitstring: Type.String() }),
        Type.Null(),
      ]),
    }),
  ),
});
export type VariationalInfo = Static<typeof VariationalInfo>;
