import { Type, type Static } from "typebox";
import { LineString, NameString } from "./strings.ts";
import { Username } from "./accounts.schema.ts";
import { Uuid } from "./common.schema.ts";

/** A project role. */
export const ProjectRole = Type.Union([
  Type.Literal("owner"),
  Type.Literal("editor"),
  Type.Literal("viewer"),
]);
export type ProjectRole = Static<typeof ProjectRole>;

const Name = NameString({ minLength: 1, maxLength: 200, pattern: "\\S" });

/** A project with the caller's role. */
export const Project = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: ProjectRole,
  createdAt: Type.String({ format: "date-time" }),
  updatedAt: Type.String({ format: "date-time" }),
});
export type Project = Static<typeof Project>;

/** Body of `POST /projects` and `PATCH /projects/{id}`. */
export const ProjectBody = Type.Object(
  { name: Name },
  { additionalProperties: false },
);
export type ProjectBody = Static<typeof ProjectBody>;

/** A project member. */
export const Member = Type.Object({
  userId: Type.String(),
  email: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: ProjectRole,
  createdAt: Type.String({ format: "date-time" }),
});
export type Member = Static<typeof Member>;

/** Body of `POST /projects/{id}/members`: the account by email or by username (exactly one). */
export const AddMemberBody = Type.Union([
  Type.Object(
    {
      email: LineString({ format: "email", maxLength: 254 }),
      role: ProjectRole,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { username: Username, role: ProjectRole },
    { additionalProperties: false },
  ),
]);
export type AddMemberBody = Static<typeof AddMemberBody>;

/** Body of `PATCH /projects/{id}/members/{userId}`. */
export const MemberRoleBody = Type.Object(
  { role: ProjectRole },
  { additionalProperties: false },
);
export type MemberRoleBody = Static<typeof MemberRoleBody>;

/** Params `{ id, userId }`. */
export const MemberParams = Type.Object({ id: Uuid, userId: Uuid });
export type MemberParams = Static<typeof MemberParams>;
