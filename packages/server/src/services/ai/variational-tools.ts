/**
 * The assistant's variational tools: `run_vqe` (ground state of a Hamiltonian given as a Pauli
 * sum, with a template or saved ansatz) and `run_qaoa` (max-cut of a graph, or an Ising problem).
 * Both submit a real `vqe` / `qaoa` job through the jobs service, as the calling user (editor
 * role, limits, quota, the same 422s naming the field), wait briefly, and return what the model
 * needs to explain the run: energy against the exact value, convergence, the cut and its ratio,
 * and the page where the user watches it.
 */
import { hardwareEfficient, uccTwoElectron } from "@stepfault/variational";
import {
  QaoaJobBody,
  VqeJobBody,
  type VariationalResult,
} from "@stepfault/contract";
import { Value } from "typebox/value";
import { DomainError } from "../../errors/domain-error.ts";
import type { AuthUser } from "../core/auth.service.ts";
import type { JobsService, JobView } from "../core/jobs.service.ts";
import type { ToolSpec } from "./provider.ts";

const uuid = { type: "string", format: "uuid" };

const optimizer = {
  type: "object",
  description:
    'e.g. {"name": "cobyla", "maxIterations": 100}; names: cobyla, nelder-mead, spsa, adam, l-bfgs-b',
  properties: {
    name: { type: "string" },
    maxIterations: { type: "integer", minimum: 1 },
    tolerance: { type: "number" },
  },
  required: ["name"],
};

/** The variational tools' specifications. */
export const VARIATIONAL_TOOL_SPECS: readonly ToolSpec[] = [
  {
    name: "run_vqe",
    description:
      'Find the ground state (lowest energy) of a Hamiltonian with VQE, as a job. The observable is a Pauli sum with real coefficients ("-1.05*II + 0.39*IZ - 0.39*ZI + 0.18*XX", rightmost letter = qubit 0). The ansatz is a saved circuit, OpenQASM 3 source whose `input float` variables are the parameters, or a template: "ucc" (two electrons on two qubits, e.g. H2) or "hardware-efficient" (ry/rz layers with a cx chain; give qubits and layers). Waits briefly; the user watches it on the Variational page.',
    parameters: {
      type: "object",
      properties: {
        observable: { type: "string" },
        template: { type: "string", enum: ["ucc", "hardware-efficient"] },
        qubits: { type: "integer", minimum: 1 },
        layers: { type: "integer", minimum: 0 },
        source: { type: "string" },
        circuitId: uuid,
        optimizer,
        initialPoint: {
          description: '"zeros", "random", or values by input name',
        },
        shots: {
          type: "integer",
          minimum: 1,
          description: "omit for exact expectation values",
        },
        seed: { type: "integer", minimum: 0 },
      },
      required: ["observable"],
      additionalProperties: false,
    },
  },
  {
    name: "run_qaoa",
    description:
      'Solve max-cut of a graph (or an Ising problem) with QAOA, as a job: {"type": "maxcut", "nodes": N, "edges": [[i, j] or [i, j, weight], ...]} or {"type": "ising", "h": {"0": 1}, "J": [[i, j, Jij]]}. Returns the best cut found, the expected cut and the ratio to the exact maximum (brute force up to 24 nodes). Waits briefly.',
    parameters: {
      type: "object",
      properties: {
        problem: { type: "object" },
        layers: { type: "integer", minimum: 1, description: "QAOA depth p" },
        optimizer,
        shots: { type: "integer", minimum: 1 },
        seed: { type: "integer", minimum: 0 },
      },
      required: ["problem"],
      additionalProperties: false,
    },
  },
];

/** What the variational tools need from the assistant's tool runner. */
export interface VariationalToolDeps {
  readonly jobs: JobsService;
  /** The job once it finished, or as it is after the assistant's wait. */
  readonly waitBriefly: (job: JobView) => Promise<JobView>;
}

/** History points shown to the model (the first, the last, and evenly between). */
const HISTORY_SHOWN = 12;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function optimizerOf(a: Record<string, unknown>): VqeJobBody["optimizer"] {
  const o = a.optimizer ?? { name: "cobyla", maxIterations: 100 };
  if (!isObject(o) || typeof o.name !== "string")
    throw new DomainError(
      "JOB_INPUT_INVALID",
      'optimizer: give {"name": "cobyla" | "nelder-mead" | "spsa" | "adam" | "l-bfgs-b", ...}',
      { field: "optimizer" },
    );
  return o as VqeJobBody["optimizer"];
}

function common(a: Record<string, unknown>) {
  return {
    optimizer: optimizerOf(a),
    ...(a.shots !== undefined ? { shots: a.shots as number } : {}),
    ...(a.seed !== undefined ? { seed: a.seed as number } : {}),
  };
}

function ansatzOf(
  a: Record<string, unknown>,
): { source: string } | { circuitId: string } {
  const given = ["template", "source", "circuitId"].filter(
    (k) => a[k] !== undefined,
  );
  if (given.length !== 1)
    throw new DomainError(
      "BAD_REQUEST",
      "give exactly one of template, source or circuitId for the ansatz",
    );
  if (typeof a.circuitId === "string") return { circuitId: a.circuitId };
  if (typeof a.source === "string") return { source: a.source };
  if (a.template === "ucc") return { source: uccTwoElectron() };
  if (a.template === "hardware-efficient") {
    const qubits = a.qubits;
    const layers = a.layers ?? 1;
    if (
      typeof qubits !== "number" ||
      !Number.isInteger(qubits) ||
      qubits < 1 ||
      typeof layers !== "number" ||
      !Number.isInteger(layers) ||
      layers < 0
    )
      throw new DomainError(
        "BAD_REQUEST",
        "the hardware-efficient template needs integer qubits (>= 1) and layers (>= 0)",
      );
    return { source: hardwareEfficient(qubits, layers) };
  }
  throw new DomainError(
    "BAD_REQUEST",
    'template must be "ucc" or "hardware-efficient"',
  );
}

/** What the model sees of a variational job. */
export function variationalSummary(j: JobView, projectId: string) {
  const r = j.result as
    | (Record<string, unknown> & {
        energy: number;
        history: { iteration: number; energy: number }[];
      })
    | null;
  const history = r?.history ?? [];
  const step = Math.max(1, Math.ceil(history.length / HISTORY_SHOWN));
  const shown = history.filter(
    (_, k) => k % step === 0 || k === history.length - 1,
  );
  const {
    history: _h,
    topBitstrings,
    ...rest
  }: Record<string, unknown> = r ?? {};
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    error: j.error,
    page: `/projects/${projectId}/variational?job=${j.id}`,
    parameters: j.variational?.parameters,
    exactEnergy: j.variational?.exactEnergy ?? null,
    result: r
      ? {
          ...rest,
          ...(Array.isArray(topBitstrings)
            ? { topBitstrings: topBitstrings.slice(0, 5) }
            : {}),
          convergence: shown.map((h) => ({
            iteration: h.iteration,
            energy: h.energy,
          })),
        }
      : null,
    ...(r
      ? {}
      : { note: "still running: call get_job later, or watch it on the page" }),
  };
}

/** One line about a finished variational job, for the assistant's context. */
export function variationalLine(j: JobView): string {
  const r = j.result as unknown as VariationalResult | null;
  if (r === null) return `${j.kind} job ${j.status}`;
  return `${j.kind}: energy ${r.energy} (exact ${r.exactEnergy ?? "not computed"}) after ${r.iterations} iterations, ${r.reason}${r.bestCut !== undefined ? `; best cut ${r.bestCut} of ${r.maxCut ?? "?"}` : ""}`;
}

/** Runs `run_vqe` or `run_qaoa` as `caller` in `projectId`. */
export async function runVariationalTool(
  deps: VariationalToolDeps,
  caller: AuthUser,
  projectId: string,
  name: "run_vqe" | "run_qaoa",
  a: Record<string, unknown>,
): Promise<unknown> {
  let body: VqeJobBody | QaoaJobBody;
  if (name === "run_vqe") {
    if (typeof a.observable !== "string" || a.observable === "")
      throw new DomainError(
        "JOB_INPUT_INVALID",
        "observable: give a Pauli sum",
        {
          field: "observable",
        },
      );
    body = {
      kind: "vqe",
      ...ansatzOf(a),
      observable: a.observable,
      ...common(a),
      ...(a.initialPoint !== undefined
        ? { initialPoint: a.initialPoint as VqeJobBody["initialPoint"] }
        : {}),
    };
  } else {
    if (!isObject(a.problem))
      throw new DomainError(
        "JOB_INPUT_INVALID",
        'problem: give {"type": "maxcut", "nodes": N, "edges": [[i, j], ...]}',
        { field: "problem" },
      );
    body = {
      kind: "qaoa",
      problem: a.problem as QaoaJobBody["problem"],
      ...(a.layers !== undefined ? { layers: a.layers as number } : {}),
      ...common(a),
    };
  }
  // The API checks a body against the contract before the service sees it; so does the tool.
  const [bad] = Value.Errors(
    name === "run_vqe" ? VqeJobBody : QaoaJobBody,
    body,
  );
  if (bad !== undefined) {
    const field = bad.instancePath.replace(/^\//, "") || "body";
    throw new DomainError("JOB_INPUT_INVALID", `${field}: ${bad.message}`, {
      field,
    });
  }
  const { job } = await deps.jobs.submit(caller, projectId, body, undefined);
  return variationalSummary(await deps.waitBriefly(job), projectId);
}
