/**
 * `stepfault run FILE`: compiles an OpenQASM 2 or 3 file and simulates it. Prints a table (or
 * the CLI contract's JSON with --json); errors go to stderr as `FILE:LINE:COL: error: ...`.
 * Exit codes: 0 success, 1 compile/simulation/file errors, 2 usage errors.
 */
import { availableParallelism, totalmem } from "node:os";
import { parseArgs } from "node:util";
import {
  compileQasm,
  MAX_SIM_QUBITS,
  SIM_METHODS,
  type NoiseModel,
  type SimMethod,
  simulate,
  stateBytes,
  type Circuit,
  type SimulateOptions,
  type SimulateOutcome,
} from "@stepfault/quantum";
import {
  countsJson,
  countsTable,
  formatDiagnostic,
  header,
  oneLine,
  statevectorJson,
  statevectorTable,
} from "../report.ts";
import { includeReader, readNoiseModelFile } from "../source.ts";
import {
  UsageError,
  parseArgsError,
  parseInputs,
  parseThreads,
  startCommand,
} from "../args.ts";

/** From this many qubits the threaded simulator is used when available (below, starting threads costs more than they save). */
const THREADS_FROM_QUBITS = 20;

const HELP = `Usage: stepfault run FILE [options]

Compiles an OpenQASM 2.0 or 3 file and simulates it on the statevector simulator.
Includes are read relative to the file. Noise comes from \`#pragma braket noise ...\` lines in the
program and from --noise; a noisy circuit runs as a density matrix when it fits, else as
trajectories (the JSON result's "method" says which).

Options:
  --shots N                Number of shots (default 1024)
  --seed S                 Random seed, an integer in [0, 2^32) (default: drawn and printed)
  --precision P            double (default) or single
  --statevector            Print the final state (final measurements removed) instead of counts
  --threads N              Threads sharing each sweep (default: all cores, here ${availableParallelism()});
                           circuits under ${THREADS_FROM_QUBITS} qubits run on one
  --json                   Print one JSON object: {counts, shots, seed, qubits, clbits, method, timeMs,
                           threads, compileMs, simulateMs, sampleMs}
                           (with --statevector: {qubits, statevector: [[re, im], ...]})
  --input NAME=VALUE       Value of an OpenQASM 3 input parameter (repeatable; numbers, true, false)
  --noise MODEL.json       Apply a noise model file (format: packages/quantum/noise-model.schema.json)
  --method M               auto (default), statevector, density_matrix or trajectories
  -h, --help               Show this help

Exit status: 0 on success, 1 for errors in the program or its simulation, 2 for usage errors.
`;

interface RunArgs {
  readonly file: string;
  readonly shots?: number;
  readonly seed?: number;
  readonly precision?: "double" | "single";
  readonly statevector: boolean;
  readonly json: boolean;
  readonly threads: number;
  readonly inputs: Record<string, number | boolean>;
  readonly noise?: string;
  readonly method?: SimMethod;
}

function parse(argv: readonly string[]): RunArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        shots: { type: "string" },
        seed: { type: "string" },
        precision: { type: "string" },
        statevector: { type: "boolean" },
        json: { type: "boolean" },
        threads: { type: "string" },
        input: { type: "string", multiple: true },
        noise: { type: "string" },
        method: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    throw parseArgsError(err);
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? "missing FILE"
        : `expected one FILE, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  const int = (
    flag: string,
    v: string | undefined,
    max: number,
  ): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) > max)
      throw new UsageError(
        `--${flag} must be an integer in [0, ${max}], got "${v}"`,
      );
    return Number(v);
  };
  const shots = int("shots", values.shots, 1e9);
  if (shots === 0 && !values.statevector)
    throw new UsageError(
      "--shots must be at least 1 (0 is allowed only with --statevector)",
    );
  const seed = int("seed", values.seed, 0xffffffff);
  const precision = values.precision;
  if (
    precision !== undefined &&
    precision !== "double" &&
    precision !== "single"
  )
    throw new UsageError(
      `--precision must be double or single, got "${precision}"`,
    );
  const method = values.method;
  if (method !== undefined && !SIM_METHODS.includes(method as SimMethod))
    throw new UsageError(
      `--method must be one of ${SIM_METHODS.join(", ")}, got "${method}"`,
    );
  const inputs = parseInputs(values.input);
  return {
    file: positionals[0],
    shots,
    seed,
    precision,
    statevector: values.statevector ?? false,
    json: values.json ?? false,
    threads: parseThreads(values.threads),
    inputs,
    ...(values.noise !== undefined ? { noise: values.noise } : {}),
    ...(method !== undefined ? { method: method as SimMethod } : {}),
  };
}

async function simulateCircuit(
  circuit: Circuit,
  options: SimulateOptions & { readonly threads: number },
): Promise<SimulateOutcome> {
  // Runs that will be refused (too large) go to `simulate`, which refuses at once without starting threads.
  const fits =
    circuit.numQubits <= MAX_SIM_QUBITS &&
    stateBytes(circuit.numQubits, options.precision ?? "double") <=
      (options.memoryLimitBytes ?? Infinity);
  if (options.threads > 1 && circuit.numQubits >= THREADS_FROM_QUBITS && fits) {
    let threads: typeof import("@stepfault/quantum/threads") | undefined;
    try {
      threads = await import("@stepfault/quantum/threads");
    } catch {
      threads = undefined; // no threaded entry in this build: single-threaded below
    }
    if (threads) {
      try {
        return await threads.simulateParallel(circuit, options);
      } finally {
        await threads.closeThreadPool?.();
      }
    }
  }
  return simulate(circuit, options);
}

/** `stepfault run`: see HELP. */
export async function runCommand(argv: readonly string[]): Promise<number> {
  const started = startCommand("run", argv, parse, HELP);
  if (typeof started === "number") return started;
  const { args, text } = started;
  const { file } = args;
  let noise: NoiseModel | undefined;
  if (args.noise !== undefined) {
    const m = readNoiseModelFile(args.noise);
    if ("errors" in m) {
      for (const line of m.errors) process.stderr.write(`${line}\n`);
      return 1;
    }
    noise = m.model;
  }
  const includes = includeReader(file);
  const compiled = compileQasm(text, {
    fileName: file,
    inputs: args.inputs,
    readInclude: includes.readInclude,
  });
  const shown = includes.shown;
  for (const d of compiled.diagnostics)
    process.stderr.write(formatDiagnostic(shown(d), file) + "\n");
  if (!compiled.ok) return 1;
  const circuit = compiled.circuit;
  const progress =
    process.stderr.isTTY &&
    circuit.numQubits >= THREADS_FROM_QUBITS &&
    !args.json;
  let last = -1;
  const outcome = await simulateCircuit(circuit, {
    shots: args.shots ?? (args.statevector ? 0 : 1024),
    seed: args.seed,
    precision: args.precision,
    statevector: args.statevector,
    threads: args.threads,
    memoryLimitBytes: Math.floor(totalmem() * 0.8),
    ...(noise ? { noise } : {}),
    ...(args.method ? { method: args.method } : {}),
    ...(progress
      ? {
          onProgress: (f: number) => {
            const pct = Math.floor(f * 100);
            if (pct !== last)
              process.stderr.write(`\rsimulating... ${(last = pct)}%`);
          },
        }
      : {}),
  });
  if (progress) process.stderr.write("\r\x1b[K");
  if (!outcome.ok) {
    const e = outcome.error;
    process.stderr.write(
      e.span
        ? `${file}:${e.span.line}:${e.span.col}: error: ${oneLine(e.message)}\n`
        : e.code === "SIM_BAD_NOISE_MODEL"
          ? `${args.noise}: error: ${oneLine(e.message)}\n`
          : `stepfault: error: ${oneLine(e.message)}\n`,
    );
    return 1;
  }
  const r = outcome.result;
  if (args.json) {
    process.stdout.write(
      (args.statevector ? statevectorJson(r) : countsJson(r)) + "\n",
    );
    return 0;
  }
  const lines = [header(r, file), ""];
  if (args.statevector && r.statevector)
    lines.push(...statevectorTable(r.statevector, r.qubits));
  if (r.shots > 0)
    lines.push(
      ...(args.statevector ? [""] : []),
      ...countsTable(r.counts, r.shots),
    );
  process.stdout.write(lines.join("\n") + "\n");
  return 0;
}
