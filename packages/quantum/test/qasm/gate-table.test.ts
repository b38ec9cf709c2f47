import { describe, expect, it } from "vitest";
import {
  lookupGate,
  standardGateOps,
  STANDARD_GATE_NAMES,
} from "../../src/ir/gates.ts";
import { compileQasm } from "../../src/qasm/compile.ts";

const qelib1 = STANDARD_GATE_NAMES.filter((n) => lookupGate(n)?.qelib1);
const stdgates = STANDARD_GATE_NAMES.filter((n) => lookupGate(n)?.stdgates);

function call(name: string): {
  src: string;
  params: number[];
  qubits: number[];
} {
  const sig = lookupGate(name)!;
  const params = Array.from(
    { length: sig.numParams },
    (_, i) => 0.25 * (i + 1),
  );
  const qubits = Array.from(
    { length: sig.numQubits },
    (_, i) => (i * 3 + 1) % 5,
  );
  const ps = params.length ? `(${params.join(", ")})` : "";
  return {
    src: `${name}${ps} ${qubits.map((q) => `q[${q}]`).join(", ")};`,
    params,
    qubits,
  };
}

describe("standard gates through the front end", () => {
  it("covers the whole qelib1.inc", () => {
    for (const n of [
      "u1",
      "u2",
      "u3",
      "u",
      "p",
      "U",
      "id",
      "u0",
      "sxdg",
      "csx",
      "cu",
      "cu3",
      "rxx",
      "rzz",
      "rccx",
      "rc3x",
      "c3x",
      "c3sqrtx",
      "c4x",
      "cswap",
    ]) {
      expect(qelib1.includes(n) || n === "U").toBe(true);
    }
  });

  it.each(qelib1)(
    "compiles OpenQASM 2 %s like the gate table lowers it",
    (name) => {
      const { src, params, qubits } = call(name);
      const r = compileQasm(
        `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[5];\n${src}`,
      );
      expect(r.ok ? [] : r.diagnostics).toEqual([]);
      if (!r.ok) return;
      const strip = r.circuit.ops.map((op) => ({ ...op, span: undefined }));
      expect(strip).toEqual(
        standardGateOps(name, params, qubits).map((op) => ({
          ...op,
          span: undefined,
        })),
      );
    },
  );

  it.each(stdgates)("compiles OpenQASM 3 %s from stdgates.inc", (name) => {
    const { src } = call(name);
    const r = compileQasm(
      `OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[5] q;\n${src}`,
    );
    expect(r.ok ? [] : r.diagnostics).toEqual([]);
  });

  it.each(qelib1.filter((n) => n !== "U" && n !== "CX"))(
    "rejects OpenQASM 2 %s without qelib1.inc",
    (name) => {
      const r = compileQasm(`OPENQASM 2.0;\nqreg q[5];\n${call(name).src}`);
      expect(
        r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.col}`),
      ).toEqual(["QASM_UNDEFINED_GATE 3:1"]);
    },
  );
});
