import { describe, expect, it } from "vitest";
import { gateMatrix } from "../../src/ir/gates.ts";
import type { GateOp } from "../../src/ir/types.ts";
import { compileQasm } from "../../src/qasm/compile.ts";
import { compileOk, opsOf, showOp } from "./helpers.ts";

const H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

/** 2x2 complex product a*b of interleaved row-major matrices. */
function mul2(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(8);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 2; c++) {
      let re = 0;
      let im = 0;
      for (let k = 0; k < 2; k++) {
        const [ar, ai] = [a[2 * (r * 2 + k)], a[2 * (r * 2 + k) + 1]];
        const [br, bi] = [b[2 * (k * 2 + c)], b[2 * (k * 2 + c) + 1]];
        re += ar * br - ai * bi;
        im += ar * bi + ai * br;
      }
      out[2 * (r * 2 + c)] = re;
      out[2 * (r * 2 + c) + 1] = im;
    }
  return out;
}

describe("compileQasm (OpenQASM 3)", () => {
  it("declares qubit and bit registers and measures with assignment syntax", () => {
    const c = compileOk(`${H3}qubit[2] q; qubit r; bit[2] c; bit b;
c[0] = measure q[1]; c = measure q; measure r -> b; bit m = measure r;`);
    expect(c.numQubits).toBe(3);
    expect(c.numClbits).toBe(4);
    expect(c.sourceVersion).toBe("3.0");
    expect(
      c.ops.map((o) =>
        o.kind === "measure" ? `${o.qubit}->${o.clbit}` : o.kind,
      ),
    ).toEqual(["1->0", "0->0", "1->1", "2->2", "2->3"]);
  });

  it("lowers inv @ s to sdg and ctrl(2) @ x to a doubly controlled x", () => {
    expect(
      opsOf(
        `${H3}qubit[3] q; inv @ s q[0]; ctrl(2) @ x q[0], q[1], q[2]; ctrl @ ctrl @ x q[2], q[1], q[0];`,
      ),
    ).toEqual(["sdg q0", "x c0 c1 q2", "x c2 c1 q0"]);
  });

  it("lowers negctrl to X conjugation of the control", () => {
    expect(opsOf(`${H3}qubit[2] q; negctrl @ h q[0], q[1];`)).toEqual([
      "x q0",
      "h c0 q1",
      "x q0",
    ]);
  });

  it("pow(2) @ s equals z", () => {
    const ops = compileOk(`${H3}qubit q; pow(2) @ s q;`).ops as GateOp[];
    let m: Float64Array = Float64Array.of(1, 0, 0, 0, 0, 0, 1, 0);
    for (const op of ops) m = mul2(gateMatrix(op), m);
    const z = gateMatrix({ name: "z", params: [] });
    for (let i = 0; i < 8; i++) expect(m[i]).toBeCloseTo(z[i], 12);
  });

  it("inverts a custom gate by reversing its body and inverting each op", () => {
    expect(
      opsOf(
        `${H3}gate g(t) a, b { rx(t) a; s b; cx a, b; } qubit[2] q; inv @ g(0.5) q[0], q[1];`,
      ),
    ).toEqual(["x c0 q1", "sdg q1", "rx(-0.5) q0"]);
  });

  it("controls every op of a custom gate and turns a controlled gphase into a phase", () => {
    expect(
      opsOf(
        `${H3}gate g a { gphase(0.25); h a; } qubit[2] q; ctrl @ g q[0], q[1]; g q[1];`,
      ),
    ).toEqual(["p(0.25) q0", "h c0 q1", "h q1"]);
    expect(
      compileOk(`${H3}qubit q; gphase(0.5); U(0, 0, 0) q;`).globalPhase,
    ).toBeCloseTo(0.5, 12);
  });

  it("unrolls for loops over ranges (inclusive, with steps) and sets", () => {
    expect(
      opsOf(
        `${H3}qubit[5] q; for int i in [0:2] { x q[i]; } for uint i in [4:-2:0] h q[i]; for i in {1, 3} z q[i];`,
      ),
    ).toEqual(["x q0", "x q1", "x q2", "h q4", "h q2", "h q0", "z q1", "z q3"]);
  });

  it("runs classical code at compile time: const, variables, while, if/else, break and continue", () => {
    const src = `${H3}qubit[4] q;
const int n = 4;
int k = 0;
float t = 0.5;
while (k < n) {
  if (k == 1) { k += 1; continue; }
  if (k >= 3 || false) break;
  rz(t * k) q[k];
  k = k + 1;
}
bool flag = k == 3 && !(n != 4);
if (flag) x q[3]; else y q[3];
`;
    expect(opsOf(src)).toEqual(["rz(0) q0", "rz(1) q2", "x q3"]);
  });

  it("calls subroutines with classical and qubit arguments and returns values", () => {
    const src = `${H3}qubit[3] q;
def twice(int a) -> int { return 2 * a; }
def ent(qubit a, qubit b) { h a; cx a, b; }
def layer(qubit[3] r, float t) { for int i in [0:2] rz(t) r[i]; }
ent(q[twice(1) - 2], q[twice(1)]);
layer(q, twice(3) / 4.0);
`;
    expect(opsOf(src)).toEqual([
      "h q0",
      "x c0 q2",
      "rz(1.5) q0",
      "rz(1.5) q1",
      "rz(1.5) q2",
    ]);
  });

  it("takes input values from options.inputs and lists the inputs", () => {
    const c = compileOk(
      `${H3}input float theta; input int[8] n; qubit q; rx(theta * n) q;`,
      { inputs: { theta: 0.25, n: 2 } },
    );
    expect(c.inputs).toEqual([
      { name: "theta", type: "float" },
      { name: "n", type: "int[8]" },
    ]);
    expect(c.ops[0]).toMatchObject({ name: "rx", params: [0.5] });
  });

  it("turns if on measured bits into conditions, with the else branch negated", () => {
    const src = `${H3}qubit[2] q; bit[2] c;
c[0] = measure q[0];
if (c[0]) x q[1];
if (c == 2) { h q[0]; z q[1]; } else { y q[0]; }
if (!c[1]) reset q[0];
if (c[1] == 0) x q[0];
`;
    expect(opsOf(src)).toEqual([
      "measure q0 -> c0",
      "x q1 if [0]==1",
      "h q0 if [0,1]==2",
      "z q1 if [0,1]==2",
      "y q0 if [0,1]!=2",
      "reset q0 if [1]==0",
      "x q0 if [1]==0",
    ]);
  });

  it("knows the built-in constants and math functions", () => {
    const c = compileOk(
      `${H3}qubit q; rz(tau / 4 + π - pi + euler - euler + arccos(1) + floor(2.7) + mod(7, 3) + pow(2, 3)) q;`,
    );
    expect((c.ops[0] as GateOp).params[0]).toBeCloseTo(
      Math.PI / 2 + 2 + 1 + 8,
      12,
    );
  });

  it("supports register slices as gate arguments", () => {
    expect(
      opsOf(`${H3}qubit[4] q; x q[1:2]; h q[{0, 3}]; cx q[0:1], q[2:3];`),
    ).toEqual(["x q1", "x q2", "h q0", "h q3", "x c0 q2", "x c1 q3"]);
  });

  it("gives ops unrolled from a loop the span of the statement inside the loop", () => {
    const c = compileOk(`${H3}qubit[2] q;\nfor int i in [0:1] {\n  x q[i];\n}`);
    expect(c.ops.map((o) => o.span)).toEqual([
      { line: 5, col: 3, endLine: 5, endCol: 10 },
      { line: 5, col: 3, endLine: 5, endCol: 10 },
    ]);
  });

  it("applies pow with a non-integer exponent and negative powers", () => {
    expect(
      opsOf(
        `${H3}qubit q; pow(0.5) @ x q; pow(-1) @ s q; pow(3) @ rx(0.25) q; pow(0.5) @ t q;`,
      ),
    ).toEqual([
      "sx q0",
      "sdg q0",
      "rx(0.75) q0",
      `p(${Math.round((Math.PI / 8) * 1e6) / 1e6}) q0`,
    ]);
  });

  it("accepts qreg/creg and measure arrows in OpenQASM 3 and negative indices", () => {
    expect(
      opsOf(
        `OPENQASM 3;\ninclude "stdgates.inc";\nqreg q[3]; creg c[3];\nx q[-1];\nmeasure q[0] -> c[-1];`,
      ),
    ).toEqual(["x q2", "measure q0 -> c2"]);
  });
});

describe("compileQasm (OpenQASM 3 pragmas)", () => {
  it("ignores #pragma and pragma lines", () => {
    expect(
      opsOf(
        'OPENQASM 3;\n#pragma anything { goes ;\ninclude "stdgates.inc";\npragma braket verbatim\nqubit q;\nx q;',
      ),
    ).toEqual(["x q0"]);
  });
});

describe("compileQasm (OpenQASM 3 physical qubits)", () => {
  it("maps $k to qubit k in one register and grows it as needed", () => {
    const c = compileOk(
      'OPENQASM 3;\ninclude "stdgates.inc";\nbit[2] c;\nh $0;\ncx $0, $3;\nc[1] = measure $3;',
    );
    expect(c.numQubits).toBe(4);
    expect(c.qregs).toEqual([{ name: "$", size: 4, offset: 0 }]);
    expect(c.ops.map(showOp)).toEqual(["h q0", "x c0 q3", "measure q3 -> c1"]);
  });

  it("rejects mixing physical and declared qubits", () => {
    const r = compileQasm(
      'OPENQASM 3;\ninclude "stdgates.inc";\nqubit q;\nx $1;',
    );
    expect(
      r.diagnostics.map((d) => `${d.code} ${d.span.line}:${d.span.col}`),
    ).toEqual(["QASM_SYNTAX 4:3"]);
  });
});
