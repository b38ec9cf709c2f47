/**
 * The Variational page's set-up as data: what the form holds, its defaults, and the job body it
 * turns into (a VQE or QAOA submission as the SDK types it). Field checks the server does
 * (observable terms, optimiser names, limits) are left to the server, which names the field.
 */
import type { QaoaJobBody, VqeJobBody } from "@stepfault/sdk";
import {
  H2_STO3G,
  hardwareEfficient,
  pauliSumText,
  uccTwoElectron,
} from "@stepfault/variational";
import { parseEdgeList, ring, type Graph } from "./graph.ts";

/** The optimisers the server runs (the first is the default). */
export const OPTIMIZERS = [
  { name: "cobyla", label: "COBYLA" },
  { name: "nelder-mead", label: "Nelder-Mead" },
  { name: "spsa", label: "SPSA" },
  { name: "adam", label: "Adam (adjoint / parameter-shift gradient)" },
  { name: "l-bfgs-b", label: "L-BFGS-B" },
] as const;

/** H2 on two qubits (STO-3G; electronic energy in Hartree), the usual first VQE problem. */
export const H2_OBSERVABLE = pauliSumText(H2_STO3G);

/** Where the ansatz comes from. */
export type AnsatzChoice =
  | {
      readonly type: "hardware-efficient";
      readonly qubits: number;
      readonly layers: number;
    }
  | { readonly type: "ucc" }
  | { readonly type: "circuit"; readonly circuitId: string };

/** Everything the form holds. */
export interface Setup {
  readonly kind: "vqe" | "qaoa";
  readonly ansatz: AnsatzChoice;
  readonly observable: string;
  readonly graph: Graph;
  readonly qaoaLayers: number;
  readonly optimizer: string;
  readonly maxIterations: number;
  /** The optimiser's tolerance as typed (`1e-6`, `0.001`). */
  readonly tolerance: string;
  /** More optimiser settings as JSON (`{"learningRate": 0.1}`), or empty. */
  readonly optimizerOptions: string;
  readonly initialPoint: "default" | "zeros" | "random";
  /** Shots per expectation value; empty: exact. */
  readonly shots: string;
  /** Seed; empty: the server picks one. */
  readonly seed: string;
}

/** The form's first state: H2 with the UCC ansatz and COBYLA; a 5-node ring for QAOA. */
export const DEFAULT_SETUP: Setup = {
  kind: "vqe",
  ansatz: { type: "ucc" },
  observable: H2_OBSERVABLE,
  graph: ring(5),
  qaoaLayers: 1,
  optimizer: "cobyla",
  maxIterations: 100,
  tolerance: "1e-6",
  optimizerOptions: "",
  initialPoint: "default",
  shots: "",
  seed: "",
};

/** The OpenQASM 3 of a template ansatz (null for a saved circuit, read from the project). */
export function templateSource(a: AnsatzChoice): string | null {
  if (a.type === "hardware-efficient")
    return hardwareEfficient(a.qubits, a.layers);
  if (a.type === "ucc") return uccTwoElectron();
  return null;
}

/** A body, or the field of the form that is wrong and why. */
export type BuiltBody =
  | {
      readonly ok: true;
      readonly kind: "vqe";
      readonly body: Omit<VqeJobBody, "kind">;
    }
  | {
      readonly ok: true;
      readonly kind: "qaoa";
      readonly body: Omit<QaoaJobBody, "kind">;
    }
  | { readonly ok: false; readonly field: string; readonly error: string };

/** A positive decimal number as typed, in plain or scientific notation (`1e-6`); else undefined. */
export function parsePositive(text: string): number | undefined {
  if (!/^\s*(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/.test(text))
    return undefined;
  const v = Number(text);
  return v > 0 && Number.isFinite(v) ? v : undefined;
}

/** Turns the form into a job body. */
export function buildBody(s: Setup): BuiltBody {
  const tolerance = parsePositive(s.tolerance);
  if (tolerance === undefined)
    return {
      ok: false,
      field: "tolerance",
      error: "the tolerance must be a positive number, such as 1e-6 or 0.001",
    };
  let extra: Record<string, unknown> = {};
  if (s.optimizerOptions.trim() !== "") {
    try {
      const parsed = JSON.parse(s.optimizerOptions) as unknown;
      if (
        typeof parsed !== "object" ||
        parsed === null ||
        Array.isArray(parsed)
      )
        return {
          ok: false,
          field: "optimizerOptions",
          error: "optimiser settings must be a JSON object",
        };
      extra = parsed as Record<string, unknown>;
    } catch (err) {
      return {
        ok: false,
        field: "optimizerOptions",
        error: `optimiser settings are not JSON: ${(err as Error).message}`,
      };
    }
  }
  const optimizer = {
    ...extra,
    name: s.optimizer,
    maxIterations: s.maxIterations,
    tolerance,
  };
  const shots = s.shots.trim() === "" ? null : Number(s.shots);
  if (shots !== null && !(Number.isInteger(shots) && shots >= 1))
    return {
      ok: false,
      field: "shots",
      error: "shots must be a whole number from 1, or empty for exact values",
    };
  const seed = s.seed.trim() === "" ? undefined : Number(s.seed);
  if (
    seed !== undefined &&
    !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)
  )
    return {
      ok: false,
      field: "seed",
      error: "the seed must be a whole number in [0, 2^32)",
    };
  const common = {
    optimizer,
    shots,
    ...(seed !== undefined ? { seed } : {}),
    ...(s.initialPoint !== "default" ? { initialPoint: s.initialPoint } : {}),
  };
  if (s.kind === "qaoa") {
    if (s.graph.edges.length === 0)
      return {
        ok: false,
        field: "graph",
        error: "draw or paste at least one edge",
      };
    return {
      ok: true,
      kind: "qaoa",
      body: {
        ...common,
        problem: {
          type: "maxcut",
          nodes: s.graph.nodes,
          edges: s.graph.edges.map((e) => [...e]),
        },
        layers: s.qaoaLayers,
      },
    };
  }
  const source = templateSource(s.ansatz);
  return {
    ok: true,
    kind: "vqe",
    body: {
      ...common,
      ...(s.ansatz.type === "circuit"
        ? { circuitId: s.ansatz.circuitId }
        : { source: source ?? "" }),
      observable: s.observable,
    },
  };
}

/** The graph of an edge list typed in the box: nodes grow to fit the edges named. */
export function graphFromText(
  text: string,
  nodes: number,
): { graph: Graph } | { error: string } {
  const parsed = parseEdgeList(text);
  if (!parsed.ok) return { error: parsed.error };
  return {
    graph: { nodes: Math.max(nodes, parsed.maxNode + 1), edges: parsed.edges },
  };
}
