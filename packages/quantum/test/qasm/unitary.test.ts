import { describe, expect, it } from "vitest";
import { gateMatrix } from "../../src/ir/gates.ts";
import type { Circuit } from "../../src/ir/types.ts";
import { compileOk } from "./helpers.ts";

/** The dense unitary of a gate-only circuit (column j = circuit applied to basis state j), interleaved complex. */
function unitaryOf(c: Circuit): Float64Array {
  const n = c.numQubits;
  const dim = 1 << n;
  const u = new Float64Array(2 * dim * dim);
  for (let col = 0; col < dim; col++) {
    const st = new Float64Array(2 * dim);
    st[2 * col] = Math.cos(c.globalPhase);
    st[2 * col + 1] = Math.sin(c.globalPhase);
    for (const op of c.ops) {
      if (op.kind !== "gate") throw new Error(`unexpected ${op.kind}`);
      applyGate(st, n, gateMatrix(op), op.qubits, op.controls);
    }
    for (let r = 0; r < dim; r++) {
      u[2 * (r * dim + col)] = st[2 * r];
      u[2 * (r * dim + col) + 1] = st[2 * r + 1];
    }
  }
  return u;
}

/** Applies a k-qubit matrix (qubits[0] least significant) on basis states whose control bits are all 1. */
function applyGate(
  st: Float64Array,
  n: number,
  m: Float64Array,
  qubits: readonly number[],
  controls: readonly number[],
): void {
  const k = qubits.length;
  const sub = 1 << k;
  const cmask = controls.reduce((a, q) => a | (1 << q), 0);
  const tmask = qubits.reduce((a, q) => a | (1 << q), 0);
  for (let base = 0; base < 1 << n; base++) {
    if ((base & tmask) !== 0 || (base & cmask) !== cmask) continue;
    const idx = Array.from({ length: sub }, (_, s) =>
      qubits.reduce((a, q, b) => ((s >> b) & 1 ? a | (1 << q) : a), base),
    );
    const re = idx.map((i) => st[2 * i]);
    const im = idx.map((i) => st[2 * i + 1]);
    for (let r = 0; r < sub; r++) {
      let sr = 0;
      let si = 0;
      for (let s = 0; s < sub; s++) {
        const mr = m[2 * (r * sub + s)];
        const mi = m[2 * (r * sub + s) + 1];
        sr += mr * re[s] - mi * im[s];
        si += mr * im[s] + mi * re[s];
      }
      st[2 * idx[r]] = sr;
      st[2 * idx[r] + 1] = si;
    }
  }
}

function expectClose(a: Float64Array, b: Float64Array): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(1e-10);
}

const identity = (n: number): Float64Array => {
  const dim = 1 << n;
  const u = new Float64Array(2 * dim * dim);
  for (let i = 0; i < dim; i++) u[2 * (i * dim + i)] = 1;
  return u;
};

const H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';
const G = `gate g(t) a, b, c { rx(t) a; cx a, b; u3(t, 0.3, -0.7) c; s b; t c; sx a; cu(0.1, 0.2, 0.3, 0.4) c, a; ccx a, c, b; gphase(0.9); ch b, c; }\n`;

describe("modifier semantics (checked on dense unitaries)", () => {
  it("inv @ g undoes g, global phase included", () => {
    expectClose(
      unitaryOf(
        compileOk(
          `${H3}${G}qubit[3] q; g(0.7) q[0], q[1], q[2]; inv @ g(0.7) q[0], q[1], q[2];`,
        ),
      ),
      identity(3),
    );
  });

  it("pow(2) @ g equals g applied twice, and pow(-1) @ g equals inv @ g", () => {
    const twice = unitaryOf(
      compileOk(
        `${H3}${G}qubit[3] q; g(0.4) q[0], q[1], q[2]; g(0.4) q[0], q[1], q[2];`,
      ),
    );
    expectClose(
      unitaryOf(
        compileOk(`${H3}${G}qubit[3] q; pow(2) @ g(0.4) q[0], q[1], q[2];`),
      ),
      twice,
    );
    const inv = unitaryOf(
      compileOk(`${H3}${G}qubit[3] q; inv @ g(0.4) q[0], q[1], q[2];`),
    );
    expectClose(
      unitaryOf(
        compileOk(`${H3}${G}qubit[3] q; pow(-1) @ g(0.4) q[0], q[1], q[2];`),
      ),
      inv,
    );
  });

  it("ctrl @ g is g on the targets when the control is 1 and identity otherwise (phase included)", () => {
    const g = unitaryOf(
      compileOk(`${H3}${G}qubit[3] q; g(1.1) q[0], q[1], q[2];`),
    );
    const cg = unitaryOf(
      compileOk(`${H3}${G}qubit[4] q; ctrl @ g(1.1) q[3], q[0], q[1], q[2];`),
    );
    const expected = new Float64Array(2 * 16 * 16);
    for (let r = 0; r < 16; r++)
      for (let c = 0; c < 16; c++) {
        const on = (r & 8) !== 0 && (c & 8) !== 0;
        if ((r & 8) !== (c & 8)) continue;
        if (on) {
          expected[2 * (r * 16 + c)] = g[2 * ((r & 7) * 8 + (c & 7))];
          expected[2 * (r * 16 + c) + 1] = g[2 * ((r & 7) * 8 + (c & 7)) + 1];
        } else if (r === c) expected[2 * (r * 16 + c)] = 1;
      }
    expectClose(cg, expected);
  });

  it("negctrl @ g equals X-conjugated ctrl @ g", () => {
    const a = unitaryOf(
      compileOk(
        `${H3}${G}qubit[4] q; negctrl @ g(0.3) q[3], q[0], q[1], q[2];`,
      ),
    );
    const b = unitaryOf(
      compileOk(
        `${H3}${G}qubit[4] q; x q[3]; ctrl @ g(0.3) q[3], q[0], q[1], q[2]; x q[3];`,
      ),
    );
    expectClose(a, b);
  });

  it("OpenQASM 2 custom gates with nested definitions match their inline expansion", () => {
    const viaGates = compileOk(
      `OPENQASM 2.0;\ninclude "qelib1.inc";\ngate a(x) p { u2(x, -x) p; }\ngate b(x, y) p, r { a(x*y) r; cu3(x, y, x+y) p, r; rzz(y) p, r; }\nqreg q[2];\nb(0.2, 0.5) q[1], q[0];`,
    );
    const inline = compileOk(
      `OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nu2(0.1, -0.1) q[0];\ncu3(0.2, 0.5, 0.7) q[1], q[0];\nrzz(0.5) q[1], q[0];`,
    );
    expectClose(unitaryOf(viaGates), unitaryOf(inline));
  });
});
