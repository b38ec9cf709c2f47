/**
 * What every job kind's submission takes: the circuit (a saved one, optionally at a revision, or
 * inline source), its input values, the seed and the precision. Each kind's body spreads these
 * fields and adds its own (job-sample.schema.ts).
 */
import { Type, type Static } from "typebox";
import { Uuid } from "./common.schema.ts";
import { TextString } from "./strings.ts";

/** Floating-point precision of a simulation. */
export const Precision = Type.Union([
  Type.Literal("double"),
  Type.Literal("single"),
]);
export type Precision = Static<typeof Precision>;

/** Fields common to the submission of every job kind (spread them into the kind's object). */
export const JobBaseFields = {
  /** A saved circuit to run (exactly one of `circuitId` and `source`). */
  circuitId: Type.Optional(Uuid),
  /** A revision of `circuitId` (default: its current one). */
  revision: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Inline OpenQASM 2 or 3 source (exactly one of `circuitId` and `source`). */
  source: Type.Optional(TextString({ minLength: 1, maxLength: 1_000_000 })),
  /** Seed of the run (default: a random one, recorded in the job). */
  seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4294967295 })),
  /** Floating-point precision of the simulation (default `double`). */
  precision: Type.Optional(Precision),
  /** Values of the OpenQASM 3 program's `input` declarations. */
  inputs: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.Number(), Type.Boolean()])),
  ),
};

/**
 * How a simulating job (`sample`, `estimate`) runs on its worker: spread into those kinds' bodies.
 * `threads` is the number of threads sharing each sweep over the state, as `stepfault run
 * --threads`; a worker runs at most its `JOB_THREADS` threads at once, so a job asking for more
 * gets `JOB_THREADS` (the result's `threads` says how many it used). Absent: `JOB_THREADS`.
 */
export const JobRunFields = {
  threads: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 256,
      description:
        "Threads sharing each sweep over the state (default and most: the worker's JOB_THREADS); circuits under 14 qubits run on one",
    }),
  ),
};

/** Options every job kind's body has (`additionalProperties: false`: unknown fields are a 400). */
export const jobBodyOptions = { additionalProperties: false } as const;
