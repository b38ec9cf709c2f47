import { afterAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { STACK, cli, tempFiles } from "./helpers/cli.ts";

const tmp = tempFiles();
const dir = tmp.dir;
const file = tmp.file;
afterAll(tmp.remove);

const QELIB = 'OPENQASM 2.0;\ninclude "qelib1.inc";\n';
const bell = file(
  "bell.qasm",
  `${QELIB}qreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n`,
);

describe("stepfault run", () => {
  it("prints Bell counts as the contract's JSON object", async () => {
    const r = await cli(
      "run",
      bell,
      "--shots",
      "2000",
      "--seed",
      "7",
      "--json",
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j).sort()).toEqual([
      "clbits",
      "compileMs",
      "counts",
      "method",
      "qubits",
      "sampleMs",
      "seed",
      "shots",
      "simulateMs",
      "threads",
      "timeMs",
    ]);
    // Below the threaded size the run is single-threaded whatever --threads says.
    expect(j.threads).toBe(1);
    for (const phase of ["compileMs", "simulateMs", "sampleMs"]) {
      expect(j[phase]).toBeGreaterThanOrEqual(0);
      expect(j[phase]).toBeLessThanOrEqual(j.timeMs);
    }
    expect(Object.keys(j.counts).sort()).toEqual(["00", "11"]);
    expect(j.counts["00"] + j.counts["11"]).toBe(2000);
    expect(j.counts["00"]).toBeGreaterThan(850);
    expect(j).toMatchObject({
      shots: 2000,
      seed: 7,
      qubits: 2,
      clbits: 2,
      method: "statevector",
    });
    expect(typeof j.timeMs).toBe("number");
  });

  it("gives the same counts for the same seed and reports a drawn seed otherwise", async () => {
    const [a, b, c] = await Promise.all([
      cli("run", bell, "--seed", "123", "--json"),
      cli("run", bell, "--seed", "123", "--json"),
      cli("run", bell, "--json"),
    ]);
    expect(JSON.parse(a.out).counts).toEqual(JSON.parse(b.out).counts);
    const drawn = JSON.parse(c.out).seed;
    expect(Number.isInteger(drawn)).toBe(true);
    const again = await cli("run", bell, "--seed", String(drawn), "--json");
    expect(JSON.parse(again.out).counts).toEqual(JSON.parse(c.out).counts);
  });

  it("keys counts by register, the last-declared leftmost", async () => {
    const regs = file(
      "regs.qasm",
      `${QELIB}qreg q[3];\ncreg a[1];\ncreg b[2];\nx q[0];\nx q[2];\nmeasure q[0] -> a[0];\nmeasure q[1] -> b[0];\nmeasure q[2] -> b[1];\n`,
    );
    const r = await cli("run", regs, "--shots", "10", "--json");
    expect(JSON.parse(r.out).counts).toEqual({ "10 1": 10 });
  });

  it("prints the little-endian statevector with final measurements removed", async () => {
    const r = await cli("run", bell, "--statevector", "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.qubits).toBe(2);
    expect(j.statevector).toHaveLength(4);
    expect(j.statevector[0][0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(j.statevector[3][0]).toBeCloseTo(Math.SQRT1_2, 12);
    const x1 = file("x1.qasm", `${QELIB}qreg q[2];\nx q[1];\n`);
    expect(
      JSON.parse((await cli("run", x1, "--statevector", "--json")).out)
        .statevector[2],
    ).toEqual([1, 0]);
  });

  it("refuses the statevector of a dynamic circuit with a clear message", async () => {
    const dyn = file(
      "dyn.qasm",
      `${QELIB}qreg q[1];\ncreg c[1];\nh q[0];\nmeasure q[0] -> c[0];\nif (c==1) x q[0];\n`,
    );
    const r = await cli("run", dyn, "--statevector", "--json");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^stepfault: error: .*statevector/);
  });

  it("prints a readable table sorted by count with a header", async () => {
    const r = await cli("run", bell, "--seed", "7");
    expect(r.code).toBe(0);
    const lines = r.out.trim().split("\n");
    expect(lines[0]).toMatch(
      /2 qubits, 2 clbits, 1024 shots, seed 7, statevector, [\d.]+ m?s/,
    );
    expect(lines[2]).toMatch(/^outcome\s+count\s+probability$/);
    const rows = lines.slice(3).map((l) => l.split(/\s+/));
    expect(rows.map((x) => x[0]).sort()).toEqual(["00", "11"]);
    expect(Number(rows[0][1])).toBeGreaterThanOrEqual(Number(rows[1][1]));
    expect(Number(rows[0][1]) + Number(rows[1][1])).toBe(1024);
  });

  it("shows the top 32 outcomes and how many more", async () => {
    const wide = file(
      "wide.qasm",
      `${QELIB}qreg q[6];\ncreg c[6];\nh q;\nmeasure q -> c;\n`,
    );
    const r = await cli("run", wide, "--shots", "4000", "--seed", "1");
    expect(r.out).toMatch(/\(32 more\)\n$/);
  });

  it("reads includes relative to the file and OpenQASM 3 inputs", async () => {
    file("lib/base.inc", "gate flip0 a { x a; }\n");
    file("lib/my.inc", 'include "base.inc";\ngate flip a { flip0 a; }\n');
    const main = file(
      "inc.qasm",
      `${QELIB}include "lib/my.inc";\nqreg q[1];\ncreg c[1];\nflip q[0];\nmeasure q[0] -> c[0];\n`,
    );
    expect(
      JSON.parse((await cli("run", main, "--shots", "5", "--json")).out).counts,
    ).toEqual({ "1": 5 });
    const q3 = file(
      "in.qasm",
      'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float theta;\nqubit q;\nbit c;\nrx(theta) q;\nc = measure q;\n',
    );
    const r = await cli(
      "run",
      q3,
      "--shots",
      "5",
      "--input",
      "theta=3.141592653589793",
      "--json",
    );
    expect(JSON.parse(r.out).counts).toEqual({ "1": 5 });
  });

  it("runs 20+ qubit circuits (threaded entry) and refuses impossible sizes before allocating", async () => {
    const w20 = file(
      "w20.qasm",
      `${QELIB}qreg q[20];\ncreg c[20];\nx q[19];\nh q[0];\nmeasure q -> c;\n`,
    );
    const [r, one] = await Promise.all(
      ["2", "1"].map((t) =>
        cli(
          "run",
          w20,
          "--shots",
          "50",
          "--seed",
          "3",
          "--json",
          "--threads",
          t,
        ),
      ),
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    const counts = j.counts as Record<string, number>;
    expect(Object.keys(counts).every((k) => /^10{18}[01]$/.test(k))).toBe(true);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(50);
    expect(j.threads).toBe(2);
    // The same seed gives the same counts on one thread.
    expect(one.code).toBe(0);
    expect(JSON.parse(one.out)).toMatchObject({ threads: 1, counts });
    expect(j.compileMs + j.simulateMs + j.sampleMs).toBeLessThanOrEqual(
      j.timeMs + 0.01,
    );
    const huge = file(
      "huge.qasm",
      `${QELIB}qreg q[40];\ncreg c[40];\nh q;\nmeasure q -> c;\n`,
    );
    const big = await cli("run", huge, "--json");
    expect(big.code).toBe(1);
    expect(big.err).toMatch(
      /^stepfault: error: needs [\d.]+ GiB for 40 qubits/,
    );
    expect(big.out).toBe("");
  });

  describe("errors", () => {
    it("reports compile errors as FILE:LINE:COL lines, exit 1, no stack trace", async () => {
      const bad = file("bad.qasm", `${QELIB}qreg q[2];\nfoo q[0];\nh q[5];\n`);
      const r = await cli("run", bad, "--shots", "10");
      expect(r.code).toBe(1);
      const lines = r.err.trim().split("\n");
      expect(lines[0]).toMatch(
        new RegExp(
          `^${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:4:\\d+: error: .+`,
        ),
      );
      expect(lines.some((l) => /:5:\d+: error: /.test(l))).toBe(true);
      expect(r.err).not.toMatch(STACK);
      expect(r.out).toBe("");
    });

    it("points at the included file for errors inside an include", async () => {
      file("inc/broken.inc", "gate g a {\n  nope a;\n}\n");
      const main = file(
        "inc-main.qasm",
        `${QELIB}include "inc/broken.inc";\nqreg q[1];\n`,
      );
      const r = await cli("run", main);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        new RegExp(
          `^${join(dir, "inc", "broken.inc").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:3: error: `,
        ),
      );
    });

    it("reports unreadable input in one line: missing file, directory, binary junk", async () => {
      const junk = file(
        "junk.qasm",
        Buffer.from([0x4f, 0x50, 0x00, 0xff, 0xfe, 0x12]),
      );
      const bad8 = file("latin1.qasm", Buffer.from([0x4f, 0xe9, 0x0a]));
      for (const [path, why] of [
        [join(dir, "none.qasm"), /no such file/],
        [dir, /is a directory/],
        [junk, /not a text file/],
        [bad8, /not a text file/],
      ] as const) {
        const r = await cli("run", path);
        expect(r.code).toBe(1);
        expect(r.err).toMatch(/^stepfault: error: cannot read /);
        expect(r.err).toMatch(why);
        expect(r.err.trim().split("\n")).toHaveLength(1);
      }
    });

    it("treats bad flags and values as usage errors (exit 2)", async () => {
      const cases = [
        ["run", bell, "--shots", "abc"],
        ["run", bell, "--seed", "-1"],
        ["run", bell, "--seed", "4294967296"],
        ["run", bell, "--precision", "quad"],
        ["run", bell, "--frob"],
        ["run"],
        ["run", bell, bell],
        ["run", bell, "--input", "x"],
        ["run", bell, "--shots", "0"],
        ["run", bell, "--threads", "0"],
        ["run", bell, "--threads", "two"],
        ["run", bell, "--threads", "257"],
      ];
      const results = await Promise.all(cases.map((args) => cli(...args)));
      results.forEach((r, i) => {
        expect(r.code, cases[i].join(" ")).toBe(2);
        expect(r.err, cases[i].join(" ")).toMatch(/^stepfault: error: /);
        expect(r.err).not.toMatch(STACK);
      });
    });
  });
});

describe("stepfault", () => {
  it("prints help for the top level and for run, and the version", async () => {
    const top = await cli("--help");
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/Usage: stepfault <command>/);
    expect(top.out).toMatch(/\n {2}run\s+Simulate/);
    const run = await cli("run", "--help");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/Usage: stepfault run FILE/);
    expect(run.out).toMatch(/--statevector/);
    const v = await cli("--version");
    expect(v.out).toMatch(/^stepfault \d+\.\d+\.\d+\n$/);
  });

  it("rejects unknown commands with exit 2", async () => {
    const r = await cli("teleport");
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command "teleport"/);
  });
});

describe("stepfault run with noise", () => {
  const noisy = file(
    "noisy.qasm",
    'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nx q[0];\n' +
      "#pragma braket noise amplitude_damping(0.5) q[0]\nc = measure q;\n",
  );
  const model = file(
    "model.json",
    JSON.stringify({
      format: "stepfault.noise-model",
      version: 1,
      readout: [
        {
          qubits: [1],
          matrix: [
            [0, 1],
            [0, 1],
          ],
        },
      ],
    }),
  );

  it("simulates pragmas as a density matrix and applies a model's readout errors", async () => {
    const r = await cli(
      "run",
      noisy,
      "--shots",
      "4000",
      "--seed",
      "3",
      "--json",
    );
    expect(r.err).toBe("");
    const j = JSON.parse(r.out) as {
      counts: Record<string, number>;
      method: string;
    };
    expect(j.method).toBe("density_matrix");
    expect(j.counts["01"] / 4000).toBeCloseTo(0.5, 1);
    const m = await cli(
      "run",
      noisy,
      "--noise",
      model,
      "--seed",
      "3",
      "--json",
      "--method",
      "trajectories",
    );
    const k = JSON.parse(m.out) as {
      counts: Record<string, number>;
      method: string;
    };
    expect(k.method).toBe("trajectories");
    // Qubit 1 always reads 1 (P(1|0) = 1).
    expect(Object.keys(k.counts).every((key) => key.startsWith("1"))).toBe(
      true,
    );
  });

  it("reports a bad model file with JSON paths, and a bad --method", async () => {
    const bad = file(
      "bad-model.json",
      JSON.stringify({
        format: "stepfault.noise-model",
        version: 1,
        gateNoise: [
          { gates: ["x"], channel: { name: "bit_flip", params: [7] } },
        ],
      }),
    );
    const r = await cli("run", noisy, "--noise", bad);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `${bad}: error: gateNoise[0].channel.params: bit_flip: p must be in [0, 1], got 7\n`,
    );
    const m = await cli("run", noisy, "--method", "magic");
    expect(m.code).toBe(2);
    expect(m.err).toMatch(
      /--method must be one of auto, statevector, density_matrix, trajectories/,
    );
    const s = await cli("run", noisy, "--method", "statevector");
    expect(s.code).toBe(1);
    expect(s.err).toMatch(/statevector method does not simulate noise/);
    expect(s.err).not.toMatch(STACK);
  });

  it("points at a bad pragma with FILE:LINE:COL", async () => {
    const f = file(
      "bad-pragma.qasm",
      "OPENQASM 3.0;\nqubit q;\n#pragma braket noise phase_damping(-1) q\n",
    );
    const r = await cli("run", f);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `${f}:3:36: error: phase_damping: gamma must be in [0, 1], got -1\n`,
    );
  });
});
