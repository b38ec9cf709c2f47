import { describe, expect, it } from "vitest";
import { createCircuit } from "../../src/ir/circuit.ts";
import {
  circuitFromJson,
  circuitToJson,
  upgradeCircuitJson,
} from "../../src/ir/json.ts";
import type { Circuit } from "../../src/ir/types.ts";
import { gateMatrix } from "../../src/ir/gates.ts";

const sample: Circuit = {
  ...createCircuit(3, {
    numClbits: 2,
    globalPhase: 0.25,
    sourceVersion: "3.0",
    inputs: [{ name: "theta", type: "float[64]" }],
  }),
  ops: [
    {
      kind: "gate",
      name: "rx",
      qubits: [0],
      params: [0.1],
      controls: [],
      span: { line: 3, col: 1, endLine: 3, endCol: 12 },
    },
    { kind: "gate", name: "x", qubits: [2], params: [], controls: [0, 1] },
    {
      kind: "gate",
      name: "unitary",
      qubits: [1],
      params: [],
      controls: [2],
      matrix: gateMatrix({ name: "u3", params: [0.3, 0.2, 0.1] }),
    },
    { kind: "measure", qubit: 0, clbit: 1 },
    { kind: "reset", qubit: 1, condition: { clbits: [1], op: "==", value: 1 } },
    { kind: "barrier", qubits: [0, 1, 2] },
    { kind: "opaque", name: "magic", qubits: [0, 2], params: [1.5] },
  ],
};

const errorsOf = (json: unknown) => {
  const r = circuitFromJson(json);
  if (r.ok) throw new Error("expected errors");
  return r.errors;
};

describe("circuit JSON form", () => {
  it("round-trips every kind of operation through JSON text", () => {
    const json = circuitToJson(sample);
    expect(json.format).toBe("stepfault.circuit");
    expect(json.version).toBe(1);
    const r = circuitFromJson(JSON.parse(JSON.stringify(json)));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.circuit).toEqual(sample);
  });

  it("writes unitary matrices as [re, im] pairs", () => {
    const ops = circuitToJson(sample).ops as { matrix?: unknown }[];
    expect((ops[2].matrix as number[][])[0]).toHaveLength(2);
    expect(ops[2].matrix).toHaveLength(4);
  });

  describe("upgradeCircuitJson", () => {
    it("accepts the current version and refuses unknown formats and newer versions", () => {
      expect(upgradeCircuitJson(circuitToJson(sample)).ok).toBe(true);
      expect(upgradeCircuitJson({ format: "other", version: 1 })).toMatchObject(
        { ok: false, errors: [{ path: "format" }] },
      );
      const newer = upgradeCircuitJson({
        format: "stepfault.circuit",
        version: 99,
      });
      expect(newer.ok).toBe(false);
      if (!newer.ok) expect(newer.errors[0].message).toMatch(/newer/);
      expect(upgradeCircuitJson("nope").ok).toBe(false);
    });
  });

  describe("circuitFromJson validation", () => {
    const base = () => JSON.parse(JSON.stringify(circuitToJson(sample)));

    it("reports bad fields with their paths, several at once", () => {
      const j = base();
      j.numQubits = -1;
      j.ops[0].params = ["x"];
      j.ops[1].qubits = [7];
      const errs = errorsOf(j);
      const paths = errs.map((e) => e.path);
      expect(paths).toContain("numQubits");
      expect(paths).toContain("ops[0].params[0]");
      expect(paths).toContain("ops[1].qubits[0]");
    });

    it("checks gate names, arity, distinct qubits and unitarity", () => {
      const j = base();
      j.ops[0].name = "frob";
      j.ops[1].controls = [2];
      j.ops[2].matrix[0] = [2, 0];
      j.ops.push({
        kind: "gate",
        name: "cx",
        qubits: [0, 1],
        params: [],
        controls: [],
      });
      j.ops.push({
        kind: "gate",
        name: "rz",
        qubits: [0],
        params: [],
        controls: [],
      });
      j.ops.push({ kind: "teleport" });
      const msgs = errorsOf(j).map((e) => `${e.path}: ${e.message}`);
      expect(
        msgs.some((m) => /ops\[0\]\.name: unknown gate "frob"/.test(m)),
      ).toBe(true);
      expect(
        msgs.some((m) => /ops\[1\]\.qubits: qubits must be distinct/.test(m)),
      ).toBe(true);
      expect(
        msgs.some((m) => /ops\[2\]\.matrix: the matrix is not unitary/.test(m)),
      ).toBe(true);
      expect(
        msgs.some((m) => /ops\[7\]\.name: unknown gate "cx"/.test(m)),
      ).toBe(true);
      expect(
        msgs.some((m) => /ops\[8\]\.params: rz takes 1 parameter/.test(m)),
      ).toBe(true);
      expect(msgs.some((m) => /ops\[9\]\.kind/.test(m))).toBe(true);
    });

    it("checks registers, conditions and clbits against the circuit size", () => {
      const j = base();
      j.cregs = [{ name: "c", size: 5, offset: 0 }];
      j.ops[3].clbit = 2;
      j.ops[4].condition.op = "~";
      const paths = errorsOf(j).map((e) => e.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          "cregs[0]",
          "ops[3].clbit",
          "ops[4].condition.op",
        ]),
      );
    });

    it("never throws on junk", () => {
      for (const junk of [
        null,
        3,
        [],
        { format: "stepfault.circuit", version: 1 },
        {
          format: "stepfault.circuit",
          version: 1,
          numQubits: 1,
          numClbits: 0,
          qregs: "x",
          cregs: [],
          ops: [null, 1, "a"],
        },
      ])
        expect(circuitFromJson(junk).ok).toBe(false);
    });
  });
});
