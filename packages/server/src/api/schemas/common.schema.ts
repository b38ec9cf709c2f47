import { Type } from "typebox";

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
  },
  { $id: "Problem", additionalProperties: true },
);

/** A UUID string. */
export const Uuid = Type.String({ format: "uuid" });

/** Params `{ id }`. */
export const IdParams = Type.Object({ id: Uuid });

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
  cursor: Type.Optional(Type.String({ maxLength: 2000 })),
};
