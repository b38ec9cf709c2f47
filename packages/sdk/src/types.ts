/**
 * Request and response types of the StepFault API, derived from the server's TypeBox schemas
 * (type-only imports: nothing of the server is loaded at run time).
 */
import type { Static } from "typebox";
import type {
  AccountSchemas,
  AssistantSchemas,
  CircuitSchemas,
  JobSchemas,
  ProjectSchemas,
  VariationalSchemas,
  WebhookSchemas,
} from "@stepfault/server";

/** An account. */
export type User = Static<typeof AccountSchemas.User>;
/** Body of register. */
export type RegisterBody = Static<typeof AccountSchemas.RegisterBody>;
/** Body of login. */
export type LoginBody = Static<typeof AccountSchemas.LoginBody>;
/** Access and refresh tokens. */
export type TokenPair = Static<typeof AccountSchemas.TokenPair>;
/** Body of `updateMe`: a new username and/or display name. */
export type UpdateMeBody = Static<typeof AccountSchemas.UpdateMeBody>;
/** A project. */
export type Project = Static<typeof ProjectSchemas.Project>;
/** A project role. */
export type ProjectRole = Static<typeof ProjectSchemas.ProjectRole>;
/** A project member (with their username). */
export type Member = Static<typeof ProjectSchemas.Member>;
/** Body of member add: `{ email, role }` or `{ username, role }`. */
export type AddMemberBody = Static<typeof ProjectSchemas.AddMemberBody>;
/** A circuit with its current source. */
export type Circuit = Static<typeof CircuitSchemas.Circuit>;
/** Body of circuit creation. */
export type CreateCircuitBody = Static<typeof CircuitSchemas.CreateCircuitBody>;
/** A page of circuits. */
export type CircuitPage = Static<typeof CircuitSchemas.CircuitPage>;
/** A job. */
export type Job = Static<typeof JobSchemas.Job>;
/** Job states. */
export type JobStatus = Static<typeof JobSchemas.JobStatus>;
/** Body of job submission. */
export type SubmitJobBody = Static<typeof JobSchemas.SubmitJobBody>;
/** A page of jobs (summaries: no record, result without counts or statevector). */
export type JobPage = Static<typeof JobSchemas.JobPage>;
/** A job as lists show it. */
export type JobSummary = Static<typeof JobSchemas.JobSummary>;
/** A job's full result. */
export type JobResult = Static<typeof JobSchemas.JobResult>;
/** Body of a VQE submission: ansatz (source or circuitId), observable, optimiser, ... */
export type SubmitVqeBody = Static<typeof VariationalSchemas.SubmitVqeBody>;
/** Body of a QAOA submission: MaxCut or Ising problem, layers, optimiser, ... */
export type SubmitQaoaBody = Static<typeof VariationalSchemas.SubmitQaoaBody>;
/** One optimiser iteration (an `iteration` event, an entry of the result's history). */
export type Iteration = Static<typeof VariationalSchemas.IterationEvent>;
/** The result of a `vqe` or `qaoa` job. */
export type VariationalResult = Static<
  typeof VariationalSchemas.VariationalResult
>;
/** A `vqe` or `qaoa` job: a job whose `result` is a variational result. */
export type VariationalJob = Omit<Job, "result"> & {
  result: VariationalResult | null;
};
/** A project webhook (never with its secret). */
export type Webhook = Static<typeof WebhookSchemas.Webhook>;
/** A just-created webhook, with its secret (shown this once). */
export type CreatedWebhook = Static<typeof WebhookSchemas.CreatedWebhook>;
/** Body of webhook creation. */
export type CreateWebhookBody = Static<typeof WebhookSchemas.CreateWebhookBody>;
/** Body of webhook update. */
export type UpdateWebhookBody = Static<typeof WebhookSchemas.UpdateWebhookBody>;
/** Job events a webhook can subscribe to. */
export type WebhookEvent = Static<typeof WebhookSchemas.WebhookEvent>;
/** One event sent to a webhook, with its attempts. */
export type WebhookDelivery = Static<typeof WebhookSchemas.WebhookDelivery>;
/** A page of deliveries. */
export type DeliveryPage = Static<typeof WebhookSchemas.DeliveryPage>;
/** Query of the job list. */
export type JobListQuery = Static<typeof JobSchemas.JobListQuery>;

/** One Server-Sent Event of a job stream. */
export type JobEvent =
  | { readonly id?: number; readonly event: "state"; readonly data: Job }
  | {
      readonly id?: number;
      readonly event: "status";
      readonly data: {
        status: JobStatus;
        attempt?: number;
        error?: { code: string; message: string };
      };
    }
  | {
      readonly id?: number;
      readonly event: "progress";
      readonly data: { fraction: number };
    }
  | {
      readonly id?: number;
      readonly event: "log";
      readonly data: { message: string };
    }
  | {
      readonly id?: number;
      readonly event: "iteration";
      readonly data: Iteration;
    };

/** An assistant conversation. */
export type Conversation = Static<typeof AssistantSchemas.Conversation>;
/** A conversation with its messages and edit proposals. */
export type ConversationDetail = Static<
  typeof AssistantSchemas.ConversationDetail
>;
/** A stored assistant conversation message (user, assistant or tool). */
export type AssistantMessage = Static<typeof AssistantSchemas.Message>;
/** The compile/simulate badge of one QASM block of an answer. */
export type BlockBadge = Static<typeof AssistantSchemas.BlockBadge>;
/** An edit proposal the user may accept or reject. */
export type Proposal = Static<typeof AssistantSchemas.Proposal>;
/** Body of sending a message: text and optional editor context. */
export type SendMessageBody = Static<typeof AssistantSchemas.SendMessageBody>;
/** AI token usage this month. */
export type AiUsage = Static<typeof AssistantSchemas.AiUsage>;
/** One streamed event of an assistant answer. */
export type AssistantEvent = Static<
  typeof AssistantSchemas.AssistantStreamEvent
>;
