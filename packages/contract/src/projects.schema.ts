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

/** Body of `POST /projects/{id}/invitations`: who to invite by email, and with which role. */
export const InvitationBody = Type.Object(
  {
    email: LineString({ format: "email", maxLength: 254 }),
    role: ProjectRole,
  },
  { additionalProperties: false },
);
export type InvitationBody = Static<typeof InvitationBody>;

/** A pending invitation to a project, as its owners see it. */
export const Invitation = Type.Object({
  id: Type.String(),
  projectId: Type.String(),
  email: Type.String(),
  role: ProjectRole,
  /** Display name of the member who invited, or null when that account is gone. */
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: "date-time" }),
  expiresAt: Type.String({ format: "date-time" }),
});
export type Invitation = Static<typeof Invitation>;

/** Params `{ id, invitationId }`. */
export const InvitationParams = Type.Object({ id: Uuid, invitationId: Uuid });
export type InvitationParams = Static<typeof InvitationParams>;

/** Params `{ token }` of an invitation link. */
export const InvitationTokenParams = Type.Object({
  token: Type.String({
    minLength: 20,
    maxLength: 200,
    pattern: "^[A-Za-z0-9_-]+$",
  }),
});
export type InvitationTokenParams = Static<typeof InvitationTokenParams>;

/** What an invitation link shows before it is accepted (anyone holding the link may read it). */
export const InvitationPreview = Type.Object({
  projectName: Type.String(),
  email: Type.String(),
  role: ProjectRole,
  invitedBy: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.String({ format: "date-time" }),
});
export type InvitationPreview = Static<typeof InvitationPreview>;
