/**
 * Pauli sums as the problem builders produce them and the exact reference reads them: terms of a
 * real coefficient times a Pauli label in Qiskit's order ("ZZI": the rightmost character is
 * qubit 0), the same text form the primitives parse (`0.5 * ZZI - 1.2 * IXX`).
 */

/** One term: coefficient times a Pauli label. */
export interface PauliTerm {
  readonly coefficient: number;
  readonly pauli: string;
}

/** A label of `n` qubits with `ops` placed on the given qubits (qubit 0 rightmost). */
export function pauliLabel(
  n: number,
  ops: Readonly<Record<number, string>>,
): string {
  let s = "";
  for (let q = n - 1; q >= 0; q--) s += ops[q] ?? "I";
  return s;
}

/** The text form `c1 * P1 + c2 * P2 ...` (exact round trip of the coefficients). */
export function pauliSumText(terms: readonly PauliTerm[]): string {
  if (terms.length === 0) return "0";
  return terms
    .map((t, i) => {
      const c = t.coefficient;
      const sign = c < 0 ? "-" : "+";
      const body = `${Math.abs(c)} * ${t.pauli}`;
      return i === 0 ? (c < 0 ? `-${body}` : body) : ` ${sign} ${body}`;
    })
    .join("");
}

/** Merges equal labels and drops zero terms. */
export function simplify(terms: readonly PauliTerm[]): PauliTerm[] {
  const by = new Map<string, number>();
  for (const t of terms)
    by.set(t.pauli, (by.get(t.pauli) ?? 0) + t.coefficient);
  return [...by]
    .filter(([, c]) => c !== 0)
    .map(([pauli, coefficient]) => ({ pauli, coefficient }));
}
