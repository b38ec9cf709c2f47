/**
 * Lenient readings: mistakes of the specification's own examples that the compiler reads as the
 * program plainly means, each with a QASM_LENIENT warning at line:column, while the real errors
 * next to them stay errors. Programs of our own, small and fast.
 */
import { describe, expect, it } from "vitest";
import { maxDistance } from "../../src/math/matrix.ts";
import { compileQasm } from "../../src/qasm/compile.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { denseUnitary } from "../helpers/dense.ts";
import { compileOk } from "./helpers.ts";

const H = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

function counts(src: string, shots = 50): Record<string, number> {
  const out = simulate(compileOk(src), { shots, seed: 3 });
  if (!out.ok) throw new Error(`${out.error.code}: ${out.error.message}`);
  return out.result.counts;
}

/** Every diagnostic as `severity CODE line:col`. */
function diagnostics(src: string): string[] {
  return compileQasm(src).diagnostics.map(
    (d) => `${d.severity} ${d.code} ${d.span.line}:${d.span.col}`,
  );
}

describe("gate bodies", () => {
  it("unroll for loops over ranges and sets, with the loop variable in angles", () => {
    const loop = compileOk(
      `${H}qubit q;\ngate rep(t) a { for int i in [1:3] { rz(t * i) a; } for int k in {2, -1} { rx(t / k) a; } }\nrep(0.2) q;`,
    );
    const plain = compileOk(
      `${H}qubit q;\nrz(0.2) q; rz(0.4) q; rz(0.6) q; rx(0.1) q; rx(-0.2) q;`,
    );
    expect(maxDistance(denseUnitary(loop), denseUnitary(plain))).toBeLessThan(
      1e-12,
    );
  });

  it("take a register whole when the body indexes the argument (the vqe example's entangler), with a warning", () => {
    const src = `${H}const int n = 4;\ngate entangler q { for uint i in [0:n-2] { cx q[i], q[i+1]; } }\nqubit[n] r; bit[n] c;\nx r[0];\nentangler r;\nc = measure r;`;
    expect(counts(src)).toEqual({ "1111": 50 });
    expect(diagnostics(src)).toEqual(["warning QASM_LENIENT 4:47"]);
    // The loop variable is no gate parameter outside its loop; other names stay errors.
    expect(
      diagnostics(`${H}gate g a { for int i in [0:1] { x a; } rx(i) a; }`),
    ).toEqual(["error QASM_UNDEFINED_VARIABLE 3:43"]);
  });
});

describe("undefined names with one plain meaning", () => {
  it("reads CX without stdgates.inc as cx and an undeclared register indexed by literals as declared (the cphase example)", () => {
    const src =
      "gate cphase(θ) a, b { U(0, 0, θ / 2) a; CX a, b; U(0, 0, -θ / 2) b; CX a, b; U(0, 0, θ / 2) b; }\nU(π, 0, π) q[0]; U(π, 0, π) q[1];\ncphase(π / 2) q[0], q[1];\nbit[2] c;\nc = measure q;";
    expect(counts(src)).toEqual({ "11": 50 });
    expect(diagnostics(src)).toEqual([
      "warning QASM_LENIENT 1:41",
      "warning QASM_LENIENT 1:69",
      "warning QASM_LENIENT 2:12",
    ]);
    // With the include there is nothing to warn about.
    expect(diagnostics(`${H}qubit[2] q;\nCX q[0], q[1];`)).toEqual([]);
    // A register used with a computed index, or read before any gate, stays undeclared.
    expect(diagnostics(`${H}int i = 1;\nx r[i];`)).toEqual([
      "error QASM_UNDEFINED_REGISTER 4:3",
    ]);
    expect(diagnostics(`${H}bit b;\nb = measure r[0];`)).toEqual([
      "error QASM_UNDEFINED_REGISTER 4:13",
    ]);
  });

  it("reads `u` as U, and `u` without parameters (the dd example's placeholder) as the identity", () => {
    const u = compileOk(`${H}qubit q;\nu(0.3, 0.2, 0.1) q;`);
    const U = compileOk(`${H}qubit q;\nU(0.3, 0.2, 0.1) q;`);
    expect(maxDistance(denseUnitary(u), denseUnitary(U))).toBeLessThan(1e-12);
    expect(diagnostics(`${H}qubit q;\nh q;\nu q;`)).toEqual([
      "warning QASM_LENIENT 5:1",
    ]);
    expect(counts(`${H}qubit q; bit b;\nx q;\nu q;\nb = measure q;`)).toEqual({
      "1": 50,
    });
    // Any other unknown gate, or u with one parameter, is still an error.
    expect(diagnostics(`${H}qubit q;\nfoo q;`)).toEqual([
      "error QASM_UNDEFINED_GATE 4:1",
    ]);
    expect(diagnostics(`${H}qubit q;\nu(0.1) q;`)).toEqual([
      "error QASM_UNDEFINED_GATE 4:1",
    ]);
  });
});

describe("classical mistakes that cannot change the result", () => {
  it("skips an array element write out of range with a warning (the arrays example); reads stay errors", () => {
    const src = `${H}qubit q; bit b;\narray[uint[8], 4] a = {5, 6, 7, 8};\nuint[8] k = a[0];\na[k - 1] = 9;\nif (a[3] == 8) x q;\nb = measure q;`;
    expect(counts(src)).toEqual({ "1": 50 });
    expect(diagnostics(src)).toEqual(["warning QASM_LENIENT 6:3"]);
    expect(diagnostics(`${H}array[int, 2] a = {1, 2};\nint x = a[2];`)).toEqual(
      ["error QASM_INDEX_OUT_OF_RANGE 4:11"],
    );
  });

  it("ignores a const declared again with the same value; a different value is a redefinition", () => {
    expect(
      diagnostics(`${H}const uint[32] d = 8;\nconst uint[32] d = 4 + 4;`),
    ).toEqual(["warning QASM_LENIENT 4:16"]);
    expect(
      diagnostics(`${H}const uint[32] d = 8;\nconst uint[32] d = 7;`),
    ).toEqual(["error QASM_REDEFINITION 4:16"]);
    expect(diagnostics(`${H}const int d = 8;\nint d = 8;`)).toEqual([
      "error QASM_REDEFINITION 4:5",
    ]);
  });
});

describe("the msd example's mistakes", () => {
  it("skips a gate on a subroutine's register argument past its end; top-level registers keep the error", () => {
    const src = `${H}def f(qubit[2] r) { x r[0]; cz r[2], r[1]; x r[1]; }\nqubit[2] q; bit[2] c;\nf(q);\nf(q);\nc = measure q;`;
    expect(counts(src)).toEqual({ "00": 50 });
    expect(diagnostics(src)).toEqual(["warning QASM_LENIENT 3:34"]);
    expect(diagnostics(`${H}qubit[2] q;\ncz q[2], q[1];`)).toEqual([
      "error QASM_INDEX_OUT_OF_RANGE 4:6",
    ]);
  });

  it("declares a variable by its first assignment, typed by the value; ~ of bools is a logical not", () => {
    const src = `${H}def check(qubit q) -> bool {\n  bit m = measure q;\n  ok = ~(bool(m) | false);\n  return ok;\n}\nqubit[2] q; bit r;\nx q[0];\nif (check(q[0])) x q[1];\nif (check(q[1])) x q[1];\nr = measure q[1];`;
    expect(counts(src)).toEqual({ "1": 50 });
    expect(diagnostics(src)).toEqual(["warning QASM_LENIENT 5:3"]);
    // Compound assignments and indexed writes to undeclared names stay errors.
    expect(diagnostics(`${H}k += 1;`)).toEqual([
      "error QASM_UNDEFINED_VARIABLE 3:1",
    ]);
    expect(diagnostics(`${H}k[0] = 1;`)).toEqual([
      "error QASM_UNDEFINED_VARIABLE 3:1",
    ]);
  });
});
