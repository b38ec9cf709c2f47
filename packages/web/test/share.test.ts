import { describe, expect, it } from "vitest";
import { countsCsv, countsJson } from "../src/run/export.ts";
import { drawText } from "../src/composer/source-edit.ts";
import { compileSource } from "../src/qasm/quantum-api.ts";
import { qasmFile, readQasmFile } from "../src/workbench/share.ts";

const V3 = `OPENQASM 3.0;\ninclude "stdgates.inc";\n// keep me\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n`;

describe("export", () => {
  it("writes counts and probabilities as CSV and JSON, outcomes sorted", () => {
    const counts = { "11": 3, "00": 1 };
    expect(countsCsv(counts)).toBe(
      "outcome,count,probability\n00,1,0.25\n11,3,0.75\n",
    );
    expect(JSON.parse(countsJson(counts))).toEqual({
      shots: 4,
      counts: { "00": 1, "11": 3 },
      probabilities: { "00": 0.25, "11": 0.75 },
    });
  });

  it("downloads the text itself in its own version and converts to the other", () => {
    const r = compileSource(V3);
    if (!r.ok) throw new Error("compile");
    expect(qasmFile(V3, r.circuit, "3.0")).toEqual({ ok: true, text: V3 });
    const v2 = qasmFile(V3, r.circuit, "2.0");
    expect(v2.ok && v2.text.startsWith("OPENQASM 2.0;")).toBe(true);
    // The converted file draws the same circuit.
    if (v2.ok)
      expect(drawText(v2.text)?.ops.length).toBe(drawText(V3)?.ops.length);
    expect(qasmFile(V3 + "h q[9];", null, "2.0")).toMatchObject({ ok: false });
  });

  it("refuses binary and oversized files with a reason", async () => {
    expect(await readQasmFile(new File(["a\u0000b"], "x.qasm"))).toMatchObject({
      ok: false,
      message: "x.qasm is not a text file",
    });
    const big = new File([new Uint8Array(3 * 2 ** 20).fill(65)], "big.qasm");
    expect(await readQasmFile(big)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/up to 2 MiB/),
    });
    expect(await readQasmFile(new File([V3], "bell.qasm"))).toEqual({
      ok: true,
      text: V3,
    });
  });
});
