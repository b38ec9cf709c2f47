/** The `estimate` job kind: expectation values of observables, optionally over a sweep, with gradients. */
import { Type, type Static } from "typebox";
import {
  JobBaseFields,
  JobRunFields,
  jobBodyOptions,
} from "./job-base.schema.ts";
import { Sweep } from "./job-sample.schema.ts";
import { JobNoiseFields } from "./noise.schema.ts";
import { TextString } from "./strings.ts";

/** Pauli-sum observables: Qiskit labels ("0.5*ZZ - XX", rightmost = qubit 0) or sparse ("Z0 Z1"). */
export const Observables = Type.Array(
  TextString({ minLength: 1, maxLength: 100_000 }),
  { minItems: 1, maxItems: 1000 },
);
export type Observables = Static<typeof Observables>;

/** Body of an `estimate` job. */
export const EstimateJobBody = Type.Object(
  {
    kind: Type.Literal("estimate"),
    ...JobBaseFields,
    /**
     * With noise, expectation values are exact from the density matrix (`method` auto or
     * density_matrix), Tr(O rho). Readout errors act on recorded measurement bits only, so they
     * do not enter these values (as in Qiskit Aer's exact expectation values); a `sample` job's
     * counts include them.
     */
    ...JobNoiseFields,
    ...JobRunFields,
    /** The observables whose expectation values are wanted. */
    observables: Observables,
    /** Points: values of the program's inputs (the rest come from `inputs`). */
    sweep: Type.Optional(Sweep),
    /** Also dE/d(input) for every input (adjoint when exact, parameter shift with shots). */
    gradient: Type.Optional(Type.Boolean()),
    /** Shots per measured basis (standard errors reported); null or absent: exact expectations. */
    shots: Type.Optional(
      Type.Union([
        Type.Integer({ minimum: 1, maximum: 1_000_000 }),
        Type.Null(),
      ]),
    ),
  },
  jobBodyOptions,
);
export type EstimateJobBody = Static<typeof EstimateJobBody>;

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
export type EstimateValues = Static<typeof EstimateValues>;
