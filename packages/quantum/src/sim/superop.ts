/**
 * A channel's superoperator S = sum_k conj(K_k) (x) K_k as ops of the doubled (density-matrix)
 * circuit, on its row qubits q and column qubits q + n (S's index: rows low, columns high). A
 * dense 4x4 or 16x16 runs in the TypeScript kernels, so S is rewritten where its shape allows:
 * - Pauli channels (bit_flip, phase_flip, depolarizing, pauli_channel and the two-qubit ones):
 *   after cx (row -> column) and h on the row qubits, S is diagonal, so it runs as cx, h, one
 *   diagonal, h, cx (one-target ops and a diagonal: the SIMD kernels, merged into few passes);
 * - other one-qubit channels (amplitude and phase damping, resets): S only couples rho_00 with
 *   rho_11 and rho_01 with rho_10, so after a cx it is a 2x2 on the row qubit per value of the
 *   column qubit (two controlled 2x2s);
 * - anything else stays one dense matrix op.
 */
import { superoperator, type Channel } from "../ir/channels.ts";
import type { GateOp } from "../ir/types.ts";
import { matMul } from "../math/matrix.ts";

function gate(
  name: string,
  qubits: number[],
  controls: number[] = [],
  matrix?: Float64Array,
): GateOp {
  return {
    kind: "gate",
    name,
    qubits,
    params: [],
    controls,
    ...(matrix ? { matrix } : {}),
  };
}

/** The ops applying channel ch on `qubits` to vec(rho) of an n-qubit density matrix. */
export function channelOps(
  ch: Channel,
  qubits: readonly number[],
  n: number,
): GateOp[] {
  const s = superoperator(ch);
  return (
    (qubits.length === 1
      ? splitSuperoperator(s, qubits[0], n)
      : diagonalisedSuperoperator(s, qubits, n)) ?? [
      gate("unitary", [...qubits, ...qubits.map((q) => q + n)], [], s),
    ]
  );
}

/** Entries this small count as zero when looking for the shape of a superoperator. */
const ZERO_TOLERANCE = 1e-13;

/**
 * The real orthogonal basis change B = (h on every row qubit) (x on column i controlled by row i,
 * for every i) on k row and k column qubits (row i = bit i, column i = bit k + i), as a matrix.
 */
function pauliBasis(k: number): Float64Array {
  const d = 1 << (2 * k);
  const rows = (1 << k) - 1;
  const m = new Float64Array(2 * d * d);
  const norm = 2 ** (-k / 2);
  for (let x = 0; x < d; x++) {
    const cx = x ^ ((x & rows) << k); // column bits flipped where the row bit is set
    for (let y = 0; y < d; y++) {
      if (y >> k !== cx >> k) continue;
      let parity = 0;
      for (let v = y & cx & rows; v; v &= v - 1) parity ^= 1;
      m[2 * (y * d + x)] = parity ? -norm : norm;
    }
  }
  return m;
}

/**
 * S as B^T D B with D diagonal (a Pauli channel), as ops: the cx and h of B, D, then those of B^T
 * in reverse order. Undefined when B S B^T is not diagonal.
 */
function diagonalisedSuperoperator(
  s: Float64Array,
  qubits: readonly number[],
  n: number,
): GateOp[] | undefined {
  const k = qubits.length;
  const d = 1 << (2 * k);
  const b = pauliBasis(k);
  const bt = new Float64Array(b.length);
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) bt[2 * (c * d + r)] = b[2 * (r * d + c)];
  const t = matMul(matMul(b, s), bt);
  const diag = new Float64Array(2 * d * d);
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++) {
      const re = t[2 * (r * d + c)],
        im = t[2 * (r * d + c) + 1];
      if (r !== c) {
        if (Math.hypot(re, im) > ZERO_TOLERANCE) return undefined;
      } else {
        diag[2 * (r * d + r)] = re;
        diag[2 * (r * d + r) + 1] = Math.abs(im) > ZERO_TOLERANCE ? im : 0;
      }
    }
  // Trace preservation makes the first entry exactly 1 (fusion factors it out as a phase).
  if (Math.abs(diag[0] - 1) > ZERO_TOLERANCE || diag[1] !== 0) return undefined;
  diag[0] = 1;
  const cxs = qubits.map((q) => gate("x", [q + n], [q]));
  const hs = qubits.map((q) => gate("h", [q]));
  return [
    ...cxs,
    ...hs,
    gate("unitary", [...qubits, ...qubits.map((q) => q + n)], [], diag),
    ...hs,
    ...cxs,
  ];
}

/**
 * A one-qubit superoperator S (on row qubit r = bit 0 and column qubit c = bit 1 of its index)
 * that only couples rho_00 with rho_11 and rho_01 with rho_10, as every named one-qubit channel's
 * does, as cheap one-target ops: with X on c controlled by r (cx) before and after, the pair
 * {00, 11} becomes {r = 0, 1 at c = 0} and {10, 01} becomes {r = 1, 0 at c = 1}, so S is a 2x2 on r
 * per value of c. Undefined when S has any other entry.
 */
function splitSuperoperator(
  s: Float64Array,
  q: number,
  n: number,
): GateOp[] | undefined {
  const at = (r: number, c: number) => 2 * (4 * r + c);
  const inBlock = (r: number, c: number) =>
    (r === 0 || r === 3) === (c === 0 || c === 3);
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++)
      if (
        !inBlock(r, c) &&
        Math.hypot(s[at(r, c)], s[at(r, c) + 1]) > ZERO_TOLERANCE
      )
        return undefined;
  const sub = (rows: number[]) => {
    const m = new Float64Array(8);
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        m[2 * (2 * i + j)] = s[at(rows[i], rows[j])];
        m[2 * (2 * i + j) + 1] = s[at(rows[i], rows[j]) + 1];
      }
    return m;
  };
  const col = q + n;
  const cx = gate("x", [col], [q]);
  return [
    cx,
    gate("x", [col]),
    gate("unitary", [q], [col], sub([0, 3])), // c = 0 (flipped to 1): rho_00, rho_11
    gate("x", [col]),
    gate("unitary", [q], [col], sub([2, 1])), // c = 1: rho_10 (r = 0), rho_01 (r = 1)
    cx,
  ];
}
