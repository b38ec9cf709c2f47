import { describe, expect, it } from "vitest";
import { printProgram } from "../../src/qasm/ast-print.ts";
import { DiagnosticSink } from "../../src/qasm/diagnostics.ts";
import { lex } from "../../src/qasm/lex.ts";
import { parseQasm } from "../../src/qasm/parse.ts";

function parse(src: string): string {
  const sink = new DiagnosticSink();
  const p = parseQasm(src, sink);
  expect(sink.items).toEqual([]);
  return printProgram(p);
}

describe("lex", () => {
  it("reads numbers, operators and identifiers with 1-based spans", () => {
    const sink = new DiagnosticSink();
    const toks = lex("rx(1e-3*.5) q[0]; // c\n/* x\n */ a->b**2 π", sink);
    expect(sink.items).toEqual([]);
    expect(toks.map((t) => `${t.kind}:${t.text}@${t.line}:${t.col}`)).toEqual([
      "ident:rx@1:1",
      "punct:(@1:3",
      "real:1e-3@1:4",
      "punct:*@1:8",
      "real:.5@1:9",
      "punct:)@1:11",
      "ident:q@1:13",
      "punct:[@1:14",
      "int:0@1:15",
      "punct:]@1:16",
      "punct:;@1:17",
      "ident:a@3:5",
      "punct:->@3:6",
      "ident:b@3:8",
      "punct:**@3:9",
      "int:2@3:11",
      "ident:π@3:13",
      "eof:@3:14",
    ]);
  });
});

describe("parseQasm", () => {
  it("parses an OpenQASM 2 program with a custom gate and a condition", () => {
    expect(
      parse(`OPENQASM 2.0;
include "qelib1.inc";
qreg q[2]; creg c[2];
gate g(theta) a, b {
  rx(-theta / 2 ^ 2) a;
  cx a, b;
}
g(pi) q[0], q[1];
measure q -> c;
if (c == 3) x q[0];
`),
    ).toMatchInlineSnapshot(`
      "program v2.0
        version 2.0 @1:1-1:14
        include "qelib1.inc" @2:1-2:22
        qreg q[2] @3:1-3:11
        creg c[2] @3:12-3:22
        gateDef g(theta) a, b @4:1-7:2
          body:
            call rx(((-theta) / (2 ** 2))) a @5:3-5:24
            call cx a, b @6:3-6:11
        call g(pi) q[0], q[1] @8:1-8:18
        measure q -> c @9:1-9:16
        if (c == 3) @10:1-10:20
          then:
            call x q[0] @10:13-10:20"
    `);
  });

  it("parses OpenQASM 3 declarations, modifiers, loops and subroutines", () => {
    expect(
      parse(`OPENQASM 3;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
const int n = 2 ** 3;
input angle theta;
ctrl(2) @ inv @ x q[0], q[1], q[2];
for int i in [0:2:n] { rz(i * pi) q[i % 3]; }
def f(int k, qubit a) -> bit { h a; return measure a; }
c[0] = measure q[0];
if (c[0] == 1 && true) { x q[1]; } else z q[1];
`),
    ).toMatchInlineSnapshot(`
      "program v3.0
        version 3.0 @1:1-1:12
        include "stdgates.inc" @2:1-2:24
        qreg q[3] @3:1-3:12
        creg c[3] @4:1-4:10
        decl const int n = (2 ** 3) @5:1-5:22
        decl input angle theta @6:1-6:19
        call ctrl(2) @ inv @ x q[0], q[1], q[2] @7:1-7:36
        for int i in 0:2:n @8:1-8:46
          body:
            call rz((i * pi)) q[(i % 3)] @8:24-8:44
        def f(int k, qubit a) -> bit @9:1-9:56
          body:
            call h a @9:32-9:36
            return measure a @9:37-9:54
        assign c[0] = measure q[0] @10:1-10:21
        if ((c[0] == 1) && true) @11:1-11:48
          then:
            call x q[1] @11:26-11:33
          else:
            call z q[1] @11:41-11:48"
    `);
  });

  it("parses OpenQASM 3 control flow, casts, slices and compound assignments", () => {
    expect(
      parse(`OPENQASM 3.0;
qubit[4] q; bit[4] c;
int[8] k = int(2.7) << 1;
while (k > 0 || false) { k -= 1; if (k == 2) continue; else break; }
negctrl(2) @ pow(0.5) @ gphase(-tau / 4) q[0:1];
barrier;
measure q[{0, 3}] -> c[3:-1:2];
for uint i in {1, 2} { reset q[i]; }
`),
    ).toMatchInlineSnapshot(`
      "program v3.0
        version 3.0 @1:1-1:14
        qreg q[4] @2:1-2:12
        creg c[4] @2:13-2:22
        decl int[8] k = (int(2.7) << 1) @3:1-3:26
        while ((k > 0) || false) @4:1-4:69
          body:
            assign k -= 1 @4:26-4:33
            if (k == 2) @4:34-4:67
              then:
                continue @4:46-4:55
              else:
                break @4:61-4:67
        call negctrl(2) @ pow(0.5) @ gphase(((-tau) / 4)) q[0:1] @5:1-5:49
        barrier  @6:1-6:9
        measure q[{0, 3}] -> c[3:(-1):2] @7:1-7:32
        for uint i in {1, 2} @8:1-8:37
          body:
            reset q[i] @8:24-8:35"
    `);
  });
});
