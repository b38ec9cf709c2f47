import { Type, type Static } from "typebox";
import { LineString, NameString, SecretString } from "./strings.ts";

/** Shortest username. */
export const USERNAME_MIN = 3;
/** Longest username. */
export const USERNAME_MAX = 39;
/** The username format (any case on input; stored lower-case). */
export const USERNAME_PATTERN =
  "^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){2,38}$";

const Email = LineString({ format: "email", maxLength: 254 });
const Password = SecretString({ minLength: 1, maxLength: 1024 });
const Role = Type.Union([Type.Literal("admin"), Type.Literal("user")]);
const DisplayName = NameString({
  minLength: 1,
  maxLength: 100,
  pattern: "\\S",
});

/** A username as a request gives it: 3-39 letters, digits or single inner hyphens, any case. */
export const Username = LineString({
  minLength: USERNAME_MIN,
  maxLength: USERNAME_MAX,
  pattern: USERNAME_PATTERN,
});
export type Username = Static<typeof Username>;

/** An account. */
export const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  /** Unique handle, lower-case. */
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  disabled: Type.Boolean(),
  createdAt: Type.String({ format: "date-time" }),
});
export type User = Static<typeof User>;

/** Body of `POST /auth/register`. */
export const RegisterBody = Type.Object(
  {
    email: Email,
    password: Password,
    displayName: Type.Optional(NameString({ minLength: 1, maxLength: 100 })),
    /** Optional; derived from the email when absent. */
    username: Type.Optional(Username),
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

/** Body of `PATCH /me`: at least one of username and display name. */
export const UpdateMeBody = Type.Object(
  {
    username: Type.Optional(Username),
    displayName: Type.Optional(DisplayName),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

/** Body of `POST /auth/login`. */
export const LoginBody = Type.Object(
  { email: Email, password: Password },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

/** Body carrying a refresh token (`POST /auth/refresh`, `POST /auth/logout`). */
export const RefreshBody = Type.Object(
  {
    refreshToken: Type.Optional(
      SecretString({
        minLength: 1,
        maxLength: 200,
        description:
          "The refresh token. Required unless the request sends `X-StepFault-Session: cookie`, " +
          "in which case the `sf_refresh` cookie is used when this field is absent.",
      }),
    ),
  },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

/** The optional opt-in header of the browser cookie session. */
export const SessionHeaders = Type.Object({
  "x-stepfault-session": Type.Optional(
    Type.Literal("cookie", {
      description:
        "Browser session: set the refresh token as an HttpOnly `sf_refresh` cookie " +
        "(SameSite=Strict, Path=/api/v1/auth) instead of returning it, and read it from that " +
        "cookie when the body has none. API clients leave this header out and never get cookies.",
    }),
  ),
});
export type SessionHeaders = Static<typeof SessionHeaders>;

/** Access + refresh tokens. */
export const TokenPair = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal("Bearer"),
  expiresIn: Type.Integer(),
});
export type TokenPair = Static<typeof TokenPair>;

/** The access token alone: the refresh token went into the `sf_refresh` cookie. */
export const CookieSessionTokens = Type.Object(
  {
    accessToken: Type.String(),
    tokenType: Type.Literal("Bearer"),
    expiresIn: Type.Integer(),
  },
  {
    description:
      "Answer to a request with `X-StepFault-Session: cookie`: the refresh token is in the " +
      "HttpOnly cookie, not in the body.",
  },
);
export type CookieSessionTokens = Static<typeof CookieSessionTokens>;

/** Body of `POST /me/password`. */
export const ChangePasswordBody = Type.Object(
  { currentPassword: Password, newPassword: Password },
  { additionalProperties: false },
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

/** Body of `POST /auth/password-reset/request`. */
export const ResetRequestBody = Type.Object(
  { email: Email },
  { additionalProperties: false },
);
export type ResetRequestBody = Static<typeof ResetRequestBody>;

/** Body of `POST /auth/password-reset/confirm`. */
export const ResetConfirmBody = Type.Object(
  {
    token: SecretString({ minLength: 1, maxLength: 200 }),
    newPassword: Password,
  },
  { additionalProperties: false },
);
export type ResetConfirmBody = Static<typeof ResetConfirmBody>;

/** An API key (without the secret). */
export const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});
export type ApiKey = Static<typeof ApiKey>;

/** A newly created API key, with the secret shown this once. */
export const CreatedApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String({ format: "date-time" }),
  lastUsedAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  key: Type.String(),
});
export type CreatedApiKey = Static<typeof CreatedApiKey>;

/** Body of `POST /me/api-keys`. */
export const CreateApiKeyBody = Type.Object(
  { name: NameString({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);
export type CreateApiKeyBody = Static<typeof CreateApiKeyBody>;

/** A page of users (admin). */
export const UserPage = Type.Object({
  items: Type.Array(User),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type UserPage = Static<typeof UserPage>;

/** Query of `GET /admin/users`: a page, optionally only accounts whose email, username or name contains `q`. */
export const AdminUsersQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50 })),
  cursor: Type.Optional(LineString({ maxLength: 2000 })),
  q: Type.Optional(LineString({ maxLength: 254 })),
});
export type AdminUsersQuery = Static<typeof AdminUsersQuery>;

/** Body of `PATCH /admin/users/{id}`: the account's global role. */
export const UserRoleBody = Type.Object(
  { role: Role },
  { additionalProperties: false },
);
export type UserRoleBody = Static<typeof UserRoleBody>;

/** One part of the system's health: whether it answers, and how fast (ms). */
const Probe = {
  ok: Type.Boolean(),
  latencyMs: Type.Union([Type.Number(), Type.Null()]),
  /** What went wrong, when `ok` is false. */
  error: Type.Union([Type.String(), Type.Null()]),
};

/** `GET /admin/health`: queue, workers, database and storage as this server sees them (admin). */
export const SystemHealth = Type.Object({
  checkedAt: Type.String({ format: "date-time" }),
  database: Type.Object({
    ...Probe,
    engine: Type.Union([Type.Literal("pglite"), Type.Literal("postgres")]),
    /** Every migration of this build applied. */
    migrated: Type.Boolean(),
  }),
  queue: Type.Object({
    /** Messages waiting in the simulate queues. */
    depth: Type.Integer(),
    /** Jobs by state (queued, running, succeeded, failed, cancelled). */
    jobs: Type.Record(Type.String(), Type.Integer()),
  }),
  workers: Type.Object({
    /** This server process runs a job worker (off with `--no-worker` / separate workers). */
    inProcess: Type.Boolean(),
    /** Simulation threads of a worker (jobs it runs at once). */
    threads: Type.Integer(),
    /** Running jobs whose worker sent a heartbeat within the recovery delay. */
    alive: Type.Integer(),
    /** Running jobs whose worker went silent (they are re-queued after the recovery delay). */
    stale: Type.Integer(),
    /** Newest heartbeat of any worker on a running job, or null when none runs. */
    lastHeartbeatAt: Type.Union([
      Type.String({ format: "date-time" }),
      Type.Null(),
    ]),
  }),
  storage: Type.Object({
    ...Probe,
    kind: Type.Union([Type.Literal("local"), Type.Literal("s3")]),
    /** Free bytes on the local store's disk, or null (S3, or unknown). */
    freeBytes: Type.Union([Type.Integer(), Type.Null()]),
  }),
});
export type SystemHealth = Static<typeof SystemHealth>;
