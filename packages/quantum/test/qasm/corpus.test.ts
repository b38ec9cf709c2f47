import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { showOp } from "./helpers.ts";

// <repo>/../shared/corpus/qasmbench, resolved from this file (packages/quantum/test/qasm).
const CORPUS = fileURLToPath(
  new URL("../../../../../shared/corpus/qasmbench", import.meta.url),
);
const present = existsSync(CORPUS);

/** Files that are themselves broken: they measure a register `q` they never declare. */
const BROKEN: Record<string, number> = {
  vqe_uccsd_n4: 225,
  vqe_uccsd_n4_transpiled: 242,
  vqe_uccsd_n6: 2286,
  vqe_uccsd_n6_transpiled: 2128,
  vqe_uccsd_n8: 10813,
  vqe_uccsd_n8_transpiled: 9680,
  hhl_n10: 186801,
  hhl_n10_transpiled: 199246,
};

function findQasm(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return findQasm(p);
    return e.name.endsWith(".qasm") ? [p] : [];
  });
}

describe.skipIf(!present)("QASMBench corpus", () => {
  it("compiles every file except the eight broken ones, which fail at the offending line", () => {
    const files = findQasm(CORPUS).sort();
    expect(files.length).toBe(127);
    let slowest = { file: "", ms: 0 };
    const failures: string[] = [];
    for (const file of files) {
      const base = file
        .split("/")
        .pop()!
        .replace(/\.qasm$/, "");
      const src = readFileSync(file, "utf8");
      const t0 = performance.now();
      const r = compileQasm(src, { fileName: file });
      const ms = performance.now() - t0;
      if (ms > slowest.ms) slowest = { file: base, ms };
      const errors = r.diagnostics.filter((d) => d.severity === "error");
      if (base in BROKEN) {
        const first = errors[0];
        if (
          r.ok ||
          first?.code !== "QASM_UNDEFINED_REGISTER" ||
          first.span.line !== BROKEN[base]
        ) {
          failures.push(
            `${base}: expected QASM_UNDEFINED_REGISTER at line ${BROKEN[base]}, got ${first?.code} at ${first?.span.line}`,
          );
        }
        continue;
      }
      if (!r.ok) {
        failures.push(
          `${base}: ${errors
            .slice(0, 3)
            .map((d) => `${d.span.line}:${d.span.col} ${d.code} ${d.message}`)
            .join("; ")}`,
        );
        continue;
      }
      const c = r.circuit;
      const badIndex = c.ops.some((op) => {
        const qs =
          op.kind === "measure" || op.kind === "reset"
            ? [op.qubit]
            : op.kind === "gate"
              ? [...op.qubits, ...op.controls]
              : "qubits" in op
                ? op.qubits
                : [];
        return qs.some((q) => q < 0 || q >= c.numQubits);
      });
      if (c.ops.length === 0 || badIndex)
        failures.push(
          `${base}: ${c.ops.length} ops, qubit index out of range: ${badIndex}`,
        );
      const warnings = r.diagnostics.map((d) => d.code);
      const expected = base === "sat_n11" ? ["QASM_MISSING_VERSION"] : [];
      if (warnings.join() !== expected.join())
        failures.push(`${base}: unexpected diagnostics ${warnings.join()}`);
    }
    console.log(
      `QASMBench: ${files.length} files; slowest ${slowest.file} in ${slowest.ms.toFixed(0)} ms`,
    );
    expect(failures).toEqual([]);
  });

  it("compiles qft_n4 to the expected gates", () => {
    const file = findQasm(CORPUS).find((f) => f.endsWith("/qft_n4.qasm"));
    expect(file).toBeDefined();
    const r = compileQasm(readFileSync(file!, "utf8"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.circuit.numQubits).toBe(4);
    const p = (k: number): string =>
      String(Math.round((Math.PI / k) * 1e6) / 1e6);
    expect(r.circuit.ops.map(showOp)).toEqual([
      "x q0",
      "x q2",
      "barrier q0 q1 q2 q3",
      "h q0",
      `p(${p(2)}) c1 q0`,
      "h q1",
      `p(${p(4)}) c2 q0`,
      `p(${p(2)}) c2 q1`,
      "h q2",
      `p(${p(8)}) c3 q0`,
      `p(${p(4)}) c3 q1`,
      `p(${p(2)}) c3 q2`,
      "h q3",
      "measure q0 -> c0",
      "measure q1 -> c1",
      "measure q2 -> c2",
      "measure q3 -> c3",
    ]);
  });
});

if (!present)
  console.warn(
    `[quantum tests] ${CORPUS} is absent: skipping the QASMBench corpus tests`,
  );
