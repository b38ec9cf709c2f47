import type { FastifyBaseLogger } from "fastify";
import { DomainError } from "../../errors/domain-error.ts";
import type { ConversationsRepository } from "../../repositories/conversations.repository.ts";
import type { AccessService } from "../core/access.service.ts";
import type { AuthUser } from "../core/auth.service.ts";
import {
  diagnosticsView,
  type CircuitCompiler,
  type CircuitsService,
} from "../core/circuits.service.ts";
import type { JobsService, JobView } from "../core/jobs.service.ts";
import type { ToolCall, ToolSpec } from "./provider.ts";
import { topCounts } from "./qasm-blocks.ts";
import {
  runVariationalTool,
  VARIATIONAL_TOOL_SPECS,
  variationalSummary,
} from "./variational-tools.ts";
import { compileForSweep } from "@stepfault/quantum";

const uuid = { type: "string", format: "uuid" };

/** The tools the model may call. Every one acts as the calling user, through the services. */
export const TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: "list_circuits",
    description:
      "List the circuits of the current project (or another project the user belongs to): id, name, qubits, revision.",
    parameters: {
      type: "object",
      properties: { projectId: { ...uuid, description: "default: current" } },
      additionalProperties: false,
    },
  },
  {
    name: "read_circuit",
    description: "Read one circuit with its OpenQASM source.",
    parameters: {
      type: "object",
      properties: { circuitId: uuid, projectId: uuid },
      required: ["circuitId"],
      additionalProperties: false,
    },
  },
  {
    name: "validate_qasm",
    description:
      "Compile OpenQASM 2 or 3 source and return diagnostics with line and column, or the qubit/clbit counts.",
    parameters: {
      type: "object",
      properties: { source: { type: "string" } },
      required: ["source"],
      additionalProperties: false,
    },
  },
  {
    name: "simulate",
    description:
      "Run a small circuit (inline source or a saved circuit) as a job on the simulator and wait briefly for its counts.",
    parameters: {
      type: "object",
      properties: {
        source: { type: "string" },
        circuitId: uuid,
        shots: { type: "integer", minimum: 1 },
      },
      additionalProperties: false,
    },
  },
  {
    name: "estimate",
    description:
      'Expectation values of Pauli-sum observables for a circuit whose OpenQASM 3 `input`s are parameters, at one point or over a sweep, with optional gradients. Observables use Qiskit labels ("0.5*ZZ - XX", rightmost character = qubit 0) or sparse terms ("Z0 Z1"). Runs as a job and waits briefly.',
    parameters: {
      type: "object",
      properties: {
        source: { type: "string" },
        circuitId: uuid,
        observables: { type: "array", items: { type: "string" }, minItems: 1 },
        sweep: {
          type: "object",
          description:
            'values per point, e.g. {"theta": [0, 0.5, 1]}; all arrays the same length',
          additionalProperties: { type: "array", items: { type: "number" } },
        },
        inputs: {
          type: "object",
          description: "values of the inputs not swept",
          additionalProperties: { type: "number" },
        },
        gradient: { type: "boolean" },
        shots: {
          type: "integer",
          minimum: 1,
          description: "omit for exact expectations",
        },
      },
      required: ["observables"],
      additionalProperties: false,
    },
  },
  {
    name: "get_job",
    description:
      "Read a job's status and result (counts; for a VQE or QAOA job its energy, convergence and cut).",
    parameters: {
      type: "object",
      properties: { jobId: uuid },
      required: ["jobId"],
      additionalProperties: false,
    },
  },
  ...VARIATIONAL_TOOL_SPECS,
  {
    name: "propose_edit",
    description:
      "Propose new source for a saved circuit. Nothing is saved until the user accepts the proposal.",
    parameters: {
      type: "object",
      properties: {
        circuitId: uuid,
        source: { type: "string" },
        summary: { type: "string", description: "one line: what changes" },
      },
      required: ["circuitId", "source", "summary"],
      additionalProperties: false,
    },
  },
];

/** What the tools need. */
export interface ToolDeps {
  readonly access: AccessService;
  readonly circuits: CircuitsService;
  readonly jobs: JobsService;
  readonly conversations: ConversationsRepository;
  readonly compile: CircuitCompiler;
  readonly maxSimQubits: number;
  readonly maxSimShots: number;
  /** How long `simulate` waits for the job to finish. */
  readonly simulateWaitMs: number;
  readonly log: FastifyBaseLogger;
}

/** Where a tool call runs: the caller, the conversation and its project. */
export interface ToolScope {
  readonly caller: AuthUser;
  readonly projectId: string;
  readonly conversationId: string;
  readonly signal?: AbortSignal;
}

const UUID_RE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function str(args: Record<string, unknown>, key: string): string {
  const v = args[key];
  if (typeof v !== "string" || v === "")
    throw new DomainError("BAD_REQUEST", `argument "${key}" must be a string`);
  return v;
}

function id(args: Record<string, unknown>, key: string): string {
  const v = str(args, key);
  if (!UUID_RE.test(v))
    throw new DomainError("BAD_REQUEST", `argument "${key}" must be a UUID`);
  return v;
}

function optId(args: Record<string, unknown>, key: string): string | undefined {
  return args[key] === undefined ? undefined : id(args, key);
}

function jobSummary(j: JobView) {
  return {
    id: j.id,
    status: j.status,
    numQubits: j.numQubits,
    shots: j.shots,
    seed: j.seed,
    error: j.error,
    result: j.result
      ? {
          ...topCounts(j.result.counts, 16),
          shots: j.result.shots,
          method: j.result.method,
        }
      : null,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs one tool call; domain errors (404, 403, 422...) become `{ error }` results for the model. */
export async function runTool(
  deps: ToolDeps,
  scope: ToolScope,
  call: ToolCall,
): Promise<{ ok: boolean; result: unknown }> {
  try {
    return { ok: true, result: await dispatch(deps, scope, call) };
  } catch (err) {
    if (err instanceof DomainError)
      return {
        ok: false,
        result: {
          error: {
            code: err.code,
            message: err.message,
            ...err.extensions,
          },
        },
      };
    deps.log.error({ err, tool: call.name }, "assistant tool failed");
    return {
      ok: false,
      result: { error: { code: "INTERNAL", message: "the tool failed" } },
    };
  }
}

async function dispatch(
  deps: ToolDeps,
  scope: ToolScope,
  call: ToolCall,
): Promise<unknown> {
  const { caller, projectId } = scope;
  const a = call.arguments;
  switch (call.name) {
    case "list_circuits": {
      const page = await deps.circuits.list(
        caller,
        optId(a, "projectId") ?? projectId,
        { limit: 100 },
      );
      return {
        circuits: page.items.map((c) => ({
          id: c.id,
          name: c.name,
          language: c.language,
          numQubits: c.numQubits,
          numClbits: c.numClbits,
          revision: c.revision,
        })),
        more: page.nextCursor !== null,
      };
    }
    case "read_circuit":
      return deps.circuits.get(
        caller,
        optId(a, "projectId") ?? projectId,
        id(a, "circuitId"),
      );
    case "validate_qasm": {
      await deps.access.requireProject(caller, projectId, "viewer");
      const r = deps.compile(str(a, "source"), { fileName: "input.qasm" });
      return r.ok
        ? {
            valid: true,
            numQubits: r.circuit.numQubits,
            numClbits: r.circuit.numClbits,
          }
        : { valid: false, diagnostics: diagnosticsView(r) };
    }
    case "simulate":
      return simulate(deps, scope, a);
    case "estimate":
      return estimateTool(deps, scope, a);
    case "get_job": {
      const job = await deps.jobs.get(caller, id(a, "jobId"));
      return job.kind === "vqe" || job.kind === "qaoa"
        ? variationalSummary(job, job.projectId)
        : jobSummary(job);
    }
    case "run_vqe":
    case "run_qaoa":
      return runVariationalTool(
        {
          jobs: deps.jobs,
          waitBriefly: (job) => waitBriefly(deps, scope, job),
        },
        caller,
        projectId,
        call.name,
        a,
      );
    case "propose_edit": {
      const circuit = await deps.circuits.get(
        caller,
        projectId,
        id(a, "circuitId"),
      );
      await deps.access.requireProject(caller, projectId, "editor");
      const source = str(a, "source");
      const r = deps.compile(source, { fileName: `${circuit.name}.qasm` });
      if (!r.ok)
        return {
          proposed: false,
          reason: "the proposed source does not compile",
          diagnostics: diagnosticsView(r),
        };
      const p = await deps.conversations.createProposal({
        conversationId: scope.conversationId,
        projectId,
        circuitId: circuit.id,
        baseRevision: circuit.revision,
        source,
        summary: str(a, "summary").slice(0, 500),
      });
      return {
        proposed: true,
        proposalId: p.id,
        note: "The user must accept the proposal; nothing is saved yet.",
      };
    }
    default:
      throw new DomainError("BAD_REQUEST", `unknown tool "${call.name}"`);
  }
}

async function simulate(
  deps: ToolDeps,
  scope: ToolScope,
  a: Record<string, unknown>,
): Promise<unknown> {
  const circuitId = optId(a, "circuitId");
  const source = a.source === undefined ? undefined : str(a, "source");
  if ((circuitId === undefined) === (source === undefined))
    throw new DomainError("BAD_REQUEST", "give either source or circuitId");
  const shots = a.shots === undefined ? 1024 : a.shots;
  if (
    typeof shots !== "number" ||
    !Number.isInteger(shots) ||
    shots < 1 ||
    shots > deps.maxSimShots
  )
    throw new DomainError(
      "JOB_LIMIT_EXCEEDED",
      `shots must be an integer from 1 to ${deps.maxSimShots} for the assistant`,
    );
  const text =
    source ??
    (await deps.circuits.get(scope.caller, scope.projectId, circuitId ?? ""))
      .source;
  const compiled = deps.compile(text, { fileName: "simulate.qasm" });
  if (!compiled.ok)
    return { valid: false, diagnostics: diagnosticsView(compiled) };
  if (compiled.circuit.numQubits > deps.maxSimQubits)
    throw new DomainError(
      "JOB_LIMIT_EXCEEDED",
      `uses ${compiled.circuit.numQubits} qubits; the assistant simulates up to ${deps.maxSimQubits} (submit a job for more)`,
    );
  const { job } = await deps.jobs.submit(
    scope.caller,
    scope.projectId,
    circuitId !== undefined ? { circuitId, shots } : { source: text, shots },
    undefined,
  );
  return jobSummary(await waitBriefly(deps, scope, job));
}

/** The job once it finished, or as it is after `simulateWaitMs`. */
async function waitBriefly(
  deps: ToolDeps,
  scope: ToolScope,
  job: JobView,
): Promise<JobView> {
  const deadline = Date.now() + deps.simulateWaitMs;
  let current = job;
  while (
    (current.status === "queued" || current.status === "running") &&
    Date.now() < deadline &&
    !scope.signal?.aborted
  ) {
    await sleep(150);
    current = await deps.jobs.get(scope.caller, job.id);
  }
  return current;
}

/** Most points of an estimate shown to the model. */
const ESTIMATE_POINTS_SHOWN = 64;

async function estimateTool(
  deps: ToolDeps,
  scope: ToolScope,
  a: Record<string, unknown>,
): Promise<unknown> {
  const circuitId = optId(a, "circuitId");
  const source = a.source === undefined ? undefined : str(a, "source");
  if ((circuitId === undefined) === (source === undefined))
    throw new DomainError("BAD_REQUEST", "give either source or circuitId");
  const observables = a.observables;
  if (
    !Array.isArray(observables) ||
    observables.length === 0 ||
    !observables.every((o) => typeof o === "string")
  )
    throw new DomainError(
      "BAD_REQUEST",
      "observables must be a non-empty array of strings",
    );
  const shots = a.shots;
  if (
    shots !== undefined &&
    (typeof shots !== "number" ||
      !Number.isInteger(shots) ||
      shots < 1 ||
      shots > deps.maxSimShots)
  )
    throw new DomainError(
      "JOB_LIMIT_EXCEEDED",
      `shots must be an integer from 1 to ${deps.maxSimShots} for the assistant (omit it for exact values)`,
    );
  const text =
    source ??
    (await deps.circuits.get(scope.caller, scope.projectId, circuitId ?? ""))
      .source;
  const compiled = compileForSweep(text, { fileName: "estimate.qasm" });
  if (compiled.ok && compiled.program.circuit.numQubits > deps.maxSimQubits)
    throw new DomainError(
      "JOB_LIMIT_EXCEEDED",
      `uses ${compiled.program.circuit.numQubits} qubits; the assistant simulates up to ${deps.maxSimQubits} (submit a job for more)`,
    );
  const { job } = await deps.jobs.submit(
    scope.caller,
    scope.projectId,
    {
      kind: "estimate",
      ...(circuitId !== undefined ? { circuitId } : { source: text }),
      observables: observables as string[],
      ...(a.sweep !== undefined
        ? { sweep: a.sweep as Record<string, number[]> }
        : {}),
      ...(a.inputs !== undefined
        ? { inputs: a.inputs as Record<string, number> }
        : {}),
      ...(a.gradient !== undefined ? { gradient: a.gradient === true } : {}),
      ...(shots !== undefined ? { shots: shots as number } : {}),
    },
    undefined,
  );
  const done = await waitBriefly(deps, scope, job);
  const r = done.result;
  return {
    id: done.id,
    status: done.status,
    error: done.error,
    result:
      r && r.expectations
        ? {
            observables: r.observables,
            parameters: r.parameters,
            points: r.points,
            expectations: r.expectations.slice(0, ESTIMATE_POINTS_SHOWN),
            stddev: r.stddev?.slice(0, ESTIMATE_POINTS_SHOWN) ?? null,
            gradients: r.gradients?.slice(0, ESTIMATE_POINTS_SHOWN) ?? null,
            method: r.method,
            ...(r.points !== undefined && r.points > ESTIMATE_POINTS_SHOWN
              ? { note: `first ${ESTIMATE_POINTS_SHOWN} points shown` }
              : {}),
          }
        : null,
  };
}
