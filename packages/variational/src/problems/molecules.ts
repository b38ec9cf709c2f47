/**
 * Molecular Hamiltonians with literature coefficients, as Pauli sums: the one record of each that
 * the web page's example, the server's tests and the benchmark read.
 */
import type { PauliTerm } from "./pauli.ts";

/**
 * H2 in the STO-3G basis at 0.735 angstrom, reduced to two qubits by the parity mapping with
 * two-qubit reduction (the coefficients of Qiskit's VQE tutorial; electronic energy in Hartree).
 * Its exact ground energy is -1.857275030202 Ha.
 */
export const H2_STO3G: readonly PauliTerm[] = [
  { pauli: "II", coefficient: -1.052373245772859 },
  { pauli: "IZ", coefficient: 0.39793742484318045 },
  { pauli: "ZI", coefficient: -0.39793742484318045 },
  { pauli: "ZZ", coefficient: -0.01128010425623538 },
  { pauli: "XX", coefficient: 0.18093119978423156 },
];
