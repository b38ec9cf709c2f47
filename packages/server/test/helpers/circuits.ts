/** OpenQASM sources shared by the server tests. */

/** A Bell pair, measured: about half 00 and half 11. */
export const BELL =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n';

/** Ten qubits in uniform superposition: a 1,024-amplitude statevector and a wide histogram. */
export const WIDE =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[10];\ncreg c[10];\nh q;\nmeasure q -> c;\n';

/** Runs until cancelled (every measurement of a fresh |+> splits the million shots). */
export const SLOW = `OPENQASM 3.0;
include "stdgates.inc";
qubit[10] q;
bit[10] c;
for int i in [0:199] {
  h q;
  c = measure q;
}
`;

/** Teleports |1>: mid-circuit measurements and classically controlled corrections. */
export const TELEPORT = `OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[2] m;
bit[1] out;
x q[0];
h q[1];
cx q[1], q[2];
cx q[0], q[1];
h q[0];
m[0] = measure q[0];
m[1] = measure q[1];
if (m[1]) x q[2];
if (m[0]) z q[2];
out[0] = measure q[2];
`;
