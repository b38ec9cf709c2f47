/**
 * Primitives benchmark (part of `npm run bench`; alone: `node packages/cli/bin/run-ts.mjs
 * packages/quantum/bench/primitives.bench.ts [--quick] [--section sweep,gradient,pauli] [--reps N]`):
 * - sweep throughput: 1,000 points of a 12-qubit, 3-layer hardware-efficient ansatz with a 20-term
 *   observable (points per second), compiled once;
 * - gradient cost: one adjoint gradient over P parameters / one expectation evaluation, for
 *   P = 8, 32, 128 at n = 16 and 20 (target <= 4x; parameter shift would be 2P);
 * - a 100-term Pauli sum at n = 22: estimate time / one statevector simulation (target <= 1.5x).
 * Times are CPU time of this (single-threaded) process, the minimum over repetitions, so a loaded
 * machine disturbs the ratios less than wall-clock time would. Writes bench-results/primitives.json.
 */
import { loadavg } from "node:os";
import { mkdirSync, writeFileSync } from "node:fs";
import { compileParametric } from "../src/qasm/compile-parametric.ts";
import { parseObservable, type Observable } from "../src/sim/observable.ts";
import { estimate } from "../src/sim/estimate.ts";
import { simulate } from "../src/sim/simulate.ts";
import {
  bindParameters,
  type ParametricCircuit,
} from "../src/ir/parametric.ts";

/** A hardware-efficient ansatz: per layer ry and rz on every qubit, then a cx ladder; at most `maxParams` parameters. */
export function hea(n: number, layers: number, maxParams = Infinity): string {
  const lines = ['OPENQASM 3.0;\ninclude "stdgates.inc";'];
  const body: string[] = [];
  let p = 0;
  for (let l = 0; l < layers; l++) {
    for (let q = 0; q < n; q++)
      for (const g of ["ry", "rz"]) {
        if (p < maxParams) {
          lines.push(`input float t${p};`);
          body.push(`${g}(t${p}) q[${q}];`);
          p++;
        } else body.push(`${g}(0.3) q[${q}];`);
      }
    for (let q = 0; q + 1 < n; q++) body.push(`cx q[${q}], q[${q + 1}];`);
  }
  return [...lines, `qubit[${n}] q;`, ...body].join("\n");
}

function program(src: string): ParametricCircuit {
  const r = compileParametric(src);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics[0]));
  return r.program;
}

/** The text of a seeded sum of `terms` random Pauli strings on n qubits (Qiskit labels). */
export function randomSumText(n: number, terms: number, seed: number): string {
  let s = seed >>> 0;
  const rnd = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
  const parts: string[] = [];
  for (let t = 0; t < terms; t++) {
    let label = "";
    for (let q = 0; q < n; q++) label += "IXYZ"[Math.floor(rnd() * 4)];
    parts.push(`${(rnd() * 2 - 1).toFixed(3)}*${label}`);
  }
  return parts.join(" + ").replace(/\+ -/g, "- ");
}

/** A seeded sum of `terms` random Pauli strings on n qubits. */
function randomSum(n: number, terms: number, seed: number): Observable {
  const o = parseObservable(randomSumText(n, terms, seed), n);
  if (!o.ok) throw new Error(o.error);
  return o.observable;
}

/** The value of parameter j at sweep point k (the same in the library and API sweeps). */
export function pointValue(j: number, k: number): number {
  return ((j * 7 + k) % 31) / 10;
}

function point(p: ParametricCircuit, k: number): Record<string, number> {
  return Object.fromEntries(
    p.parameters.map((name, j) => [name, pointValue(j, k)]),
  );
}

/** Milliseconds of CPU time (user + system) of this process since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** The least CPU time of `reps` calls of f (at least `minReps`, see --reps). */
function best(f: () => void, reps: number): number {
  let min = Infinity;
  for (let r = 0; r < Math.max(reps, minReps); r++) {
    const t0 = process.cpuUsage();
    f();
    min = Math.min(min, cpuMs(t0));
  }
  return min;
}

let minReps = 1;

function run(
  p: ParametricCircuit,
  obs: Observable[],
  points: Record<string, number>[],
  gradient = false,
) {
  const r = estimate(p, obs, { points, gradient });
  if (!r.ok) throw new Error(r.error.message);
  return r.result;
}

/** Runs the primitives benchmark and prints its figures. */
export async function benchPrimitives(
  quick = false,
  sections: readonly string[] = ["sweep", "gradient", "pauli"],
  reps = 1,
): Promise<Record<string, unknown>> {
  minReps = reps;
  const out: Record<string, unknown> = { load1: loadavg()[0] };
  console.log(`\nprimitives (load ${loadavg()[0].toFixed(1)}; CPU time)`);
  if (sections.includes("sweep")) benchSweep(quick, out);
  if (sections.includes("gradient")) benchGradient(quick, out);
  if (sections.includes("pauli")) benchPauliSum(quick, out);
  mkdirSync("bench-results", { recursive: true });
  writeFileSync("bench-results/primitives.json", JSON.stringify(out, null, 2));
  return out;
}

/** Sweep throughput. */
function benchSweep(quick: boolean, out: Record<string, unknown>): void {
  const sweepP = program(hea(12, 3));
  const obs20 = randomSum(12, 20, 1);
  const pts = Array.from({ length: quick ? 200 : 1000 }, (_, k) =>
    point(sweepP, k),
  );
  run(sweepP, [obs20], pts.slice(0, 20));
  const ms = best(() => run(sweepP, [obs20], pts), 2);
  const pps = (pts.length / ms) * 1000;
  out.sweep = {
    qubits: 12,
    layers: 3,
    parameters: sweepP.parameters.length,
    terms: 20,
    points: pts.length,
    ms,
    pointsPerSecond: pps,
  };
  console.log(
    `sweep: ${pts.length} points, 12 qubits, 3-layer HEA (${sweepP.parameters.length} parameters), 20-term observable: ${ms.toFixed(0)} ms, ${pps.toFixed(0)} points/s`,
  );
}

/** Gradient cost. */
function benchGradient(quick: boolean, out: Record<string, unknown>): void {
  const grad: unknown[] = [];
  for (const n of quick ? [16] : [16, 20]) {
    const obs = randomSum(n, 10, n);
    for (const P of [8, 32, 128]) {
      const layers = Math.max(1, Math.ceil(P / (2 * n)));
      const gp = program(hea(n, layers, P));
      const x = [point(gp, 0)];
      const reps = n >= 20 ? 1 : 2;
      // Warm-up (compilation of the kernels and of this shape).
      run(gp, [obs], x, true);
      const tE = best(() => run(gp, [obs], x), reps);
      const tG = best(() => run(gp, [obs], x, true), reps);
      grad.push({ n, P, expectationMs: tE, gradientMs: tG, ratio: tG / tE });
      console.log(
        `gradient: n=${n} P=${P} (${layers} layer${layers > 1 ? "s" : ""}): expectation ${tE.toFixed(0)} ms, adjoint gradient ${tG.toFixed(0)} ms, ratio ${(tG / tE).toFixed(2)}x (target <= 4x; parameter shift ${2 * P}x)`,
      );
    }
  }
  out.gradient = grad;
}

/** 100-term Pauli sum vs one simulation. */
function benchPauliSum(quick: boolean, out: Record<string, unknown>): void {
  const n = quick ? 18 : 22;
  const sp = program(hea(n, 3));
  const x = point(sp, 3);
  const bound = bindParameters(
    sp,
    sp.parameters.map((name) => x[name]),
  );
  const obs100 = randomSum(n, 100, 7);
  // One simulation sampling one shot (sampling a single shot is negligible).
  const simMs = best(() => {
    const r = simulate(bound, { shots: 1 });
    if (!r.ok) throw new Error(r.error.message);
  }, 2);
  const tEst = best(() => run(sp, [obs100], [x]), 2);
  out.pauliSum = {
    qubits: n,
    terms: 100,
    simulationMs: simMs,
    estimateMs: tEst,
    ratio: tEst / simMs,
  };
  console.log(
    `100-term Pauli sum at n=${n} (3-layer HEA): simulation ${simMs.toFixed(0)} ms, estimate ${tEst.toFixed(0)} ms, ratio ${(tEst / simMs).toFixed(2)}x (target <= 1.5x)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const argv = process.argv.slice(2);
  const valueOf = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  await benchPrimitives(
    argv.includes("--quick"),
    valueOf("--section")?.split(","),
    Number(valueOf("--reps") ?? 1),
  );
}
