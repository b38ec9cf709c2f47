import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import type { JobsService } from "../../services/core/jobs.service.ts";
import { openEventStream } from "../event-stream.ts";
import { requireCaller } from "../plugins/auth.plugin.ts";
import {
  Job,
  JobListQuery,
  JobPage,
  JobParams,
  JobResultAny,
  SubmitJobBody,
  IdParams,
  errorResponses,
} from "@stepfault/contract";

/** Job routes: submit, read, list, cancel, delete, and the SSE event stream. */
export async function jobsRoutes(
  app: FastifyInstance,
  opts: { jobs: JobsService },
): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>();
  const { jobs } = opts;
  const tags = ["jobs"];
  const security = [{ bearerAuth: [] }];
  const writes = {
    403: Type.Ref("Problem"),
    409: Type.Ref("Problem"),
    422: Type.Ref("Problem"),
    ...errorResponses,
  };

  r.post(
    "/projects/:id/jobs",
    {
      schema: {
        tags,
        security,
        summary:
          "Submit a job (editor): `sample` (default: a saved circuit or inline OpenQASM, measured `shots` times), `vqe` (ansatz, observable, optimiser) or `qaoa` (MaxCut or Ising problem); variational jobs are checkpointed every iteration and stream `iteration` events; `Idempotency-Key` makes retries safe",
        params: IdParams,
        headers: Type.Object({
          "idempotency-key": Type.Optional(
            Type.String({ minLength: 1, maxLength: 200 }),
          ),
        }),
        body: SubmitJobBody,
        response: { 200: Job, 201: Job, ...writes },
      },
    },
    async (req, reply) => {
      const { job, created } = await jobs.submit(
        requireCaller(req),
        req.params.id,
        req.body,
        req.headers["idempotency-key"],
      );
      return reply.status(created ? 201 : 200).send(job);
    },
  );

  r.get(
    "/projects/:id/jobs",
    {
      schema: {
        tags,
        security,
        summary:
          "List a project's jobs, newest first (filters: status, circuitId)",
        params: IdParams,
        querystring: JobListQuery,
        response: { 200: JobPage, ...errorResponses },
      },
    },
    async (req) =>
      jobs.list(requireCaller(req), req.params.id, {
        limit: req.query.limit ?? 50,
        cursor: req.query.cursor,
        status: req.query.status,
        circuitId: req.query.circuitId,
      }),
  );

  r.get(
    "/jobs/:jobId",
    {
      schema: {
        tags,
        security,
        summary: "A job with its result and reproducible record",
        params: JobParams,
        response: { 200: Job, ...errorResponses },
      },
    },
    async (req) => jobs.get(requireCaller(req), req.params.jobId),
  );

  r.get(
    "/jobs/:jobId/result",
    {
      schema: {
        tags,
        security,
        summary:
          "The job's full result alone (streamed from the file store when large); 409 until it has one, 410 RESULT_MISSING when its stored file is gone",
        params: JobParams,
        response: {
          200: JobResultAny,
          409: Type.Ref("Problem"),
          410: Type.Ref("Problem"),
          ...errorResponses,
        },
      },
    },
    async (req, reply) => {
      const out = await jobs.result(requireCaller(req), req.params.jobId);
      if (out.kind === "inline") return out.result;
      return reply
        .type("application/json; charset=utf-8")
        .header("content-length", out.bytes)
        .send(out.stream);
    },
  );

  r.post(
    "/jobs/:jobId/cancel",
    {
      schema: {
        tags,
        security,
        summary: "Cancel a queued or running job (editor or submitter)",
        params: JobParams,
        response: { 200: Job, ...writes },
      },
    },
    async (req) => jobs.cancel(requireCaller(req), req.params.jobId),
  );

  r.delete(
    "/jobs/:jobId",
    {
      schema: {
        tags,
        security,
        summary: "Delete a job (editor or submitter)",
        params: JobParams,
        response: { 204: Type.Null(), ...writes },
      },
    },
    async (req, reply) => {
      await jobs.delete(requireCaller(req), req.params.jobId);
      return reply.status(204).send(null);
    },
  );

  r.get(
    "/jobs/:jobId/events",
    {
      schema: {
        tags,
        security,
        summary:
          "Server-Sent Events: current state, status changes, progress, log lines (`Last-Event-ID` resumes)",
        params: JobParams,
        headers: Type.Object({
          "last-event-id": Type.Optional(Type.Integer({ minimum: 0 })),
        }),
      },
    },
    async (req, reply) => {
      const abort = new AbortController();
      const stream = await jobs.events(
        requireCaller(req),
        req.params.jobId,
        req.headers["last-event-id"],
        abort.signal,
      );
      const out = openEventStream(req, reply);
      out.write("retry: 1000\n\n");
      req.raw.on("close", () => abort.abort());
      try {
        for await (const m of stream) {
          if (abort.signal.aborted) break;
          out.send(m);
        }
      } catch (err) {
        req.log.error({ err }, "job event stream failed");
      } finally {
        abort.abort();
        out.end();
      }
    },
  );
}
