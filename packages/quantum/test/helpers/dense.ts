/**
 * Dense reference simulator for tests (n <= 8 qubits): builds the full 2^n x 2^n matrix of every
 * canonical op from Kronecker products of 2x2 factors, independently of the fast simulator's
 * index arithmetic. Qubit n-1 is the leftmost Kronecker factor (little-endian basis indices).
 *
 * For an op with base matrix M on targets t_0..t_{k-1} and controls C:
 *   U = (I - P_C) + sum_{r,s} M[r][s] (x)_q f_q,
 * where f_q = |r_i><s_i| when q = t_i, |1><1| when q is a control, I otherwise, and
 * P_C = (x)_q (|1><1| on controls, I elsewhere).
 */
import { gateMatrix } from "../../src/ir/gates.ts";
import { identity, kron, matMul } from "../../src/math/matrix.ts";
import type { Circuit, GateOp } from "../../src/ir/types.ts";

/** The largest register the dense reference accepts. */
export const DENSE_MAX_QUBITS = 8;

const KET = [
  [
    Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0),
    Float64Array.of(0, 0, 1, 0, 0, 0, 0, 0),
  ],
  [
    Float64Array.of(0, 0, 0, 0, 1, 0, 0, 0),
    Float64Array.of(0, 0, 0, 0, 0, 0, 1, 0),
  ],
]; // KET[r][s] = |r><s|
const I2 = identity(2);
const P1 = KET[1][1];

function checkQubits(op: GateOp, n: number): void {
  const all = [...op.qubits, ...op.controls];
  if (n > DENSE_MAX_QUBITS)
    throw new Error(
      `dense reference supports at most ${DENSE_MAX_QUBITS} qubits, got ${n}`,
    );
  if (new Set(all).size !== all.length)
    throw new Error(`op ${op.name} repeats a qubit: ${all.join(",")}`);
  for (const q of all)
    if (!Number.isInteger(q) || q < 0 || q >= n)
      throw new Error(`op ${op.name} uses qubit ${q} outside 0..${n - 1}`);
}

/** The full 2^n x 2^n matrix of one canonical gate op (controls included) on n qubits. */
export function opUnitary(op: GateOp, n: number): Float64Array {
  checkQubits(op, n);
  const m = gateMatrix(op);
  const k = op.qubits.length;
  const d = 1 << k;
  if (m.length !== 2 * d * d)
    throw new Error(`op ${op.name}: matrix size does not match ${k} qubit(s)`);
  const dim = 1 << n;
  const out = new Float64Array(2 * dim * dim);
  if (op.controls.length > 0) {
    // I - P_C
    let pc: Float64Array = Float64Array.of(1, 0);
    for (let q = n - 1; q >= 0; q--)
      pc = kron(pc, op.controls.includes(q) ? P1 : I2);
    const id = identity(dim);
    for (let i = 0; i < out.length; i++) out[i] = id[i] - pc[i];
  }
  for (let r = 0; r < d; r++) {
    for (let s = 0; s < d; s++) {
      const mr = m[2 * (r * d + s)];
      const mi = m[2 * (r * d + s) + 1];
      if (mr === 0 && mi === 0) continue;
      let term: Float64Array = Float64Array.of(mr, mi);
      for (let q = n - 1; q >= 0; q--) {
        const t = op.qubits.indexOf(q);
        if (t >= 0) term = kron(term, KET[(r >> t) & 1][(s >> t) & 1]);
        else term = kron(term, op.controls.includes(q) ? P1 : I2);
      }
      for (let i = 0; i < out.length; i++) out[i] += term[i];
    }
  }
  return out;
}

/** The unitary of a circuit of gates and barriers (global phase included); throws on measure, reset, opaque or conditions. */
export function denseUnitary(
  circuit: Pick<Circuit, "numQubits" | "ops" | "globalPhase">,
): Float64Array {
  const n = circuit.numQubits;
  let u = identity(1 << n);
  for (const op of circuit.ops) {
    if (op.kind === "barrier") continue;
    if (op.kind !== "gate")
      throw new Error(
        `dense reference cannot build the unitary of a ${op.kind} op`,
      );
    if (op.condition)
      throw new Error(
        "dense reference cannot build the unitary of a conditioned op",
      );
    u = matMul(opUnitary(op, n), u);
  }
  const c = Math.cos(circuit.globalPhase);
  const s = Math.sin(circuit.globalPhase);
  for (let i = 0; i < u.length; i += 2) {
    const re = u[i];
    u[i] = re * c - u[i + 1] * s;
    u[i + 1] = re * s + u[i + 1] * c;
  }
  return u;
}

/** u |state> for a full matrix u and an interleaved state vector. */
export function applyMatrix(
  u: Float64Array,
  state: Float64Array,
): Float64Array {
  const dim = state.length / 2;
  const out = new Float64Array(state.length);
  for (let r = 0; r < dim; r++) {
    let re = 0;
    let im = 0;
    for (let c = 0; c < dim; c++) {
      const ur = u[2 * (r * dim + c)];
      const ui = u[2 * (r * dim + c) + 1];
      re += ur * state[2 * c] - ui * state[2 * c + 1];
      im += ur * state[2 * c + 1] + ui * state[2 * c];
    }
    out[2 * r] = re;
    out[2 * r + 1] = im;
  }
  return out;
}

/** Applies one canonical gate op to an interleaved state of n = log2(length/2) qubits; returns a new state. */
export function denseApply(state: Float64Array, op: GateOp): Float64Array {
  const n = Math.log2(state.length / 2);
  if (!Number.isInteger(n))
    throw new Error(`state length ${state.length} is not 2 * 2^n`);
  return applyMatrix(opUnitary(op, n), state);
}

/** A seeded uniform generator in [0, 1) (mulberry32), for reproducible test data. */
export function seededRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random normalised n-qubit state (Gaussian amplitudes by Box-Muller, so Haar-distributed). */
export function randomState(n: number, rng: () => number): Float64Array {
  const s = new Float64Array(2 << n);
  let norm = 0;
  for (let i = 0; i < s.length; i++) {
    const u = Math.max(rng(), 1e-300);
    s[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
    norm += s[i] * s[i];
  }
  const f = 1 / Math.sqrt(norm);
  for (let i = 0; i < s.length; i++) s[i] *= f;
  return s;
}

/** |<a|b>|^2 for interleaved states (1 when equal up to global phase, for normalised states). */
export function fidelity(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length)
    throw new Error("fidelity: states have different sizes");
  let re = 0;
  let im = 0;
  for (let i = 0; i < a.length; i += 2) {
    re += a[i] * b[i] + a[i + 1] * b[i + 1];
    im += a[i] * b[i + 1] - a[i + 1] * b[i];
  }
  return re * re + im * im;
}

/** The basis state |index> of n qubits. */
export function basisState(n: number, index: number): Float64Array {
  const s = new Float64Array(2 << n);
  s[2 * index] = 1;
  return s;
}

const PAULI: Record<string, Float64Array> = {
  I: I2,
  X: Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0),
  Y: Float64Array.of(0, 0, 0, -1, 0, 1, 0, 0),
  Z: Float64Array.of(1, 0, 0, 0, 0, 0, -1, 0),
};

/** The explicit matrix of a Pauli label in Qiskit order (label[0] acts on qubit n-1, the leftmost factor). */
export function pauliMatrix(label: string): Float64Array {
  let m: Float64Array = Float64Array.of(1, 0);
  for (const ch of label) m = kron(m, PAULI[ch]);
  return m;
}

/** Re <s| M |s> for a full matrix M. */
export function denseExpectation(m: Float64Array, s: Float64Array): number {
  const ms = applyMatrix(m, s);
  let re = 0;
  for (let i = 0; i < s.length; i++) re += s[i] * ms[i];
  return re;
}
