/**
 * The noise part of `npm run bench` (run by sim.bench.ts; `--no-noise` skips it, `--only noise`
 * or `npm run bench:noise` runs it alone; `--noise-dm 10,12` and `--noise-traj 20` choose the
 * sizes): the density-matrix method at n = 10, 12, 14 on a random circuit with
 * depolarizing noise after every gate (double and single, 1 and 2 threads: time, sweeps, and the
 * ratio to the memory-bandwidth limit of a 2n-qubit state measured in the same run), and
 * trajectories at n = 20 and 24 with 1% depolarizing noise (shots per second) against the ideal
 * simulation of the same circuit (per trajectory: time, CPU time and sweeps against one ideal run).
 */
import { loadavg } from "node:os";
import { namedChannel } from "../src/ir/channels.ts";
import type { Circuit, Operation } from "../src/ir/types.ts";
import { simulate } from "../src/sim/simulate.ts";
import { closeThreadPool, simulateParallel } from "../src/threads/index.ts";
import { bandwidthSweepMs } from "./bandwidth.ts";

/** One measured configuration. */
export interface NoiseRow {
  readonly kind: "density_matrix" | "trajectories" | "ideal";
  readonly n: number;
  readonly precision: "double" | "single";
  readonly threads: number;
  readonly gates: number;
  readonly shots: number;
  readonly ms: number;
  /** CPU time of the whole process (main thread and workers) during the run. */
  readonly cpuMs: number;
  readonly sweeps: number;
  readonly method: string;
  /** Density matrix: time / (sweeps x the bandwidth limit of one 2n-qubit sweep). */
  readonly ratioToBandwidthLimit?: number;
  readonly shotsPerSecond?: number;
  readonly load1: number;
}

/** `circuit` with depolarizing(p) on every qubit of every gate, right after it. */
export function withDepolarizing(circuit: Circuit, p: number): Circuit {
  const dep = namedChannel("depolarizing", [p]);
  if (!dep.ok) throw new Error(dep.message);
  const ops: Operation[] = [];
  for (const op of circuit.ops) {
    ops.push(op);
    if (op.kind !== "gate") continue;
    for (const q of [...op.controls, ...op.qubits])
      ops.push({ kind: "noise", channel: dep.channel, qubits: [q] });
  }
  return { ...circuit, ops };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

function f(x: number | undefined, digits = 2): string {
  return x === undefined ? "-" : x.toFixed(digits);
}

/** Runs the noise benchmark on circuits from `make` (the shared random circuits). */
export async function runNoiseBench(
  circuitOf: (n: number) => Circuit,
  options: {
    threads?: readonly number[];
    /** Density-matrix sizes (default 10, 12, 14). */
    densityN?: readonly number[];
    /** Trajectory sizes (default 20, 24). */
    trajectoryN?: readonly number[];
  } = {},
): Promise<NoiseRow[]> {
  const rows: NoiseRow[] = [];
  const threadCounts = options.threads ?? [1, 2];
  console.log(
    "noise: density matrix (depolarizing(0.01) after every gate; ratio = time / (sweeps x bandwidth limit of a 2n-qubit sweep))",
  );
  for (const n of options.densityN ?? [10, 12, 14])
    for (const precision of ["double", "single"] as const) {
      const ideal = circuitOf(n);
      const c = withDepolarizing(ideal, 0.01);
      const gates = ideal.ops.length;
      const bw = bandwidthSweepMs(2 * n, precision);
      for (const threads of threadCounts) {
        const opts = {
          shots: 1000,
          seed: 1,
          precision,
          method: "density_matrix" as const,
        };
        const cpu0 = process.cpuUsage();
        const out =
          threads === 1
            ? simulate(c, opts)
            : await simulateParallel(c, { ...opts, threads });
        const cpuMs = cpuMsSince(cpu0);
        if (!out.ok) {
          console.log(
            `n=${n} ${precision} ${threads}t: ${out.error.code} ${out.error.message}`,
          );
          continue;
        }
        const { timeMs, sweeps, method } = out.result;
        const row: NoiseRow = {
          kind: "density_matrix",
          n,
          precision,
          threads,
          gates,
          shots: 1000,
          ms: timeMs,
          cpuMs,
          sweeps,
          method,
          ratioToBandwidthLimit: timeMs / (bw.ms * Math.max(1, sweeps)),
          load1: loadavg()[0],
        };
        rows.push(row);
        console.log(
          `dm n=${n} ${precision} ${threads}t: ${f(timeMs, 1)} ms (CPU ${f(cpuMs, 0)} ms), ${sweeps} sweeps of a ${2 * n}-qubit state (${gates} gates, ${c.ops.length - gates} channels), bandwidth limit ${f(bw.ms, 1)} ms/sweep, x bandwidth=${f(row.ratioToBandwidthLimit)} load=${f(row.load1, 1)}`,
        );
      }
    }
  console.log(
    "noise: trajectories, depolarizing(0.01) after every gate, against the ideal run",
  );
  for (const n of options.trajectoryN ?? [20, 24]) {
    const ideal = circuitOf(n);
    const c = withDepolarizing(ideal, 0.01);
    const shots = n <= 20 ? 200 : 40;
    for (const threads of [2]) {
      const cpu0 = process.cpuUsage();
      const base = await simulateParallel(ideal, { shots, seed: 1, threads });
      const cpu1 = process.cpuUsage();
      const noisy = await simulateParallel(c, {
        shots,
        seed: 1,
        threads,
        method: "trajectories",
      });
      const cpu = [cpuMsSince(cpu0) - cpuMsSince(cpu1), cpuMsSince(cpu1)];
      if (!base.ok || !noisy.ok) {
        console.log(
          `traj n=${n}: ${!base.ok ? base.error.message : ""} ${!noisy.ok ? noisy.error.message : ""}`,
        );
        continue;
      }
      for (const [i, [kind, r]] of (
        [
          ["ideal", base.result],
          ["trajectories", noisy.result],
        ] as const
      ).entries()) {
        const row: NoiseRow = {
          kind,
          n,
          precision: "double",
          threads,
          gates: ideal.ops.length,
          shots,
          ms: r.timeMs,
          cpuMs: cpu[i],
          sweeps: r.sweeps,
          method: r.method,
          shotsPerSecond: (shots / r.timeMs) * 1000,
          load1: loadavg()[0],
        };
        rows.push(row);
      }
      const b = base.result,
        t = noisy.result;
      // One trajectory against one ideal simulation (the ideal run samples all its shots from one state).
      console.log(
        `traj n=${n} ${threads}t: ${shots} noisy shots in ${f(t.timeMs, 0)} ms (CPU ${f(cpu[1], 0)} ms) = ${f((shots / t.timeMs) * 1000, 2)} shots/s, ${f(t.sweeps / shots, 1)} sweeps/shot (peak ${t.peakStates} states); ideal run ${f(b.timeMs, 0)} ms (CPU ${f(cpu[0], 0)} ms, ${b.sweeps} sweeps, ${f((shots / b.timeMs) * 1000, 1)} shots/s sampled): one trajectory / one ideal run = ${f(t.timeMs / shots / b.timeMs)} (CPU ${f(cpu[1] / shots / cpu[0])}), sweeps ${f(t.sweeps / shots / b.sweeps)} load=${f(loadavg()[0], 1)}`,
      );
    }
  }
  await closeThreadPool();
  return rows;
}
