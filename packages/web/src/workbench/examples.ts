/**
 * The examples gallery: small, commented OpenQASM 3 programs of the classic algorithms, each of
 * which compiles and runs in the browser (a unit test compiles and simulates every one).
 */

/** One example of the gallery. */
export interface Example {
  /** Stable id (used in the address of the gallery). */
  readonly id: string;
  readonly title: string;
  /** One sentence: what it shows and what to look for in the result. */
  readonly summary: string;
  readonly source: string;
}

const HEAD = `OPENQASM 3.0;
include "stdgates.inc";
`;

/** The gallery, simplest first. */
export const EXAMPLES: readonly Example[] = [
  {
    id: "bell",
    title: "Bell pair",
    summary:
      "Two entangled qubits: only 00 and 11 are measured, each about half the time.",
    source: `// Bell pair: H then CNOT entangles two qubits
${HEAD}qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
c = measure q;
`,
  },
  {
    id: "ghz",
    title: "GHZ state",
    summary:
      "Five qubits all 0 or all 1: the outcomes are 00000 and 11111 only.",
    source: `// GHZ state on five qubits: (|00000> + |11111>) / sqrt(2)
${HEAD}qubit[5] q;
bit[5] c;
h q[0];
for int i in [0:3] {
  cx q[i], q[i + 1];
}
c = measure q;
`,
  },
  {
    id: "teleportation",
    title: "Teleportation",
    summary:
      "Moves the state ry(0.8)|0> from q[0] to q[2] with two measured bits and corrections: out is 1 in about 15% of shots (sin² 0.4).",
    source: `// Quantum teleportation with mid-circuit measurement and classical corrections
${HEAD}qubit[3] q;
bit[2] m;
bit out;
ry(0.8) q[0];      // the state to send
h q[1];
cx q[1], q[2];     // a Bell pair: q[1] with Alice, q[2] with Bob
cx q[0], q[1];     // Alice's Bell measurement
h q[0];
m[0] = measure q[0];
m[1] = measure q[1];
if (m[1]) x q[2];  // Bob's corrections
if (m[0]) z q[2];
out = measure q[2];
`,
  },
  {
    id: "grover",
    title: "Grover search",
    summary:
      "Finds the marked item 101 among 8 in two iterations: it is measured in about 95% of shots.",
    source: `// Grover search over 3 qubits for the marked state |101>
${HEAD}// controlled-controlled-Z, defined here from H and Toffoli
gate ccz a, b, t {
  h t;
  ccx a, b, t;
  h t;
}
qubit[3] q;
bit[3] c;
h q;
for int i in [0:1] {
  // oracle: flip the phase of |101> (q[2] = 1, q[1] = 0, q[0] = 1)
  x q[1];
  ccz q[0], q[1], q[2];
  x q[1];
  // diffusion: reflect about the uniform superposition
  h q;
  x q;
  ccz q[0], q[1], q[2];
  x q;
  h q;
}
c = measure q;
`,
  },
  {
    id: "qft",
    title: "Quantum Fourier transform",
    summary:
      "The QFT of |101> (5): every outcome equally likely, with the phases 5·k/8 of a turn in the statevector.",
    source: `// Quantum Fourier transform of the basis state |101> on three qubits
${HEAD}qubit[3] q;
bit[3] c;
x q[0];
x q[2];            // |101> = 5
h q[2];
cp(pi / 2) q[1], q[2];
cp(pi / 4) q[0], q[2];
h q[1];
cp(pi / 2) q[0], q[1];
h q[0];
swap q[0], q[2];   // bit reversal
c = measure q;
`,
  },
  {
    id: "deutsch-jozsa",
    title: "Deutsch–Jozsa",
    summary:
      "One query tells a balanced function from a constant one: a balanced oracle never gives 000.",
    source: `// Deutsch-Jozsa with the balanced function f(x) = x0 xor x2
${HEAD}qubit[3] x;
qubit y;
bit[3] c;
x y;
h y;               // the target in |->
h x;
cx x[0], y;        // oracle: y ^= x0 xor x2
cx x[2], y;
h x;
c = measure x;     // 000 means constant; anything else, balanced
`,
  },
  {
    id: "bernstein-vazirani",
    title: "Bernstein–Vazirani",
    summary:
      "Reads the hidden string s = 1011 in a single query: every shot gives 1011.",
    source: `// Bernstein-Vazirani: f(x) = s.x mod 2 with the hidden string s = 1011
${HEAD}qubit[4] x;
qubit y;
bit[4] c;
x y;
h y;
h x;
cx x[0], y;        // one CNOT for each 1 of s (bits 0, 1 and 3)
cx x[1], y;
cx x[3], y;
h x;
c = measure x;
`,
  },
  {
    id: "phase-estimation",
    title: "Phase estimation",
    summary:
      "Estimates the phase 3/8 of a turn of p(3π/4) on |1> with three counting qubits: every shot gives 011 (= 3).",
    source: `// Quantum phase estimation of U = p(2π·3/8) on its eigenstate |1>
${HEAD}qubit[3] a;     // counting register
qubit t;          // eigenstate register
bit[3] c;
x t;
h a;
cp(2 * pi * 3 / 8) a[0], t;      // controlled U
cp(4 * pi * 3 / 8) a[1], t;      // controlled U^2
cp(8 * pi * 3 / 8) a[2], t;      // controlled U^4
// inverse quantum Fourier transform on the counting register
swap a[0], a[2];
h a[0];
cp(-pi / 2) a[0], a[1];
h a[1];
cp(-pi / 4) a[0], a[2];
cp(-pi / 2) a[1], a[2];
h a[2];
c = measure a;
`,
  },
  {
    id: "repeat-until-success",
    title: "Repeat until success",
    summary:
      "A dynamic circuit: retries a 1-in-4 attempt until it succeeds (at most 20 times), so ok is 1 in more than 99% of shots.",
    source: `// Repeat until success: attempts run again while the measured flags say they failed
${HEAD}qubit[2] q;
bit[2] flags;
bit ok;
ok = 0;
for int attempt in [1:20] {
  if (ok == 0) {
    reset q;
    h q;               // an attempt succeeds when both qubits read 1 (probability 1/4)
    flags = measure q;
    ok = flags[0] & flags[1];
  }
}
`,
  },
  {
    id: "parameter-sweep",
    title: "Parameter sweep",
    summary:
      "ry(k·π/7) on qubit k sweeps the angle across eight qubits: qubit k reads 1 with probability sin²(kπ/14).",
    source: `// A parameter sweep in one circuit: qubit k is rotated by ry(k·π/7)
${HEAD}qubit[8] q;
bit[8] c;
for int k in [0:7] {
  ry(k * pi / 7) q[k];
}
c = measure q;
`,
  },
  {
    id: "noisy-bell",
    title: "Noisy Bell pair",
    summary:
      "The Bell pair with depolarizing noise after each gate (Braket's noise pragmas): 01 and 10 now appear too.",
    source: `// A Bell pair under depolarizing noise (simulated with the density matrix)
${HEAD}qubit[2] q;
bit[2] c;
h q[0];
#pragma braket noise depolarizing(0.05) q[0]
cx q[0], q[1];
#pragma braket noise two_qubit_depolarizing(0.08) q[0], q[1]
c = measure q;
`,
  },
  {
    id: "vqe",
    title: "VQE ansatz for H₂",
    summary:
      "The two-qubit UCC ansatz at the angle the VQE finds for H₂ (θ ≈ −0.2235): mostly 01 with a little 10. Submit it as a VQE job through the API to optimise θ.",
    source: `// VQE for H2 (minimal basis, two qubits): the UCC ansatz at its optimal angle.
// A VQE job (API, SDK or "stepfault submit") declares "input float[64] theta;" and optimises it.
${HEAD}qubit[2] q;
bit[2] c;
float[64] theta = -0.2235;
x q[0];              // Hartree-Fock state |01>
ry(theta) q[1];      // the double excitation
cx q[1], q[0];
c = measure q;
`,
  },
];

/** The example with `id`, if any. */
export function exampleById(id: string): Example | undefined {
  return EXAMPLES.find((e) => e.id === id);
}
