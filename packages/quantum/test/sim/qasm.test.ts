import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { simulate } from "../../src/sim/simulate.ts";

function compile(src: string) {
  const r = compileQasm(src);
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("; "));
  return r.circuit;
}

describe("simulate on compiled OpenQASM", () => {
  it("teleports |1> in OpenQASM 2 with if (c == 1) corrections", () => {
    const c = compile(`OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg a[1];
creg b[1];
creg out[1];
x q[0];
h q[1];
cx q[1], q[2];
cx q[0], q[1];
h q[0];
measure q[0] -> a[0];
measure q[1] -> b[0];
if (b == 1) x q[2];
if (a == 1) z q[2];
measure q[2] -> out[0];
`);
    const out = simulate(c, { shots: 400, seed: 21 });
    if (!out.ok) throw new Error(out.error.message);
    expect(out.result.method).toBe("trajectories");
    // keys: out b a (last-declared leftmost); the teleported bit is always 1
    const keys = Object.keys(out.result.counts);
    expect(keys.length).toBe(4);
    for (const k of keys) expect(k).toMatch(/^1 [01] [01]$/);
  });

  it("orders OpenQASM 3 registers like Qiskit and reports opaque gates with their span", () => {
    const c = compile(`OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[2] lo;
bit[1] hi;
x q[0];
x q[2];
lo[0] = measure q[0];
lo[1] = measure q[1];
hi[0] = measure q[2];
`);
    const out = simulate(c, { shots: 5, seed: 1 });
    expect(out.ok && out.result.counts).toEqual({ "1 01": 5 });
    const op = compile(`OPENQASM 2.0;
include "qelib1.inc";
opaque magic q;
qreg q[1];
magic q[0];
`);
    const bad = simulate(op, { shots: 1 });
    expect(!bad.ok && bad.error.code).toBe("SIM_OPAQUE");
    expect(!bad.ok && bad.error.span?.line).toBe(5);
  });
});
