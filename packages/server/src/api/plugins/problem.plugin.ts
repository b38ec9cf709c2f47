import type {
  FastifyError,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
} from "fastify";
import { ERROR_CATALOG, type ErrorCode } from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";

/** Builds an RFC 9457 problem document for a catalogued code. */
export function problem(
  code: ErrorCode,
  req: FastifyRequest,
  detail?: string,
  extra: Record<string, unknown> = {},
) {
  const entry = ERROR_CATALOG[code];
  return {
    type: `https://stepfault.dev/problems/${code.toLowerCase().replace(/_/g, "-")}`,
    title: entry.title,
    status: entry.status as number,
    code,
    ...(detail !== undefined && detail !== entry.title ? { detail } : {}),
    instance: req.url.split("?")[0],
    requestId: String(req.id),
    ...extra,
  };
}

function sendProblem(
  reply: FastifyReply,
  body: ReturnType<typeof problem>,
): void {
  void reply.status(body.status).type("application/problem+json").send(body);
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_EMPTY_JSON_BODY: "BAD_REQUEST",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "BAD_REQUEST",
};

/**
 * Installs the one error handler and not-found handler that answer with problem+json; 5xx hides
 * internals. With `spa`, unknown non-API GETs that accept HTML get the web app's index.html.
 */
export function installProblemHandlers(
  app: FastifyInstance,
  opts: { spa: boolean },
): void {
  app.setErrorHandler((err: FastifyError | DomainError, req, reply) => {
    if (err instanceof DomainError) {
      for (const [k, v] of Object.entries(err.headers)) void reply.header(k, v);
      // The AI provider being unset or unreachable is an operational state, not a server bug.
      if (err.code.startsWith("AI_"))
        req.log.warn({ code: err.code, detail: err.message }, "AI unavailable");
      else if (err.status >= 500) req.log.error({ err }, "server error");
      return sendProblem(
        reply,
        problem(err.code, req, err.message, err.extensions),
      );
    }
    if (err.validation) {
      const errors = err.validation.map((v) => ({
        path: `${err.validationContext ?? "request"}${v.instancePath}`,
        message: v.message ?? "invalid",
      }));
      return sendProblem(
        reply,
        problem("VALIDATION_FAILED", req, err.message, { errors }),
      );
    }
    const mapped = err.code !== undefined ? FASTIFY_CODES[err.code] : undefined;
    if (mapped !== undefined)
      return sendProblem(reply, problem(mapped, req, err.message));
    if (
      err.statusCode !== undefined &&
      err.statusCode >= 400 &&
      err.statusCode < 500
    ) {
      return sendProblem(reply, {
        ...problem("BAD_REQUEST", req, err.message),
        status: err.statusCode,
      });
    }
    req.log.error({ err }, "unhandled error");
    return sendProblem(reply, problem("INTERNAL", req));
  });

  app.setNotFoundHandler((req, reply) => {
    if (
      opts.spa &&
      req.method === "GET" &&
      !req.url.startsWith("/api/") &&
      (req.headers.accept ?? "").includes("text/html")
    ) {
      // Single-page app: client-side routes get index.html.
      return reply.sendFile("index.html");
    }
    return sendProblem(
      reply,
      problem(
        "NOT_FOUND",
        req,
        `no route ${req.method} ${req.url.split("?")[0]}`,
      ),
    );
  });
}
