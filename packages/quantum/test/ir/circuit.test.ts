import { describe, expect, it } from "vitest";
import {
  appendOps,
  circuitDepth,
  countOps,
  createCircuit,
  isDynamic,
  withGlobalPhase,
  withOps,
} from "../../src/ir/circuit.ts";
import { standardGateOps } from "../../src/ir/gates.ts";
import type { GateOp, Operation } from "../../src/ir/types.ts";

const g = (
  name: string,
  qubits: number[],
  controls: number[] = [],
): GateOp => ({ kind: "gate", name, qubits, params: [], controls });

describe("circuit helpers", () => {
  describe("createCircuit", () => {
    it("makes an empty circuit with default registers", () => {
      const c = createCircuit(3, { numClbits: 2 });
      expect(c).toEqual({
        numQubits: 3,
        numClbits: 2,
        qregs: [{ name: "q", size: 3, offset: 0 }],
        cregs: [{ name: "c", size: 2, offset: 0 }],
        ops: [],
        globalPhase: 0,
        inputs: [],
      });
      expect(createCircuit(1).cregs).toEqual([]);
    });
  });

  describe("withOps / appendOps / withGlobalPhase", () => {
    it("return new circuits and leave the original untouched", () => {
      const a = createCircuit(2);
      const b = appendOps(a, [g("h", [0])]);
      const c = appendOps(b, standardGateOps("cx", [], [0, 1]));
      const d = withOps(c, [g("x", [1])]);
      const e = withGlobalPhase(d, 0.5);
      expect(a.ops).toEqual([]);
      expect(b.ops).toHaveLength(1);
      expect(c.ops.map((o) => (o as GateOp).name)).toEqual(["h", "x"]);
      expect(d.ops).toEqual([g("x", [1])]);
      expect(e.globalPhase).toBe(0.5);
      expect(d.globalPhase).toBe(0);
    });
  });

  describe("countOps", () => {
    it("counts by name with one c per control", () => {
      const ops: Operation[] = [
        g("h", [0]),
        g("x", [1], [0]),
        g("x", [2], [0, 1]),
        g("x", [1], [0]),
        { kind: "measure", qubit: 0, clbit: 0 },
        { kind: "barrier", qubits: [0, 1] },
      ];
      expect(countOps(createCircuit(3, { numClbits: 1, ops }))).toEqual({
        h: 1,
        cx: 2,
        ccx: 1,
        measure: 1,
        barrier: 1,
      });
    });
  });

  describe("circuitDepth", () => {
    it("counts the longest chain over qubits and classical bits, ignoring barriers", () => {
      expect(circuitDepth(createCircuit(2))).toBe(0);
      const bell = createCircuit(3, {
        numClbits: 1,
        ops: [
          g("h", [0]),
          g("h", [2]),
          g("x", [1], [0]),
          { kind: "barrier", qubits: [0, 1, 2] },
        ],
      });
      expect(circuitDepth(bell)).toBe(2);
      const cond = appendOps(bell, [
        { kind: "measure", qubit: 1, clbit: 0 },
        { ...g("x", [2]), condition: { clbits: [0], op: "==", value: 1 } },
      ]);
      expect(circuitDepth(cond)).toBe(4);
      expect(
        circuitDepth(
          createCircuit(1, {
            ops: [
              {
                kind: "gate",
                name: "gphase",
                qubits: [],
                params: [1],
                controls: [],
              },
            ],
          }),
        ),
      ).toBe(0);
    });
  });

  describe("isDynamic", () => {
    it("flags mid-circuit measurement, reset and conditions but not final measurement", () => {
      const final = createCircuit(2, {
        numClbits: 2,
        ops: [
          g("h", [0]),
          { kind: "measure", qubit: 0, clbit: 0 },
          { kind: "measure", qubit: 1, clbit: 1 },
        ],
      });
      expect(isDynamic(final)).toBe(false);
      expect(isDynamic(appendOps(final, [g("x", [0])]))).toBe(true);
      expect(isDynamic(appendOps(final, [g("x", [1])]))).toBe(true);
      expect(
        isDynamic(createCircuit(1, { ops: [{ kind: "reset", qubit: 0 }] })),
      ).toBe(true);
    });
  });
});
