/**
 * OpenQASM 3 classical code at run time and the language features of the specification's
 * examples, each in a program of our own. Distributions of dynamic programs are checked with a
 * chi-square test (fixed seeds) against references written here branch by branch, by hand.
 */
import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { chiSquare, chiSquareBound } from "../sim/branch-reference.ts";
import { compileOk } from "./helpers.ts";

const H = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

/** Counts of `shots` runs of `src` with a fixed seed. */
function run(src: string, shots = 4000, seed = 7): Record<string, number> {
  const out = simulate(compileOk(src), { shots, seed });
  if (!out.ok) throw new Error(`${out.error.code}: ${out.error.message}`);
  return out.result.counts;
}

/** Asserts counts fit the reference distribution (chi-square at p = 1e-4) and no key is impossible. */
function expectDistribution(
  counts: Record<string, number>,
  reference: Map<string, number>,
): void {
  for (const k of Object.keys(counts)) expect(reference.has(k), k).toBe(true);
  const { stat, df } = chiSquare(counts, reference);
  expect(stat).toBeLessThan(chiSquareBound(df));
}

/** The first error as `CODE line:col`. */
function firstError(src: string): string {
  const r = compileQasm(src);
  const e = r.diagnostics.find((d) => d.severity === "error");
  return e ? `${e.code} ${e.span.line}:${e.span.col}` : "none";
}

describe("run-time classical computation", () => {
  it("repeat-until-success: a while loop on a measured register ends with the target state", () => {
    // Prepare |1> on t by trying a coin until it shows 1, then copy it: t is always 1.
    const src = `${H}qubit coin; qubit t; bit[2] flags = "00"; bit out;
while (int[2](flags) == 0) {
  reset coin; h coin;
  flags[0] = measure coin;
}
cx coin, t;
out = measure t;`;
    expect(run(src, 500)).toEqual({ "1 01": 500 });
  });

  it("counts the attempts of a while loop (geometric distribution)", () => {
    const src = `${H}qubit q; bit b; uint[3] tries = 0;
while (!b) { reset q; ry(pi / 3) q; b = measure q; tries += 1; }`;
    // P(success) = sin²(pi/6) = 1/4 each try; tries is a 3-bit counter, so it wraps at 8.
    const p = 0.25;
    const ref = new Map<string, number>();
    for (let k = 1; k < 200; k++) {
      const key = `${(k % 8).toString(2).padStart(3, "0")} 1`;
      ref.set(key, (ref.get(key) ?? 0) + (1 - p) ** (k - 1) * p);
    }
    expectDistribution(run(src), ref);
  });

  it("breaks out of while (true) and of a bounded while on a measurement (repeat until success)", () => {
    // while (true): try ry(pi/3) until it reads 1; tries counts the failures before it.
    const forever = `${H}qubit q; bit b; uint[3] tries = 0;
while (true) { reset q; ry(pi / 3) q; b = measure q; if (b) break; tries += 1; }`;
    const p = 0.25;
    const ref = new Map<string, number>();
    for (let k = 0; k < 200; k++) {
      const key = `${(k % 8).toString(2).padStart(3, "0")} 1`;
      ref.set(key, (ref.get(key) ?? 0) + (1 - p) ** k * p);
    }
    expectDistribution(run(forever), ref);
    // At most three tries (the compile-time bound is kept per shot).
    const bounded = `${H}qubit q; bit b; int[2] tries = 0;
while (tries < 3) { reset q; ry(pi / 3) q; b = measure q; if (b) break; tries += 1; }`;
    const three = new Map<string, number>([
      ["00 1", p],
      ["01 1", (1 - p) * p],
      ["10 1", (1 - p) ** 2 * p],
      ["11 0", (1 - p) ** 3],
    ]);
    expectDistribution(run(bounded), three);
  });

  it("breaks and continues a for loop on measured values; later iterations do not run after a break", () => {
    // Each iteration flips a coin: heads (1) skips the rest of the iteration (continue), and two
    // tails in a row stop the loop. x counts the iterations that reached the end.
    const src = `${H}qubit c; bit b; bit prev = 0; uint[3] x = 0;
for int i in [0:3] {
  reset c; h c; b = measure c;
  if (b) { prev = 0; continue; }
  if (prev) break;
  prev = 1;
  x += 1;
}`;
    // Brute force over the 4 coin flips, as the program reads them.
    const ref = new Map<string, number>();
    for (let m = 0; m < 16; m++) {
      let prev = 0;
      let x = 0;
      let b = 0;
      for (let i = 0; i < 4; i++) {
        b = (m >> i) & 1;
        if (b) {
          prev = 0;
          continue;
        }
        if (prev) break;
        prev = 1;
        x++;
      }
      // Flips after a break are never made: those outcomes share their probability.
      const key = `${x.toString(2).padStart(3, "0")} ${prev} ${b}`;
      ref.set(key, (ref.get(key) ?? 0) + 1 / 16);
    }
    expectDistribution(run(src, 8000), ref);
  });

  it("breaks a for loop on the result of a subroutine that measures", () => {
    const src = `${H}qubit q; uint[3] n = 0;
def flip(qubit r) -> bit { reset r; h r; return measure r; }
for int i in [0:5] { if (flip(q)) break; n += 1; }`;
    // n = the number of tails before the first head, at most 6.
    const ref = new Map<string, number>();
    for (let k = 0; k <= 6; k++)
      ref.set(
        k.toString(2).padStart(3, "0"),
        k < 6 ? 0.5 ** (k + 1) : 0.5 ** 6,
      );
    expectDistribution(run(src), ref);
  });

  it("calls a built-in function as a statement (its value unused)", () => {
    expect(firstError(`${H}bit[2] f = "11"; popcount(f); sqrt(2.0);`)).toBe(
      "none",
    );
  });

  it("indexes qubits with values measured at run time (an index and a range, as msd's buffer[index:index+1])", () => {
    const src = `${H}qubit[8] q; bit[2] m; bit[5] out;
h q[0]; h q[1];
m = measure q[0:1];
uint[2] i = m;
x q[2 + i:3 + i];
out = measure q[2:6];`;
    // i is uniform on 0..3; the two qubits 2+i and 3+i flip. Keys: i, out, m (i shows too).
    const ref = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      const two = i.toString(2).padStart(2, "0");
      ref.set(`${two} ${(3 << i).toString(2).padStart(5, "0")} ${two}`, 0.25);
    }
    expectDistribution(run(src, 2000), ref);
  });

  it("keeps measured values in a float variable (the bits of a double) and compares it", () => {
    const src = `${H}qubit[3] q; bit[2] m; bit out;
h q[0]; ry(1.2) q[1];
m = measure q[0:1];
float[64] f = 0.75;
f = f * int(m[0]) - 0.5 * int(m[1]);   // 0, 0.75, -0.5 or 0.25
if (f > 0.5) x q[2];                   // m = 01
if (f < 0) { f += 1.5; }               // m = 10: f becomes 1.0
if (f == 1.0) x q[2];
out = measure q[2];`;
    // m[0] is a fair coin, m[1] is 1 with sin²(0.6); out = m[0] xor m[1]. Keys: out, m.
    const s = Math.sin(0.6) ** 2;
    const ref = new Map<string, number>();
    for (const m0 of [0, 1])
      for (const m1 of [0, 1])
        ref.set(`${m0 ^ m1} ${m1}${m0}`, 0.5 * (m1 ? s : 1 - s));
    expectDistribution(run(src), ref);
  });

  it("returns from a subroutine inside a branch on a measurement", () => {
    const src = `${H}def first_one(qubit[3] r) -> uint[2] {
  bit b;
  for int i in [0:2] { b = measure r[i]; if (b) return i + 1; }
  return 0;
}
qubit[3] q;
h q;
uint[2] k = first_one(q);`;
    // The first of three fair coins that shows 1 (k = 1, 2, 3), or none (k = 0).
    const ref = new Map([
      ["01", 1 / 2],
      ["10", 1 / 4],
      ["11", 1 / 8],
      ["00", 1 / 8],
    ]);
    expectDistribution(run(src), ref);
  });

  it("ends the program inside a branch on a measurement", () => {
    const src = `${H}qubit q; bit b; bit c;
h q; b = measure q;
if (b) end;
x q;
c = measure q;`;
    // b = 1 stops before x and the second measurement (c stays 0); b = 0 flips q (c = 1).
    expectDistribution(
      run(src, 2000),
      new Map([
        ["0 1", 0.5],
        ["1 0", 0.5],
      ]),
    );
  });

  it("decodes a syndrome into an int and corrects with switch", () => {
    // Bit-flip code holding |000>; a partial flip rx(0.8) on data[1] is detected and undone.
    const src = `${H}qubit[3] data; qubit[2] anc; bit[2] syn; bit[3] c;
rx(0.8) data[1];
cx data[0], anc[0]; cx data[1], anc[0];
cx data[1], anc[1]; cx data[2], anc[1];
syn = measure anc;
int syndrome = syn[0] + 2 * syn[1];
switch (syndrome) {
  case 1 { x data[0]; }
  case 3 { x data[1]; }
  case 2 { x data[2]; }
  default { }
}
c = measure data;`;
    const s2 = Math.sin(0.4) ** 2;
    // Count keys list the registers last-declared first: syndrome (an output), c, syn.
    const int32 = (k: number): string => k.toString(2).padStart(32, "0");
    expectDistribution(
      run(src),
      new Map([
        [`${int32(0)} 000 00`, 1 - s2],
        [`${int32(3)} 000 11`, s2],
      ]),
    );
  });

  it("feeds forward arithmetic on several measured bits into a gate angle", () => {
    const src = `${H}qubit[2] m; qubit t; bit[2] b; bit r;
h m;
b = measure m;
int k = b[0] + 2 * b[1];
rx(k * 0.5) t;
if (popcount(b) == 2 && k > 2) { x t; }
r = measure t;`;
    // k is uniform on 0..3; t ends as rx(k/2)|0>, flipped when k = 3.
    const ref = new Map<string, number>();
    for (let k = 0; k < 4; k++) {
      const p1 = Math.sin(k * 0.25) ** 2;
      const one = k === 3 ? 1 - p1 : p1;
      const bits = k.toString(2).padStart(2, "0");
      const kKey = k.toString(2).padStart(32, "0");
      if (one > 0) ref.set(`${kKey} 1 ${bits}`, 0.25 * one);
      if (one < 1) ref.set(`${kKey} 0 ${bits}`, 0.25 * (1 - one));
    }
    expectDistribution(run(src), ref);
  });

  it("teleports rx(0.3)|0>: P(1) on the target's bit is sin²(0.15)", () => {
    const src = `${H}qubit msg; qubit[2] pair; bit a; bit b; bit out;
rx(0.3) msg;
h pair[0]; cx pair[0], pair[1];
cx msg, pair[0]; h msg;
a = measure msg; b = measure pair[0];
if (b == 1) x pair[1];
if (a == 1) z pair[1];
out = measure pair[1];`;
    const counts = run(src, 20000, 11);
    const p1 = Math.sin(0.15) ** 2;
    const ref = new Map<string, number>();
    for (const out of [0, 1])
      for (const b of [0, 1])
        for (const a of [0, 1])
          ref.set(`${out} ${b} ${a}`, 0.25 * (out ? p1 : 1 - p1));
    expectDistribution(counts, ref);
  });

  it("ripple-carry adder 1 + 15 gives 10000 on every shot", () => {
    const src = `${H}gate maj a, b, c { cx c, b; cx c, a; ccx a, b, c; }
gate uma a, b, c { ccx a, b, c; cx c, a; cx a, b; }
qubit carry; qubit[4] x; qubit[4] y; qubit over; bit[5] sum;
uint[4] xs = 1; uint[4] ys = 15;
for uint i in [0:3] { if (bool(xs[i])) x x[i]; if (bool(ys[i])) x y[i]; }
let chain = carry ++ y[0] ++ x[0];
maj chain[0], chain[1], chain[2];
for uint i in [0:2] { maj x[i], y[i + 1], x[i + 1]; }
cx x[3], over;
for uint i in [2:-1:0] { uma x[i], y[i + 1], x[i + 1]; }
uma carry, y[0], x[0];
measure y -> sum[0:3];
measure over -> sum[4];`;
    expect(run(src, 300)).toEqual({ "10000": 300 });
  });

  it("computes with bits and integers at run time: +=, <<, ~, popcount, rotl, casts", () => {
    const src = `${H}qubit[4] q; bit[4] m; bit[4] r; uint[4] u = 0;
x q[0]; x q[2];
m = measure q;            // 0101
u = uint[4](m);           // 5
u += 6;                   // 11 = 1011
u = u << 1;               // 22 -> 0110 in 4 bits
r = rotl(m, 1) ^ ~m;      // 1010 ^ 1010 = 0000
r[3] = popcount(m) == 2;  // 1000
r[0] = u == 6;            // 1001`;
    expect(run(src, 50)).toEqual({ "0110 1001 0101": 50 });
  });

  it("runs a subroutine returning a measurement inside a while loop", () => {
    const src = `${H}def try(qubit q) -> bit { reset q; h q; return measure q; }
qubit q; qubit t; bit got; int[8] n = 0; bit res;
while (got == 0) { got = try(q); n += 1; if (n > 3) { break; } }
if (got) x t;
res = measure t;`;
    // The loop stops at the first 1 or after 4 tries; t copies got. Keys: n res got.
    const ref = new Map<string, number>();
    for (let k = 1; k <= 4; k++) {
      const key = k.toString(2).padStart(8, "0");
      ref.set(`${key} 1 1`, 0.5 ** k);
    }
    ref.set(`${(4).toString(2).padStart(8, "0")} 0 0`, 0.5 ** 4);
    expectDistribution(run(src), ref);
  });
});

describe("OpenQASM 3 language features", () => {
  it("arrays: literals, indexing, slices, sizeof, readonly and mutable arguments", () => {
    const src = `${H}qubit[4] q; bit[4] c;
array[int[8], 2, 2] grid = {{1, 0}, {0, 1}};
array[uint[8], 4] flags = {0, 0, 0, 0};
def mark(readonly array[int[8], 2, 2] g, mutable array[uint[8], 4] out) {
  for int i in [0:1] { for int j in [0:1] { out[2 * i + j] = g[i, j]; } }
}
mark(grid, flags);
flags[1] = sizeof(grid, 1) - 1;
const uint n = sizeof(flags);
for int i in [0:n - 1] { if (flags[i] == 1) x q[i]; }
c = measure q;`;
    // flags = {1, 1, 0, 1}: q0, q1, q3 flipped.
    expect(run(src, 20)).toEqual({ "1011": 20 });
    expect(
      firstError(
        `${H}array[int[8], 2] a = {1, 2};\ndef f(readonly array[int[8], 2] x) { x[0] = 3; }\nf(a);`,
      ),
    ).toBe("QASM_CONST_ASSIGNMENT 4:38");
    expect(firstError(`${H}array[int[8], 2] a = {1, 2, 3};`)).toBe(
      "QASM_TYPE_ERROR 3:22",
    );
  });

  it("let aliases: slices, index sets and ++ concatenation", () => {
    const src = `${H}qubit[3] a; qubit b; bit[4] c;
let pair = a[{0, 2}];
let all = a[1:2] ++ b;
x pair[1];
x all[2];
let everything = a ++ b;
c = measure everything;`;
    expect(run(src, 20)).toEqual({ "1100": 20 });
  });

  it("externs: declared and unused runs; vote is built in; others are refused at the call", () => {
    expect(
      run(
        `${H}extern f(int) -> int;\nextern vote(bit[3]) -> bit;\nqubit[3] q; bit[3] m; bit v;\nx q[0]; x q[2];\nm = measure q;\nv = vote(m);`,
        10,
      ),
    ).toEqual({ "1 101": 10 });
    const r = compileQasm(
      `${H}extern log_it(bit) -> int;\nqubit q; bit m;\nm = measure q;\nint k = log_it(m);`,
    );
    expect(r.ok).toBe(false);
    const e = r.diagnostics.find((d) => d.severity === "error")!;
    expect([e.code, e.span.line, e.span.col]).toEqual([
      "QASM_EXTERN_UNAVAILABLE",
      6,
      9,
    ]);
    expect(e.message).toContain("log_it");
  });

  it("timing is an identity for the ideal simulator, with its types checked", () => {
    const src = `${H}qubit[2] q; bit[2] c;
duration step = 20ns;
stretch s;
duration d = 2 * step + durationof({ x q[0]; }) - s;
delay[d] q[0];
box [100ns] { h q[0]; delay[step] q[1]; cx q[0], q[1]; }
barrier q;
delay[1us];
c = measure q;`;
    expect(Object.keys(run(src, 400)).sort()).toEqual(["00", "11"]);
    expect(firstError(`${H}qubit q;\ndelay[1.5] q;`)).toBe(
      "QASM_TYPE_ERROR 4:7",
    );
    expect(firstError(`${H}duration d = 20ns + 3;`)).toBe(
      "QASM_TYPE_ERROR 3:14",
    );
  });

  it("calibration blocks are skipped with one warning", () => {
    const r = compileQasm(`${H}defcalgrammar "openpulse";
cal { extern port d0; }
defcal x $0 { play d0, gaussian(...); }
defcal measure $0 -> bit { return threshold(capture(d0), 1); }
x $0;`);
    expect(r.ok).toBe(true);
    const warnings = r.diagnostics.filter(
      (d) => d.code === "QASM_CALIBRATION_IGNORED",
    );
    expect(warnings).toHaveLength(1);
    if (r.ok) expect(r.circuit.ops.map((o) => o.kind)).toEqual(["gate"]);
  });

  it("switch at compile time picks one case; integer and bit arithmetic follow the spec", () => {
    const src = `${H}qubit[3] q; bit[3] c;
int i = 5;
i <<= 1;            // 10
i += ~2;            // 10 + (-3) = 7
switch (i % 4) {    // 3
  case 0, 1 { x q[0]; }
  case 3 { x q[1]; }
  default { x q[2]; }
}
c = measure q;`;
    expect(run(src, 10)).toEqual({ "010": 10 });
  });

  it("statement and expression errors stay diagnostics with line:column", () => {
    expect(firstError(`${H}let a = 1;`)).toBe("QASM_TYPE_ERROR 3:9");
    expect(
      firstError(
        `${H}qubit q; bit b;\nwhile (b) { x q; b = measure q; }\nreturn;`,
      ),
    ).toBe("QASM_BAD_CONTROL_FLOW 5:1");
    expect(firstError(`${H}switch (1) { case 1 { } case 1.5 { } }`)).toBe(
      "QASM_TYPE_ERROR 3:30",
    );
  });
});
