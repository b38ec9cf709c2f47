import { Type, type Static } from "typebox";
import { PageQuery, Uuid } from "./common.schema.ts";
import { VariationalInfo, VariationalResult } from "./variational.schema.ts";

/** Job states: queued -> running -> succeeded | failed | cancelled. */
export const JobStatus = Type.Union([
  Type.Literal("queued"),
  Type.Literal("running"),
  Type.Literal("succeeded"),
  Type.Literal("failed"),
  Type.Literal("cancelled"),
]);

/** Body of `POST /projects/{id}/jobs`: a saved circuit (optionally a revision) or inline source. */
export const SubmitJobBody = Type.Object(
  {
    circuitId: Type.Optional(Uuid),
    revision: Type.Optional(Type.Integer({ minimum: 1 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 1_000_000 })),
    shots: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
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

/** A job's outcome when it succeeded. */
export const JobResult = Type.Object({
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
});

/** The result of any job kind (`GET /jobs/{id}/result`); typed as the simulation's (see `Job.result`). */
export const JobResultAny = Type.Unsafe<Static<typeof JobResult>>(
  Type.Union([JobResult, VariationalResult]),
);

/** The reproducible record of a finished job: run it again and the counts are the same. */
export const JobRecord = Type.Object({
  source: Type.String(),
  inputs: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  circuit: Type.Unknown(),
  seed: Type.Integer(),
  options: Type.Object({ shots: Type.Integer(), precision: Type.String() }),
  stepfaultVersion: Type.String(),
  /** A variational job's resolved request; `source` is then its ansatz (QAOA: the generated circuit). */
  variational: Type.Optional(VariationalInfo),
});

/** What a job runs: one simulation, or a variational loop. */
export const JobKind = Type.Union([
  Type.Literal("simulate"),
  Type.Literal("vqe"),
  Type.Literal("qaoa"),
]);

/** A job as the API shows it. */
export const Job = Type.Object({
  id: Type.String(),
  kind: JobKind,
  projectId: Type.String(),
  circuitId: Type.Union([Type.String(), Type.Null()]),
  circuitRevision: Type.Union([Type.Integer(), Type.Null()]),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  status: JobStatus,
  numQubits: Type.Integer(),
  numClbits: Type.Integer(),
  shots: Type.Integer(),
  seed: Type.Integer(),
  precision: Type.String(),
  progress: Type.Number(),
  attempts: Type.Integer(),
  error: Type.Union([
    Type.Object({ code: Type.String(), message: Type.String() }),
    Type.Null(),
  ]),
  /**
   * A `simulate` job's result (counts, ...) or a `vqe` / `qaoa` job's (energy, history, ...). The
   * schema (OpenAPI, serialisation) has both; the TypeScript type is the simulation's, which every
   * existing caller reads: the SDK's `vqe` / `qaoa` calls return `VariationalJob`, typed for theirs.
   */
  result: Type.Unsafe<Static<typeof JobResult> | null>(
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

/** A result without counts, probabilities and statevector (what job lists carry). */
export const JobResultSummary = Type.Omit(JobResult, [
  "counts",
  "probabilities",
  "statevector",
]);

/** A variational result without its history and sampled bitstrings (what job lists carry). */
export const VariationalResultSummary = Type.Omit(VariationalResult, [
  "history",
  "topBitstrings",
]);

/** A job in a list: no reproducible record, and only the summary of its result. */
export const JobSummary = Type.Object({
  ...Type.Omit(Job, ["result", "record", "resultUnavailable", "variational"])
    .properties,
  result: Type.Unsafe<Static<typeof JobResultSummary> | null>(
    Type.Union([JobResultSummary, VariationalResultSummary, Type.Null()]),
  ),
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
