/**
 * The OpenQASM 3 text of a noise operation in Amazon Braket's pragma syntax:
 * `#pragma braket noise depolarizing(0.01) q[0]`, `#pragma braket noise kraus([[1, 0], [0, 0.9]],
 * [[0, 0.43589], [0, 0]]) q[1]`. Complex entries are `[re, im]` pairs. As in Braket, the first
 * listed qubit is the most-significant bit of a two-qubit matrix, so the IR's qubit order (first
 * qubit least significant) is reversed in the text.
 */
import type { Channel } from "./channels.ts";
import type { NoiseOp } from "./types.ts";

function entry(re: number, im: number): string {
  return im === 0 ? String(re) : `[${re}, ${im}]`;
}

/** A Kraus matrix as nested rows, complex entries as [re, im]. */
export function matrixText(m: Float64Array): string {
  const d = Math.round(Math.sqrt(m.length / 2));
  const rows: string[] = [];
  for (let r = 0; r < d; r++) {
    const cells: string[] = [];
    for (let c = 0; c < d; c++)
      cells.push(entry(m[2 * (r * d + c)], m[2 * (r * d + c) + 1]));
    rows.push(`[${cells.join(", ")}]`);
  }
  return `[${rows.join(", ")}]`;
}

/** The call part of a pragma: `depolarizing(0.01)` or `kraus([[...]], ...)`. */
export function channelCallText(ch: Channel): string {
  if (ch.params.length > 0 || ch.kraus.length === 0)
    return `${ch.name}(${ch.params.map(String).join(", ")})`;
  return `kraus(${ch.kraus.map(matrixText).join(", ")})`;
}

/** The pragma line of a noise op, with `names[q]` the OpenQASM name of qubit q. */
export function noisePragmaText(op: NoiseOp, names: readonly string[]): string {
  const qs = [...op.qubits].reverse().map((q) => names[q]);
  return `#pragma braket noise ${channelCallText(op.channel)} ${qs.join(", ")}`;
}
