/**
 * The dense matrix of a short list of gate ops on a few qubits (for `pow(k) @` with a non-integer
 * k on a gate whose definition has several ops, where the power is taken of the whole matrix).
 */
import { gateMatrix } from "./gates.ts";
import type { GateOp } from "./types.ts";

/** Most qubits `opsMatrix` accepts (a 2^6 x 2^6 matrix). */
export const OPS_MATRIX_MAX_QUBITS = 6;

/**
 * The matrix of `ops` applied in order, on `qubits` (local bit i of a basis index is qubits[i]),
 * interleaved complex, row-major. Controls and uncontrolled `gphase` (a scalar) included.
 */
export function opsMatrix(
  ops: readonly GateOp[],
  qubits: readonly number[],
): Float64Array {
  const m = qubits.length;
  if (m > OPS_MATRIX_MAX_QUBITS)
    throw new Error(
      `opsMatrix: ${m} qubits (at most ${OPS_MATRIX_MAX_QUBITS})`,
    );
  const dim = 1 << m;
  const out = new Float64Array(2 * dim * dim);
  const amp = new Float64Array(2 * dim);
  for (let col = 0; col < dim; col++) {
    amp.fill(0);
    amp[2 * col] = 1;
    for (const op of ops) applyOp(amp, op, qubits);
    for (let r = 0; r < dim; r++) {
      out[2 * (r * dim + col)] = amp[2 * r];
      out[2 * (r * dim + col) + 1] = amp[2 * r + 1];
    }
  }
  return out;
}

/** Visits every index i with the target bits clear and all control bits set, and applies M to the 2^k amplitudes i | bits(r). */
function applyOp(
  amp: Float64Array,
  op: GateOp,
  qubits: readonly number[],
): void {
  const local = (q: number): number => {
    const i = qubits.indexOf(q);
    if (i < 0) throw new Error(`opsMatrix: qubit ${q} is not in the list`);
    return i;
  };
  const targets = op.qubits.map(local);
  let targetMask = 0;
  for (const t of targets) targetMask |= 1 << t;
  let controlMask = 0;
  for (const q of op.controls) controlMask |= 1 << local(q);
  const mat = gateMatrix(op);
  const d = 1 << targets.length;
  const idx = new Array<number>(d);
  const re = new Float64Array(d);
  const im = new Float64Array(d);
  const dim = amp.length / 2;
  for (let i = 0; i < dim; i++) {
    if ((i & targetMask) !== 0 || (i & controlMask) !== controlMask) continue;
    for (let r = 0; r < d; r++) {
      let j = i;
      for (let b = 0; b < targets.length; b++)
        if ((r >> b) & 1) j |= 1 << targets[b];
      idx[r] = j;
      re[r] = amp[2 * j];
      im[r] = amp[2 * j + 1];
    }
    for (let r = 0; r < d; r++) {
      let sr = 0;
      let si = 0;
      for (let s = 0; s < d; s++) {
        const mr = mat[2 * (r * d + s)];
        const mi = mat[2 * (r * d + s) + 1];
        sr += mr * re[s] - mi * im[s];
        si += mr * im[s] + mi * re[s];
      }
      amp[2 * idx[r]] = sr;
      amp[2 * idx[r] + 1] = si;
    }
  }
}
