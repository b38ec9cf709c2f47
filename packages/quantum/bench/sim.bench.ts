/**
 * `npm run bench`: StepFault's simulator (double/single, 1/2 threads) on the shared benchmark
 * circuits, side by side with the plain-JS baseline, the JS peers (quantum-circuit, jsqubits, each
 * in a child process with a time limit) and the memory-bandwidth limit measured in the same run
 * (bench/bandwidth.ts).
 * Flags: --quick (n = 16, 20), --large (adds 26, 28 single, 30 double, 31 single), --n 20,24 (sizes), --only random,qft
 * (circuits; `--only noise` runs just the noise section, bench/noise.bench.ts, as `npm run bench:noise` does;
 * --no-noise skips it; --noise-dm 10,12,14 and --noise-traj 20,24 choose its sizes), --no-peers (skip the JS peers), --no-primitives (skip bench/primitives.bench.ts), --no-api (skip
 * the sweep through an API job, packages/server/bench/sweep-api.bench.ts), --threads 1,2 (thread counts; default 1,2, and 2 only
 * above n = 24). The baseline loop is skipped for n >= 26 (too slow); for states above 1 GiB the
 * bandwidth limit is measured on a 1 GiB array and scaled. Without ../shared/bench it runs our own
 * circuits of the same shapes (bench/circuits.mjs) and no baseline. Ends with issue 17's target
 * table, met or not (bench/targets.ts). Writes bench-results/sim.json.
 */
import { execFile } from "node:child_process";
import { cpus, loadavg, totalmem } from "node:os";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { standardGateOps } from "../src/ir/gates.ts";
import type { Circuit, Operation } from "../src/ir/types.ts";
import { simulate, type SimulateOutcome } from "../src/sim/simulate.ts";
import { closeThreadPool, simulateParallel } from "../src/threads/index.ts";
import { benchPrimitives } from "./primitives.bench.ts";
import { type BandwidthSweep, bandwidthSweepMs } from "./bandwidth.ts";
import { type NoiseRow, runNoiseBench } from "./noise.bench.ts";
import { targetTable } from "./targets.ts";

interface NeutralGate {
  readonly g: string;
  readonly q: number[];
  readonly p?: number;
}
type Make = (kind: string, n: number) => NeutralGate[];
type TimeBaseline = (n: number, gates: NeutralGate[]) => number;

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../..");
const shared = resolve(repoRoot, "../shared/bench");
const PEER_TIMEOUT_MS = 120_000;
const PEERS = ["quantum-circuit", "jsqubits"] as const;
/** The baseline loop (one sweep per gate, ~23 s at n = 24) is skipped from here up: 4x per qubit. */
const BASELINE_MAX_N = 26;
/** Sizes run in one precision only (the issue's large-state targets). */
const MEMORY_TESTS: Record<number, "double" | "single"> = {
  28: "single",
  30: "double",
  31: "single",
};

function toCircuit(n: number, gates: NeutralGate[]): Circuit {
  const ops: Operation[] = gates.flatMap((x) =>
    standardGateOps(x.g, x.p === undefined ? [] : [x.p], x.q),
  );
  return {
    numQubits: n,
    numClbits: 0,
    qregs: [{ name: "q", size: n, offset: 0 }],
    cregs: [],
    ops,
    globalPhase: 0,
    inputs: [],
  };
}

function runPeer(
  peer: string,
  kind: string,
  n: number,
  circuitsModule: string,
): Promise<number | "timeout" | "error"> {
  return new Promise((resolvePeer) => {
    execFile(
      process.execPath,
      [join(here, "peer.mjs"), peer, kind, String(n), circuitsModule],
      {
        timeout: PEER_TIMEOUT_MS,
        cwd: resolve(here, ".."),
        maxBuffer: 1 << 20,
      },
      (err, stdout) => {
        if (err) resolvePeer(err.killed ? "timeout" : "error");
        else {
          try {
            resolvePeer((JSON.parse(stdout.trim()) as { ms: number }).ms);
          } catch {
            resolvePeer("error");
          }
        }
      },
    );
  });
}

interface Row {
  n: number;
  circuit: string;
  precision: "double" | "single";
  threads: number;
  gates: number;
  sweeps: number;
  ms: number;
  gatesPerSecond: number;
  ratioToBaseline?: number;
  /** CPU time of the process (all threads) during the run. */
  cpuMs: number;
  /** 1 thread only: CPU time over the baseline's CPU time (less sensitive to a loaded machine than wall time). */
  cpuRatioToBaseline?: number;
  ratioToBandwidthLimit: number;
  speedupVsPeers: Record<string, number | string>;
  /** 1-minute load average when the row finished (the machine is shared). */
  load1: number;
}

async function main(): Promise<void> {
  // Without ../shared (a user's clone) the run goes on with our own generator of the same circuit
  // shapes and without the baseline loop, and says so.
  const haveShared =
    existsSync(join(shared, "circuits.mjs")) &&
    existsSync(join(shared, "baseline.mjs"));
  const circuitsModule = haveShared
    ? join(shared, "circuits.mjs")
    : join(here, "circuits.mjs");
  if (!haveShared)
    console.log(
      `../shared/bench is not beside the repository (looked in ${shared}): running StepFault's own circuits of the same shapes (bench/circuits.mjs), without the baseline loop, so there are no ratios to it.`,
    );
  const { make } = (await import(pathToFileURL(circuitsModule).href)) as {
    make: Make;
  };
  const timeBaseline = haveShared
    ? (
        (await import(pathToFileURL(join(shared, "baseline.mjs")).href)) as {
          timeBaseline: TimeBaseline;
        }
      ).timeBaseline
    : undefined;
  const argv = process.argv.slice(2);
  const args = new Set(argv);
  const valueOf = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const sizes =
    valueOf("--n")
      ?.split(",")
      .map(Number)
      .filter((x) => Number.isInteger(x) && x > 0) ??
    (args.has("--quick")
      ? [16, 20]
      : args.has("--large")
        ? [16, 20, 24, 26, 28, 30, 31]
        : [16, 20, 24]);
  const only = valueOf("--only")?.split(",");
  // "noise" (density matrix and trajectories, noise.bench.ts) runs by default; --no-noise skips it.
  const withNoise = only
    ? only.includes("noise")
    : !args.has("--no-noise") && !args.has("--quick");
  const kinds = (only ?? ["random", "qft", "ghz"]).filter(
    (k) => k !== "noise" && k !== "primitives",
  );
  const noPeers = args.has("--no-peers");
  const threadCounts = valueOf("--threads")
    ?.split(",")
    .map(Number)
    .filter((x) => x === 1 || x === 2);
  const rows: Row[] = [];
  const baselines: Record<number, number> = {};
  const baselineCpu: Record<number, number> = {};
  const bandwidth: Record<string, number> = {};
  const bandwidthProbes: Record<string, BandwidthSweep> = {};
  const peerTimes: Record<string, Record<number, number | string>> = {
    "quantum-circuit": {},
    jsqubits: {},
  };
  const peerGaveUp = new Set<string>();
  const largeFailed: string[] = [];
  console.log(
    `StepFault simulator benchmark; node ${process.version}; ${cpus().length} cores; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")} (a shared machine skews the numbers)`,
  );
  // Warm the JIT on every kernel shape (both precisions, both engines; n = 16 so that gathered chunks and the
  // WebAssembly kernels run too) so the first row is not a cold start.
  for (const kind of kinds)
    for (const precision of ["double", "single"] as const) {
      const c = toCircuit(16, make(kind, 16));
      simulate(c, { shots: 1, seed: 1, precision });
      await simulateParallel(c, { shots: 1, seed: 1, precision, threads: 2 });
    }
  for (const n of kinds.length > 0 ? sizes : []) {
    const large = n > 24;
    // Peers first, while nothing else of ours runs (random circuit only; skipped after a timeout).
    for (const peer of PEERS) {
      if (large || noPeers || peerGaveUp.has(peer)) continue;
      const r = await runPeer(peer, "random", n, circuitsModule);
      peerTimes[peer][n] = r;
      if (r === "timeout") peerGaveUp.add(peer);
    }
    if (timeBaseline && n < BASELINE_MAX_N) {
      const c0 = process.cpuUsage();
      baselines[n] = timeBaseline(n, make("random", n));
      baselineCpu[n] = cpuMsSince(c0);
    } else if (timeBaseline)
      console.log(
        `n=${n}: baseline loop skipped (one full sweep per gate: ~${(2 ** (n - 24) * 23).toFixed(0)} s or more at ~23 s for n=24; ratios to it are only reported for n < ${BASELINE_MAX_N})`,
      );
    for (const precision of ["double", "single"] as const) {
      // The memory tests run in one precision: 28 and 31 qubits single (2 and 16 GiB), 30 double (16 GiB).
      const memoryTest = MEMORY_TESTS[n];
      if (memoryTest && memoryTest !== precision) continue;
      const bw = bandwidthSweepMs(n, precision);
      bandwidth[`${n}-${precision}`] = bw.ms;
      bandwidthProbes[`${n}-${precision}`] = bw;
      console.log(
        `n=${n} ${precision}: bandwidth limit ${bw.ms.toFixed(1)} ms per sweep (WebAssembly SIMD loop ${bw.wasmMs?.toFixed(1) ?? "-"} ms, JavaScript loop ${bw.jsMs.toFixed(1)} ms${bw.scaledFromBytes !== undefined ? `; timed over ${bw.scaledFromBytes / 2 ** 30} GiB and scaled linearly to the state size` : ""})`,
      );
      for (const kind of large ? ["random"] : kinds) {
        const gates = make(kind, n);
        const circuit = toCircuit(n, gates);
        for (const threads of threadCounts ?? (large ? [2] : [1, 2])) {
          const opts = { shots: 1, seed: 1, precision };
          const c0 = process.cpuUsage();
          const out: SimulateOutcome =
            threads === 1
              ? simulate(circuit, opts)
              : await simulateParallel(circuit, { ...opts, threads });
          if (!out.ok) {
            const msg = `n=${n} ${kind} ${precision} ${threads}t: ${out.error.code} ${out.error.message}`;
            console.log(msg);
            if (n >= 30) largeFailed.push(msg);
            continue;
          }
          const cpuMs = cpuMsSince(c0);
          const { timeMs, sweeps } = out.result;
          const speedupVsPeers: Record<string, number | string> = {};
          if (kind === "random")
            for (const peer of PEERS) {
              const t = peerTimes[peer][n];
              if (typeof t === "number") speedupVsPeers[peer] = t / timeMs;
              else if (t === "timeout")
                speedupVsPeers[peer] =
                  `>${(PEER_TIMEOUT_MS / timeMs).toFixed(0)}`;
            }
          const row: Row = {
            n,
            circuit: kind,
            precision,
            threads,
            gates: gates.length,
            sweeps,
            ms: timeMs,
            gatesPerSecond: (gates.length / timeMs) * 1000,
            ...(kind === "random" && baselines[n] !== undefined
              ? { ratioToBaseline: timeMs / baselines[n] }
              : {}),
            cpuMs,
            ...(kind === "random" && threads === 1 && baselineCpu[n] > 0
              ? { cpuRatioToBaseline: cpuMs / baselineCpu[n] }
              : {}),
            ratioToBandwidthLimit:
              timeMs / (bandwidth[`${n}-${precision}`] * Math.max(1, sweeps)),
            speedupVsPeers,
            load1: loadavg()[0],
          };
          rows.push(row);
          printRow(row);
        }
      }
    }
  }
  let noiseRows: NoiseRow[] = [];
  if (withNoise)
    noiseRows = await runNoiseBench((n) => toCircuit(n, make("random", n)), {
      ...(threadCounts && threadCounts.length > 0
        ? { threads: threadCounts }
        : {}),
      ...(valueOf("--noise-dm")
        ? { densityN: sizesOf(valueOf("--noise-dm")) }
        : {}),
      ...(valueOf("--noise-traj")
        ? { trajectoryN: sizesOf(valueOf("--noise-traj")) }
        : {}),
    });
  await closeThreadPool();
  // The primitives figures (sweeps, gradients, Pauli sums): bench/primitives.bench.ts.
  if (
    !args.has("--no-primitives") &&
    (valueOf("--only") ?? "primitives").includes("primitives")
  ) {
    await benchPrimitives(args.has("--quick"));
    // The same sweep through one API job, in its own process (the server's bench, no --no-api).
    if (!args.has("--no-api"))
      await new Promise<void>((done) => {
        const child = execFile(
          process.execPath,
          [
            join(repoRoot, "packages/cli/bin/run-ts.mjs"),
            join(repoRoot, "packages/server/bench/sweep-api.bench.ts"),
            ...(args.has("--quick") ? ["--quick"] : []),
          ],
          { cwd: repoRoot, timeout: 600_000 },
          (err) => {
            if (err) console.log(`sweep through the API: ${err.message}`);
            done();
          },
        );
        child.stdout?.pipe(process.stdout);
        child.stderr?.pipe(process.stderr);
      });
  }
  const refusal = simulate(toCircuit(32, make("ghz", 32)), {
    shots: 1,
    memoryLimitBytes: totalmem(),
  });
  console.log(
    `n=32: ${refusal.ok ? "NOT refused" : `${refusal.error.code}: ${refusal.error.message}`}`,
  );
  console.log(
    "baseline ms:",
    JSON.stringify(baselines),
    "baseline cpu ms:",
    JSON.stringify(baselineCpu),
    "bandwidth sweep ms:",
    JSON.stringify(bandwidth),
  );
  console.log("peer ms (random):", JSON.stringify(peerTimes));
  const targets = targetTable(rows, largeFailed);
  for (const line of targets) console.log(line);
  const outDir = join(repoRoot, "bench-results");
  mkdirSync(outDir, { recursive: true });
  writeFileSync(
    join(outDir, "sim.json"),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        baselines,
        baselineCpu,
        bandwidth,
        bandwidthProbes,
        peerTimes,
        rows,
        noiseRows,
        targets,
      },
      null,
      2,
    ),
  );
  console.log(`wrote ${join(outDir, "sim.json")}`);
}

/** "10,12" -> [10, 12] (positive integers only). */
function sizesOf(text: string | undefined): number[] {
  return (text ?? "")
    .split(",")
    .map(Number)
    .filter((x) => Number.isInteger(x) && x > 0);
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1000;
}

function printRow(r: Row): void {
  const f = (x: number | undefined, d = 2): string =>
    x === undefined ? "-" : x.toFixed(d);
  const peers = PEERS.map((p) => {
    const v = r.speedupVsPeers[p];
    return `${p}=${typeof v === "number" ? v.toFixed(0) + "x" : (v ?? "-")}`;
  }).join(" ");
  console.log(
    [
      `n=${r.n}`.padEnd(5),
      r.circuit.padEnd(6),
      r.precision.padEnd(6),
      `${r.threads}t`,
      `${f(r.ms, 0)} ms`.padStart(10),
      `${r.gatesPerSecond.toFixed(r.gatesPerSecond < 100 ? 1 : 0)} gates/s`.padStart(
        16,
      ),
      `sweeps=${r.sweeps}/${r.gates}`.padEnd(16),
      `x baseline=${f(r.ratioToBaseline)}`,
      `cpu x baseline=${f(r.cpuRatioToBaseline)}`,
      `x bandwidth=${f(r.ratioToBandwidthLimit)}`,
      peers,
      `load=${r.load1.toFixed(1)}`,
    ].join("  "),
  );
}

await main();
