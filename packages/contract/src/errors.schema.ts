import { Type } from "typebox";

/**
 * Every error code the API can answer with, mapped once to its HTTP status and title. Problem
 * documents (`Problem` in common.schema.ts) carry one of these as `code`.
 */
export const ERROR_CATALOG = {
  VALIDATION_FAILED: { status: 400, title: "Request validation failed" },
  BAD_REQUEST: { status: 400, title: "Bad request" },
  USERNAME_RESERVED: { status: 400, title: "This username is reserved" },
  UNAUTHENTICATED: { status: 401, title: "Authentication required" },
  INVALID_CREDENTIALS: { status: 401, title: "Invalid email or password" },
  INVALID_TOKEN: { status: 401, title: "Invalid or expired token" },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    title: "Refresh token reuse detected; session revoked",
  },
  ACCOUNT_DISABLED: { status: 401, title: "Account disabled" },
  REFRESH_TOKEN_ROTATED: {
    status: 409,
    title: "Refresh token was just rotated by another request; retry",
  },
  FORBIDDEN: { status: 403, title: "Not allowed" },
  NOT_FOUND: { status: 404, title: "Not found" },
  USER_NOT_FOUND: { status: 404, title: "User not found" },
  PROJECT_NOT_FOUND: { status: 404, title: "Project not found" },
  CIRCUIT_NOT_FOUND: { status: 404, title: "Circuit not found" },
  REVISION_NOT_FOUND: { status: 404, title: "Revision not found" },
  API_KEY_NOT_FOUND: { status: 404, title: "API key not found" },
  JOB_NOT_FOUND: { status: 404, title: "Job not found" },
  NOISE_MODEL_NOT_FOUND: { status: 404, title: "Noise model not found" },
  WEBHOOK_NOT_FOUND: { status: 404, title: "Webhook not found" },
  DELIVERY_NOT_FOUND: { status: 404, title: "Webhook delivery not found" },
  CONVERSATION_NOT_FOUND: { status: 404, title: "Conversation not found" },
  PROPOSAL_NOT_FOUND: { status: 404, title: "Edit proposal not found" },
  INVITATION_NOT_FOUND: { status: 404, title: "Invitation not found" },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed" },
  EMAIL_TAKEN: { status: 409, title: "Email already registered" },
  USERNAME_TAKEN: { status: 409, title: "Username already taken" },
  CIRCUIT_NAME_TAKEN: {
    status: 409,
    title: "A circuit with this name already exists in the project",
  },
  NOISE_MODEL_NAME_TAKEN: {
    status: 409,
    title: "A noise model with this name already exists in the project",
  },
  ALREADY_MEMBER: {
    status: 409,
    title: "User is already a member of the project",
  },
  LAST_OWNER: { status: 409, title: "A project must keep at least one owner" },
  INVITATION_PENDING: {
    status: 409,
    title: "This email already has a pending invitation to the project",
  },
  LAST_ADMIN: {
    status: 409,
    title: "The server must keep at least one active administrator",
  },
  CANNOT_DISABLE_SELF: {
    status: 409,
    title: "Administrators cannot disable themselves",
  },
  JOB_FINISHED: { status: 409, title: "The job has already finished" },
  JOB_RESULT_NOT_READY: { status: 409, title: "The job has no result" },
  DELIVERY_PENDING: {
    status: 409,
    title: "The webhook delivery is still pending",
  },
  PROPOSAL_RESOLVED: {
    status: 409,
    title: "The edit proposal was already accepted or rejected",
  },
  CONVERSATION_BUSY: {
    status: 409,
    title: "The conversation is still answering another message",
  },
  PROPOSAL_STALE: {
    status: 409,
    title: "The circuit changed since the edit was proposed",
  },
  INVITATION_EXPIRED: { status: 410, title: "The invitation has expired" },
  INVITATION_REVOKED: { status: 410, title: "The invitation was revoked" },
  INVITATION_USED: {
    status: 410,
    title: "The invitation has already been accepted",
  },
  RESULT_MISSING: {
    status: 410,
    title: "The job's stored result is gone",
  },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Request body too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  CIRCUIT_INVALID: { status: 422, title: "Circuit source does not compile" },
  WEAK_PASSWORD: { status: 422, title: "Password too weak" },
  JOB_LIMIT_EXCEEDED: { status: 422, title: "The job exceeds a server limit" },
  JOB_INPUT_INVALID: {
    status: 422,
    title: "A field of the job is invalid (named in `field`)",
  },
  NOISE_MODEL_INVALID: {
    status: 422,
    title:
      "The noise model is invalid (the JSON path in `field`, every problem in `errors`)",
  },
  JOB_QUOTA_EXCEEDED: { status: 429, title: "Job quota exceeded" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  AI_USAGE_CAP_EXCEEDED: {
    status: 429,
    title: "Monthly AI token allowance used up",
  },
  INTERNAL: { status: 500, title: "Internal server error" },
  AI_PROVIDER_ERROR: {
    status: 502,
    title: "The AI provider rejected the request",
  },
  NOT_READY: { status: 503, title: "Service not ready" },
  AI_NOT_CONFIGURED: {
    status: 503,
    title: "No AI provider is configured on this server",
  },
  AI_UNAVAILABLE: {
    status: 503,
    title: "The AI provider is unavailable right now",
  },
} as const satisfies Record<string, { status: number; title: string }>;

/** A stable error code from the catalog. */
export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Every error code, for schemas and clients that switch on `code`. */
export const ErrorCodes = Object.keys(ERROR_CATALOG) as ErrorCode[];

/** The `code` of a problem document: one of the catalogued codes. */
export const ErrorCodeSchema = Type.Unsafe<ErrorCode>(
  Type.Union(
    ErrorCodes.map((c) => Type.Literal(c)),
    { description: "a stable error code from the catalog" },
  ),
);
