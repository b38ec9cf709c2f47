/**
 * Request, response and event types of the StepFault API: the static types of
 * `@stepfault/contract`'s TypeBox schemas (type-only: nothing of the contract is loaded at run
 * time by these).
 */
export type {
  AddMemberBody,
  AiUsage,
  ApiKey,
  ChangePasswordBody,
  CookieSessionTokens,
  CreatedApiKey,
  CircuitSummary,
  JobKind,
  JobRecord,
  JobResultSummary,
  Language,
  ResetConfirmBody,
  Revision,
  RevisionSummary,
  UpdateCircuitBody,
  UserPage,
  AssistantStatus,
  BlockBadge,
  Circuit,
  CircuitPage,
  Conversation,
  ConversationDetail,
  CreateCircuitBody,
  CreateNoiseModelBody,
  CreatedWebhook,
  CreateWebhookBody,
  DeliveryPage,
  Diagnostic,
  EstimateJobBody,
  EstimateValues,
  SampleJobBody,
  Sweep,
  ErrorCode,
  Job,
  JobEvent,
  JobListQuery,
  JobNoise,
  JobPage,
  JobResult,
  JobStatus,
  JobSummary,
  LoginBody,
  Member,
  NoiseModel,
  NoiseModelPage,
  NoiseModelSpec,
  NoiseModelSummary,
  NoiseChannelSpec,
  Precision,
  Project,
  ProjectRole,
  Proposal,
  RegisterBody,
  SendMessageBody,
  SimulationMethod,
  SubmitJobBody,
  TokenPair,
  UpdateMeBody,
  UpdateNoiseModelBody,
  UpdateWebhookBody,
  User,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  VqeJobBody,
  QaoaJobBody,
  VariationalResult,
  /** One optimiser iteration (an `iteration` event, an entry of a variational result's history). */
  IterationEvent as Iteration,
  /** A stored assistant conversation message (user, assistant or tool). */
  Message as AssistantMessage,
  /** One streamed event of an assistant answer. */
  AssistantStreamEvent as AssistantEvent,
} from "@stepfault/contract";

import type { Job, VariationalResult } from "@stepfault/contract";

/** A `vqe` or `qaoa` job: a job whose `result` is a variational result. */
export type VariationalJob = Omit<Job, "result"> & {
  result: VariationalResult | null;
};
