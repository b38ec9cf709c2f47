/**
 * Per-shot trajectories on a factorised state, for dynamic programs with more qubits than one
 * statevector can hold (the specification's magic state distillation example has 44 qubits, but
 * never entangles more than a few of them at once). The state is a tensor product of clusters;
 * a gate merges the clusters of its qubits; a measurement or reset collapses its qubit and splits
 * it off into a cluster of its own. Exact (the same distribution as the statevector), only slower
 * per operation; ideal circuits only (no noise channels).
 */
import { execClassical } from "../ir/classical.ts";
import { gateMatrix } from "../ir/gates.ts";
import type { Circuit, GateOp, Operation } from "../ir/types.ts";
import type { Rng } from "../math/rng.ts";
import { countsKey } from "./counts.ts";
import { Cancelled, conditionHolds } from "./run.ts";
import { LoopLimit, MAX_BACK_JUMPS } from "./branches.ts";

/** Most qubits one cluster may hold (its amplitudes: 2^n complex doubles). */
export const MAX_CLUSTER_QUBITS = 24;

/** A cluster grew past MAX_CLUSTER_QUBITS (or the caller's limit). */
export class ClusterTooLarge extends Error {}

/** Qubits entangled with each other: amplitudes over `qubits` (qubits[k] is bit k of the index). */
interface Cluster {
  qubits: number[];
  /** Interleaved re, im; length 2 · 2^qubits.length. */
  amp: Float64Array;
}

/** The state of one shot: each qubit's cluster. */
class FactorisedState {
  readonly of: Cluster[];

  constructor(
    n: number,
    private readonly maxQubits: number,
  ) {
    this.of = Array.from({ length: n }, (_, q) => ({
      qubits: [q],
      amp: Float64Array.of(1, 0, 0, 0),
    }));
  }

  /** One cluster holding all of `qs` (merging their clusters by tensor product). */
  join(qs: readonly number[]): Cluster {
    let c = this.of[qs[0]];
    for (let i = 1; i < qs.length; i++) {
      const d = this.of[qs[i]];
      if (d === c) continue;
      const width = c.qubits.length + d.qubits.length;
      if (width > this.maxQubits)
        throw new ClusterTooLarge(
          `the program entangles more than ${this.maxQubits} qubits at once; the factorised simulator holds at most that many together`,
        );
      const na = c.amp.length / 2;
      const nb = d.amp.length / 2;
      const amp = new Float64Array(2 * na * nb);
      for (let j = 0; j < nb; j++) {
        const br = d.amp[2 * j];
        const bi = d.amp[2 * j + 1];
        if (br === 0 && bi === 0) continue;
        for (let i2 = 0; i2 < na; i2++) {
          const ar = c.amp[2 * i2];
          const ai = c.amp[2 * i2 + 1];
          const k = 2 * (j * na + i2);
          amp[k] = ar * br - ai * bi;
          amp[k + 1] = ar * bi + ai * br;
        }
      }
      const merged: Cluster = { qubits: [...c.qubits, ...d.qubits], amp };
      for (const q of merged.qubits) this.of[q] = merged;
      c = merged;
    }
    return c;
  }

  /** Applies a gate (its target matrix on `op.qubits`, when every control is 1). */
  gate(op: GateOp): void {
    const all = [...op.controls, ...op.qubits];
    if (all.length === 0) return; // a global phase: invisible in samples
    const c = this.join(all);
    const pos = (q: number): number => c.qubits.indexOf(q);
    const m = gateMatrix(op);
    const k = op.qubits.length;
    const d = 1 << k;
    const tbits = op.qubits.map(pos);
    let cmask = 0;
    for (const q of op.controls) cmask |= 1 << pos(q);
    let tmask = 0;
    for (const b of tbits) tmask |= 1 << b;
    const offs = new Int32Array(d);
    for (let j = 0; j < d; j++) {
      let o = 0;
      // Row/column j of the matrix: bit t of j is qubit op.qubits[t] (little-endian, like the IR).
      for (let t = 0; t < k; t++) if ((j >> t) & 1) o |= 1 << tbits[t];
      offs[j] = o;
    }
    const re = new Float64Array(d);
    const im = new Float64Array(d);
    const size = c.amp.length / 2;
    const a = c.amp;
    for (let base = 0; base < size; base++) {
      if ((base & tmask) !== 0 || (base & cmask) !== cmask) continue;
      for (let j = 0; j < d; j++) {
        re[j] = a[2 * (base | offs[j])];
        im[j] = a[2 * (base | offs[j]) + 1];
      }
      for (let r = 0; r < d; r++) {
        let sr = 0;
        let si = 0;
        for (let j = 0; j < d; j++) {
          const mr = m[2 * (r * d + j)];
          const mi = m[2 * (r * d + j) + 1];
          sr += mr * re[j] - mi * im[j];
          si += mr * im[j] + mi * re[j];
        }
        a[2 * (base | offs[r])] = sr;
        a[2 * (base | offs[r]) + 1] = si;
      }
    }
  }

  /** Measures qubit q (collapsing it), splits it off its cluster and returns the outcome. */
  measure(q: number, rng: Rng): 0 | 1 {
    const c = this.of[q];
    const b = c.qubits.indexOf(q);
    const size = c.amp.length / 2;
    let p1 = 0;
    let total = 0;
    for (let i = 0; i < size; i++) {
      const w = c.amp[2 * i] ** 2 + c.amp[2 * i + 1] ** 2;
      total += w;
      if ((i >> b) & 1) p1 += w;
    }
    const outcome: 0 | 1 = rng.nextDouble() * total < p1 ? 1 : 0;
    const norm = Math.sqrt(outcome ? p1 : total - p1);
    const rest = c.qubits.filter((x) => x !== q);
    const amp = new Float64Array(c.amp.length / 2);
    const low = (1 << b) - 1;
    for (let j = 0; j < size / 2; j++) {
      const i = ((j & ~low) << 1) | (j & low) | (outcome << b);
      amp[2 * j] = c.amp[2 * i] / norm;
      amp[2 * j + 1] = c.amp[2 * i + 1] / norm;
    }
    const remaining: Cluster = { qubits: rest, amp };
    for (const x of rest) this.of[x] = remaining;
    this.of[q] = {
      qubits: [q],
      amp: outcome ? Float64Array.of(0, 0, 1, 0) : Float64Array.of(1, 0, 0, 0),
    };
    return outcome;
  }

  /** Resets qubit q to |0> (measure, then forget the outcome). */
  reset(q: number, rng: Rng): void {
    this.measure(q, rng);
    this.of[q] = { qubits: [q], amp: Float64Array.of(1, 0, 0, 0) };
  }
}

/** What `runFactorised` returns. */
export interface FactorisedOutput {
  readonly counts: Record<string, number>;
  /** The most qubits one cluster held. */
  readonly peakCluster: number;
}

/**
 * Runs `shots` trajectories of an ideal dynamic circuit on factorised states. Throws
 * ClusterTooLarge, LoopLimit or Cancelled.
 */
export function runFactorised(
  circuit: Circuit,
  shots: number,
  rng: Rng,
  options: {
    readonly maxClusterQubits?: number;
    readonly onProgress?: (fraction: number) => void;
    readonly shouldStop?: () => boolean;
  } = {},
): FactorisedOutput {
  const ops = circuit.ops;
  const labels = new Map<number, number>();
  ops.forEach((op, i) => {
    if (op.kind === "label") labels.set(op.id, i);
  });
  const counts: Record<string, number> = {};
  const max = Math.min(
    options.maxClusterQubits ?? MAX_CLUSTER_QUBITS,
    MAX_CLUSTER_QUBITS,
  );
  let peak = 1;
  let backJumps = 0;
  for (let shot = 0; shot < shots; shot++) {
    if (options.shouldStop?.()) throw new Cancelled();
    const state = new FactorisedState(circuit.numQubits, max);
    const bits = new Uint8Array(circuit.numClbits);
    for (let pc = 0; pc < ops.length; pc++) {
      const op: Operation = ops[pc];
      if (
        "condition" in op &&
        op.condition &&
        op.kind !== "jump" &&
        !conditionHolds(op.condition, bits)
      )
        continue;
      switch (op.kind) {
        case "gate":
          state.gate(op);
          peak = Math.max(peak, state.of[op.qubits[0] ?? 0].qubits.length);
          break;
        case "measure":
          bits[op.clbit] = state.measure(op.qubit, rng);
          break;
        case "reset":
          state.reset(op.qubit, rng);
          break;
        case "classical":
          execClassical(op, bits);
          break;
        case "jump": {
          if (op.condition && !conditionHolds(op.condition, bits)) break;
          const to = labels.get(op.to);
          if (to === undefined) break;
          if (to <= pc && ++backJumps > MAX_BACK_JUMPS) throw new LoopLimit();
          pc = to;
          break;
        }
        case "label":
        case "barrier":
          break;
        default:
          throw new Error(
            `the factorised simulator cannot run a ${op.kind} operation`,
          );
      }
    }
    const key = countsKey(bits, circuit.cregs);
    counts[key] = (counts[key] ?? 0) + 1;
    options.onProgress?.((shot + 1) / shots);
  }
  return { counts, peakCluster: peak };
}
