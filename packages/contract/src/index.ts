// Public entry of @stepfault/contract: the TypeBox schemas of every request, response, event and
// error code of the StepFault API. Each schema is exported as a value (for validation and the
// OpenAPI document) and, under the same name, as its static type.
export * from "./strings.ts";
export * from "./common.schema.ts";
export * from "./errors.schema.ts";
export * from "./accounts.schema.ts";
export * from "./projects.schema.ts";
export * from "./circuits.schema.ts";
export * from "./job-base.schema.ts";
export * from "./noise.schema.ts";
export * from "./job-sample.schema.ts";
export * from "./job-estimate.schema.ts";
export * from "./variational.schema.ts";
export * from "./jobs.schema.ts";
export * from "./job-events.schema.ts";
export * from "./webhooks.schema.ts";
export * from "./assistant.schema.ts";
