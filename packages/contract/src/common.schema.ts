import { Type, type Static } from "typebox";
import { LineString } from "./strings.ts";

/** An RFC 9457 problem document with StepFault's stable `code`. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    requestId: Type.Optional(Type.String()),
    field: Type.Optional(
      Type.String({
        description:
          "the bad input's path in the request body (`observable`, `problem/edges/3/1`, `sweep/theta`, `noise/gateNoise/0/channel/params`), on JOB_INPUT_INVALID and NOISE_MODEL_INVALID",
      }),
    ),
  },
  { $id: "Problem", additionalProperties: true },
);
export type Problem = Static<typeof Problem>;

/** A UUID string. */
export const Uuid = Type.String({ format: "uuid" });
export type Uuid = Static<typeof Uuid>;

/** Params `{ id }`. */
export const IdParams = Type.Object({ id: Uuid });
export type IdParams = Static<typeof IdParams>;

/** Standard error responses for authenticated routes, for the OpenAPI document. */
export const errorResponses = {
  400: Type.Ref("Problem"),
  401: Type.Ref("Problem"),
  404: Type.Ref("Problem"),
  429: Type.Ref("Problem"),
} as const;

/** Pagination query: `limit` (1-100, default 50) and an opaque `cursor`. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(LineString({ maxLength: 2000 })),
};

/** A compiler diagnostic (1-based line and column; `file` when it is in an included file). */
export const Diagnostic = Type.Object({
  code: Type.String(),
  severity: Type.Union([Type.Literal("error"), Type.Literal("warning")]),
  message: Type.String(),
  line: Type.Integer(),
  column: Type.Integer(),
  endLine: Type.Integer(),
  endColumn: Type.Integer(),
  file: Type.Optional(Type.String()),
});
export type Diagnostic = Static<typeof Diagnostic>;
