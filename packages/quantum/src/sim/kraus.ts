/**
 * Kraus branches on a statevector (quantum trajectories): the probability of each Kraus operator
 * from the reduced density matrix of the channel's qubits (one pass over the state), multinomial
 * splits of a shot group over the branches, and the normalised operator of a branch as a kernel
 * instruction.
 */
import type { Rng } from "../math/rng.ts";
import { binomial } from "./binomial.ts";
import type { ChannelStep, KernelInstr } from "./instructions.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { lowerControlled } from "./lower.ts";

/**
 * The reduced density matrix (d x d interleaved, d = 2^qs.length, qs[0] the LSB) of the qubits qs,
 * normalised by the state's norm. Visits every base index i with the bits of qs clear.
 */
export function reducedDensity(
  a: Amplitudes,
  qs: readonly number[],
): Float64Array {
  const k = qs.length;
  const d = 1 << k;
  const offs = new Float64Array(d);
  let mask = 0;
  for (let j = 0; j < d; j++)
    for (let b = 0; b < k; b++) if ((j >> b) & 1) offs[j] += 2 * 2 ** qs[b];
  for (const q of qs) mask |= 1 << q;
  const acc = new Float64Array(2 * d * d);
  const re = new Float64Array(d),
    im = new Float64Array(d);
  const dim = a.length / 2;
  for (let i = 0; i < dim; i++) {
    if (i & mask) continue;
    const p = 2 * i;
    let any = false;
    for (let j = 0; j < d; j++) {
      re[j] = a[p + offs[j]];
      im[j] = a[p + offs[j] + 1];
      if (re[j] !== 0 || im[j] !== 0) any = true;
    }
    if (!any) continue;
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        const x = 2 * (r * d + c);
        acc[x] += re[r] * re[c] + im[r] * im[c];
        acc[x + 1] += im[r] * re[c] - re[r] * im[c];
      }
  }
  let tr = 0;
  for (let r = 0; r < d; r++) tr += acc[2 * (r * d + r)];
  if (tr > 0) for (let x = 0; x < acc.length; x++) acc[x] /= tr;
  return acc;
}

/** Probabilities Tr(K_k rho K_k^dagger) of the channel's branches on state a (summing to 1). */
export function branchProbabilities(
  a: Amplitudes,
  step: ChannelStep,
): readonly number[] {
  if (step.weights) return step.weights;
  const rho = reducedDensity(a, step.qubits);
  const d = 1 << step.qubits.length;
  const out = step.kraus.map((K) => {
    let t = 0;
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        // (K rho)[r][c] conj(K[r][c]), real part summed: Tr(K rho K^dagger).
        let mr = 0,
          mi = 0;
        for (let j = 0; j < d; j++) {
          const kr = K[2 * (r * d + j)],
            ki = K[2 * (r * d + j) + 1];
          const pr = rho[2 * (j * d + c)],
            pi = rho[2 * (j * d + c) + 1];
          mr += kr * pr - ki * pi;
          mi += kr * pi + ki * pr;
        }
        t += mr * K[2 * (r * d + c)] + mi * K[2 * (r * d + c) + 1];
      }
    return Math.max(0, t);
  });
  const sum = out.reduce((x, y) => x + y, 0);
  return out.map((p) => p / sum);
}

/** Splits k shots over branches with probabilities `probs` (a multinomial draw by binomials). */
export function splitShots(
  k: number,
  probs: readonly number[],
  rng: Rng,
): number[] {
  const out = new Array<number>(probs.length).fill(0);
  if (k === 1) {
    let u = rng.nextDouble();
    for (let b = 0; b < probs.length; b++) {
      u -= probs[b];
      if (u < 0 || b === probs.length - 1) {
        out[b] = 1;
        break;
      }
    }
    return out;
  }
  let left = k,
    mass = 1;
  for (let b = 0; b < probs.length && left > 0; b++) {
    if (b === probs.length - 1 || mass <= 0) {
      out[b] = left;
      break;
    }
    const c = binomial(left, Math.min(1, Math.max(0, probs[b] / mass)), rng);
    out[b] = c;
    left -= c;
    mass -= probs[b];
  }
  return out;
}

const IDENTITY_TOLERANCE = 1e-14;

/** The kernel instruction of branch b (K_b / sqrt(p)), or undefined when it is the identity. */
export function branchInstr(
  step: ChannelStep,
  b: number,
  p: number,
): KernelInstr | undefined {
  const s = 1 / Math.sqrt(p);
  const m = step.kraus[b].map((x) => x * s);
  const d = 1 << step.qubits.length;
  let identity = true;
  for (let r = 0; r < d && identity; r++)
    for (let c = 0; c < d; c++) {
      const want = r === c ? 1 : 0;
      if (
        Math.abs(m[2 * (r * d + c)] - want) > IDENTITY_TOLERANCE ||
        Math.abs(m[2 * (r * d + c) + 1]) > IDENTITY_TOLERANCE
      ) {
        identity = false;
        break;
      }
    }
  return identity ? undefined : lowerControlled(step.qubits, [], m);
}
