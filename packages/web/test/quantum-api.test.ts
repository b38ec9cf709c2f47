import { describe, expect, it } from "vitest";
import { parseAngle } from "../src/composer/angle.ts";
import { formatAngleLabel } from "../src/composer/format.ts";
import { buildOp, defaultWires } from "../src/composer/palette-items.ts";
import { StringStream } from "@codemirror/language";
import { completionOptions, declaredNames } from "../src/editor/completion.ts";
import { qasmStreamParser } from "../src/editor/qasm-language.ts";
import {
  circuitToQasm,
  compileSource,
  standardGateNames,
} from "../src/qasm/quantum-api.ts";
import { textVersion } from "../src/workbench/useCircuitSync.ts";

describe("quantum-api", () => {
  it("compiles, prints in the source's version and compiles back to the same ops", () => {
    const src =
      'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\nh q[0];\nccx q[0],q[1],q[2];\nrx(pi/2) q[1];\nmeasure q[2] -> c[2];\n';
    const r = compileSource(src);
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    for (const version of ["2.0", "3.0"] as const) {
      const printed = circuitToQasm(r.circuit, version);
      if (!printed.ok) throw new Error(printed.message);
      expect(printed.text.startsWith(`OPENQASM ${version}`)).toBe(true);
      const again = compileSource(printed.text);
      const strip = (ops: readonly object[]) =>
        ops.map((op) => ({ ...op, span: undefined }));
      expect(again.ok && strip(again.circuit.ops)).toEqual(
        strip(r.circuit.ops),
      );
    }
  });
  it("returns diagnostics with line and column instead of throwing", () => {
    const r = compileSource(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0]\nx q[1];\n',
    );
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0].span.line).toBe(4);
  });
  it("accepts OpenQASM 3 inputs without values, except when compiling for a run", () => {
    const src =
      'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float theta;\nqubit[1] q;\nry(theta) q[0];\n';
    const checked = compileSource(src);
    expect(checked.ok && checked.circuit.inputs.map((i) => i.name)).toEqual([
      "theta",
    ]);
    const run = compileSource(src, { forRun: true });
    expect(run.ok).toBe(false);
    expect(run.diagnostics[0].message).toMatch(
      /no value given for input 'theta'/,
    );
  });
  it("offers the standard gate names for completion", () => {
    expect(standardGateNames()).toEqual(
      expect.arrayContaining(["h", "cx", "rz", "ccx"]),
    );
  });
});

describe("editor helpers", () => {
  it("finds the file's own gates and registers for completion", () => {
    const text =
      "OPENQASM 3.0;\nqubit[2] data;\nbit[2] out;\nqreg anc[1];\ngate bell a, b { h a; cx a, b; }\n";
    expect(declaredNames(text)).toEqual({
      gates: ["bell"],
      qregs: ["anc", "data"],
      cregs: ["out"],
      subroutines: [],
      variables: [],
    });
    const labels = completionOptions(text, ["h"]).map((o) => o.label);
    expect(labels).toEqual(
      expect.arrayContaining(["data", "out", "bell", "h", "measure"]),
    );
  });
  it("knows the OpenQASM 3 statements, types and functions for completion and highlighting", () => {
    const text = `OPENQASM 3.0;
qubit[4] q;
let pair = q[0:1] ++ q[3];
extern vote(bit[3]) -> bit;
def flip(qubit t) -> bit { x t; return measure t; }
array[int[8], 2] table = {1, 2};
duration wait = 20ns;
uint[4] count = 0;
`;
    const names = declaredNames(text);
    expect(names.qregs).toEqual(["q", "t", "pair"]);
    expect(names.subroutines).toEqual(["vote", "flip"]);
    expect(names.variables).toEqual(["wait", "count", "table"]);
    const options = completionOptions(text, []);
    const kind = (label: string) =>
      options.find((o) => o.label === label)?.type;
    expect(kind("switch")).toBe("keyword");
    expect(kind("durationof")).toBe("keyword");
    expect(kind("stretch")).toBe("type");
    expect(kind("popcount")).toBe("function");
    expect(kind("table")).toBe("variable");
    // Every word of the OpenQASM 3 syntax the compiler runs is offered, in its class.
    const words: Record<string, string> = {
      keyword:
        "let extern box delay switch case default defcal cal defcalgrammar readonly mutable durationof input output const end return",
      type: "duration stretch array float angle",
      function: "sizeof popcount rotl rotr",
    };
    for (const [type, list] of Object.entries(words))
      for (const w of list.split(" ")) expect([w, kind(w)]).toEqual([w, type]);
    // The highlighter classifies the same words.
    const tokens = (line: string): string[] => {
      const parser = qasmStreamParser;
      const state = parser.startState!(2);
      const stream = new StringStream(line, 4, 2);
      const out: string[] = [];
      while (!stream.eol()) {
        const style = parser.token(stream, state);
        if (style) out.push(`${stream.current()}:${style}`);
        stream.start = stream.pos;
      }
      return out;
    };
    expect(tokens("switch (k) { case 1 { delay[20ns] q; } }")).toEqual(
      expect.arrayContaining([
        "switch:keyword",
        "case:keyword",
        "delay:keyword",
        "20ns:number",
      ]),
    );
    expect(
      tokens("box { x q; } defcalgrammar stretch s; r = rotl(b, 1) << 2;"),
    ).toEqual(
      expect.arrayContaining([
        "box:keyword",
        "defcalgrammar:keyword",
        "stretch:typeName",
        "rotl:builtin",
        "<<:operator",
      ]),
    );
  });
  it("reads the OpenQASM version of a text", () => {
    expect(textVersion("// hi\nOPENQASM 2.0;\n")).toBe("2.0");
    expect(textVersion("OPENQASM 3;\n")).toBe("3.0");
    expect(textVersion("qubit q;\n")).toBe("3.0");
    expect(textVersion('include "qelib1.inc";\nqreg q[1];\n')).toBe("2.0");
  });
});

describe("composer helpers", () => {
  it("parses typed angles with the compiler's expression rules", () => {
    expect(parseAngle("pi/2")).toBeCloseTo(Math.PI / 2);
    expect(parseAngle("-3*pi/4")).toBeCloseTo((-3 * Math.PI) / 4);
    expect(parseAngle("pi/")).toBeNull();
    expect(parseAngle("1; x q[0]")).toBeNull();
  });
  it("labels angles compactly", () => {
    expect(
      [Math.PI / 2, (-3 * Math.PI) / 4, 0.31416, Math.PI].map(formatAngleLabel),
    ).toEqual(["π/2", "-3π/4", "0.314", "π"]);
  });
  it("builds palette gates in the IR's controlled form", () => {
    expect(buildOp("cx", [2, 0], 0)).toEqual({
      kind: "gate",
      name: "x",
      qubits: [0],
      controls: [2],
      params: [],
    });
    expect(buildOp("crz", [0, 1], 0.5)).toMatchObject({
      name: "rz",
      controls: [0],
      qubits: [1],
      params: [0.5],
    });
    expect(buildOp("cx", [1, 1], 0)).toBeNull();
    expect(defaultWires("cx", 2, 3)).toEqual([2, 1]);
    expect(defaultWires("ccx", 0, 3)).toEqual([0, 1, 2]);
    expect(defaultWires("ccx", 0, 2)).toBeNull();
  });
});
