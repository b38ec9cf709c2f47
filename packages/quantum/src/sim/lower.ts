/**
 * Lowering of gate units (a matrix on an ordered qubit list) to the cheapest kernel instruction:
 * diagonal -> diag sweep, (controlled) X / SWAP -> amplitude swaps, 1 or 2 targets -> unrolled
 * dense kernels, otherwise the general dense-k kernel with a control mask.
 */
import type { KernelInstr } from "./instructions.ts";
import { matrixOffsets } from "./kernels/dense-k.ts";
import { gatherTables } from "./kernels/diagonal.ts";

/** A gate on an ordered qubit list: a dense matrix (qubits[0] = LSB) or, when diag, its diagonal. */
export interface Unit {
  readonly qubits: readonly number[];
  readonly diag: boolean;
  readonly mat: Float64Array;
}

/** The largest diagonal table built for one sweep. */
export const DIAG_MAX_QUBITS = 8;

function sortedBits(qs: readonly number[]): Int32Array {
  return Int32Array.from([...qs].sort((x, y) => x - y));
}

/** True when the dense d x d matrix has no non-zero off-diagonal entry. */
export function isDiagonalMatrix(m: Float64Array, d: number): boolean {
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++)
      if (r !== c && (m[2 * (r * d + c)] !== 0 || m[2 * (r * d + c) + 1] !== 0))
        return false;
  return true;
}

/** The diagonal of a d x d matrix, interleaved. */
export function diagonalOf(m: Float64Array, d: number): Float64Array {
  const out = new Float64Array(2 * d);
  for (let r = 0; r < d; r++) {
    out[2 * r] = m[2 * (r * d + r)];
    out[2 * r + 1] = m[2 * (r * d + r) + 1];
  }
  return out;
}

/** Lowers a dense matrix on `targets` with extra `controls` (not part of the matrix) to an instruction. */
export function lowerControlled(
  targets: readonly number[],
  controls: readonly number[],
  m: Float64Array,
): KernelInstr {
  const k = targets.length;
  const d = 1 << k;
  const cmask = controls.reduce((acc, c) => acc | (1 << c), 0);
  if (isDiagonalMatrix(m, d) && k + controls.length <= DIAG_MAX_QUBITS) {
    // Diagonal over targets (low bits of the table) and controls (high bits): identity unless all controls are 1.
    const qs = [...targets, ...controls];
    const full = new Float64Array(2 << qs.length);
    const dd = diagonalOf(m, d);
    const high = ((1 << controls.length) - 1) << k;
    for (let j = 0; j < 1 << qs.length; j++) {
      if ((j & high) === high) {
        full[2 * j] = dd[2 * (j & (d - 1))];
        full[2 * j + 1] = dd[2 * (j & (d - 1)) + 1];
      } else full[2 * j] = 1;
    }
    return diagInstr(qs, full);
  }
  const bits = sortedBits([...targets, ...controls]);
  if (k === 1 && isPauliX(m))
    return { kind: "swap", bits, cmask, oa: 0, ob: 2 * 2 ** targets[0] };
  if (k === 2 && isSwap(m))
    return {
      kind: "swap",
      bits,
      cmask,
      oa: 2 * 2 ** targets[0],
      ob: 2 * 2 ** targets[1],
    };
  if (controls.length === 0 && k === 1) {
    if (m[1] === 0 && m[3] === 0 && m[5] === 0 && m[7] === 0)
      return { kind: "mat1r", t: targets[0], m };
    if (
      m[1] === 0 &&
      m[7] === 0 &&
      m[0] === m[6] &&
      m[2] === 0 &&
      m[4] === 0 &&
      m[3] === m[5]
    )
      return { kind: "mat1x", t: targets[0], m };
    return { kind: "mat1", t: targets[0], m };
  }
  if (controls.length === 0 && k === 2)
    return { kind: "mat2", q0: targets[0], q1: targets[1], m };
  if (k === 1) return { kind: "mat1c", t: targets[0], bits, cmask, m };
  if (k > 10)
    throw new Error(
      `invariant: a ${k}-qubit matrix is beyond the dense kernel`,
    );
  return { kind: "matk", offs: matrixOffsets(targets), bits, cmask, m };
}

/** Lowers a unit (its matrix covers all of its qubits) to an instruction. */
export function lowerUnit(u: Unit): KernelInstr {
  if (u.diag) return diagInstr(u.qubits, u.mat);
  return lowerControlled(u.qubits, [], u.mat);
}

/** A diagonal over `qubits` (2^k interleaved entries): a masked phase when only the all-ones entry differs from 1. */
export function diagInstr(
  qubits: readonly number[],
  d: Float64Array,
): KernelInstr {
  const last = d.length - 2;
  let onlyLast = qubits.length > 0;
  for (let j = 0; j < last && onlyLast; j += 2)
    onlyLast = d[j] === 1 && d[j + 1] === 0;
  if (onlyLast) {
    const cmask = qubits.reduce((acc, q) => acc | (1 << q), 0);
    return {
      kind: "phase",
      bits: sortedBits(qubits),
      cmask,
      dr: d[last],
      di: d[last + 1],
    };
  }
  const qs = Int32Array.from(qubits);
  if (d[0] === 1 && d[1] === 0 && qs.length >= 2 && qs.length <= 3)
    return {
      kind: "diagg",
      qs,
      bits: sortedBits(qubits),
      offs: matrixOffsets(qubits),
      d,
    };
  return {
    kind: "diag",
    qs,
    d,
    gather: qs.length >= 2 ? gatherTables(qs) : new Int32Array(0),
  };
}

/** True when the interleaved 2x2 m is exactly X. */
export function isPauliX(m: Float64Array): boolean {
  return (
    m[0] === 0 &&
    m[1] === 0 &&
    m[2] === 1 &&
    m[3] === 0 &&
    m[4] === 1 &&
    m[5] === 0 &&
    m[6] === 0 &&
    m[7] === 0
  );
}

function isSwap(m: Float64Array): boolean {
  const want = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1];
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      if (
        m[2 * (r * 4 + c) + 1] !== 0 ||
        m[2 * (r * 4 + c)] !== want[r * 4 + c]
      )
        return false;
    }
  return true;
}
