import { describe, expect, it } from "vitest";
import { compileParametric } from "../../src/qasm/compile-parametric.ts";
import type { ParametricCircuit } from "../../src/ir/parametric.ts";
import { type Observable, parseObservable } from "../../src/sim/observable.ts";
import { estimate } from "../../src/sim/estimate.ts";
import { densityMatrixOf, runDensity } from "../../src/sim/density.ts";
import { densityExpectations } from "../../src/sim/density-estimate.ts";
import { singleThreadEngine } from "../../src/sim/engine.ts";
import { Rng } from "../../src/math/rng.ts";
import { matMul } from "../../src/math/matrix.ts";
import { pauliMatrix, seededRng } from "../helpers/dense.ts";
import { randomNoisyCircuit } from "../helpers/dense-noise.ts";

function program(src: string): ParametricCircuit {
  const r = compileParametric(src);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.program;
}

function obs(text: string, n: number): Observable {
  const r = parseObservable(text, n);
  if (!r.ok) throw new Error(r.error);
  return r.observable;
}

const HEAD = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

describe("estimate under noise", () => {
  it("is exact with the density matrix: analytic values over a sweep", () => {
    const p = program(
      HEAD +
        "input float theta;\nqubit[2] q;\nrx(theta) q[0];\n#pragma braket noise amplitude_damping(0.3) q[0]\n" +
        "h q[1];\n#pragma braket noise depolarizing(0.15) q[1]\n",
    );
    const thetas = [0, 0.7, 2];
    const r = estimate(p, [obs("IZ", 2), obs("XI", 2)], {
      points: thetas.map((theta) => ({ theta })),
    });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result.method).toBe("density_matrix");
    thetas.forEach((t, i) => {
      const p1 = 0.7 * Math.sin(t / 2) ** 2;
      expect(r.result.expectations[i][0]).toBeCloseTo(1 - 2 * p1, 12);
      expect(r.result.expectations[i][1]).toBeCloseTo(1 - (4 * 0.15) / 3, 12);
    });
  });

  it("matches Tr(P rho) of the dense density matrix for Pauli strings with X, Y and Z", () => {
    const rng = seededRng(31);
    const c = randomNoisyCircuit(3, 12, rng, false);
    const run = runDensity(
      c,
      { engine: singleThreadEngine(), precision: "double", rng: new Rng(1) },
      { fusion: true, blocking: false },
    );
    const rho = densityMatrixOf(run, 3);
    for (const label of ["XYZ", "YYI", "ZIX", "IXY"]) {
      const [got] = densityExpectations(run, 3, [obs(label, 3)]);
      const m = matMul(pauliMatrix(label), rho);
      let tr = 0;
      for (let i = 0; i < 8; i++) tr += m[2 * (i * 8 + i)];
      expect(got).toBeCloseTo(tr, 12);
    }
  });

  it("refuses shots and gradients with noise", () => {
    const p = program(
      HEAD +
        "input float a;\nqubit q;\nrx(a) q;\n#pragma braket noise bit_flip(0.1) q\n",
    );
    expect(
      estimate(p, [obs("Z", 1)], { shots: 100, points: [{ a: 0.1 }] }),
    ).toMatchObject({
      ok: false,
      error: { code: "SIM_BAD_OPTION" },
    });
    expect(
      estimate(p, [obs("Z", 1)], { gradient: true, points: [{ a: 0.1 }] }),
    ).toMatchObject({
      ok: false,
      error: { code: "SIM_GRADIENT_UNSUPPORTED" },
    });
  });
});
