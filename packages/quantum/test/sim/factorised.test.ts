/**
 * The factorised trajectory simulator (dynamic circuits wider than one statevector): exact
 * distributions against the branch-by-branch dense reference (chi-square, fixed seeds), and the
 * route `simulate` takes to it when the statevector would not fit.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../src/math/rng.ts";
import { runFactorised } from "../../src/sim/factorised.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { compileOk } from "../qasm/helpers.ts";
import {
  chiSquare,
  chiSquareBound,
  exactDistribution,
} from "./branch-reference.ts";

const H = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

const PROGRAMS: [string, string][] = [
  [
    "teleportation with feed-forward",
    `${H}qubit[3] q; bit a; bit b; bit t;
rx(0.3) q[0]; h q[1]; cx q[1], q[2];
cx q[0], q[1]; h q[0];
a = measure q[0]; b = measure q[1];
if (b) x q[2]; if (a) z q[2];
t = measure q[2];`,
  ],
  [
    "repeat until success with a counter",
    `${H}qubit[2] q; bit m; uint[3] tries;
m = 1;
while (m == 1 && tries < 5) { reset q[0]; ry(1.1) q[0]; cx q[0], q[1]; m = measure q[0]; tries += 1; reset q[1]; }
bit f = measure q[1];`,
  ],
  [
    "a run-time qubit index and a controlled rotation",
    `${H}qubit[4] q; bit[2] m; bit[4] out;
h q[0]; ry(0.8) q[1];
m = measure q[0:1];
uint[2] i = m;
x q[3 - i];
ctrl @ rx(0.9) q[3], q[2];
out = measure q;`,
  ],
];

describe("factorised trajectories", () => {
  it.each(PROGRAMS)("%s: exact distribution (chi-square)", (_, src) => {
    const c = compileOk(src);
    const shots = 3000;
    const { counts } = runFactorised(c, shots, new Rng(11));
    const want = exactDistribution(c);
    for (const k of Object.keys(counts)) expect(want.has(k), k).toBe(true);
    const { stat, df } = chiSquare(counts, want);
    expect(stat).toBeLessThan(chiSquareBound(df));
  });

  it("simulate runs a 39-qubit dynamic program of thirteen teleportations (P(1) = sin²(0.15) on each target)", () => {
    const n = 13;
    let src = `${H}qubit[${3 * n}] q; bit[${n}] t; bit a; bit b;\n`;
    for (let k = 0; k < n; k++) {
      const [s, m, d] = [3 * k, 3 * k + 1, 3 * k + 2];
      src += `rx(0.3) q[${s}]; h q[${m}]; cx q[${m}], q[${d}]; cx q[${s}], q[${m}]; h q[${s}];
a = measure q[${s}]; b = measure q[${m}]; if (b) x q[${d}]; if (a) z q[${d}];
t[${k}] = measure q[${d}];\n`;
    }
    const shots = 300;
    const out = simulate(compileOk(src), { shots, seed: 4 });
    if (!out.ok) throw new Error(out.error.message);
    expect(out.result.qubits).toBe(39);
    expect(out.result.method).toBe("trajectories");
    // Every target bit is an independent Bernoulli(sin²(0.15)): the total number of ones over all
    // shots and targets is binomial; 5 standard deviations.
    let ones = 0;
    for (const [key, count] of Object.entries(out.result.counts))
      ones += count * [...key.split(" ")[2]].filter((x) => x === "1").length;
    const p = Math.sin(0.15) ** 2;
    const trials = shots * n;
    expect(Math.abs(ones - trials * p)).toBeLessThan(
      5 * Math.sqrt(trials * p * (1 - p)),
    );
  });

  it("refuses, naming both limits, when more qubits are entangled at once than a cluster may hold", () => {
    const src = `${H}qubit[14] q; bit[14] c;\nh q[0];\nfor int i in [0:12] { cx q[i], q[i + 1]; }\nc[0] = measure q[0];\nif (c[0]) x q[13];\nc = measure q;`;
    const out = simulate(compileOk(src), {
      shots: 5,
      seed: 1,
      memoryLimitBytes: 16 * 3 * 2 ** 10,
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe("SIM_TOO_LARGE");
    expect(out.error.message).toMatch(/the limit is .*entangles more than 10/);
  });
});
