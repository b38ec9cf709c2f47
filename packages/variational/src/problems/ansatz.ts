/**
 * Ansatz templates as OpenQASM 3 with `input` angles (the web page's templates; any circuit with
 * inputs works as an ansatz).
 */

/**
 * Hardware-efficient ansatz: `layers` + 1 rotation layers of ry then rz on every qubit, with a
 * linear chain of cx between them. Inputs `theta_0 ... theta_{2 n (L + 1) - 1}`.
 */
export function hardwareEfficient(qubits: number, layers: number): string {
  const lines = ["OPENQASM 3.0;", 'include "stdgates.inc";'];
  const count = 2 * qubits * (layers + 1);
  for (let k = 0; k < count; k++) lines.push(`input float[64] theta_${k};`);
  lines.push(`qubit[${qubits}] q;`);
  let k = 0;
  for (let l = 0; l <= layers; l++) {
    for (let q = 0; q < qubits; q++) lines.push(`ry(theta_${k++}) q[${q}];`);
    for (let q = 0; q < qubits; q++) lines.push(`rz(theta_${k++}) q[${q}];`);
    if (l < layers)
      for (let q = 0; q + 1 < qubits; q++)
        lines.push(`cx q[${q}], q[${q + 1}];`);
  }
  return lines.join("\n") + "\n";
}

/**
 * UCC-style ansatz for two electrons in two spatial orbitals, reduced to two qubits (the H2
 * minimal-basis form): from the Hartree-Fock state |01> the one double excitation gives
 * cos(theta/2)|01> + sin(theta/2)|10>. Input `theta`.
 */
export function uccTwoElectron(): string {
  return [
    "OPENQASM 3.0;",
    'include "stdgates.inc";',
    "input float[64] theta;",
    "qubit[2] q;",
    "x q[0];",
    "ry(theta) q[1];",
    "cx q[1], q[0];",
    "",
  ].join("\n");
}
