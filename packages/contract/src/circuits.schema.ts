import { Type, type Static } from "typebox";
import { LineString, NameString, TextString } from "./strings.ts";
import { PageQuery, Uuid } from "./common.schema.ts";

/** Source language of a circuit. */
export const Language = Type.Union([
  Type.Literal("openqasm2"),
  Type.Literal("openqasm3"),
]);
export type Language = Static<typeof Language>;

const Name = NameString({ minLength: 1, maxLength: 200, pattern: "\\S" });
const Source = TextString({ maxLength: 1_000_000 });

/** A circuit with its current source. */
export const Circuit = Type.Object({
  id: Type.String(),
  projectId: Type.String(),
  name: Type.String(),
  language: Language,
  source: Type.String(),
  revision: Type.Integer(),
  numQubits: Type.Integer(),
  numClbits: Type.Integer(),
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type Circuit = Static<typeof Circuit>;

/** A circuit in a list: everything but the source (read one circuit for that). */
export const CircuitSummary = Type.Omit(Circuit, ["source"]);
export type CircuitSummary = Static<typeof CircuitSummary>;

/** A page of circuits (summaries, without sources). */
export const CircuitPage = Type.Object({
  items: Type.Array(CircuitSummary),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type CircuitPage = Static<typeof CircuitPage>;

/** Body of `POST /projects/{id}/circuits`; `language` is detected from the header when omitted. */
export const CreateCircuitBody = Type.Object(
  { name: Name, source: Source, language: Type.Optional(Language) },
  { additionalProperties: false },
);
export type CreateCircuitBody = Static<typeof CreateCircuitBody>;

/** Body of `PATCH .../circuits/{circuitId}`: a new source makes a new revision. */
export const UpdateCircuitBody = Type.Object(
  {
    name: Type.Optional(Name),
    source: Type.Optional(Source),
    language: Type.Optional(Language),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCircuitBody = Static<typeof UpdateCircuitBody>;

/** Query of the circuit list: pagination and a name search. */
export const CircuitListQuery = Type.Object({
  ...PageQuery,
  q: Type.Optional(LineString({ maxLength: 200 })),
});
export type CircuitListQuery = Static<typeof CircuitListQuery>;

/** Params `{ id, circuitId }`. */
export const CircuitParams = Type.Object({ id: Uuid, circuitId: Uuid });
export type CircuitParams = Static<typeof CircuitParams>;

/** Params `{ id, circuitId, revision }`. */
export const RevisionParams = Type.Object({
  id: Uuid,
  circuitId: Uuid,
  revision: Type.Integer({ minimum: 1 }),
});
export type RevisionParams = Static<typeof RevisionParams>;

/** A revision summary. */
export const RevisionSummary = Type.Object({
  revision: Type.Integer(),
  language: Language,
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
});
export type RevisionSummary = Static<typeof RevisionSummary>;

/** A revision with its source. */
export const Revision = Type.Object({
  revision: Type.Integer(),
  language: Language,
  source: Type.String(),
  createdBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
});
export type Revision = Static<typeof Revision>;
