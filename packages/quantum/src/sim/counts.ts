/**
 * Count keys in Qiskit's `get_counts` format: each classical register printed most-significant bit
 * first, registers separated by a space, the last-declared register leftmost. With no classical
 * bits, all qubits are printed, qubit n-1 leftmost.
 */
import type { Register } from "../ir/types.ts";

/** Formats classical bit values (bits[i] is clbit i) as a count key. */
export function countsKey(
  bits: Uint8Array,
  cregs: readonly Register[],
): string {
  if (cregs.length === 0) return bitString(bits, 0, bits.length);
  const parts: string[] = [];
  for (let r = cregs.length - 1; r >= 0; r--)
    parts.push(bitString(bits, cregs[r].offset, cregs[r].size));
  return parts.join(" ");
}

function bitString(bits: Uint8Array, offset: number, size: number): string {
  let s = "";
  for (let i = offset + size - 1; i >= offset; i--) s += bits[i] ? "1" : "0";
  return s;
}

/** The key of basis index `index` over all n qubits (qubit n-1 leftmost). */
export function basisKey(index: number, n: number): string {
  let s = "";
  for (let q = n - 1; q >= 0; q--)
    s += Math.floor(index / 2 ** q) % 2 ? "1" : "0";
  return s;
}
