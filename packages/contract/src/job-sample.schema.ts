/** The `sample` job kind (the default): measure the circuit `shots` times and count outcomes. */
import { Type, type Static } from "typebox";
import {
  JobBaseFields,
  JobRunFields,
  jobBodyOptions,
} from "./job-base.schema.ts";
import { JobNoiseFields } from "./noise.schema.ts";

/** Parameter values per point: `{ "theta": [v1, ..., vP], ... }`, all arrays of one length P. */
export const Sweep = Type.Record(
  Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }),
  Type.Array(Type.Number(), { minItems: 1, maxItems: 100_000 }),
  {
    description:
      "Values of the program's inputs per point: all arrays have the same length P; inputs not swept come from `inputs`",
  },
);
export type Sweep = Static<typeof Sweep>;

/** Body of a `sample` job: the base and noise fields and the number of shots. `kind` may be left out. */
export const SampleJobBody = Type.Object(
  {
    kind: Type.Optional(Type.Literal("sample")),
    ...JobBaseFields,
    ...JobNoiseFields,
    ...JobRunFields,
    /** How many times the circuit is run and measured (per point with a `sweep`). */
    shots: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** Counts at every point of a sweep of the program's inputs. */
    sweep: Type.Optional(Sweep),
  },
  jobBodyOptions,
);
export type SampleJobBody = Static<typeof SampleJobBody>;
