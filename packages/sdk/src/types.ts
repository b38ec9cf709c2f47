/**
 * Request, response and event types of the StepFault API: the static types of
 * `@stepfault/contract`'s TypeBox schemas (type-only: nothing of the contract is loaded at run
 * time by these).
 */
export type {
  AddMemberBody,
  AiUsage,
  BlockBadge,
  Circuit,
  CircuitPage,
  Conversation,
  ConversationDetail,
  CreateCircuitBody,
  CreatedWebhook,
  CreateWebhookBody,
  DeliveryPage,
  Diagnostic,
  ErrorCode,
  Job,
  JobEvent,
  JobListQuery,
  JobPage,
  JobResult,
  JobStatus,
  JobSummary,
  LoginBody,
  Member,
  Project,
  ProjectRole,
  Proposal,
  RegisterBody,
  SendMessageBody,
  SubmitJobBody,
  TokenPair,
  UpdateMeBody,
  UpdateWebhookBody,
  User,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
  /** A stored assistant conversation message (user, assistant or tool). */
  Message as AssistantMessage,
  /** One streamed event of an assistant answer. */
  AssistantStreamEvent as AssistantEvent,
} from "@stepfault/contract";
