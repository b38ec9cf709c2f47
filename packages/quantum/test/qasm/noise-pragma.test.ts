import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { toQasm3 } from "../../src/ir/export.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { compileOk, opsOf } from "./helpers.ts";

const HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\n';

function errorsOf(src: string): string[] {
  const r = compileQasm(src, { fileName: "noisy.qasm" });
  expect(r.ok).toBe(false);
  return r.diagnostics.map(
    (d) => `${d.span.line}:${d.span.col}: ${d.code}: ${d.message}`,
  );
}

describe("#pragma braket noise", () => {
  it("applies channels where they stand, in program order", () => {
    expect(
      opsOf(
        HEAD +
          "h q[0];\n#pragma braket noise depolarizing(0.01) q[0]\ncx q[0], q[1];\n" +
          "#pragma braket noise two_qubit_depolarizing(0.02) q[0], q[1]\n" +
          "#pragma braket noise pauli_channel(0.1, 0.2, 0.3) q[2]\n",
      ),
    ).toEqual([
      "h q0",
      "noise depolarizing(0.01) q0",
      "x c0 q1",
      // Braket's first qubit is the most significant: the IR lists it last.
      "noise two_qubit_depolarizing(0.02) q1 q0",
      "noise pauli_channel(0.1, 0.2, 0.3) q2",
    ]);
  });

  it("reads Kraus matrices with [re, im] entries and broadcasts one-qubit channels over a register", () => {
    const c = compileOk(
      HEAD +
        "#pragma braket noise kraus([[1,0],[0,0.9]], [[0,0.43589],[0,0]]) q[1]\n" +
        "#pragma braket noise kraus([[[0.6, 0], 0], [0, [0, 0.6]]], [[0, 0.8], [0.8, 0]]) q[0]\n" +
        "#pragma braket noise bit_flip(0.1) q\n",
    );
    const noise = c.ops.flatMap((o) => (o.kind === "noise" ? [o] : []));
    expect(noise.map((o) => o.qubits)).toEqual([[1], [0], [0], [1], [2]]);
    expect(Array.from(noise[1].channel.kraus[0])).toEqual([
      0.6, 0, 0, 0, 0, 0, 0, 0.6,
    ]);
  });

  it("ignores other pragmas and round-trips through the OpenQASM 3 export", () => {
    const src =
      HEAD +
      '#pragma qiskit anything "at all\nh q[0];\n' +
      "#pragma braket noise amplitude_damping(0.25) q[0]\n" +
      "#pragma braket noise kraus([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]]) q[2], q[0]\n";
    const c = compileOk(src);
    const out = toQasm3(c);
    if (!out.ok) throw new Error("export failed");
    expect(out.source).toContain(
      "#pragma braket noise amplitude_damping(0.25) q[0]",
    );
    expect(out.source).toContain("kraus([[1, 0, 0, 0]");
    expect(out.source).toContain("q[2], q[0]");
    expect(opsOf(out.source)).toEqual(opsOf(src));
  });

  it("reports invalid channels with their place", () => {
    expect(
      errorsOf(
        HEAD +
          "#pragma braket noise depolarizing(1.5) q[0]\n" +
          "#pragma braket noise kraus([[1,0],[0,0.5]]) q[1]\n" +
          "#pragma braket noise two_qubit_dephasing(0.1) q[0]\n" +
          "#pragma braket noise amplitude_damping(0.1, 0.2) q[0]\n" +
          "#pragma braket noise teleport(0.1) q[0]\n" +
          "#pragma braket noise bit_flip(0.1) r[0]\n" +
          "#pragma braket noise kraus([[1,0]]) q[0]\n" +
          "#pragma braket noise two_qubit_depolarizing(0.1) q[0], q[0]\n" +
          "#pragma braket noise bit_flip(0.1\n",
      ),
    ).toEqual([
      "4:35: QASM_BAD_NOISE: depolarizing: p must be in [0, 1], got 1.5",
      "5:22: QASM_BAD_NOISE: kraus: the Kraus operators are not trace preserving (sum of K^dagger K differs from the identity by 0.750)",
      "6:1: QASM_BAD_NOISE: two_qubit_dephasing acts on 2 qubits, got 1 operand(s)",
      "7:40: QASM_BAD_NOISE: amplitude_damping takes 1 parameter (gamma), got 2",
      '8:22: QASM_BAD_NOISE: unknown noise channel "teleport" (known: bit_flip, phase_flip, depolarizing, pauli_channel, amplitude_damping, generalized_amplitude_damping, phase_damping, two_qubit_depolarizing, two_qubit_dephasing, kraus)',
      "9:36: QASM_UNDEFINED_REGISTER: register 'r' is not declared",
      "10:29: QASM_BAD_NOISE: row 1 of a 1x1 Kraus matrix must have 1 entries",
      "11:1: QASM_BAD_NOISE: two_qubit_depolarizing needs two different qubits",
      "12:30: QASM_UNBALANCED: '(' is never closed (expected ')')",
    ]);
  });

  it("applies noise inside a branch on a measured bit only when the branch runs", () => {
    const src = (prep: string) =>
      HEAD +
      `bit[2] b;\n${prep}b[0] = measure q[0];\nif (b[0]) {\n#pragma braket noise bit_flip(1) q[1]\n}\nb[1] = measure q[1];\n`;
    for (const [prep, want] of [
      ["x q[0];\n", "11"],
      ["", "00"],
    ]) {
      const r = simulate(compileOk(src(prep)), { shots: 50, seed: 1 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.result.method).toBe("trajectories");
      expect(r.result.counts).toEqual({ [want]: 50 });
    }
  });
});
