/**
 * Every example program of the OpenQASM 3 specification's repository, when a checkout of it is
 * at SPEC_EXAMPLES (default /work/spec/examples). The files are not in this repository (their
 * licence is not ours to copy), so CI, which has no checkout, skips this file; everything it
 * proves is also proven by our own programs in runtime-classical.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { simulate } from "../../src/sim/simulate.ts";

const DIR = process.env.SPEC_EXAMPLES ?? "/work/spec/examples";
const present = existsSync(DIR) && process.env.CI !== "true";

/** Files whose outcome is certain: every shot gives this key. */
const CERTAIN: Record<string, string> = {
  "adder.qasm": "10000",
  // No qubits: the one outcome is the empty key.
  "arrays.qasm": "",
  // cphase(π/2) on |00>, no bits: the qubits are read, unchanged.
  "cphase.qasm": "00",
  // XYXY on $0 is -I; cx on |00>; u is the identity placeholder.
  "dd.qasm": "0000",
  "inverseqft1.qasm": "0000",
  // 44 qubits (run on a factorised state); its register c is never measured.
  "msd.qasm": "00000",
  "inverseqft2.qasm": "0 0 0 0",
  "qec.qasm": "01 000",
  "rb.qasm": "00",
  "rus.qasm": "0 00",
};

/**
 * Files that cannot run: each calls an extern the simulator has no implementation for (a decoder,
 * a logger, a parameter server), refused at the first such call's line:column.
 */
const REFUSED: Record<string, string> = {
  "scqec.qasm": "QASM_EXTERN_UNAVAILABLE 86:3",
  "t1.qasm": "QASM_EXTERN_UNAVAILABLE 45:5",
  "vqe.qasm": "QASM_EXTERN_UNAVAILABLE 75:24",
};

/**
 * Mistakes of the examples read leniently (QASM_LENIENT warnings, see lenient.test.ts): the
 * program runs to the end with these warnings at these places.
 */
const LENIENT: Record<string, string[]> = {
  "arrays.qasm": ["51:18", "76:16"],
  "cphase.qasm": ["4:3", "6:3", "9:15"],
  "dd.qasm": ["25:3"],
  "msd.qasm": ["48:14", "80:3"],
  "vqe.qasm": ["25:47"],
};

describe.skipIf(!present)(`the specification's examples in ${DIR}`, () => {
  const files = present
    ? readdirSync(DIR)
        .filter((f) => f.endsWith(".qasm"))
        .sort()
    : [];
  it.each(files)("%s runs to the end (or is refused as expected)", (f) => {
    const r = compileQasm(readFileSync(join(DIR, f), "utf8"), {
      fileName: f,
    });
    const first = r.diagnostics.find((d) => d.severity === "error");
    const got = first
      ? `${first.code} ${first.span.line}:${first.span.col}`
      : "ok";
    expect(got).toBe(REFUSED[f] ?? "ok");
    expect(
      r.diagnostics
        .filter((d) => d.code === "QASM_LENIENT")
        .map((d) => `${d.span.line}:${d.span.col}`),
    ).toEqual(LENIENT[f] ?? []);
    if (!r.ok) return;
    // The 21-qubit variable teleportation and the 44-qubit distillation are slow per shot: a few
    // shots prove they run.
    const shots = r.circuit.numQubits > 16 ? 2 : 200;
    const out = simulate(r.circuit, { shots, seed: 5 });
    if (!out.ok) throw new Error(`${out.error.code}: ${out.error.message}`);
    const want = CERTAIN[f];
    if (want !== undefined)
      expect(out.result.counts).toEqual({ [want]: shots });
  });
  it("teleport.qasm and gateteleport.qasm keep their known answers", () => {
    const run = (f: string) => {
      const r = compileQasm(readFileSync(join(DIR, f), "utf8"));
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      const out = simulate(r.circuit, { shots: 400, seed: 9 });
      if (!out.ok) throw new Error(out.error.message);
      return out.result.counts;
    };
    // gateteleport: a vote over three measurements of a|+> states with rz(pi/4): always 0 or 1,
    // only its `r` register shows.
    expect(
      Object.keys(run("gateteleport.qasm")).every((k) => /^[01]$/.test(k)),
    ).toBe(true);
    expect(Object.values(run("teleport.qasm")).reduce((a, b) => a + b, 0)).toBe(
      400,
    );
  });
});
