/**
 * The SDK's `StepFaultApiError` as the app shows it: `asApiError` turns anything a call threw into
 * one, `errorText` into a sentence for a person (the problem's title and detail, or what a status
 * or an unreachable server means).
 */
import { StepFaultApiError } from "@stepfault/sdk";

/** Turns anything thrown into a `StepFaultApiError` a page can show. */
export function asApiError(err: unknown): StepFaultApiError {
  if (err instanceof StepFaultApiError) return err;
  return new StepFaultApiError(0, {
    code: "CLIENT",
    title: "Unexpected error",
    detail: err instanceof Error ? err.message : String(err),
  });
}

/** Turns a problem+json body (or anything else) into a sentence for a person. */
export function problemMessage(
  status: number,
  problem: Readonly<Record<string, unknown>>,
): string {
  const title = typeof problem.title === "string" ? problem.title : "";
  const detail = typeof problem.detail === "string" ? problem.detail : "";
  if (title && detail && detail.toLowerCase() !== title.toLowerCase())
    return `${title}: ${detail}`;
  if (title || detail) return title || detail;
  if (status === 429) return "Too many requests; wait a minute and try again.";
  if (status >= 500)
    return `The server had a problem (HTTP ${status}). Try again in a moment.`;
  return `The request failed (HTTP ${status}).`;
}

/** What a failed call means to a person. */
export function errorText(err: StepFaultApiError): string {
  if (err.code === "NETWORK_ERROR")
    return "Could not reach the StepFault server. Check your connection and try again.";
  return problemMessage(err.status, err.problem);
}
