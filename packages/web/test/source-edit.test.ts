import type { Operation } from "@stepfault/quantum";
import { describe, expect, it } from "vitest";
import {
  addOp,
  deleteOp,
  initialState,
  moveOp,
  replaceOp,
  setQubitCount,
  stepOp,
  type ComposerState,
} from "../src/composer/actions.ts";
import {
  applyChanges,
  drawText,
  planSourceEdit,
} from "../src/composer/source-edit.ts";
import { callBox } from "../src/composer/source-map.ts";

const SRC = `OPENQASM 3.0;
include "stdgates.inc";
// Bell pair, built by hand
gate bell a, b {
  h a;
  cx a, b;
}
qubit[2] q;
bit[2] c;
bell q[0], q[1]; // entangle
rz(pi/4) q[1];
measure q -> c;
`;

function open(text: string): ComposerState {
  const drawn = drawText(text);
  if (!drawn) throw new Error("does not compile");
  return initialState(drawn);
}

function edit(text: string, next: (s: ComposerState) => ComposerState) {
  const s = open(text);
  const plan = planSourceEdit(text, s.circuit, next(s).circuit);
  return { plan, state: s };
}

const x = (q: number): Operation => ({
  kind: "gate",
  name: "x",
  qubits: [q],
  params: [],
  controls: [],
});
const index = (s: ComposerState, pred: (o: Operation) => boolean) =>
  s.circuit.ops.findIndex(pred);

describe("composer edits as text changes", () => {
  it("draws a user gate call as one box standing for its ops", () => {
    const s = open(SRC);
    const box = s.circuit.ops.find((o) => o.kind === "opaque");
    expect(box).toMatchObject({ name: "bell", qubits: [0, 1] });
    expect(callBox(box as Operation)?.ops).toHaveLength(2);
    expect(callBox(box as Operation)?.definition).toMatch(/^gate bell a, b \{/);
  });

  it("inserts one line after the last statement on the wire and keeps the rest byte for byte", () => {
    const { plan } = edit(SRC, (s) => addOp(s, x(0)));
    expect(plan.kind).toBe("edit");
    if (plan.kind !== "edit") return;
    expect(plan.text).toBe(
      SRC.replace("measure q -> c;\n", "measure q -> c;\nx q[0];\n"),
    );
    expect(plan.changes).toEqual([
      {
        from: SRC.indexOf("measure q -> c;") + 15,
        to: SRC.indexOf("measure q -> c;") + 15,
        insert: "\nx q[0];",
      },
    ]);
  });

  it("inserts before the first statement it must precede", () => {
    const { plan } = edit(SRC, (s) => addOp(s, x(1), 0));
    expect(plan.kind).toBe("edit");
    if (plan.kind !== "edit") return;
    expect(plan.text).toBe(
      SRC.replace("bell q[0], q[1];", "x q[1];\nbell q[0], q[1];"),
    );
  });

  it("deletes only the statement's line, and a box deletes its call", () => {
    const { plan } = edit(SRC, (s) =>
      deleteOp(
        s,
        index(s, (o) => o.kind === "gate" && o.name === "rz"),
      ),
    );
    expect(plan).toMatchObject({
      kind: "edit",
      text: SRC.replace("rz(pi/4) q[1];\n", ""),
    });
    const box = edit(SRC, (s) =>
      deleteOp(
        s,
        index(s, (o) => o.kind === "opaque"),
      ),
    );
    expect(box.plan).toMatchObject({
      kind: "edit",
      text: SRC.replace("bell q[0], q[1]; // entangle\n", ""),
    });
  });

  it("changes a parameter in place", () => {
    const { plan } = edit(SRC, (s) => {
      const i = index(s, (o) => o.kind === "gate" && o.name === "rz");
      const op = s.circuit.ops[i];
      return replaceOp(s, i, { ...op, params: [Math.PI / 2] } as Operation);
    });
    expect(plan).toMatchObject({
      kind: "edit",
      text: SRC.replace("rz(pi/4) q[1];", "rz(pi/2) q[1];"),
    });
  });

  it("moves a gate by moving its line (text kept as written)", () => {
    const text = `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0]; // first\nt q[0];\n`;
    const { plan } = edit(text, (s) => stepOp(s, 0, 1));
    expect(plan).toMatchObject({
      kind: "edit",
      text: `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nt q[0];\nh q[0]; // first\n`,
    });
    const wire = edit(SRC, (s) =>
      moveOp(
        s,
        index(s, (o) => o.kind === "gate" && o.name === "rz"),
        0,
        1,
      ),
    );
    expect(wire.plan).toMatchObject({
      kind: "edit",
      text: SRC.replace("rz(pi/4) q[1];", "rz(pi/4) q[0];"),
    });
  });

  it("asks before splitting a statement that stands for several ops", () => {
    const { plan } = edit(SRC, (s) =>
      deleteOp(
        s,
        index(s, (o) => o.kind === "measure" && o.qubit === 1),
      ),
    );
    expect(plan.kind).toBe("ask");
    if (plan.kind !== "ask") return;
    expect(plan.reason).toMatch(/line 12 .*measure q -> c;.* 2 operations/);
    expect(plan.text).toContain("// Bell pair, built by hand");
    expect(plan.text).toContain("gate bell a, b {");
    expect(plan.text).toMatch(/c\[0\] = measure q\[0\];\n$/);
    expect(
      drawText(plan.text)?.ops.filter((o) => o.kind === "measure"),
    ).toHaveLength(1);
  });

  it("asks before unrolling a loop", () => {
    const text = `OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\nfor int i in [0:2] {\n  h q[i];\n}\n`;
    const { plan } = edit(text, (s) => deleteOp(s, 1));
    expect(plan.kind).toBe("ask");
    if (plan.kind === "ask")
      expect(plan.reason).toMatch(/line 4 .*3 operations/);
  });

  it("grows the register declaration when a qubit is added", () => {
    const text = SRC.replace("measure q -> c;", "measure q[0] -> c[0];");
    const { plan } = edit(text, (s) => setQubitCount(s, 3));
    expect(plan).toMatchObject({
      kind: "edit",
      text: text.replace("qubit[2] q;", "qubit[3] q;"),
    });
    // `measure q -> c;` would no longer compile with 3 qubits and 2 bits: that needs a rewrite.
    expect(edit(SRC, (s) => setQubitCount(s, 3)).plan.kind).toBe("ask");
  });

  it("applies changes in order and refuses overlapping ones", () => {
    expect(
      applyChanges("abc", [
        { from: 1, to: 2, insert: "X" },
        { from: 0, to: 0, insert: ">" },
      ]),
    ).toBe(">aXc");
    expect(
      applyChanges("abc", [
        { from: 0, to: 2, insert: "" },
        { from: 1, to: 3, insert: "" },
      ]),
    ).toBeNull();
  });
});

describe("composer edits keep parameter expressions as written", () => {
  const PARAM = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
qubit[2] q;
rx(theta) q[0];
rz(2*pi/7 + 0.1) q[0];
`;
  const moveTo = (name: string, wire: number) => (s: ComposerState) => {
    const i = index(s, (o) => o.kind === "gate" && o.name === name);
    const op = s.circuit.ops[i];
    return replaceOp(s, i, { ...op, qubits: [wire] } as Operation);
  };

  it("moving a gate to another wire keeps `theta` and an arithmetic angle", () => {
    const rx = edit(PARAM, moveTo("rx", 1));
    expect(rx.plan).toMatchObject({
      kind: "edit",
      text: PARAM.replace("rx(theta) q[0];", "rx(theta) q[1];"),
    });
    const rz = edit(PARAM, moveTo("rz", 1));
    expect(rz.plan).toMatchObject({
      kind: "edit",
      text: PARAM.replace("rz(2*pi/7 + 0.1) q[0];", "rz(2*pi/7 + 0.1) q[1];"),
    });
  });

  it("a changed angle is written anew, the unchanged one of the same call kept", () => {
    const { plan } = edit(PARAM, (s) => {
      const i = index(s, (o) => o.kind === "gate" && o.name === "rz");
      const op = s.circuit.ops[i];
      return replaceOp(s, i, { ...op, params: [Math.PI / 2] } as Operation);
    });
    expect(plan).toMatchObject({
      kind: "edit",
      text: PARAM.replace("rz(2*pi/7 + 0.1) q[0];", "rz(pi/2) q[0];"),
    });
  });
});
