/**
 * Noisy trajectories with the mixed-unitary channels sampled up front, the way qsim runs them. A
 * channel whose Kraus operators are sqrt(w_k) U_k (bit_flip, depolarizing, pauli_channel, the
 * two-qubit Pauli channels, such Kraus sets) picks branch k with probability w_k whatever the
 * state, so every shot's branch sequence can be drawn before simulating: shots drawing the same
 * sequence form a group (at low noise most shots draw all-identity), and each group's circuit (the
 * chosen U_k in place of each channel: identities dropped, Paulis as x/y/z gates) is compiled with
 * ordinary fusion and cache blocking and run once for all its shots. A trajectory then costs about
 * the sweeps of the ideal circuit instead of one sweep per channel. Channels whose branch
 * probabilities depend on the state (amplitude and phase damping, general Kraus sets) stay in the
 * group's program and are split there by their norms (branches.ts), with everything between them
 * fused.
 */
import { PAULIS } from "../ir/channels.ts";
import type { Circuit, GateOp, Operation } from "../ir/types.ts";
import { approxEqualUpToPhase, kron } from "../math/matrix.ts";
import { type BranchOutput, runBranches } from "./branches.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { splitShots } from "./kraus.ts";
import { compileProgram, type ProgramOptions } from "./program.ts";
import type { ReadoutErrors } from "./readout.ts";
import { Cancelled, type RunContext } from "./run.ts";

/**
 * Narrowest circuit whose mixed-unitary channels are sampled up front by default: below it a
 * sweep costs less than compiling a group's program, and splitting branches on the fly is cheaper.
 */
export const PRESAMPLE_MIN_QUBITS = 14;

/** Options of `runTrajectories`. */
export interface TrajectoryOptions extends ProgramOptions {
  /** Sample the mixed-unitary channels up front (default: from PRESAMPLE_MIN_QUBITS qubits). */
  readonly presample?: boolean;
  /** States alive at once at the most (at least 2; default unbounded): see `runBranches`. */
  readonly maxStates?: number;
}

/** A mixed-unitary channel of the circuit: its op index, branch weights and each branch's gates. */
interface SampledChannel {
  readonly at: number;
  readonly weights: readonly number[];
  /** The gates standing for branch k (empty for the identity). */
  readonly gates: readonly (readonly GateOp[])[];
}

const PHASE_TOLERANCE = 1e-12;
const PAULI_GATES = ["", "x", "y", "z"];

function gate(name: string, qubits: readonly number[], m?: Float64Array) {
  return {
    kind: "gate" as const,
    name,
    qubits,
    params: [],
    controls: [],
    ...(m ? { matrix: m } : {}),
  };
}

/**
 * The gates of unitary u on `qubits` (qubits[0] the matrix LSB), global phase dropped: none for
 * the identity, x/y/z gates for a Pauli or a product of two, else one "unitary" gate.
 */
export function unitaryGates(
  u: Float64Array,
  qubits: readonly number[],
): GateOp[] {
  if (qubits.length === 1) {
    for (let p = 0; p < 4; p++)
      if (approxEqualUpToPhase(u, PAULIS[p], PHASE_TOLERANCE))
        return p === 0 ? [] : [gate(PAULI_GATES[p], qubits)];
  } else if (qubits.length === 2)
    for (let hi = 0; hi < 4; hi++)
      for (let lo = 0; lo < 4; lo++)
        if (
          approxEqualUpToPhase(u, kron(PAULIS[hi], PAULIS[lo]), PHASE_TOLERANCE)
        ) {
          const out: GateOp[] = [];
          if (lo) out.push(gate(PAULI_GATES[lo], [qubits[0]]));
          if (hi) out.push(gate(PAULI_GATES[hi], [qubits[1]]));
          return out;
        }
  return [gate("unitary", qubits, u)];
}

/**
 * The circuit's mixed-unitary channels in op order, or undefined when there is none or when a
 * backward jump (a run-time loop) may apply a channel more than once per shot: then each run of the
 * channel needs its own draw, which only the on-the-fly splitting gives.
 */
export function sampledChannels(
  circuit: Circuit,
): SampledChannel[] | undefined {
  const labels = new Set<number>();
  const out: SampledChannel[] = [];
  for (const [at, op] of circuit.ops.entries()) {
    if (op.kind === "label") labels.add(op.id);
    else if (op.kind === "jump" && labels.has(op.to)) return undefined;
    else if (op.kind === "noise" && op.channel.weights) {
      const w = op.channel.weights;
      out.push({
        at,
        weights: w,
        gates: op.channel.kraus.map((k, b) =>
          unitaryGates(
            k.map((x) => x / Math.sqrt(w[b])),
            op.qubits,
          ),
        ),
      });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** The circuit with channel c of `chans` replaced by the gates of branch choices[c] (sparse: pairs c, b). */
function withBranches(
  circuit: Circuit,
  chans: readonly SampledChannel[],
  choices: readonly number[],
): Circuit {
  const ops: Operation[] = [];
  let next = 0; // next channel of chans
  let pick = 0; // next pair of choices
  for (const [at, op] of circuit.ops.entries()) {
    if (next < chans.length && chans[next].at === at) {
      if (pick < choices.length && choices[pick] === next) {
        ops.push(...chans[next].gates[choices[pick + 1]]);
        pick += 2;
      }
      next++;
    } else ops.push(op);
  }
  return { ...circuit, ops };
}

/**
 * Runs `shots` noisy trajectories of a circuit (compiled with `options`): mixed-unitary channels
 * sampled up front and fused (see the file comment) when `options.presample` allows, else every
 * channel split on the fly by branches.ts.
 */
export function runTrajectories(
  circuit: Circuit,
  shots: number,
  ctx: RunContext,
  options: TrajectoryOptions,
  readout?: ReadoutErrors,
): BranchOutput {
  const compile = (c: Circuit) =>
    compileProgram(c, {
      fusion: options.fusion,
      blocking: options.blocking,
      forceDynamic: true,
    });
  const chans =
    (options.presample ?? circuit.numQubits >= PRESAMPLE_MIN_QUBITS)
      ? sampledChannels(circuit)
      : undefined;
  if (!chans)
    return runBranches(
      circuit,
      compile(circuit),
      shots,
      ctx,
      options.maxStates ?? Infinity,
      readout,
    );
  const counts: Record<string, number> = {};
  const pool: Amplitudes[] = [];
  const { rng } = ctx;
  let sweeps = 0,
    peakStates = 0,
    done = 0;
  const choices: number[] = [];
  const run = (k: number): void => {
    const c = withBranches(circuit, chans, choices);
    const out = runBranches(
      c,
      compile(c),
      k,
      {
        ...ctx,
        onProgress: ctx.onProgress
          ? (f) => ctx.onProgress?.((done + f * k) / shots)
          : undefined,
      },
      options.maxStates ?? Infinity,
      readout,
      pool,
    );
    for (const key in out.counts)
      counts[key] = (counts[key] ?? 0) + out.counts[key];
    sweeps += out.sweeps;
    peakStates = Math.max(peakStates, out.peakStates);
    done += k;
  };
  // Depth first over the channels: every branch but the largest recurses (it has at most half the
  // shots, so the depth stays under log2 shots), the largest continues in the loop.
  const walk = (from: number, k: number): void => {
    if (ctx.shouldStop?.()) throw new Cancelled();
    const mark = choices.length;
    for (let c = from; c < chans.length; c++) {
      const ch = chans[c];
      const split = splitShots(k, ch.weights, rng);
      let big = 0;
      for (let b = 1; b < split.length; b++) if (split[b] > split[big]) big = b;
      for (let b = 0; b < split.length; b++) {
        if (b === big || split[b] === 0) continue;
        const before = choices.length;
        if (ch.gates[b].length > 0) choices.push(c, b);
        walk(c + 1, split[b]);
        choices.length = before;
      }
      if (ch.gates[big].length > 0) choices.push(c, big);
      k = split[big];
    }
    run(k);
    choices.length = mark;
  };
  if (shots > 0) walk(0, shots);
  ctx.onProgress?.(1);
  return { counts, sweeps, peakStates: Math.max(1, peakStates) };
}
