import { ERROR_CATALOG, type ErrorCode } from "@stepfault/contract";

/** A catalogued domain error; services throw these and the edge maps them to problem+json. */
export class DomainError extends Error {
  /** Extra members for the problem document (e.g. `diagnostics`). */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** Response headers to set (e.g. `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    detail?: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(detail ?? ERROR_CATALOG[code].title);
    this.name = "DomainError";
    this.extensions = extensions;
    this.headers = headers;
  }

  /** The HTTP status of this error's code. */
  get status(): number {
    return ERROR_CATALOG[this.code].status;
  }
}
