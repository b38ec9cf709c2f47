/**
 * The density-matrix simulator. A density matrix rho of n qubits is stored as a 2n-qubit state
 * vec(rho): entry rho[r][c] at index r | c << n (row bits low, column bits high). Then
 *   U rho U^dagger = (conj(U) on the column qubits) (U on the row qubits) vec(rho),
 *   sum_k K rho K^dagger = S vec(rho), S = sum_k conj(K) (x) K on (row qubits, column qubits),
 * so a noisy n-qubit circuit becomes a 2n-qubit circuit of unitaries and (non-unitary)
 * superoperators (written as cheap one-target ops where their shape allows, see superop.ts), compiled and run by the statevector simulator's own program compiler, fusion,
 * cache blocking, kernels and engines (threads included). Measurement probabilities are the real
 * diagonal rho[r][r] (index r (2^n + 1)).
 */
import type { Channel } from "../ir/channels.ts";
import { gateMatrix } from "../ir/gates.ts";
import type { Circuit, GateOp, Operation } from "../ir/types.ts";
import { maxDistance } from "../math/matrix.ts";
import type { BlockingOptions } from "./blocking.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { compileProgram } from "./program.ts";
import { runStatic, type RunContext } from "./run.ts";
import { channelOps } from "./superop.ts";

/** Most qubits the density-matrix method takes, by precision (a 2n-qubit state: 4 GiB / 8 GiB). */
export const DM_MAX_QUBITS = { double: 14, single: 15 } as const;

/** The channel a reset is: rho -> |0><0| rho |0><0| + |0><1| rho |1><0|. */
export const RESET_CHANNEL: Channel = {
  name: "reset",
  params: [],
  numQubits: 1,
  kraus: [
    Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0),
    Float64Array.of(0, 0, 1, 0, 0, 0, 0, 0),
  ],
};

/** Why a circuit cannot run as a density matrix (undefined when it can): it must have no conditions and no operation on a qubit after its measurement. */
export function densityUnsupported(circuit: Circuit): string | undefined {
  const measured = new Set<number>();
  for (const op of circuit.ops) {
    if ("condition" in op && op.condition)
      return "the density-matrix method does not run classically conditioned operations (use trajectories)";
    if (op.kind === "measure") {
      measured.add(op.qubit);
      continue;
    }
    if (op.kind === "barrier") continue;
    if (op.kind === "classical" || op.kind === "label" || op.kind === "jump")
      return "the density-matrix method does not run run-time classical code (use trajectories)";
    const qs =
      op.kind === "gate"
        ? [...op.qubits, ...op.controls]
        : op.kind === "reset"
          ? [op.qubit]
          : op.qubits;
    if (qs.some((q) => measured.has(q)))
      return "the density-matrix method needs measurements at the end of the circuit (use trajectories for mid-circuit measurement)";
  }
  return undefined;
}

const PAIRS: Record<string, string> = {
  s: "sdg",
  sdg: "s",
  t: "tdg",
  tdg: "t",
  sx: "sxdg",
  sxdg: "sx",
};

/** conj(op) on the column qubits: the same gate when real, a named gate with the conjugate matrix when one exists, else a "unitary". */
function conjugateOp(op: GateOp, n: number): GateOp {
  const shift = (qs: readonly number[]) => qs.map((q) => q + n);
  const m = gateMatrix(op);
  const conj = m.map((x, i) => (i & 1 ? -x : x));
  const base = {
    kind: "gate" as const,
    qubits: shift(op.qubits),
    controls: shift(op.controls),
  };
  if (op.name !== "unitary") {
    const tries: GateOp[] = [{ ...base, name: op.name, params: op.params }];
    if (op.params.length > 0)
      tries.push({ ...base, name: op.name, params: op.params.map((p) => -p) });
    if (PAIRS[op.name])
      tries.push({ ...base, name: PAIRS[op.name], params: [] });
    if (op.name === "u" || op.name === "u3")
      tries.push({
        ...base,
        name: op.name,
        params: [op.params[0], -op.params[1], -op.params[2]],
      });
    for (const t of tries) if (maxDistance(gateMatrix(t), conj) === 0) return t;
  }
  return { ...base, name: "unitary", params: [], matrix: conj };
}

/**
 * The 2n-qubit circuit that evolves vec(rho) (measurements dropped: they must be terminal, see
 * `densityUnsupported`; resets and noise become superoperators).
 */
export function densityCircuit(circuit: Circuit): Circuit {
  const n = circuit.numQubits;
  const ops: Operation[] = [];
  for (const op of circuit.ops) {
    switch (op.kind) {
      case "gate":
        if (op.name === "gphase" && op.controls.length === 0) break; // cancels in rho
        ops.push(op, conjugateOp(op, n));
        break;
      case "noise":
        ops.push(...channelOps(op.channel, op.qubits, n));
        break;
      case "reset":
        ops.push(...channelOps(RESET_CHANNEL, [op.qubit], n));
        break;
      case "barrier":
        ops.push({
          kind: "barrier",
          qubits: [...op.qubits, ...op.qubits.map((q) => q + n)],
        });
        break;
      case "measure":
        break;
      case "opaque":
        throw new Error(
          `invariant: opaque gate "${op.name}" reached the simulator`,
        );
      case "classical":
      case "label":
      case "jump":
        throw new Error(
          `invariant: a ${op.kind} op reached the density matrix`,
        );
    }
  }
  return {
    numQubits: 2 * n,
    numClbits: 0,
    qregs: [],
    cregs: [],
    ops,
    globalPhase: 0,
    inputs: [],
  };
}

/** The evolved density matrix as the engine's 2n-qubit state, with the phase factored out of it by fusion. */
export interface DensityRun {
  readonly state: Amplitudes;
  /** e^{i phase} times `state` is vec(rho) (fusion factors unit-modulus phases out of diagonals). */
  readonly phase: number;
  readonly sweeps: number;
}

/** Evolves |0><0| through the circuit (which must pass `densityUnsupported`). */
export function runDensity(
  circuit: Circuit,
  ctx: RunContext,
  options: { fusion: boolean; blocking: BlockingOptions | false },
): DensityRun {
  const dc = densityCircuit(circuit);
  // No dense fusion (maxDense 1): U on a row qubit and conj(U) on its column qubit stay one-target
  // ops for the SIMD kernels (fused, they would be a dense 4x4 in the TypeScript kernel, which made
  // runs compute-bound there); channels arrive as one-target ops and diagonals where their shape
  // allows (superop.ts), so only the others run as dense superoperators.
  const prog = compileProgram(dc, { ...options, maxDense: 1 });
  const out = runStatic(dc, prog, 0, ctx);
  return { state: out.state!, phase: prog.globalPhase, sweeps: out.sweeps };
}

/** The diagonal of rho (outcome probabilities, real, negatives from rounding clamped to 0). */
export function densityDiagonal(run: DensityRun, n: number): Float64Array {
  const dim = 2 ** n;
  const c = Math.cos(run.phase),
    s = Math.sin(run.phase);
  const out = new Float64Array(dim);
  for (let r = 0; r < dim; r++) {
    const k = 2 * r * (dim + 1);
    out[r] = Math.max(0, c * run.state[k] - s * run.state[k + 1]);
  }
  return out;
}

/** rho as a row-major dim x dim interleaved complex matrix (rho[r][c] at 2 (r dim + c)). */
export function densityMatrixOf(run: DensityRun, n: number): Float64Array {
  const dim = 2 ** n;
  const c = Math.cos(run.phase),
    s = Math.sin(run.phase);
  const out = new Float64Array(2 * dim * dim);
  for (let row = 0; row < dim; row++)
    for (let col = 0; col < dim; col++) {
      const k = 2 * (row + col * dim);
      const re = run.state[k],
        im = run.state[k + 1];
      out[2 * (row * dim + col)] = c * re - s * im;
      out[2 * (row * dim + col) + 1] = c * im + s * re;
    }
  return out;
}
