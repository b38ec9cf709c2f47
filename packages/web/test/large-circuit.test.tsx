// @vitest-environment jsdom
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { initialState } from "../src/composer/actions.ts";
import { ComposerPanel } from "../src/composer/ComposerPanel.tsx";
import { compileSource } from "../src/qasm/quantum-api.ts";

afterEach(cleanup);

function randomCircuit(qubits: number, gates: number): string {
  const lines = [
    "OPENQASM 2.0;",
    'include "qelib1.inc";',
    `qreg q[${qubits}];`,
    `creg c[${qubits}];`,
  ];
  let seed = 7;
  const rnd = (n: number) => (
    (seed = (seed * 1103515245 + 12345) % 2 ** 31),
    seed % n
  );
  for (let i = 0; i < gates; i++) {
    const a = rnd(qubits);
    const b = (a + 1 + rnd(qubits - 1)) % qubits;
    lines.push(
      i % 3 === 0
        ? `cx q[${a}], q[${b}];`
        : i % 3 === 1
          ? `h q[${a}];`
          : `rz(pi/${1 + rnd(8)}) q[${a}];`,
    );
  }
  return lines.join("\n") + "\n";
}

describe("ComposerPanel on large circuits", () => {
  it("draws a 20-qubit, 500-gate circuit gate by gate", () => {
    const r = compileSource(randomCircuit(20, 500));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const { container } = render(
      <ComposerPanel state={initialState(r.circuit)} onChange={() => {}} />,
    );
    expect(container.querySelectorAll("[data-op-index]")).toHaveLength(500);
  });
  it("shows an overview instead of a drawing above 40 qubits", () => {
    const r = compileSource(randomCircuit(64, 3000));
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const { container, getByLabelText } = render(
      <ComposerPanel state={initialState(r.circuit)} onChange={() => {}} />,
    );
    expect(container.querySelector("svg.circuit")).toBeNull();
    expect(getByLabelText("Circuit overview").textContent).toContain(
      "64 qubits, 3000 operations",
    );
  });
});

describe("ComposerPanel conditions", () => {
  it("marks a classically conditioned gate with its value", () => {
    const r = compileSource(
      'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nmeasure q[0] -> c[0];\nif(c==1) x q[1];\n',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    const { container } = render(
      <ComposerPanel state={initialState(r.circuit)} onChange={() => {}} />,
    );
    const marks = container.querySelectorAll(".condition");
    expect(marks).toHaveLength(1);
    expect(marks[0].textContent).toBe("1");
  });
});
