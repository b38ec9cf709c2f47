/**
 * Branch-split sampling of dynamic programs: a group of k shots is carried through the circuit with
 * one state. At a measurement (or reset) a binomial draw splits the group over the two outcomes; each
 * non-empty branch continues on its own collapsed state with its own classical bits. Branches run
 * depth-first, the smaller one first while the larger waits, so at most 1 + log2(shots) states are
 * alive at once (fewer when `maxStates` says so: then a group that cannot split runs as per-shot
 * trajectories on one scratch state). A one-shot branch is a plain trajectory and never copies.
 */
import type { Circuit } from "../ir/types.ts";
import { execClassical } from "../ir/classical.ts";
import { binomial } from "./binomial.ts";
import type { ChannelStep, MeasureStep, ResetStep } from "./instructions.ts";
import { branchInstr, branchProbabilities, splitShots } from "./kraus.ts";
import { addSampledCounts, type ReadoutErrors } from "./readout.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import {
  collapse,
  flipQubit,
  probabilityOfOne,
  sampleIndices,
} from "./measure.ts";
import type { Program } from "./program.ts";
import {
  Cancelled,
  conditionHolds,
  type RunContext,
  type RunOutput,
} from "./run.ts";

/** What a branch-split run produces: the usual output, always with the most states alive at once. */
export interface BranchOutput extends RunOutput {
  readonly peakStates: number;
}

/** Index where the trailing unconditioned measurements start (they are sampled, not split). */
export function terminalStart(prog: Program): number {
  let t = prog.steps.length;
  while (t > prog.firstDynamic) {
    const s = prog.steps[t - 1];
    if (s.kind !== "measure" || s.condition) break;
    t--;
  }
  return t;
}

/** Backward jumps (loop iterations at run time) allowed in one run, over all its shots. */
export const MAX_BACK_JUMPS = 10_000_000;

/** A run-time loop ran more than MAX_BACK_JUMPS iterations (a loop that does not end). */
export class LoopLimit extends Error {
  constructor() {
    super(
      `the program's run-time loops made more than ${MAX_BACK_JUMPS} iterations: a while loop that never ends?`,
    );
  }
}

class BranchRunner {
  backJumps = 0;
  sweeps = 0;
  peak = 0;
  private live = 0;
  private finished = 0;
  readonly counts: Record<string, number> = {};
  private readonly tail: number;

  constructor(
    private readonly circuit: Circuit,
    private readonly prog: Program,
    private readonly ctx: RunContext,
    private readonly shots: number,
    private readonly maxStates: number,
    private readonly readout?: ReadoutErrors,
    private readonly pool: Amplitudes[] = [],
  ) {
    this.tail = terminalStart(prog);
  }

  /** A state buffer (reused when one was released); counts towards the states alive. */
  acquire(): Amplitudes {
    this.live++;
    this.peak = Math.max(this.peak, this.live);
    return (
      this.pool.pop() ??
      this.ctx.engine.allocate(this.prog.numQubits, this.ctx.precision)
    );
  }

  private release(a: Amplitudes): void {
    this.live--;
    this.pool.push(a);
  }

  /** Runs k shots on state a (owned: released at the end) from step `from`, with classical bits `bits`. */
  go(a: Amplitudes, k: number, bits: Uint8Array, from: number): void {
    const { steps, numQubits } = this.prog;
    const { engine, rng } = this.ctx;
    for (let s = from; s < this.tail; s++) {
      if (this.ctx.shouldStop?.()) throw new Cancelled();
      const st = steps[s];
      if (
        st.kind !== "label" &&
        st.condition &&
        !conditionHolds(st.condition, bits)
      )
        continue;
      if (st.kind === "kernel") {
        engine.sweep(a, st.instr, numQubits);
        this.sweeps++;
        continue;
      }
      if (st.kind === "channel") {
        k = this.channel(a, k, bits, st, s);
        continue;
      }
      if (st.kind === "classical") {
        execClassical(st, bits);
        continue;
      }
      if (st.kind === "label") continue;
      if (st.kind === "jump") {
        if (st.target <= s && ++this.backJumps > MAX_BACK_JUMPS)
          throw new LoopLimit();
        s = st.target - 1;
        continue;
      }
      const { p1, norm } = probabilityOfOne(a, st.qubit);
      const k1 =
        k === 1 ? (rng.nextDouble() < p1 ? 1 : 0) : binomial(k, p1, rng);
      const k0 = k - k1;
      if (k0 > 0 && k1 > 0) {
        if (this.live >= this.maxStates - 1) {
          // No room to keep both branches: run this group shot by shot on one scratch state.
          for (let i = 0; i < k; i++) {
            const b = this.acquire();
            b.set(a);
            this.go(b, 1, bits.slice(), s);
          }
          this.release(a);
          return;
        }
        const small = k1 <= k0 ? 1 : 0;
        const b = this.acquire();
        b.set(a);
        const smallBits = bits.slice();
        this.outcome(b, st, small, p1, norm, smallBits);
        this.go(b, small ? k1 : k0, smallBits, s + 1);
        this.outcome(a, st, 1 - small, p1, norm, bits);
        k = small ? k0 : k1;
      } else this.outcome(a, st, k1 > 0 ? 1 : 0, p1, norm, bits);
    }
    this.leaf(a, k, bits);
  }

  /**
   * Splits k shots over the channel's Kraus branches: every branch but the largest runs to the end
   * on a copy (depth-first), the largest continues on a. Returns the shots left on a.
   */
  private channel(
    a: Amplitudes,
    k: number,
    bits: Uint8Array,
    st: ChannelStep,
    s: number,
  ): number {
    const probs = branchProbabilities(a, st);
    const split = splitShots(k, probs, this.ctx.rng);
    let big = 0;
    for (let b = 1; b < split.length; b++) if (split[b] > split[big]) big = b;
    for (let b = 0; b < split.length; b++) {
      if (b === big || split[b] === 0) continue;
      if (this.live >= this.maxStates - 1) {
        // No room for another state: the rest of this group runs shot by shot.
        for (let i = 0; i < split[b]; i++) {
          const c = this.acquire();
          c.set(a);
          this.kraus(c, st, b, probs[b]);
          this.go(c, 1, bits.slice(), s + 1);
        }
        continue;
      }
      const c = this.acquire();
      c.set(a);
      this.kraus(c, st, b, probs[b]);
      this.go(c, split[b], bits.slice(), s + 1);
    }
    this.kraus(a, st, big, probs[big]);
    return split[big];
  }

  /** Applies the normalised Kraus operator b of a channel to a. */
  private kraus(a: Amplitudes, st: ChannelStep, b: number, p: number): void {
    const instr = branchInstr(st, b, p);
    if (!instr) return;
    this.ctx.engine.sweep(a, instr, this.prog.numQubits);
    this.sweeps++;
  }

  /** Collapses a onto `bit` of the step's qubit and records it (measure) or clears the qubit (reset). */
  private outcome(
    a: Amplitudes,
    st: MeasureStep | ResetStep,
    bit: number,
    p1: number,
    norm: number,
    bits: Uint8Array,
  ): void {
    collapse(a, st.qubit, bit, bit ? p1 : 1 - p1, norm);
    if (st.kind === "measure") {
      // The recorded bit goes through the qubit's readout error; the state keeps the true outcome.
      const e = this.readout?.get(st.qubit);
      const flip = e ? (bit ? e.p0given1 : e.p1given0) : 0;
      bits[st.clbit] =
        flip > 0 && this.ctx.rng.nextDouble() < flip ? 1 - bit : bit;
    } else if (bit === 1) flipQubit(a, st.qubit);
  }

  /** Adds k shots of a finished branch: its bits, with the terminal measurements sampled from a. */
  private leaf(a: Amplitudes, k: number, bits: Uint8Array): void {
    const { steps, numQubits, numClbits } = this.prog;
    const finalMeasures: { qubit: number; clbit: number }[] = [];
    for (let s = this.tail; s < steps.length; s++) {
      const st = steps[s];
      if (st.kind === "measure")
        finalMeasures.push({ qubit: st.qubit, clbit: st.clbit });
    }
    const layout = {
      numQubits,
      numClbits,
      cregs: this.circuit.cregs,
      finalMeasures,
    };
    if (numClbits > 0 && finalMeasures.length === 0)
      addSampledCounts(
        this.counts,
        new Map([[0, k]]),
        layout,
        undefined,
        this.ctx.rng,
        bits,
      );
    else
      addSampledCounts(
        this.counts,
        sampleIndices(a, k, this.ctx.rng),
        layout,
        this.readout,
        this.ctx.rng,
        bits,
      );
    this.release(a);
    this.finished += k;
    this.ctx.onProgress?.(this.finished / this.shots);
  }
}

/**
 * Runs `shots` shots of a dynamic program by branch splitting. `maxStates` (at least 2) caps the
 * states alive at once; by default only the shot count bounds them (1 + floor(log2 shots)).
 * `pool` holds spare state buffers of the program's width and precision: the run takes from it
 * before allocating and leaves every state it used there (so several runs share their buffers).
 */
export function runBranches(
  circuit: Circuit,
  prog: Program,
  shots: number,
  ctx: RunContext,
  maxStates = Infinity,
  readout?: ReadoutErrors,
  pool?: Amplitudes[],
): BranchOutput {
  if (!(maxStates >= 2))
    throw new Error(
      `invariant: maxStates must be at least 2, got ${maxStates}`,
    );
  const r = new BranchRunner(
    circuit,
    prog,
    ctx,
    shots,
    maxStates,
    readout,
    pool,
  );
  const reused = (pool?.length ?? 0) > 0;
  const root = r.acquire();
  if (reused) root.fill(0);
  root[0] = 1;
  r.go(root, shots, new Uint8Array(prog.numClbits), 0);
  ctx.onProgress?.(1);
  return { counts: r.counts, sweeps: r.sweeps, peakStates: r.peak };
}
