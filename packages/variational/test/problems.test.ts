import {
  compileParametric,
  compileQasm,
  estimate,
  parseObservable,
  simulate,
} from "@stepfault/quantum";
import { describe, expect, it } from "vitest";
import {
  bruteForce,
  checkProblem,
  costHamiltonian,
  costOf,
  cutOf,
  groundEnergy,
  H2_STO3G,
  hardwareEfficient,
  pauliSumText,
  qaoaCircuit,
  uccTwoElectron,
  type MaxCutProblem,
  type PauliTerm,
} from "../src/index.ts";
import { dense, denseMin, tfim } from "./helpers/dense.ts";

describe("H2_STO3G", () => {
  it("has the literature ground energy, reached by a real ansatz at known angles with zero gradient", () => {
    expect(groundEnergy(H2_STO3G)).toBeCloseTo(-1.857275030202, 10);
    const p = compileParametric(
      `OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float a; input float b; input float c; input float d; qubit[2] q;
ry(a) q[0]; ry(b) q[1]; cx q[0], q[1]; ry(c) q[0]; ry(d) q[1];`,
    );
    const h2 = parseObservable(pauliSumText(H2_STO3G), 2);
    if (!p.ok || !h2.ok) throw new Error("compile");
    const r = estimate(p.program, [h2.observable], {
      points: [
        {
          a: 0.353530393227,
          b: -0.87590589816,
          c: 3.417810800351,
          d: 0.907103681431,
        },
      ],
      gradient: true,
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result.expectations[0][0]).toBeCloseTo(-1.857275030202, 10);
    for (const g of r.result.gradients![0][0])
      expect(Math.abs(g)).toBeLessThan(1e-9);
  });
});

describe("groundEnergy", () => {
  it("matches dense diagonalisation on random Pauli sums with X, Y and Z", () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let trial = 0; trial < 4; trial++) {
      const n = 2 + trial;
      const terms: PauliTerm[] = [];
      for (let k = 0; k < 6; k++) {
        let label = "";
        for (let q = 0; q < n; q++) label += "IXYZ"[Math.floor(rand() * 4)];
        terms.push({ pauli: label, coefficient: rand() * 2 - 1 });
      }
      expect(groundEnergy(terms)).toBeCloseTo(denseMin(dense(terms)), 9);
    }
  });

  it("gives the known open-chain TFIM energy at the critical point", () => {
    // E0 = 1 - 1 / sin(pi / (2 (2N + 1))) for J = h = 1 (Pfeuty 1970), N = 6
    const expected = 1 - 1 / Math.sin(Math.PI / (2 * (2 * 6 + 1)));
    expect(groundEnergy(tfim(6, 1, 1))).toBeCloseTo(expected, 9);
  });

  it("reads a diagonal sum off its diagonal and declines what is too wide", () => {
    expect(
      groundEnergy([
        { pauli: "ZZ", coefficient: 1 },
        { pauli: "IZ", coefficient: 0.5 },
      ]),
    ).toBe(-1.5);
    expect(
      groundEnergy([{ pauli: "X".repeat(13), coefficient: 1 }]),
    ).toBeUndefined();
  });
});

/** Triangular prism: 6 nodes, 3-regular, max cut 7. */
const prism: MaxCutProblem = {
  type: "maxcut",
  nodes: 6,
  edges: [
    [0, 1],
    [1, 2],
    [2, 0],
    [3, 4],
    [4, 5],
    [5, 3],
    [0, 3],
    [1, 4],
    [2, 5],
  ],
};

describe("MaxCut", () => {
  it("turns the graph into -cut as a Pauli sum, and brute force finds the maximum cut", () => {
    const h = costHamiltonian(prism);
    expect(h).toContainEqual({ pauli: "IIIIII", coefficient: -4.5 });
    expect(h).toContainEqual({ pauli: "IIIIZZ", coefficient: 0.5 });
    expect(pauliSumText(h.slice(0, 2))).toBe("-4.5 * IIIIII + 0.5 * IIIIZZ");
    const opt = bruteForce(prism)!;
    expect(opt.cost).toBe(-7);
    expect(cutOf(prism, opt.bitstring)).toBe(7);
    // enumerate every assignment the slow way
    let best = 0;
    for (let b = 0; b < 64; b++)
      best = Math.max(best, cutOf(prism, b.toString(2).padStart(6, "0")));
    expect(best).toBe(7);
    expect(groundEnergy(h)).toBe(-7);
  });

  it("weights edges and handles Ising fields", () => {
    const w: MaxCutProblem = {
      type: "maxcut",
      nodes: 3,
      edges: [
        [0, 1, 2.5],
        [1, 2],
      ],
    };
    expect(cutOf(w, "010")).toBe(3.5);
    const ising = { type: "ising" as const, h: { "0": 1 }, J: [[0, 1, -2]] };
    expect(costOf(ising, "00")).toBe(-1);
    expect(costOf(ising, "11")).toBe(-3);
    expect(bruteForce(ising)).toEqual({ cost: -3, bitstring: "11" });
  });

  it("names the wrong field of a bad problem", () => {
    expect(
      checkProblem(
        {
          type: "maxcut",
          nodes: 4,
          edges: [
            [0, 1],
            [2, 7],
          ],
        },
        24,
      ),
    ).toEqual([{ path: "edges/1/1", message: "node 7 is out of range 0..3" }]);
    expect(
      checkProblem({ type: "maxcut", nodes: 40, edges: [] }, 30)[0].path,
    ).toBe("nodes");
  });
});

describe("qaoaCircuit", () => {
  it("prepares exp(-i beta B) exp(-i gamma C) |+> for the given angles", () => {
    const src = qaoaCircuit(prism, 1);
    const gamma = 0.37;
    const beta = -0.81;
    const c = compileQasm(src, { inputs: { gamma_0: gamma, beta_0: beta } });
    expect(c.ok).toBe(true);
    if (!c.ok) return;
    const out = simulate(c.circuit, { shots: 0, statevector: true, seed: 1 });
    if (!out.ok) throw new Error(out.error.message);
    const sv = out.result.statevector!;
    // reference: phases e^{-i gamma C(b)} on |+>^n, then rx(2 beta) on every qubit
    const n = 6;
    const dim = 64;
    let re = new Float64Array(dim);
    let im = new Float64Array(dim);
    for (let b = 0; b < dim; b++) {
      const e = costOf(prism, b.toString(2).padStart(n, "0"));
      re[b] = Math.cos(-gamma * e) / 8;
      im[b] = Math.sin(-gamma * e) / 8;
    }
    for (let q = 0; q < n; q++) {
      const nr = new Float64Array(dim);
      const ni = new Float64Array(dim);
      const cb = Math.cos(beta);
      const sb = Math.sin(beta);
      for (let b = 0; b < dim; b++) {
        const o = b ^ (1 << q);
        // rx(2 beta) = cos(beta) I - i sin(beta) X
        nr[b] = cb * re[b] + sb * im[o];
        ni[b] = cb * im[b] - sb * re[o];
      }
      re = nr;
      im = ni;
    }
    let ovr = 0;
    let ovi = 0;
    for (let b = 0; b < dim; b++) {
      ovr += re[b] * sv[2 * b] + im[b] * sv[2 * b + 1];
      ovi += re[b] * sv[2 * b + 1] - im[b] * sv[2 * b];
    }
    expect(Math.hypot(ovr, ovi)).toBeCloseTo(1, 10);
  });
});

describe("ansatz templates", () => {
  it("compile with their inputs", () => {
    const hea = hardwareEfficient(3, 2);
    const inputs: Record<string, number> = {};
    for (let k = 0; k < 18; k++) inputs[`theta_${k}`] = k / 10;
    expect(compileQasm(hea, { inputs }).ok).toBe(true);
    const ucc = compileQasm(uccTwoElectron(), { inputs: { theta: 1 } });
    expect(ucc.ok).toBe(true);
  });
});
