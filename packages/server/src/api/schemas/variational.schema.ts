import { Type } from "typebox";
import { Uuid } from "./common.schema.ts";

/**
 * An optimiser and its settings. `name`: cobyla, nelder-mead, spsa, adam or l-bfgs-b (checked by
 * the service, so an unknown name is a 422 naming the field); other members are the optimiser's
 * own settings (learningRate, rhobeg, step, perturbation, bounds, ...).
 */
export const OptimizerSpec = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    maxIterations: Type.Optional(Type.Integer({ minimum: 1 })),
    tolerance: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: true },
);

/** Where the optimiser starts: values by input name, "zeros", or "random" (seeded). */
export const InitialPoint = Type.Union([
  Type.Record(Type.String(), Type.Number()),
  Type.Literal("zeros"),
  Type.Literal("random"),
]);

const common = {
  optimizer: OptimizerSpec,
  initialPoint: Type.Optional(InitialPoint),
  /** Shots per expectation value (per measured basis); null or absent: exact. */
  shots: Type.Optional(
    Type.Union([Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()]),
  ),
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
};

/** Body of `POST /projects/{id}/jobs/vqe`: an ansatz with `input` parameters and an observable. */
export const SubmitVqeBody = Type.Object(
  {
    circuitId: Type.Optional(Uuid),
    revision: Type.Optional(Type.Integer({ minimum: 1 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000 })),
    /** A Pauli sum with real coefficients: `-1.05 * II + 0.39 * IZ - 0.39 * ZI + 0.18 * XX`. */
    observable: Type.String({ minLength: 1, maxLength: 1_000_000 }),
    ...common,
  },
  { additionalProperties: false },
);

/** A QAOA problem: MaxCut or Ising (checked by the service, which names a bad field). */
export const QaoaProblemSpec = Type.Object(
  {
    type: Type.Union([Type.Literal("maxcut"), Type.Literal("ising")]),
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

/** Body of `POST /projects/{id}/jobs/qaoa`. */
export const SubmitQaoaBody = Type.Object(
  {
    problem: QaoaProblemSpec,
    /** QAOA depth p. */
    layers: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    /** Shots sampled at the best point for the bitstring statistics (default 4096). */
    sampleShots: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    ),
    ...common,
  },
  { additionalProperties: false },
);

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

/** A sampled bitstring of a QAOA result. */
export const SampledBitstring = Type.Object({
  bitstring: Type.String(),
  count: Type.Integer(),
  probability: Type.Number(),
  cut: Type.Optional(Type.Number()),
  cost: Type.Optional(Type.Number()),
});

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
