import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { simulate } from "../../src/sim/simulate.ts";

// <repo>/../shared/corpus/qasmbench, resolved from this file (packages/quantum/test/sim).
const CORPUS = fileURLToPath(
  new URL("../../../../../shared/corpus/qasmbench", import.meta.url),
);
const present = existsSync(CORPUS);
if (!present)
  console.warn(
    `[quantum tests] ${CORPUS} is absent: skipping the QASMBench simulation test`,
  );

const SHOTS = 200;
const DYNAMIC_SHOTS = 4;

function findQasm(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return findQasm(p);
    return e.name.endsWith(".qasm") ? [p] : [];
  });
}

describe.skipIf(!present)("QASMBench corpus on the simulator", () => {
  it("simulates every valid file up to 20 qubits: probabilities sum to 1 and counts to the shots", () => {
    let simulated = 0;
    const failures: string[] = [];
    for (const file of findQasm(CORPUS).sort()) {
      const r = compileQasm(readFileSync(file, "utf8"), { fileName: file });
      if (!r.ok || r.circuit.numQubits > 20) continue;
      const name = file.slice(CORPUS.length + 1);
      // One run gives the counts and, for circuits without mid-circuit measurement or reset, the
      // final state; dynamic circuits run per-shot, so they get fewer shots here.
      let run = simulate(r.circuit, {
        shots: SHOTS,
        seed: 11,
        statevector: true,
      });
      let shots = SHOTS;
      if (!run.ok && run.error.code === "SIM_STATEVECTOR_DYNAMIC") {
        shots = DYNAMIC_SHOTS;
        run = simulate(r.circuit, { shots, seed: 11 });
      }
      if (!run.ok) {
        failures.push(`${name}: ${run.error.code} ${run.error.message}`);
        continue;
      }
      const total = Object.values(run.result.counts).reduce((a, b) => a + b, 0);
      if (total !== shots)
        failures.push(`${name}: counts sum to ${total}, not ${shots}`);
      const sv = run.result.statevector;
      if (sv) {
        let norm = 0;
        for (let i = 0; i < sv.length; i++) norm += sv[i] * sv[i];
        if (Math.abs(norm - 1) > 1e-9)
          failures.push(`${name}: probabilities sum to ${norm}`);
      }
      simulated++;
    }
    expect(failures).toEqual([]);
    // 119 files compile without error; all but the widest ones have at most 20 qubits.
    expect(simulated).toBeGreaterThan(80);
    console.log(
      `[quantum tests] simulated ${simulated} QASMBench files of up to 20 qubits`,
    );
  }, 600_000);
});
