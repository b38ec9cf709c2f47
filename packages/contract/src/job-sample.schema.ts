/** The `sample` job kind (the default): measure the circuit `shots` times and count outcomes. */
import { Type, type Static } from "typebox";
import { JobBaseFields, jobBodyOptions } from "./job-base.schema.ts";

/** Body of a `sample` job: the base fields and the number of shots. `kind` may be left out. */
export const SampleJobBody = Type.Object(
  {
    kind: Type.Optional(Type.Literal("sample")),
    ...JobBaseFields,
    /** How many times the circuit is run and measured. */
    shots: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  },
  jobBodyOptions,
);
export type SampleJobBody = Static<typeof SampleJobBody>;
