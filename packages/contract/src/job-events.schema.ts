/**
 * The Server-Sent Events of `GET /jobs/{id}/events`: `state` (the whole job) first, then
 * `status` changes, `log` lines and variational `iteration`s (their `id` is the SSE id, so `Last-Event-ID` resumes), and
 * `progress` a few times a second. The stream ends after a terminal `status`.
 */
import { Type, type Static } from "typebox";
import { Job, JobStatus } from "./jobs.schema.ts";
import { IterationEvent } from "./variational.schema.ts";

/** A job's error as status events and the job carry it. */
export const JobError = Type.Object({
  code: Type.String(),
  message: Type.String(),
});
export type JobError = Static<typeof JobError>;

/** Data of a `status` event: the new state, its attempt, and the error when it failed. */
export const JobStatusEventData = Type.Object({
  status: JobStatus,
  /** The attempt that started running (or was given back to the queue). */
  attempt: Type.Optional(Type.Integer()),
  /** Set when a running attempt was given back to the queue (its worker stopped). */
  requeued: Type.Optional(Type.Boolean()),
  error: Type.Optional(JobError),
});
export type JobStatusEventData = Static<typeof JobStatusEventData>;

/** One job event: the SSE `event:` name, its `data:` JSON, and the SSE `id:` where it resumes. */
export const JobEvent = Type.Union([
  Type.Object({
    id: Type.Optional(Type.Integer()),
    event: Type.Literal("state"),
    data: Job,
  }),
  Type.Object({
    id: Type.Optional(Type.Integer()),
    event: Type.Literal("status"),
    data: JobStatusEventData,
  }),
  Type.Object({
    id: Type.Optional(Type.Integer()),
    event: Type.Literal("progress"),
    data: Type.Object({ fraction: Type.Number({ minimum: 0, maximum: 1 }) }),
  }),
  Type.Object({
    id: Type.Optional(Type.Integer()),
    event: Type.Literal("log"),
    data: Type.Object({ message: Type.String() }),
  }),
  Type.Object({
    id: Type.Optional(Type.Integer()),
    event: Type.Literal("iteration"),
    data: IterationEvent,
  }),
]);
export type JobEvent = Static<typeof JobEvent>;
