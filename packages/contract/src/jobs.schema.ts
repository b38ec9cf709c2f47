import { Type, type Static } from "typebox";
import { PageQuery, Uuid } from "./common.schema.ts";
import { SampleJobBody, Sweep } from "./job-sample.schema.ts";
import {
  EstimateJobBody,
  EstimateValues,
  Observables,
} from "./job-estimate.schema.ts";
import { JobNoise, JobNoiseSummary, SimulationMethod } from "./noise.schema.ts";
import {
  QaoaJobBody,
  VariationalInfo,
  VariationalResult,
  VqeJobBody,
} from "./variational.schema.ts";

/** Job states: queued -> running -> succeeded | failed | cancelled. */
export const JobStatus = Type.Union([
  Type.Literal("queued"),
  Type.Literal("running"),
  Type.Literal("succeeded"),
  Type.Literal("failed"),
  Type.Literal("cancelled"),
]);
export type JobStatus = Static<typeof JobStatus>;

/**
 * Body of `POST /projects/{id}/jobs`: one object per job kind, told apart by `kind` (absent means
 * `"sample"`). Add a kind: see this package's README ("Adding a job kind").
 */
export const SubmitJobBody = Type.Union([
  SampleJobBody,
  EstimateJobBody,
  VqeJobBody,
  QaoaJobBody,
]);
export type SubmitJobBody = Static<typeof SubmitJobBody>;

/**
 * What a job runs: "sample" gives counts, "estimate" expectation values of observables, "vqe" and
 * "qaoa" a variational loop (energy, parameters, history).
 */
export const JobKind = Type.Union([
  Type.Literal("sample"),
  Type.Literal("estimate"),
  Type.Literal("vqe"),
  Type.Literal("qaoa"),
]);
export type JobKind = Static<typeof JobKind>;

/** A job's primitive options (besides shots, seed, precision and inputs). */
export const JobPrimitive = Type.Object({
  sweep: Type.Optional(Sweep),
  observables: Type.Optional(Observables),
  gradient: Type.Optional(Type.Boolean()),
});
export type JobPrimitive = Static<typeof JobPrimitive>;

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
  /** Threads that shared each sweep (absent in results from before jobs had threads). */
  threads: Type.Optional(Type.Integer()),
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
export type SampleResult = Static<typeof SampleResult>;

/**
 * A job's outcome when it succeeded. A sampling job has counts (and `sweep` with a sweep); an
 * estimate job (`kind: "estimate"`) has empty counts and the estimate's values.
 */
export const JobResult = Type.Object({
  ...SampleResult.properties,
  kind: Type.Optional(JobKind),
  ...Type.Partial(EstimateValues).properties,
});
export type JobResult = Static<typeof JobResult>;

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
    /** The method asked for (the result's `method` is the one used). */
    method: Type.Optional(SimulationMethod),
    /** The noise model the job ran with (the whole model, also when it came from a saved one). */
    noise: Type.Optional(Type.Union([JobNoise, Type.Null()])),
    /** Threads asked for (null: the worker's default); they do not change the outcome. */
    threads: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  }),
  stepfaultVersion: Type.String(),
  /** A variational job's resolved request; `source` is then its ansatz (QAOA: the generated circuit). */
  variational: Type.Optional(VariationalInfo),
});
export type JobRecord = Static<typeof JobRecord>;

/** The result of any job kind (`GET /jobs/{id}/result`); typed as a sample's (see `Job.result`). */
export const JobResultAny = Type.Unsafe<JobResult>(
  Type.Union([JobResult, VariationalResult]),
);

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
  /** The simulation method asked for (`auto` by default; `result.method` is the one used). */
  method: SimulationMethod,
  /** The noise model applied (null: none beyond pragmas in the source). */
  noise: Type.Union([JobNoise, Type.Null()]),
  /** Threads asked for (null: the worker's `JOB_THREADS`); `result.threads` is how many ran. */
  threads: Type.Union([Type.Integer(), Type.Null()]),
  numQubits: Type.Integer(),
  numClbits: Type.Integer(),
  shots: Type.Integer({ description: "Shots; for an exact estimate 0" }),
  seed: Type.Integer(),
  precision: Type.String(),
  progress: Type.Number(),
  attempts: Type.Integer(),
  error: Type.Union([
    Type.Object({ code: Type.String(), message: Type.String() }),
    Type.Null(),
  ]),
  /**
   * A `sample` or `estimate` job's result (counts, expectations, ...) or a `vqe` / `qaoa` job's
   * (energy, history, ...). The schema (validation, OpenAPI) has both; the static type is the
   * sample/estimate one, which existing callers
   * read without narrowing: the SDK's `variational` calls return `VariationalJob`, typed for theirs.
   */
  result: Type.Unsafe<JobResult | null>(
    Type.Union([JobResult, VariationalResult, Type.Null()]),
  ),
  /** A `vqe` or `qaoa` job's resolved request (observable, parameters, optimiser); else null. */
  variational: Type.Union([VariationalInfo, Type.Null()]),
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
export type Job = Static<typeof Job>;

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
export type JobResultSummary = Static<typeof JobResultSummary>;

/** A variational result without its history and sampled bitstrings (what job lists carry). */
export const VariationalResultSummary = Type.Omit(VariationalResult, [
  "history",
  "topBitstrings",
]);
export type VariationalResultSummary = Static<typeof VariationalResultSummary>;

/** A job in a list: no reproducible record, the noise by name only, and the summary of its result. */
export const JobSummary = Type.Object({
  ...Type.Omit(Job, [
    "result",
    "record",
    "resultUnavailable",
    "variational",
    "noise",
  ]).properties,
  /** Which noise the job ran with (null: none); the job itself has the whole model. */
  noise: Type.Union([JobNoiseSummary, Type.Null()]),
  result: Type.Unsafe<JobResultSummary | null>(
    Type.Union([JobResultSummary, VariationalResultSummary, Type.Null()]),
  ),
});
export type JobSummary = Static<typeof JobSummary>;

/** A page of jobs, newest first (summaries: fetch a job for its full result). */
export const JobPage = Type.Object({
  items: Type.Array(JobSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type JobPage = Static<typeof JobPage>;

/** Query of the job list: pagination and filters. */
export const JobListQuery = Type.Object({
  ...PageQuery,
  status: Type.Optional(JobStatus),
  circuitId: Type.Optional(Uuid),
});
export type JobListQuery = Static<typeof JobListQuery>;

/** Params `{ jobId }`. */
export const JobParams = Type.Object({ jobId: Uuid });
export type JobParams = Static<typeof JobParams>;
