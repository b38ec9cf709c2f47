import { describe, expect, it } from "vitest";
import { liveState, qubitStates } from "../src/run/live-state.ts";

const h = Math.SQRT1_2;

describe("live view numbers", () => {
  it("gives the Bloch vectors of |0>, |1>, |+> and |+i>", () => {
    expect(qubitStates([1, 0, 0, 0])).toEqual([{ p1: 0, x: 0, y: 0, z: 1 }]);
    expect(qubitStates([0, 0, 1, 0])).toEqual([{ p1: 1, x: 0, y: 0, z: -1 }]);
    const plus = qubitStates([h, 0, h, 0])[0];
    expect(plus.x).toBeCloseTo(1, 12);
    expect(plus.y).toBeCloseTo(0, 12);
    const plusI = qubitStates([h, 0, 0, h])[0];
    expect(plusI.y).toBeCloseTo(1, 12);
    expect(plusI.x).toBeCloseTo(0, 12);
  });

  it("shows the entangled qubits of a Bell pair at the centre, each with P(1) = 1/2, ignoring the final measure", () => {
    const r = liveState(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n',
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const s of r.qubits) {
      expect(s.p1).toBeCloseTo(0.5, 12);
      expect(Math.hypot(s.x, s.y, s.z)).toBeCloseTo(0, 12);
    }
    expect(r.amplitudes).toHaveLength(4);
  });

  it("refuses dynamic circuits, wide circuits and text with errors, saying why", () => {
    const dyn = liveState(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nbit[1] c;\nc[0] = measure q[0];\nif (c[0]) x q[0];\n',
    );
    expect(dyn).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/Run/),
    });
    const wide = liveState(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[13] q;\nh q;\n',
    );
    expect(wide).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/13 qubits/),
    });
    expect(liveState("qubit[1] q; h q[5];")).toMatchObject({ ok: false });
  });
});
