import { describe, expect, it } from "vitest";
import { compileSource } from "../src/qasm/quantum-api.ts";
import { runLocally } from "../src/run/local-run.ts";
import { EXAMPLES, exampleById } from "../src/workbench/examples.ts";

const SHOTS = 2000;

/** Runs an example as the workbench does (same compile and simulate, in this process). */
function run(id: string) {
  const ex = exampleById(id);
  if (!ex) throw new Error(`no example ${id}`);
  const out = runLocally({
    source: ex.source,
    shots: SHOTS,
    seed: 7,
    precision: "double",
  });
  if (!out.ok) throw new Error(`${id}: ${out.error.code} ${out.error.message}`);
  return out.result;
}

const share = (counts: Record<string, number>, key: string) =>
  (counts[key] ?? 0) / SHOTS;

describe("examples gallery", () => {
  it("has the twelve classic programs, each with a unique id, a title and a summary", () => {
    expect(EXAMPLES.map((e) => e.id)).toEqual([
      "bell",
      "ghz",
      "teleportation",
      "grover",
      "qft",
      "deutsch-jozsa",
      "bernstein-vazirani",
      "phase-estimation",
      "repeat-until-success",
      "parameter-sweep",
      "noisy-bell",
      "vqe",
    ]);
    for (const e of EXAMPLES) {
      expect(e.title.length).toBeGreaterThan(2);
      expect(e.summary.length).toBeGreaterThan(20);
    }
  });

  it.each(EXAMPLES.map((e) => e.id))(
    "%s compiles without a warning and runs in the browser's simulator",
    (id) => {
      const ex = exampleById(id)!;
      const compiled = compileSource(ex.source);
      expect(compiled.diagnostics).toEqual([]);
      expect(compiled.ok).toBe(true);
      const r = run(id);
      expect(Object.values(r.counts).reduce((a, b) => a + b, 0)).toBe(SHOTS);
    },
  );

  it("gives the outcomes each summary promises", () => {
    expect(Object.keys(run("bell").counts).sort()).toEqual(["00", "11"]);
    expect(Object.keys(run("ghz").counts).sort()).toEqual(["00000", "11111"]);
    expect(share(run("grover").counts, "101")).toBeGreaterThan(0.9);
    expect(Object.keys(run("qft").counts)).toHaveLength(8);
    expect(run("deutsch-jozsa").counts["000"]).toBeUndefined();
    expect(run("bernstein-vazirani").counts).toEqual({ "1011": SHOTS });
    expect(run("phase-estimation").counts).toEqual({ "011": SHOTS });
    const noisy = run("noisy-bell").counts;
    expect(share(noisy, "01") + share(noisy, "10")).toBeGreaterThan(0.02);
    const vqe = run("vqe").counts;
    expect(share(vqe, "01")).toBeGreaterThan(0.9);
    expect(share(vqe, "10")).toBeGreaterThan(0.003);
  });

  it("teleports: the received bit is 1 with probability sin²(0.4)", () => {
    const counts = run("teleportation").counts;
    // Keys are "out m" (the last-declared register leftmost).
    let ones = 0;
    for (const [k, n] of Object.entries(counts))
      if (k.startsWith("1")) ones += n;
    expect(ones / SHOTS).toBeCloseTo(Math.sin(0.4) ** 2, 1);
  });

  it("repeats until success: ok is 1 in (almost) every shot", () => {
    const counts = run("repeat-until-success").counts;
    let ok = 0;
    for (const [k, n] of Object.entries(counts)) if (k.startsWith("1")) ok += n;
    expect(ok / SHOTS).toBeGreaterThan(0.99);
  });

  it("sweeps: qubit k reads 1 with probability sin²(kπ/14)", () => {
    const counts = run("parameter-sweep").counts;
    for (let k = 0; k < 8; k++) {
      let one = 0;
      for (const [key, n] of Object.entries(counts))
        if (key[7 - k] === "1") one += n;
      expect(one / SHOTS).toBeCloseTo(Math.sin((k * Math.PI) / 14) ** 2, 1);
    }
  });
});
