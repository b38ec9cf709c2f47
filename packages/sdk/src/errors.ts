/** The one error the SDK throws for API failures: the problem document's `code` and HTTP `status`. */
export class StepFaultApiError extends Error {
  /** Stable error code from the server's catalog (e.g. `JOB_NOT_FOUND`), or `NETWORK_ERROR`. */
  readonly code: string;
  /** HTTP status (0 when the request never got an answer). */
  readonly status: number;
  /** The whole problem+json body, with extension members such as `diagnostics` or `limit`. */
  readonly problem: Readonly<Record<string, unknown>>;

  constructor(status: number, problem: Record<string, unknown>) {
    const code =
      typeof problem.code === "string" ? problem.code : `HTTP_${status}`;
    const detail =
      typeof problem.detail === "string"
        ? problem.detail
        : typeof problem.title === "string"
          ? problem.title
          : `request failed with status ${status}`;
    super(`${code}: ${detail}`);
    this.name = "StepFaultApiError";
    this.code = code;
    this.status = status;
    this.problem = problem;
  }
}
