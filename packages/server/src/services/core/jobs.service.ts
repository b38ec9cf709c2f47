import { randomInt, randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import type { SQL } from "drizzle-orm";
import type { FastifyBaseLogger } from "fastify";
import type { Static } from "typebox";
import {
  countTerms,
  densityBytes,
  DM_MAX_QUBITS,
  estimateBytes,
  isDynamic,
  parseObservable,
  stateBytes,
} from "@stepfault/quantum";
import {
  type EstimateJobBody,
  type Job,
  type JobNoise,
  type JobPrimitive,
  type JobSummary,
  type QaoaJobBody,
  type SampleJobBody,
  type SubmitJobBody,
  type VqeJobBody,
} from "@stepfault/contract";
import { DomainError } from "../../errors/domain-error.ts";
import type { JobEventBus } from "../../jobs/event-bus.ts";
import { jobEventStream, type StreamMessage } from "../../jobs/job-stream.ts";
import type { JobSettings } from "../../jobs/limits.ts";
import type { SimulateMessage } from "../../jobs/queue.ts";
import {
  resultSummary,
  storedRef,
  type ResultStore,
  type StoredResultRef,
} from "../../jobs/result-store.ts";
import { runsInline } from "../../jobs/sim-run.ts";
import { preparePrimitive } from "../../jobs/primitive-run.ts";
import type { CircuitsRepository } from "../../repositories/circuits.repository.ts";
import {
  TERMINAL_STATES,
  type JobRow,
  type JobStatus,
  type JobsRepository,
  type NewJob,
} from "../../repositories/jobs.repository.ts";
import {
  prepareQaoa,
  prepareVqe,
  type PreparedVariational,
} from "../quantum/variational-request.ts";
import type { AccessService } from "./access.service.ts";
import type { AuthUser } from "./auth.service.ts";
import type { CircuitCompiler } from "./circuits.service.ts";
import type { NoiseModelsService } from "./noise-models.service.ts";
import { checkNoiseFits, readNoiseModel } from "../quantum/noise-request.ts";
import { decodeTimeCursor, encodeTimeCursor } from "./time-cursor.ts";

/** A job as the API shows it. */
export type JobView = Static<typeof Job>;
/** A job as lists show it. */
export type JobSummaryView = Static<typeof JobSummary>;

/** What the service needs from the queue. */
export interface JobEnqueuer {
  messageSql(
    message: SimulateMessage,
    small?: boolean,
  ): Promise<{ queue: string; id: string; sql: SQL }>;
  runHere(message: {
    queue: string;
    id: string;
    payload: SimulateMessage;
  }): boolean;
}

/** Compiles with OpenQASM 3 input values (the `compileQasm` of @stepfault/quantum). */
export type JobCompiler = (
  source: string,
  options: {
    fileName: string;
    inputs?: Readonly<Record<string, number | boolean>>;
  },
) => ReturnType<CircuitCompiler>;

/** Maps a job row to its API view. */
export function jobView(r: JobRow): JobView {
  return {
    id: r.id,
    projectId: r.projectId,
    circuitId: r.circuitId,
    circuitRevision: r.circuitRevision,
    createdBy: r.createdBy,
    status: r.status,
    kind: r.kind ?? "sample",
    primitive: (r.primitive ?? null) as JobView["primitive"],
    method: r.method ?? "auto",
    noise: (r.noise ?? null) as JobView["noise"],
    threads: r.threads ?? null,
    numQubits: r.numQubits,
    numClbits: r.numClbits,
    shots: r.shots,
    seed: Number(r.seed ?? 0),
    precision: r.precision,
    progress: r.progress,
    attempts: r.attempts,
    error: (r.error ?? null) as JobView["error"],
    result: (r.result ?? null) as JobView["result"],
    record: (r.record ?? null) as JobView["record"],
    variational: (r.spec ?? null) as JobView["variational"],
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

/** Maps a job row to its list view: no record, result summary only. */
export function jobSummaryView(r: JobRow): JobSummaryView {
  const {
    record: _record,
    result: _result,
    variational: _variational,
    noise,
    ...rest
  } = jobView(r);
  const name = (noise?.model as { name?: unknown } | undefined)?.name;
  return {
    ...rest,
    noise: noise
      ? {
          noiseModelId: noise.noiseModelId,
          noiseModelName: noise.noiseModelName,
          name: typeof name === "string" ? name : null,
        }
      : null,
    result: resultSummary(r.result) as JobSummaryView["result"],
  };
}

/** The message of a job view whose stored result file is gone. */
function resultMissingMessage(jobId: string, ref: StoredResultRef): string {
  return `the result of job ${jobId} was kept in the file store as ${ref.key} (${ref.bytes} bytes) and that file is gone (deleted, or the bucket was lost); the job and its record (source, inputs, seed, options) are intact: submit it again to get the result back`;
}

/** Logs a stored result file that is gone (an operator should know). */
type MissingResultLogger = (jobId: string, ref: StoredResultRef) => void;

/**
 * A job view with its stored result read back from the file store; when the file is gone, the
 * view keeps the job with `result: null` and says so in `resultUnavailable` (never throws).
 */
async function withStoredResult(
  view: JobView,
  results: ResultStore,
  onMissing: MissingResultLogger,
): Promise<JobView> {
  if (storedRef(view.result) === undefined) return view;
  const loaded = await results.load(view.result);
  if ("result" in loaded)
    return { ...view, result: loaded.result as JobView["result"] };
  onMissing(view.id, loaded.missing);
  return {
    ...view,
    result: null,
    resultUnavailable: {
      code: "RESULT_MISSING",
      message: resultMissingMessage(view.id, loaded.missing),
    },
  };
}

/**
 * Passes a job stream through, putting a stored result back into the `state` event so that it
 * carries the whole job, as `GET /jobs/{id}` does (with `resultUnavailable` when the file is gone).
 */
async function* withFullState(
  stream: AsyncGenerator<StreamMessage>,
  results: ResultStore,
  onMissing: MissingResultLogger,
): AsyncGenerator<StreamMessage> {
  for await (const m of stream)
    yield m.event === "state"
      ? {
          ...m,
          data: await withStoredResult(m.data, results, onMissing),
        }
      : m;
}

/** The job's primitive options (sweep, observables, gradient), or null for a plain sampling job. */
function checkPrimitive(
  body: Exclude<SubmitJobBody, VqeJobBody | QaoaJobBody>,
): JobPrimitive | null {
  if (body.kind !== "estimate")
    return body.sweep === undefined ? null : { sweep: body.sweep };
  return {
    observables: body.observables,
    ...(body.sweep !== undefined ? { sweep: body.sweep } : {}),
    ...(body.gradient !== undefined ? { gradient: body.gradient } : {}),
  };
}

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** A 422 naming the job field at fault. */
function badField(field: string, message: string): DomainError {
  return new DomainError("JOB_INPUT_INVALID", `${field}: ${message}`, {
    field,
  });
}

/**
 * The method a job will run with and the state memory it needs: the statevector for an ideal
 * circuit, the density matrix (a 2n-qubit state) when asked or when `auto` finds noise and it
 * fits, else trajectories (a state and a branch copy). Refuses what cannot run (422 naming
 * `method`), before anything is queued.
 */
function chooseMethod(
  asked: SampleJobBody["method"],
  noisy: boolean,
  kind: "sample" | "estimate",
  n: number,
  precision: "double" | "single",
  memoryLimitBytes: number,
): { method: "statevector" | "density_matrix" | "trajectories"; need: number } {
  const dm = densityBytes(n, precision);
  const dmFits = n <= DM_MAX_QUBITS[precision] && dm <= memoryLimitBytes;
  const tooWide = () =>
    new DomainError(
      "JOB_LIMIT_EXCEEDED",
      `method: the density matrix of ${n} qubits needs ${gib(dm)} in ${precision} precision; the density-matrix method takes at most ${DM_MAX_QUBITS[precision]} qubits in ${precision} precision${dm > memoryLimitBytes ? ` and this server allows ${gib(memoryLimitBytes)}` : ""}${kind === "sample" ? ' (use "trajectories")' : ""}`,
      {
        field: "method",
        limit: "memoryBytes",
        allowed: Math.min(
          memoryLimitBytes,
          densityBytes(DM_MAX_QUBITS[precision], precision),
        ),
        requested: dm,
      },
    );
  const method = asked ?? "auto";
  if (method === "statevector" && noisy)
    throw badField(
      "method",
      'the statevector method does not simulate noise: use "auto", "density_matrix" or "trajectories"',
    );
  if (kind === "estimate") {
    if (method === "trajectories")
      throw badField(
        "method",
        'expectation values under noise are computed exactly from the density matrix: use "auto" or "density_matrix"',
      );
    if (method === "density_matrix" || noisy) {
      if (!dmFits) throw tooWide();
      return { method: "density_matrix", need: dm };
    }
    return { method: "statevector", need: stateBytes(n, precision) };
  }
  if (method === "density_matrix" || (method === "auto" && noisy && dmFits)) {
    if (!dmFits) throw tooWide();
    return { method: "density_matrix", need: dm };
  }
  if (method === "trajectories" || noisy)
    return { method: "trajectories", need: 2 * stateBytes(n, precision) };
  return { method: "statevector", need: stateBytes(n, precision) };
}

/** Creates the jobs service: submit (limits, quota, idempotency), read, list, cancel, delete. */
export function createJobsService(deps: {
  jobs: JobsRepository;
  circuits: CircuitsRepository;
  /** Saved noise models (a job's `noiseModelId`); without it such jobs are refused. */
  noiseModels?: Pick<NoiseModelsService, "findForJob">;
  access: AccessService;
  queue: JobEnqueuer;
  bus: JobEventBus;
  compile: JobCompiler;
  settings: JobSettings;
  /** Where large results live; without it every result is inline in its row. */
  results?: ResultStore;
  /** Where a stored result file found missing is reported. */
  log?: Pick<FastifyBaseLogger, "warn">;
}) {
  const { jobs, circuits, access, settings } = deps;

  const onMissing: MissingResultLogger = (jobId, ref) =>
    deps.log?.warn(
      { jobId, resultKey: ref.key, bytes: ref.bytes },
      "a job's stored result file is missing from the file store",
    );

  /**
   * The full view of a job, with a stored result read back from the file store (or
   * `resultUnavailable` when that file is gone).
   */
  async function fullView(r: JobRow): Promise<JobView> {
    const view = jobView(r);
    return deps.results === undefined
      ? view
      : withStoredResult(view, deps.results, onMissing);
  }

  /** The job, when the caller has at least `minRole` in its project; 404 otherwise. */
  async function load(
    caller: AuthUser,
    jobId: string,
    minRole: "viewer" | "editor",
  ): Promise<{ row: JobRow; role: string }> {
    const row = await jobs.findById(jobId);
    if (row === undefined) throw new DomainError("JOB_NOT_FOUND");
    try {
      const { role } = await access.requireProject(
        caller,
        row.projectId,
        "viewer",
      );
      if (
        minRole === "editor" &&
        role === "viewer" &&
        row.createdBy !== caller.id
      )
        throw new DomainError(
          "FORBIDDEN",
          "this needs the editor role or being the job's submitter",
        );
      return { row, role };
    } catch (err) {
      if (err instanceof DomainError && err.code === "PROJECT_NOT_FOUND")
        throw new DomainError("JOB_NOT_FOUND");
      throw err;
    }
  }

  /**
   * The noise model of a sample or estimate job: given inline (`noise`) or saved
   * (`noiseModelId`), read and checked (422 naming the JSON path); null without one.
   */
  async function resolveNoise(
    projectId: string,
    body: SampleJobBody | EstimateJobBody,
  ) {
    if (body.noise !== undefined && body.noiseModelId !== undefined)
      throw badField(
        "noiseModelId",
        "give at most one of noise and noiseModelId",
      );
    if (body.noise !== undefined) {
      const spec: JobNoise = {
        model: body.noise,
        noiseModelId: null,
        noiseModelName: null,
      };
      return { spec, model: readNoiseModel(body.noise, "noise") };
    }
    if (body.noiseModelId === undefined) return null;
    const row = await deps.noiseModels?.findForJob(
      projectId,
      body.noiseModelId,
    );
    if (row === undefined)
      throw new DomainError(
        "NOISE_MODEL_NOT_FOUND",
        `noiseModelId: no noise model ${body.noiseModelId} in this project`,
        { field: "noiseModelId" },
      );
    const spec: JobNoise = {
      model: row.model as JobNoise["model"],
      noiseModelId: row.id,
      noiseModelName: row.name,
    };
    return { spec, model: readNoiseModel(row.model, "noiseModelId") };
  }

  async function resolveSource(
    projectId: string,
    body: Pick<SampleJobBody, "circuitId" | "revision" | "source">,
  ): Promise<{
    source: string;
    circuitId: string | null;
    revision: number | null;
  }> {
    if ((body.circuitId === undefined) === (body.source === undefined))
      throw new DomainError(
        "BAD_REQUEST",
        "give either circuitId (optionally with revision) or source",
      );
    if (body.source !== undefined) {
      if (body.revision !== undefined)
        throw new DomainError("BAD_REQUEST", "revision needs circuitId");
      return { source: body.source, circuitId: null, revision: null };
    }
    const circuit = await circuits.findById(projectId, body.circuitId ?? "");
    if (circuit === undefined) throw new DomainError("CIRCUIT_NOT_FOUND");
    if (body.revision === undefined || body.revision === circuit.revision)
      return {
        source: circuit.source,
        circuitId: circuit.id,
        revision: circuit.revision,
      };
    const rev = await circuits.findRevision(circuit.id, body.revision);
    if (rev === undefined) throw new DomainError("REVISION_NOT_FOUND");
    return {
      source: rev.source,
      circuitId: circuit.id,
      revision: rev.revision,
    };
  }

  /**
   * The common end of every submit: the caller's quota (429), then the job row, its first event
   * and its queue message in one statement; a lost race on the idempotency key answers with the
   * winner. A small job runs at once on this process's worker when it has room.
   */
  async function createAndQueue(
    caller: AuthUser,
    values: Omit<NewJob, "id" | "createdAt" | "createdBy" | "idempotencyKey">,
    idempotencyKey: string | undefined,
    small: boolean,
  ): Promise<{ job: JobView; created: boolean }> {
    const active = await jobs.countActiveByUser(caller.id);
    if (active >= settings.maxConcurrentJobsPerUser)
      throw new DomainError(
        "JOB_QUOTA_EXCEEDED",
        `you have ${active} queued or running jobs; the quota is ${settings.maxConcurrentJobsPerUser} (${active - settings.maxConcurrentJobsPerUser + 1} over with this one)`,
        {
          limit: "maxConcurrentJobs",
          allowed: settings.maxConcurrentJobsPerUser,
          active,
        },
        { "retry-after": "1" },
      );
    const id = randomUUID();
    const createdAt = new Date();
    const payload: SimulateMessage = small
      ? {
          jobId: id,
          job: {
            id,
            source: values.source,
            inputs: values.inputs ?? null,
            shots: values.shots,
            seed: values.seed ?? null,
            precision: values.precision,
            createdAt: createdAt.toISOString(),
          },
        }
      : { jobId: id };
    const message = await deps.queue.messageSql(payload, small);
    const row = await jobs.create(
      {
        ...values,
        id,
        createdAt,
        createdBy: caller.id,
        idempotencyKey: idempotencyKey ?? null,
      },
      message.sql,
    );
    if (row === undefined) {
      // lost a race on the same idempotency key: answer with the winner
      const prior = await jobs.findByIdempotencyKey(
        caller.id,
        idempotencyKey ?? "",
      );
      if (prior === undefined)
        throw new Error("invariant: idempotent job vanished");
      return { job: await fullView(prior), created: false };
    }
    // A small job runs at once on this process's worker when it has room; otherwise the
    // notice wakes fetch loops here and in other processes.
    if (!(small && deps.queue.runHere({ ...message, payload })))
      deps.bus.queued(message.queue);
    return { job: jobView(row), created: true };
  }

  /**
   * The variational part of `submit`: the ansatz (a saved circuit or inline source) or the
   * QAOA problem is resolved and checked first (422 naming the field), then the job goes on the
   * same queue, ledger and quota as samples.
   */
  async function submitVariational(
    caller: AuthUser,
    projectId: string,
    body: VqeJobBody | QaoaJobBody,
    idempotencyKey: string | undefined,
  ): Promise<{ job: JobView; created: boolean }> {
    let prepared: PreparedVariational;
    let circuitId: string | null = null;
    let revision: number | null = null;
    if (body.kind === "vqe") {
      const resolved = await resolveSource(projectId, body);
      ({ circuitId, revision } = resolved);
      prepared = prepareVqe(body, resolved.source, settings);
    } else prepared = prepareQaoa(body, settings);
    const { spec } = prepared;
    return createAndQueue(
      caller,
      {
        kind: body.kind,
        projectId,
        circuitId,
        circuitRevision: revision,
        source: prepared.source,
        numQubits: prepared.numQubits,
        numClbits: prepared.numClbits,
        shots: spec.shots ?? 0,
        seed: spec.seed,
        precision: "double",
        inputs: null,
        spec,
      },
      idempotencyKey,
      false,
    );
  }

  return {
    /**
     * Queues a job (editor). Checks width, memory and shots against the server's limits (422) and
     * the caller's concurrent jobs (429) first. With an idempotency key, a repeat returns the first
     * job (`created: false`).
     */
    async submit(
      caller: AuthUser,
      projectId: string,
      body: Static<typeof SubmitJobBody>,
      idempotencyKey: string | undefined,
    ): Promise<{ job: JobView; created: boolean }> {
      await access.requireProject(caller, projectId, "editor");
      if (idempotencyKey !== undefined) {
        const prior = await jobs.findByIdempotencyKey(
          caller.id,
          idempotencyKey,
        );
        if (prior !== undefined)
          return { job: await fullView(prior), created: false };
      }
      if (body.kind === "vqe" || body.kind === "qaoa")
        return submitVariational(caller, projectId, body, idempotencyKey);
      const { source, circuitId, revision } = await resolveSource(
        projectId,
        body,
      );
      const kind = body.kind ?? "sample";
      const primitive = checkPrimitive(body);
      const prepared = primitive
        ? preparePrimitive(source, body.inputs, body.sweep)
        : undefined;
      if (prepared && !prepared.ok && prepared.code === "BAD_REQUEST")
        throw new DomainError(
          "JOB_INPUT_INVALID",
          `${prepared.field}: ${prepared.message}`,
          { field: prepared.field },
        );
      const compiled =
        prepared === undefined
          ? deps.compile(source, {
              fileName: "job.qasm",
              ...(body.inputs ? { inputs: body.inputs } : {}),
            })
          : prepared.ok
            ? {
                ok: true as const,
                circuit: prepared.program.circuit,
                diagnostics: [],
              }
            : { ok: false as const, diagnostics: prepared.diagnostics ?? [] };
      if (!compiled.ok) {
        const d = compiled.diagnostics.find((x) => x.severity === "error");
        throw new DomainError(
          "CIRCUIT_INVALID",
          d
            ? `job.qasm:${d.span.line}:${d.span.col}: ${d.message}`
            : "circuit does not compile",
          {
            diagnostics: compiled.diagnostics.map((x) => ({
              code: x.code,
              severity: x.severity,
              message: x.message,
              line: x.span.line,
              column: x.span.col,
              endLine: x.span.endLine,
              endColumn: x.span.endCol,
            })),
          },
        );
      }
      const circuit = compiled.circuit;
      const precision = body.precision ?? "double";
      const n = circuit.numQubits;
      if (n > settings.maxQubits)
        throw new DomainError(
          "JOB_LIMIT_EXCEEDED",
          `uses ${n} qubits; this server allows ${settings.maxQubits} (${n - settings.maxQubits} over)`,
          { limit: "maxQubits", allowed: settings.maxQubits, requested: n },
        );
      const shots = body.shots ?? 0;
      const noise = await resolveNoise(projectId, body);
      const noisyCircuit = noise
        ? checkNoiseFits(
            circuit,
            noise.model,
            noise.spec.noiseModelId ? "noiseModelId" : "noise",
          )
        : circuit;
      const noisy =
        noise !== null || noisyCircuit.ops.some((op) => op.kind === "noise");
      const chosen = chooseMethod(
        body.method,
        noisy,
        kind,
        n,
        precision,
        settings.memoryLimitBytes,
      );
      if (kind === "estimate" && chosen.method === "density_matrix") {
        const est = body as EstimateJobBody;
        if (est.gradient)
          throw badField(
            "gradient",
            "gradients under noise (or with the density matrix) are not supported: leave gradient out for exact noisy expectation values",
          );
        if (est.shots !== undefined && est.shots !== null)
          throw badField(
            "shots",
            "expectation values under noise are exact (from the density matrix): leave shots out",
          );
      }
      let need =
        chosen.method === "statevector"
          ? (isDynamic(circuit) ? 2 : 1) * stateBytes(n, precision)
          : chosen.need;
      if (prepared?.ok) {
        const points = prepared.points.length;
        if (points > settings.maxSweepPoints)
          throw new DomainError(
            "JOB_LIMIT_EXCEEDED",
            `sweeps ${points} points; this server allows ${settings.maxSweepPoints} (${points - settings.maxSweepPoints} over)`,
            {
              limit: "maxSweepPoints",
              allowed: settings.maxSweepPoints,
              requested: points,
            },
          );
        if (kind === "estimate") {
          const observables = (primitive?.observables ?? []).map((text, k) => {
            const r = parseObservable(text, n);
            if (!r.ok)
              throw new DomainError(
                "JOB_INPUT_INVALID",
                `observables[${k}] "${text}": ${r.error}`,
                { field: `observables/${k}` },
              );
            return r.observable;
          });
          const work = points * countTerms(observables);
          if (work > settings.maxEstimateTerms)
            throw new DomainError(
              "JOB_LIMIT_EXCEEDED",
              `asks for ${points} point(s) x ${countTerms(observables)} observable term(s) = ${work}; this server allows ${settings.maxEstimateTerms} (${work - settings.maxEstimateTerms} over)`,
              {
                limit: "maxEstimateTerms",
                allowed: settings.maxEstimateTerms,
                requested: work,
              },
            );
          if (chosen.method === "statevector")
            need = estimateBytes(n, observables.length, {
              precision,
              gradient: primitive?.gradient,
              shots: body.shots ?? null,
            });
        }
      }
      if (need > settings.memoryLimitBytes)
        throw new DomainError(
          "JOB_LIMIT_EXCEEDED",
          `needs ${gib(need)} of state memory; this server allows ${gib(settings.memoryLimitBytes)} (${gib(need - settings.memoryLimitBytes)} over)`,
          {
            limit: "memoryBytes",
            allowed: settings.memoryLimitBytes,
            requested: need,
          },
        );
      if (shots > settings.maxShots)
        throw new DomainError(
          "JOB_LIMIT_EXCEEDED",
          `asks for ${shots} shots; this server allows ${settings.maxShots} (${shots - settings.maxShots} over)`,
          {
            limit: "maxShots",
            allowed: settings.maxShots,
            requested: shots,
          },
        );
      const small =
        primitive === null &&
        noise === null &&
        (body.method ?? "auto") === "auto" &&
        source.length <= 16_384 &&
        runsInline(circuit, isDynamic(circuit), shots);
      const seed = body.seed ?? randomInt(0, 2 ** 32 - 1);
      return createAndQueue(
        caller,
        {
          projectId,
          circuitId,
          circuitRevision: revision,
          source,
          numQubits: n,
          numClbits: circuit.numClbits,
          shots,
          seed,
          precision,
          inputs: body.inputs ?? null,
          kind,
          primitive,
          method: body.method ?? "auto",
          noise: noise?.spec ?? null,
          threads: body.threads ?? null,
        },
        idempotencyKey,
        small,
      );
    },

    /** One job (viewer of its project). */
    async get(caller: AuthUser, jobId: string): Promise<JobView> {
      return fullView((await load(caller, jobId, "viewer")).row);
    },

    /**
     * The job's result alone (viewer): a stream of the stored file for large results, the inline
     * object otherwise; 409 JOB_RESULT_NOT_READY while the job has none, 410 RESULT_MISSING when
     * its stored file is gone.
     */
    async result(
      caller: AuthUser,
      jobId: string,
    ): Promise<
      | { kind: "stream"; stream: Readable; bytes: number }
      | { kind: "inline"; result: unknown }
    > {
      const { row } = await load(caller, jobId, "viewer");
      const stored = await deps.results?.stream(row.result);
      if (stored !== undefined && "stream" in stored)
        return {
          kind: "stream",
          stream: stored.stream,
          bytes: stored.ref.bytes,
        };
      if (stored !== undefined && "missing" in stored) {
        onMissing(row.id, stored.missing);
        throw new DomainError(
          "RESULT_MISSING",
          resultMissingMessage(row.id, stored.missing),
          { jobId: row.id, resultKey: stored.missing.key },
        );
      }
      if (row.result === null || row.result === undefined)
        throw new DomainError(
          "JOB_RESULT_NOT_READY",
          `the job is ${row.status} and has no result`,
        );
      return { kind: "inline", result: row.result };
    },

    /** A page of a project's jobs, newest first (viewer). */
    async list(
      caller: AuthUser,
      projectId: string,
      opts: {
        limit: number;
        cursor?: string;
        status?: JobStatus;
        circuitId?: string;
      },
    ): Promise<{ items: JobSummaryView[]; nextCursor: string | null }> {
      await access.requireProject(caller, projectId, "viewer");
      const rows = await jobs.list(projectId, {
        limit: opts.limit + 1,
        status: opts.status,
        circuitId: opts.circuitId,
        before:
          opts.cursor === undefined ? undefined : decodeTimeCursor(opts.cursor),
      });
      const page = rows.slice(0, opts.limit);
      return {
        items: page.map(jobSummaryView),
        nextCursor:
          rows.length > opts.limit
            ? encodeTimeCursor(page[page.length - 1])
            : null,
      };
    },

    /** Cancels a queued or running job (editor or submitter); 409 when it already finished. */
    async cancel(caller: AuthUser, jobId: string): Promise<JobView> {
      await load(caller, jobId, "editor");
      const row = await jobs.cancel(jobId);
      if (row === undefined) throw new DomainError("JOB_FINISHED");
      deps.bus.changed(jobId);
      return jobView(row);
    },

    /** Deletes a job and its stored files (editor or submitter); a running one is cancelled first. */
    async delete(caller: AuthUser, jobId: string): Promise<void> {
      const { row } = await load(caller, jobId, "editor");
      if (!TERMINAL_STATES.includes(row.status)) await jobs.cancel(jobId);
      await jobs.delete(jobId);
      await deps.results?.remove(row.result);
      deps.bus.changed(jobId);
    },

    /** The job's event stream (viewer): current state, status changes, progress, log lines. */
    async events(
      caller: AuthUser,
      jobId: string,
      lastEventId: number | undefined,
      signal: AbortSignal,
    ): Promise<AsyncGenerator<StreamMessage>> {
      // One statement reads the job, its newest event id and the caller's membership: "viewer"
      // is the lowest role, so any membership may watch (as access.requireProject(..., "viewer")).
      const snap = await jobs.snapshot(jobId, caller.id);
      if (snap === undefined || snap.memberRole === null)
        throw new DomainError("JOB_NOT_FOUND");
      const stream = jobEventStream(
        { jobs, bus: deps.bus, view: jobView },
        jobId,
        lastEventId,
        signal,
        snap,
      );
      return deps.results === undefined
        ? stream
        : withFullState(stream, deps.results, onMissing);
    },
  };
}

/** The jobs service. */
export type JobsService = ReturnType<typeof createJobsService>;
