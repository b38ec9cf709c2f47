import { afterAll, describe, expect, it } from "vitest";
import { STACK, cli, tempFiles } from "./helpers/cli.ts";

const tmp = tempFiles("stepfault-estimate-");
afterAll(tmp.remove);

const HEADER = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';
const bell = tmp.file(
  "bell.qasm",
  `${HEADER}qubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n`,
);
const ansatz = tmp.file(
  "ansatz.qasm",
  `${HEADER}input float theta;\ninput float phi;\nqubit[2] q;\nry(theta) q[0];\ncx q[0], q[1];\nrz(2*phi) q[1];\nry(phi) q[1];\n`,
);
const thetas = Array.from({ length: 16 }, (_, i) => (i * Math.PI) / 15);
const sweep = tmp.file("sweep.json", JSON.stringify({ theta: thetas }));

describe("stepfault estimate", () => {
  it("gives the same values on 1 and 2 threads (--threads) for a 20-qubit program", async () => {
    const wide = tmp.file(
      "wide.qasm",
      `${HEADER}input float theta;\nqubit[20] q;\nry(theta) q[0];\nfor int i in [0:18] { cx q[i], q[i + 1]; }\nrx(theta) q[19];\n`,
    );
    const [one, two] = await Promise.all(
      ["1", "2"].map((t) =>
        cli(
          "estimate",
          wide,
          "--observable",
          "Z0 Z19",
          "--observable",
          "X19",
          "--input",
          "theta=0.7",
          "--json",
          "--threads",
          t,
        ),
      ),
    );
    expect(one.err).toBe("");
    expect(two.err).toBe("");
    const [a, b] = [JSON.parse(one.out), JSON.parse(two.out)];
    expect(a.expectations).toHaveLength(1);
    for (let o = 0; o < 2; o++)
      expect(b.expectations[0][o]).toBeCloseTo(a.expectations[0][o], 12);
    expect(a.expectations[0][0]).not.toBeCloseTo(0, 3);
  });

  it("prints the Bell state's values as the contract's JSON object", async () => {
    const r = await cli(
      "estimate",
      bell,
      "--observable",
      "ZZ",
      "--observable",
      "XX",
      "--observable",
      "YY",
      "--observable",
      "Z1",
      "--json",
    );
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual([
      "observables",
      "parameters",
      "points",
      "expectations",
      "stddev",
      "gradients",
      "shots",
      "method",
      "timeMs",
    ]);
    expect(j).toMatchObject({
      observables: ["ZZ", "XX", "YY", "Z1"],
      parameters: [],
      points: 1,
      stddev: null,
      gradients: null,
      shots: null,
      method: "statevector",
    });
    const [zz, xx, yy, z1] = j.expectations[0];
    expect([zz, xx, yy]).toEqual([
      expect.closeTo(1, 12),
      expect.closeTo(1, 12),
      expect.closeTo(-1, 12),
    ]);
    expect(z1).toBeCloseTo(0, 12);
  });

  it("sweeps from SWEEP.json with --input for the rest, with gradients per point, observable and input", async () => {
    const r = await cli(
      "estimate",
      ansatz,
      "--observable",
      "ZI",
      "--observable",
      "0.5*X0 X1",
      "--sweep",
      sweep,
      "--input",
      "phi=0.3",
      "--gradient",
      "--json",
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.parameters).toEqual(["theta", "phi"]);
    expect(j.points).toBe(16);
    expect(j.method).toBe("statevector+adjoint");
    thetas.forEach((t, p) => {
      // ZI measures qubit 1: after cx it equals <Z> of ry(theta)|0> rotated by ry(phi) on qubit 1.
      expect(j.gradients[p]).toHaveLength(2);
      expect(j.gradients[p][0]).toHaveLength(2);
      expect(j.expectations[p][0]).toBeCloseTo(Math.cos(t) * Math.cos(0.3), 10);
      expect(j.gradients[p][0][0]).toBeCloseTo(-Math.sin(t) * Math.cos(0.3), 8);
    });
  });

  it("estimates from shots with standard errors and prints a table without --json", async () => {
    const json = await cli(
      "estimate",
      ansatz,
      "--observable",
      "Z0",
      "--input",
      "theta=1",
      "--input",
      "phi=0",
      "--shots",
      "4000",
      "--seed",
      "9",
      "--json",
    );
    const j = JSON.parse(json.out);
    expect(j.shots).toBe(4000);
    expect(j.method).toBe("shots");
    expect(Math.abs(j.expectations[0][0] - Math.cos(1))).toBeLessThan(
      5 * j.stddev[0][0],
    );
    const table = await cli(
      "estimate",
      ansatz,
      "--observable",
      "Z0",
      "--sweep",
      sweep,
      "--input",
      "phi=0",
    );
    expect(table.code).toBe(0);
    const lines = table.out.trimEnd().split("\n");
    expect(lines[0]).toContain("2 qubits, 16 points, exact");
    expect(lines[3]).toMatch(/^point\s+theta\s+phi\s+E$/);
    expect(lines).toHaveLength(4 + 16);
    expect(lines[4]).toMatch(/^\s+0\s+0\.000000\s+0\.000000\s+1\.000000$/);
  });

  it.each([
    [
      ["--observable", "ZZZ", "--input", "theta=1", "--input", "phi=0"],
      1,
      /^stepfault: error: --observable "ZZZ": term "ZZZ": the label has 3 character\(s\) but the circuit has 2/,
    ],
    [
      ["--observable", "ZZ", "--sweep", "SWEEP_BAD_KEY"],
      1,
      /^stepfault: error: sweep key 'psi' is not an input of the program \(inputs: theta, phi\)/,
    ],
    [
      ["--observable", "ZZ", "--sweep", "SWEEP_RAGGED"],
      1,
      /^stepfault: error: sweep key 'phi' has 1 values, the others 2/,
    ],
    [
      ["--observable", "ZZ", "--input", "theta=1"],
      1,
      /^stepfault: error: no value for input 'phi'/,
    ],
    [
      ["--input", "theta=1"],
      2,
      /^stepfault: error: give at least one --observable/,
    ],
    [
      ["--observable", "ZZ", "--shots", "0"],
      2,
      /--shots must be an integer in \[1, /,
    ],
    [
      ["--observable", "ZZ", "--threads", "0"],
      2,
      /^stepfault: error: --threads must be an integer in \[1, 256\], got "0"/,
    ],
  ])(
    "rejects %j with exit %i and one clear line",
    async (args, code, message) => {
      const bad = tmp.file("bad-key.json", '{"theta": [0, 1], "psi": [1, 2]}');
      const ragged = tmp.file("ragged.json", '{"theta": [0, 1], "phi": [1]}');
      const argv = args.map((a) =>
        a === "SWEEP_BAD_KEY" ? bad : a === "SWEEP_RAGGED" ? ragged : a,
      );
      const r = await cli("estimate", ansatz, ...argv);
      expect(r.code).toBe(code);
      expect(r.err).toMatch(message);
      expect(r.err.trimEnd().split("\n")).toHaveLength(1);
      expect(r.err).not.toMatch(STACK);
    },
  );

  it("reports program errors as FILE:LINE:COL", async () => {
    const loop = tmp.file(
      "loop.qasm",
      `${HEADER}input float theta;\nqubit q;\nif (theta > 0) { x q; }\n`,
    );
    const r = await cli(
      "estimate",
      loop,
      "--observable",
      "Z",
      "--input",
      "theta=1",
    );
    // theta is fixed by --input when the program needs its value at compile time.
    expect(r.code).toBe(0);
    expect(JSON.stringify(r.out)).toContain("loop.qasm");
    const s = await cli("estimate", loop, "--observable", "Z");
    expect(s.code).toBe(1);
    expect(s.err).toMatch(
      new RegExp(
        `^${loop.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:5:5: error: input 'theta' is a circuit parameter`,
      ),
    );
  });
});
