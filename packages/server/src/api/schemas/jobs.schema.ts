import { Type } from "typebox";
import { PageQuery, Uuid } from "./common.schema.ts";

/** Job states: queued -> running -> succeeded | failed | cancelled. */
export const JobStatus = Type.Union([
  Type.Literal("queued"),
  Type.Literal("running"),
  Type.Literal("succeeded"),
  Type.Literal("failed"),
  Type.Literal("cancelled"),
]);

/** A job's kind: "sample" gives counts, "estimate" expectation values of observables. */
export const JobKind = Type.Union([
  Type.Literal("sample"),
  Type.Literal("estimate"),
]);

/** Parameter values per point: `{ "theta": [v1, ..., vP], ... }`, all arrays of one length P. */
export const Sweep = Type.Record(
  Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }),
  Type.Array(Type.Number(), { minItems: 1, maxItems: 100_000 }),
  {
    description:
      "Values of the program's inputs per point: all arrays have the same length P; inputs not swept come from `inputs`",
  },
);

/** Pauli-sum observables: Qiskit labels ("0.5*ZZ - XX", rightmost = qubit 0) or sparse ("Z0 Z1"). */
export const Observables = Type.Array(
  Type.String({ minLength: 1, maxLength: 100_000 }),
  { minItems: 1, maxItems: 1000 },
);

/** A job's primitive options (besides shots, seed, precision and inputs). */
export const JobPrimitive = Type.Object({
  sweep: Type.Optional(Sweep),
  observables: Type.Optional(Observables),
  gradient: Type.Optional(Type.Boolean()),
});

/** Body of `POST /projects/{id}/jobs`: a saved circuit (optionally a revision) or inline source. */
export const SubmitJobBody = Type.Object(
  {
    kind: Type.Optional(JobKind),
    circuitId: Type.Optional(Uuid),
    revision: Type.Optional(Type.Integer({ minimum: 1 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000 })),
    shots: Type.Optional(
      Type.Union(
        [Type.Integer({ minimum: 1, maximum: 1_000_000 }), Type.Null()],
        {
          description:
            "Shots (required for sampling); for an estimate, shots per measured basis, or null/absent for exact expectations",
        },
      ),
    ),
    observables: Type.Optional(Observables),
    sweep: Type.Optional(Sweep),
    gradient: Type.Optional(
      Type.Boolean({
        description:
          "Estimate: also dE/d(input) (adjoint when exact, parameter shift with shots)",
      }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
    precision: Type.Optional(
      Type.Union([Type.Literal("double"), Type.Literal("single")]),
    ),
    inputs: Type.Optional(
      Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean()])),
    ),
  },
  { additionalProperties: false },
);

/** A sampling job's outcome. */
export const SampleResult = Type.Object({
  counts: Type.Record(Type.String(), Type.Integer()),
  probabilities: Type.Record(Type.String(), Type.Number()),
  shots: Type.Integer(),
  seed: Type.Integer(),
  qubits: Type.Integer(),
  clbits: Type.Integer(),
  method: Type.String(),
  sweeps: Type.Integer(),
  peakMemoryBytes: Type.Number(),
  timing: Type.Object({
    queueWaitMs: Type.Number(),
    compileMs: Type.Number(),
    simulateMs: Type.Number(),
  }),
  statevector: Type.Optional(
    Type.Array(Type.Tuple([Type.Number(), Type.Number()])),
  ),
  /** With a sweep: the counts of every point (`counts` is point 0's). */
  sweep: Type.Optional(
    Type.Object({
      parameters: Type.Array(Type.String()),
      points: Type.Integer(),
      counts: Type.Array(Type.Record(Type.String(), Type.Integer())),
    }),
  ),
});

/** The values of an estimate job (the fields of `stepfault estimate --json`). */
export const EstimateValues = Type.Object({
  observables: Type.Array(Type.String()),
  parameters: Type.Array(Type.String()),
  points: Type.Integer(),
  expectations: Type.Array(Type.Array(Type.Number()), {
    description: "[point][observable]",
  }),
  stddev: Type.Union([Type.Array(Type.Array(Type.Number())), Type.Null()], {
    description: "Standard errors (with shots), [point][observable]",
  }),
  gradients: Type.Union(
    [Type.Array(Type.Array(Type.Array(Type.Number()))), Type.Null()],
    { description: "[point][observable][parameter]" },
  ),
  timeMs: Type.Number(),
});

/**
 * A job's outcome when it succeeded. A sampling job has counts (and `sweep` with a sweep); an
 * estimate job (`kind: "estimate"`) has empty counts and the estimate's values.
 */
export const JobResult = Type.Object({
  ...SampleResult.properties,
  kind: Type.Optional(JobKind),
  ...Type.Partial(EstimateValues).properties,
});

/** The reproducible record of a finished job: run it again and the counts are the same. */
export const JobRecord = Type.Object({
  source: Type.String(),
  inputs: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  circuit: Type.Unknown(),
  seed: Type.Integer(),
  options: Type.Object({
    shots: Type.Integer(),
    precision: Type.String(),
    kind: Type.Optional(JobKind),
    primitive: Type.Optional(Type.Union([JobPrimitive, Type.Null()])),
  }),
  stepfaultVersion: Type.String(),
});

/** A job as the API shows it. */
export const Job = Type.Object({
  id: Type.String(),
  projectId: Type.String(),
  circuitId: Type.Union([Type.String(), Type.Null()]),
  circuitRevision: Type.Union([Type.Integer(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  status: JobStatus,
  kind: JobKind,
  primitive: Type.Union([JobPrimitive, Type.Null()]),
  numQubits: Type.Integer(),
  numClbits: Type.Integer(),
  shots: Type.Integer({
    description: "Shots; for an exact estimate 0",
  }),
  seed: Type.Integer(),
  precision: Type.String(),
  progress: Type.Number(),
  attempts: Type.Integer(),
  error: Type.Union([
    Type.Object({ code: Type.String(), message: Type.String() }),
    Type.Null(),
  ]),
  result: Type.Union([JobResult, Type.Null()]),
  /**
   * Present only when the job succeeded but its result, kept in the file store, can no longer be
   * read (the file was deleted or the bucket lost): `result` is then null. The job itself and its
   * record are intact; submitting it again gives the result back.
   */
  resultUnavailable: Type.Optional(
    Type.Object(
      { code: Type.Literal("RESULT_MISSING"), message: Type.String() },
      {
        description:
          "Set when the job's stored result file is gone; `result` is then null (GET /jobs/{id}/result answers 410 RESULT_MISSING)",
      },
    ),
  ),
  record: Type.Union([JobRecord, Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  startedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  finishedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

/** A result without counts, probabilities and statevector (what job lists carry). */
export const JobResultSummary = Type.Omit(JobResult, [
  "counts",
  "probabilities",
  "statevector",
  "sweep",
  "expectations",
  "stddev",
  "gradients",
]);

/** A job in a list: no reproducible record, and only the summary of its result. */
export const JobSummary = Type.Object({
  ...Type.Omit(Job, ["result", "record", "resultUnavailable"]).properties,
  result: Type.Union([JobResultSummary, Type.Null()]),
});

/** A page of jobs, newest first (summaries: fetch a job for its full result). */
export const JobPage = Type.Object({
  items: Type.Array(JobSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

/** Query of the job list: pagination and filters. */
export const JobListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(JobStatus),
  circuitId: Type.Optional(Uuid),
});

/** Params `{ jobId }`. */
export const JobParams = Type.Object({ jobId: Uuid });
