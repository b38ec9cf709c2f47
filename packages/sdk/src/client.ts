/**
 * The typed StepFault API client: one method per route (accounts, projects, circuits, jobs,
 * webhooks, the assistant), `submitJob`, `jobs.watch` and `waitForJob` (Server-Sent Events,
 * falling back to polling).
 */
import { createAccountApi, enc, queryString } from "./accounts.ts";
import { createAssistantApi } from "./assistant.ts";
import { createNoiseModelsApi } from "./noise-models.ts";
import { StepFaultApiError } from "./errors.ts";
import { readSse } from "./sse.ts";
import { rerunBody } from "./rerun.ts";
import {
  isAbortError,
  watchJob,
  type JobWatcher,
  type WatchOptions as JobWatchOptions,
} from "./watch.ts";
import type {
  AddMemberBody,
  Invitation,
  InvitationBody,
  InvitationPreview,
  Revision,
  RevisionSummary,
  UpdateCircuitBody,
  Member,
  ProjectRole,
  UpdateMeBody,
  Circuit,
  CircuitPage,
  CreateCircuitBody,
  CreatedWebhook,
  CreateWebhookBody,
  DeliveryPage,
  JobResult,
  UpdateWebhookBody,
  Webhook,
  WebhookDelivery,
  Job,
  JobEvent,
  JobListQuery,
  JobPage,
  Project,
  SubmitJobBody,
  QaoaJobBody,
  VqeJobBody,
  Iteration,
  SampleJobBody,
  EstimateJobBody,
  User,
  VariationalJob,
} from "./types.ts";

/** Options of `createClient`. */
export interface ClientOptions {
  /** Server root, e.g. `http://localhost:3000` (the client adds `/api/v1`). */
  readonly baseUrl: string;
  /** An API key (`sf_...`) or access token sent as a bearer token. */
  readonly token?: string;
  /** A fetch implementation (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** Options of `waitForJob`. */
export interface WaitOptions {
  onProgress?(fraction: number): void;
  onEvent?(event: JobEvent): void;
  /** Polling interval when the stream is not available (default 500 ms). */
  readonly pollMs?: number;
  /** Give up after this many milliseconds (default: no limit). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Poll instead of streaming (also the fallback when the stream fails). */
  readonly poll?: boolean;
}

/** Creates a client for one server. */
export function createClient(options: ClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const root = options.baseUrl.replace(/\/+$/, "") + "/api/v1";
  let token = options.token;

  /** A request that got no answer; an abort (the caller's signal) is thrown as it is. */
  const unreachable = (err: unknown) =>
    isAbortError(err)
      ? err
      : new StepFaultApiError(0, {
          code: "NETWORK_ERROR",
          detail: `cannot reach ${root}: ${err instanceof Error ? err.message : String(err)}`,
        });

  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    let res: Response;
    try {
      res = await doFetch(root + path, {
        method,
        headers: {
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (err) {
      throw unreachable(err);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = { detail: text.slice(0, 200) };
    }
    if (!res.ok)
      throw new StepFaultApiError(
        res.status,
        typeof json === "object" && json !== null
          ? (json as Record<string, unknown>)
          : {},
      );
    return json as T;
  }

  /** Opens a Server-Sent Events response; a refusal throws its problem before any event. */
  async function stream(
    method: string,
    path: string,
    opts: {
      body?: unknown;
      headers?: Record<string, string>;
      signal?: AbortSignal;
    } = {},
  ): Promise<ReadableStream<Uint8Array>> {
    let res: Response;
    try {
      res = await doFetch(root + path, {
        method,
        headers: {
          accept: "text/event-stream",
          ...(opts.body !== undefined
            ? { "content-type": "application/json" }
            : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...opts.headers,
        },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      throw unreachable(err);
    }
    if (!res.ok || !res.body) {
      const problem = (await res.json().catch(() => ({}))) as Record<
        string,
        unknown
      >;
      throw new StepFaultApiError(res.status, problem);
    }
    return res.body;
  }

  const q = queryString;

  const circuitPath = (projectId: string, circuitId: string) =>
    `/projects/${enc(projectId)}/circuits/${enc(circuitId)}`;

  const jobs = {
    /** Submits a job; with `idempotencyKey`, a retried call returns the first job. */
    submit: (
      projectId: string,
      body: SubmitJobBody,
      opts: { idempotencyKey?: string } = {},
    ) =>
      request<Job>(
        "POST",
        `/projects/${projectId}/jobs`,
        body,
        opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : {},
      ),
    /**
     * One job with its result. When the server's stored result file is gone, `result` is null and
     * `resultUnavailable` says so (the job and its record are intact).
     */
    get: (jobId: string) => request<Job>("GET", `/jobs/${jobId}`),
    /** Submits a sampling job (kind "sample"): counts, per point with a `sweep`. */
    sample: (
      projectId: string,
      body: Omit<SampleJobBody, "kind">,
      opts: { idempotencyKey?: string } = {},
    ) => jobs.submit(projectId, { ...body, kind: "sample" }, opts),
    /**
     * Submits an estimate job (kind "estimate"): expectation values of `observables` at every
     * point of `sweep` (inputs not swept from `inputs`), with `gradient` and `shots` (null: exact).
     */
    estimate: (
      projectId: string,
      body: Omit<EstimateJobBody, "kind">,
      opts: { idempotencyKey?: string } = {},
    ) => jobs.submit(projectId, { ...body, kind: "estimate" }, opts),
    /**
     * The job's full result alone (large ones are streamed from the server's file store). Throws
     * `StepFaultApiError` 409 `JOB_RESULT_NOT_READY` before there is one, 410 `RESULT_MISSING`
     * when its stored file is gone.
     */
    result: (jobId: string) =>
      request<JobResult>("GET", `/jobs/${jobId}/result`),
    /** A page of a project's jobs, newest first. */
    list: (projectId: string, query: JobListQuery = {}) =>
      request<JobPage>("GET", `/projects/${projectId}/jobs${q(query)}`),
    /** Cancels a queued or running job. */
    cancel: (jobId: string) => request<Job>("POST", `/jobs/${jobId}/cancel`),
    /** Deletes a job. */
    delete: (jobId: string) => request<void>("DELETE", `/jobs/${jobId}`),
    /**
     * Submits a finished job again as it ran (see `rerunBody`): same circuit, seed, shots,
     * inputs, noise, method and kind-specific fields. When its saved circuit is gone since (404),
     * runs the recorded source instead. Throws when the job carries too little to repeat.
     */
    async rerun(job: Job): Promise<Job> {
      const body = rerunBody(job);
      if (!body)
        throw new StepFaultApiError(0, {
          code: "JOB_NOT_REPEATABLE",
          detail: `job ${job.id} has no saved revision or record to run again`,
        });
      try {
        return await jobs.submit(job.projectId, body);
      } catch (err) {
        if (
          !(err instanceof StepFaultApiError) ||
          err.status !== 404 ||
          !job.record ||
          !("circuitId" in body)
        )
          throw err;
        const { circuitId: _c, revision: _r, ...rest } = body;
        return jobs.submit(job.projectId, {
          ...rest,
          source: job.record.source,
        } as SubmitJobBody);
      }
    },
    /** The job's Server-Sent Events: current state first, then status, progress and log lines. */
    async *events(
      jobId: string,
      opts: { lastEventId?: number; signal?: AbortSignal } = {},
    ): AsyncGenerator<JobEvent> {
      const body = await stream("GET", `/jobs/${jobId}/events`, {
        ...(opts.lastEventId !== undefined
          ? { headers: { "last-event-id": String(opts.lastEventId) } }
          : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      for await (const m of readSse(body))
        yield {
          ...(m.id !== undefined ? { id: Number(m.id) } : {}),
          event: m.event,
          data: JSON.parse(m.data),
        } as JobEvent;
    },
    /**
     * Follows a job to its end (the event stream, polling when it cannot be opened or breaks),
     * telling `watcher` of every change, and returns the final job with its whole result; null
     * when `opts.signal` aborts first. A refusal (4xx) is thrown.
     */
    watch: (
      jobId: string,
      watcher: JobWatcher = {},
      opts: JobWatchOptions = {},
    ): Promise<Job | null> =>
      watchJob({ get: jobs.get, events: jobs.events }, jobId, watcher, opts),
  };

  const variational = {
    /** Submits a VQE job (checkpointed every iteration; see `iterations`). */
    vqe: (
      projectId: string,
      body: Omit<VqeJobBody, "kind">,
      opts: { idempotencyKey?: string } = {},
    ) =>
      request<VariationalJob>(
        "POST",
        `/projects/${projectId}/jobs`,
        { ...body, kind: "vqe" },
        opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : {},
      ),
    /** Submits a QAOA job (MaxCut or Ising). */
    qaoa: (
      projectId: string,
      body: Omit<QaoaJobBody, "kind">,
      opts: { idempotencyKey?: string } = {},
    ) =>
      request<VariationalJob>(
        "POST",
        `/projects/${projectId}/jobs`,
        { ...body, kind: "qaoa" },
        opts.idempotencyKey ? { "idempotency-key": opts.idempotencyKey } : {},
      ),
    /** A variational job (its result typed as a variational result). */
    get: (jobId: string) => request<VariationalJob>("GET", `/jobs/${jobId}`),
    /**
     * Every iteration of a `vqe` / `qaoa` job, from the first, as they happen: replays the stored
     * history and follows the live stream; ends when the job finishes. A broken stream is
     * reopened after the last event seen (up to `retries` times in a row), so none is lost or
     * repeated.
     */
    async *iterations(
      jobId: string,
      opts: { signal?: AbortSignal; retries?: number } = {},
    ): AsyncGenerator<Iteration> {
      let last = 0;
      let failures = 0;
      for (;;) {
        let finished = false;
        try {
          for await (const e of jobs.events(jobId, {
            lastEventId: last,
            ...(opts.signal ? { signal: opts.signal } : {}),
          })) {
            failures = 0;
            if (e.id !== undefined) last = e.id;
            if (e.event === "iteration") yield e.data;
            if (
              e.event === "status" &&
              ["succeeded", "failed", "cancelled"].includes(e.data.status)
            )
              finished = true;
          }
          finished = true;
        } catch (err) {
          if (opts.signal?.aborted || err instanceof StepFaultApiError)
            throw err;
          if (++failures > (opts.retries ?? 5)) throw err;
          await new Promise((r) => setTimeout(r, 200 * failures));
        }
        if (finished) return;
      }
    },
  };

  const webhooks = {
    /** Adds a webhook to a project; the answer carries the secret, shown only this once. */
    create: (projectId: string, body: CreateWebhookBody) =>
      request<CreatedWebhook>("POST", `/projects/${projectId}/webhooks`, body),
    /** A project's webhooks. */
    list: (projectId: string) =>
      request<Webhook[]>("GET", `/projects/${projectId}/webhooks`),
    /** One webhook. */
    get: (webhookId: string) =>
      request<Webhook>("GET", `/webhooks/${webhookId}`),
    /** Changes a webhook (a new `secret` is write-only). */
    update: (webhookId: string, body: UpdateWebhookBody) =>
      request<Webhook>("PATCH", `/webhooks/${webhookId}`, body),
    /** Deletes a webhook and its delivery log. */
    delete: (webhookId: string) =>
      request<void>("DELETE", `/webhooks/${webhookId}`),
    /** A page of the webhook's deliveries, newest first. */
    deliveries: (
      webhookId: string,
      query: { limit?: number; cursor?: string } = {},
    ) =>
      request<DeliveryPage>(
        "GET",
        `/webhooks/${webhookId}/deliveries${q(query)}`,
      ),
    /** One delivery with its attempt log. */
    delivery: (webhookId: string, deliveryId: string) =>
      request<WebhookDelivery>(
        "GET",
        `/webhooks/${webhookId}/deliveries/${deliveryId}`,
      ),
    /** Sends a finished delivery again. */
    redeliver: (webhookId: string, deliveryId: string) =>
      request<WebhookDelivery>(
        "POST",
        `/webhooks/${webhookId}/deliveries/${deliveryId}/redeliver`,
      ),
  };

  const accounts = createAccountApi({ request });

  return {
    /** VQE and QAOA jobs: typed submits and the iteration stream. */
    variational,
    /** Sets the bearer token (after login). */
    setToken(next: string | undefined): void {
      token = next;
    },
    /** Sign-up, sign-in, token refresh, sign-out and password reset. */
    auth: accounts.auth,
    me: () => request<User>("GET", "/me"),
    /** Changes the caller's username and/or display name (409 USERNAME_TAKEN on a clash). */
    updateMe: (body: UpdateMeBody) => request<User>("PATCH", "/me", body),
    /** The caller's password and API keys. */
    account: accounts.account,
    /** Accounts of the whole server (admin only). */
    admin: accounts.admin,
    projects: {
      list: () => request<Project[]>("GET", "/projects"),
      create: (name: string) => request<Project>("POST", "/projects", { name }),
      get: (id: string) => request<Project>("GET", `/projects/${enc(id)}`),
      /** Renames a project (owner). */
      rename: (id: string, name: string) =>
        request<Project>("PATCH", `/projects/${enc(id)}`, { name }),
      /** Deletes a project with its circuits and jobs (owner). */
      delete: (id: string) => request<void>("DELETE", `/projects/${enc(id)}`),
      members: {
        list: (projectId: string) =>
          request<Member[]>("GET", `/projects/${projectId}/members`),
        /** Adds an account by `{ email, role }` or `{ username, role }` (owner). */
        add: (projectId: string, body: AddMemberBody) =>
          request<Member>("POST", `/projects/${projectId}/members`, body),
        setRole: (projectId: string, userId: string, role: ProjectRole) =>
          request<Member>("PATCH", `/projects/${projectId}/members/${userId}`, {
            role,
          }),
        remove: (projectId: string, userId: string) =>
          request<void>("DELETE", `/projects/${projectId}/members/${userId}`),
      },
      /** Invitations by email, for people who may have no account yet (owner). */
      invitations: {
        /** The pending invitations (not accepted, revoked or expired). */
        list: (projectId: string) =>
          request<Invitation[]>(
            "GET",
            `/projects/${enc(projectId)}/invitations`,
          ),
        /** Invites an email with a role; the server mails a one-time link. */
        create: (projectId: string, body: InvitationBody) =>
          request<Invitation>(
            "POST",
            `/projects/${enc(projectId)}/invitations`,
            body,
          ),
        /** Revokes a pending invitation: its link stops working. */
        revoke: (projectId: string, invitationId: string) =>
          request<void>(
            "DELETE",
            `/projects/${enc(projectId)}/invitations/${enc(invitationId)}`,
          ),
      },
    },
    /** An invitation link's token: what it offers (no sign-in needed), and accepting it. */
    invitations: {
      preview: (token: string) =>
        request<InvitationPreview>("GET", `/invitations/${enc(token)}`),
      /** Makes the caller a member with the invitation's role; answers the project. */
      accept: (token: string) =>
        request<Project>("POST", `/invitations/${enc(token)}/accept`),
    },
    circuits: {
      create: (projectId: string, body: CreateCircuitBody) =>
        request<Circuit>("POST", `/projects/${projectId}/circuits`, body),
      list: (
        projectId: string,
        query: { limit?: number; cursor?: string; q?: string } = {},
      ) =>
        request<CircuitPage>(
          "GET",
          `/projects/${projectId}/circuits${q(query)}`,
        ),
      get: (projectId: string, circuitId: string) =>
        request<Circuit>("GET", circuitPath(projectId, circuitId)),
      /** Renames and/or saves a new source (a new revision). */
      update: (projectId: string, circuitId: string, body: UpdateCircuitBody) =>
        request<Circuit>("PATCH", circuitPath(projectId, circuitId), body),
      delete: (projectId: string, circuitId: string) =>
        request<void>("DELETE", circuitPath(projectId, circuitId)),
      /** The circuit's revisions, newest first (without sources). */
      revisions: (projectId: string, circuitId: string) =>
        request<RevisionSummary[]>(
          "GET",
          `${circuitPath(projectId, circuitId)}/revisions`,
        ),
      /** One revision with its source. */
      revision: (projectId: string, circuitId: string, revision: number) =>
        request<Revision>(
          "GET",
          `${circuitPath(projectId, circuitId)}/revisions/${revision}`,
        ),
    },
    jobs,
    webhooks,
    /** Saved noise models of a project (a job takes one as `noiseModelId`, or `noise` inline). */
    noiseModels: createNoiseModelsApi({ request }),
    /** The AI assistant: conversations, streamed answers (`send`), edit proposals, usage. */
    assistant: createAssistantApi({ request, stream }),
    /** Submits a job (see `jobs.submit`). */
    submitJob: jobs.submit,
    /**
     * Waits until the job succeeds, fails or is cancelled and returns it. Follows the event
     * stream; if the stream cannot be opened or breaks, polls `GET /jobs/{id}` instead. A
     * succeeded job whose stored result file is gone on the server comes back with `result: null`
     * and `resultUnavailable` set.
     */
    async waitForJob(jobId: string, opts: WaitOptions = {}): Promise<Job> {
      const ac = new AbortController();
      const stopTimer =
        opts.timeoutMs === undefined
          ? undefined
          : setTimeout(() => ac.abort(), opts.timeoutMs);
      const stop = () => ac.abort();
      opts.signal?.addEventListener("abort", stop, { once: true });
      let status = "queued";
      try {
        const job = await jobs.watch(
          jobId,
          {
            onJob: (j) => (status = j.status),
            onStatus: (s) => (status = s),
            ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
            ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
          },
          {
            signal: ac.signal,
            pollMs: opts.pollMs ?? 500,
            ...(opts.poll ? { poll: true } : {}),
          },
        );
        if (job) return job;
        throw new StepFaultApiError(0, {
          code: "WAIT_TIMEOUT",
          detail: `job ${jobId} is still ${status}`,
        });
      } finally {
        if (stopTimer) clearTimeout(stopTimer);
        opts.signal?.removeEventListener("abort", stop);
      }
    },
  };
}

/** A StepFault API client. */
export type StepFaultClient = ReturnType<typeof createClient>;
