import type { Circuit, GateOp, Operation } from "@stepfault/quantum";
import { describe, expect, it } from "vitest";
import {
  addOp,
  deleteOp,
  emptyCircuit,
  initialState,
  moveOp,
  redo,
  replaceFromText,
  setQubitCount,
  shiftWires,
  stepOp,
  undo,
} from "../src/composer/actions.ts";
import { layoutCircuit } from "../src/composer/layout.ts";
import { circuitToQasm } from "../src/qasm/quantum-api.ts";

const gate = (
  name: string,
  qubits: number[],
  controls: number[] = [],
  params: number[] = [],
): GateOp => ({
  kind: "gate",
  name,
  qubits,
  controls,
  params,
});
/** The statements of the circuit as OpenQASM 3, without the header and declarations. */
function body(c: Circuit): string {
  const printed = circuitToQasm(c, "3.0");
  if (!printed.ok) throw new Error(printed.message);
  return printed.text
    .split("\n")
    .filter((l) => l.trim() && !/^(OPENQASM|include|qubit|bit)\b/.test(l))
    .join("\n");
}

describe("composer actions", () => {
  describe("addOp", () => {
    it("appends a gate at the end of its wire and records one undo step", () => {
      const s = addOp(initialState(emptyCircuit(2)), gate("h", [0]));
      expect(body(s.circuit)).toBe("h q[0];");
      expect(s.past.map((r) => r.label)).toEqual(["add h"]);
      expect(s.selected).toBe(0);
    });
    it("inserts before the gate in the dropped column, shifting it right", () => {
      let s = addOp(initialState(emptyCircuit(2)), gate("h", [0]));
      s = addOp(s, gate("x", [0]), 0);
      expect(body(s.circuit)).toBe("x q[0];\nh q[0];");
      expect(layoutCircuit(s.circuit).columns).toEqual([0, 1]);
    });
    it("adds classical bits when a measurement needs one", () => {
      const c: Circuit = {
        ...emptyCircuit(3),
        cregs: [{ name: "c", size: 1, offset: 0 }],
        numClbits: 1,
      };
      const s = addOp(initialState(c), { kind: "measure", qubit: 2, clbit: 2 });
      expect(s.circuit.numClbits).toBe(3);
      expect(s.circuit.cregs[0].size).toBe(3);
    });
    it("refuses gates on wires that do not exist", () => {
      const s0 = initialState(emptyCircuit(2));
      expect(addOp(s0, gate("x", [1], [5]))).toBe(s0);
    });
  });

  describe("moveOp", () => {
    it("moves a gate to another wire and column", () => {
      let s = initialState(emptyCircuit(3));
      s = addOp(s, gate("h", [0]));
      s = addOp(s, gate("x", [1], [0]));
      s = moveOp(s, 0, 2, 5);
      expect(body(s.circuit)).toBe("cx q[0], q[1];\nh q[2];");
      expect(s.past).toHaveLength(3);
    });
    it("keeps a controlled gate's shape when moving it down", () => {
      let s = addOp(initialState(emptyCircuit(4)), gate("x", [1], [0]));
      s = moveOp(s, 0, 2, 0);
      expect(body(s.circuit)).toBe("cx q[2], q[3];");
      expect(moveOp(s, 0, 3, 0)).toBe(s); // would leave the circuit
    });
  });

  describe("deleteOp, undo and redo", () => {
    it("deletes, undoes and redoes", () => {
      let s = addOp(initialState(emptyCircuit(2)), gate("h", [0]));
      s = addOp(s, gate("x", [1], [0]));
      s = deleteOp(s, 0);
      expect(body(s.circuit)).toBe("cx q[0], q[1];");
      s = undo(s);
      expect(body(s.circuit)).toBe("h q[0];\ncx q[0], q[1];");
      s = undo(s);
      expect(body(s.circuit)).toBe("h q[0];");
      s = redo(redo(s));
      expect(body(s.circuit)).toBe("cx q[0], q[1];");
      expect(redo(s)).toBe(s);
    });
    it("drops the redo stack after a new action", () => {
      let s = addOp(initialState(emptyCircuit(1)), gate("h", [0]));
      s = undo(s);
      s = addOp(s, gate("x", [0]));
      expect(s.future).toEqual([]);
      expect(body(redo(s).circuit)).toBe("x q[0];");
    });
  });

  describe("keyboard moves", () => {
    it("steps a gate past its neighbour on a shared wire", () => {
      let s = initialState(emptyCircuit(2));
      for (const op of [gate("h", [0]), gate("x", [1]), gate("z", [0])])
        s = addOp(s, op);
      const h = s.circuit.ops.findIndex(
        (o) => o.kind === "gate" && o.name === "h",
      );
      s = stepOp(s, h, 1);
      const names = s.circuit.ops
        .filter((o): o is GateOp => o.kind === "gate" && o.qubits[0] === 0)
        .map((o) => o.name);
      expect(names).toEqual(["z", "h"]);
    });
    it("shifts wires up and down, not past the edges", () => {
      let s = addOp(initialState(emptyCircuit(2)), gate("h", [0]));
      expect(shiftWires(s, 0, -1)).toBe(s);
      s = shiftWires(s, 0, 1);
      expect(body(s.circuit)).toBe("h q[1];");
    });
  });

  describe("setQubitCount", () => {
    it("adds a qubit and refuses to remove a used one", () => {
      let s = addOp(initialState(emptyCircuit(2)), gate("h", [1]));
      s = setQubitCount(s, 3);
      expect(s.circuit.numQubits).toBe(3);
      expect(setQubitCount(setQubitCount(s, 2), 1).circuit.numQubits).toBe(2);
    });
  });

  describe("replaceFromText", () => {
    it("records a text edit as one undo step and ignores unchanged circuits", () => {
      const s0 = addOp(initialState(emptyCircuit(1)), gate("h", [0]));
      const ops: Operation[] = [
        { ...gate("h", [0]), span: { line: 5, col: 1, endLine: 5, endCol: 8 } },
      ];
      expect(replaceFromText(s0, { ...s0.circuit, ops })).toBe(s0);
      const s1 = replaceFromText(s0, { ...s0.circuit, ops: [gate("x", [0])] });
      expect(s1.past.at(-1)?.label).toBe("edit text");
      expect(body(undo(s1).circuit)).toBe("h q[0];");
    });
  });
});

describe("replaceFromText selection", () => {
  it("keeps the selection only while the same operation is at that place", () => {
    const s0 = addOp(initialState(emptyCircuit(2)), gate("h", [0]));
    expect(s0.selected).toBe(0);
    const same = replaceFromText(s0, {
      ...s0.circuit,
      ops: [gate("h", [0]), gate("x", [1])],
    });
    expect(same.selected).toBe(0);
    const other = replaceFromText(s0, { ...s0.circuit, ops: [gate("z", [1])] });
    expect(other.selected).toBeNull();
  });
});
