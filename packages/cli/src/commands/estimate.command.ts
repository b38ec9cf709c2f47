/**
 * `stepfault estimate FILE --observable OBS ...`: expectation values of Pauli-sum observables for
 * an OpenQASM 3 program at one or many parameter points (a sweep), optionally with gradients or
 * from shots. Prints a table, or with --json the object the issue fixes. Exit codes: 0 success,
 * 1 errors in the program, observables, sweep or run, 2 usage errors.
 */
import { availableParallelism, totalmem } from "node:os";
import { parseArgs } from "node:util";
import {
  compileForSweep,
  parseObservable,
  sweepPoints,
  estimate,
  type EstimateOptions,
  type EstimateOutcome,
  type Observable,
  type ParametricCircuit,
} from "@stepfault/quantum";
import { formatDiagnostic, oneLine } from "../report.ts";
import { includeReader, readSweep } from "../source.ts";
import {
  UsageError,
  parseArgsError,
  parseInputs,
  parseThreads,
  startCommand,
} from "../args.ts";
import { estimateTable, estimateJson } from "../estimate-report.ts";

/** From this many qubits the threaded estimator is used when available. */
const THREADS_FROM_QUBITS = 20;

const HELP = `Usage: stepfault estimate FILE --observable OBS [options]

Expectation values of observables (Pauli sums) for an OpenQASM 3 program whose \`input\`s are
parameters, at one point or over a sweep, exactly from the statevector or from shots.

Options:
  --observable OBS       A Pauli sum (repeatable): Qiskit labels "0.5*ZZ - 0.25*XX + YI" (rightmost
                         character = qubit 0) or sparse "Z0 Z1", "0.5*X3 Y0"
  --input NAME=VALUE     Value of an input for every point (repeatable)
  --sweep SWEEP.json     {"theta": [v1, ..., vP], "phi": [...]}: P points; inputs not in it come
                         from --input
  --gradient             Also print dE/d(input) for every input (adjoint; parameter shift with --shots)
  --shots N              Estimate from N shots per measured basis, with standard errors
  --seed S               Seed for shots, an integer in [0, 2^32)
  --precision P          double (default) or single
  --threads N            Threads sharing each sweep (default: all cores, here ${availableParallelism()});
                         circuits under ${THREADS_FROM_QUBITS} qubits run on one
  --json                 Print one JSON object: {observables, parameters, points, expectations,
                         stddev, gradients, shots, method, timeMs}
  -h, --help             Show this help

Exit status: 0 on success, 1 for errors in the program, observables, sweep or run, 2 for usage errors.
`;

class InputError extends Error {}

interface EstimateArgs {
  readonly file: string;
  readonly observables: readonly string[];
  readonly inputs: Record<string, number>;
  readonly sweep?: string;
  readonly gradient: boolean;
  readonly shots?: number;
  readonly seed?: number;
  readonly precision?: "double" | "single";
  readonly json: boolean;
  readonly threads: number;
}

function parse(argv: readonly string[]): EstimateArgs | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        observable: { type: "string", multiple: true },
        input: { type: "string", multiple: true },
        sweep: { type: "string" },
        gradient: { type: "boolean" },
        shots: { type: "string" },
        seed: { type: "string" },
        precision: { type: "string" },
        json: { type: "boolean" },
        threads: { type: "string" },
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
  if (!values.observable?.length)
    throw new UsageError("give at least one --observable");
  const int = (
    flag: string,
    v: string | undefined,
    min: number,
    max: number,
  ) => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new UsageError(
        `--${flag} must be an integer in [${min}, ${max}], got "${v}"`,
      );
    return Number(v);
  };
  const precision = values.precision;
  if (
    precision !== undefined &&
    precision !== "double" &&
    precision !== "single"
  )
    throw new UsageError(
      `--precision must be double or single, got "${precision}"`,
    );
  const inputs = Object.fromEntries(
    Object.entries(parseInputs(values.input)).map(([k, v]) => [k, Number(v)]),
  );
  return {
    file: positionals[0],
    observables: values.observable,
    inputs,
    sweep: values.sweep,
    gradient: values.gradient ?? false,
    shots: int("shots", values.shots, 1, 1e9),
    seed: int("seed", values.seed, 0, 0xffffffff),
    precision,
    json: values.json ?? false,
    threads: parseThreads(values.threads),
  };
}

async function estimateWith(
  program: ParametricCircuit,
  observables: readonly Observable[],
  options: EstimateOptions & { readonly threads: number },
): Promise<EstimateOutcome> {
  if (options.threads > 1 && program.circuit.numQubits >= THREADS_FROM_QUBITS) {
    let threads: typeof import("@stepfault/quantum/threads") | undefined;
    try {
      threads = await import("@stepfault/quantum/threads");
    } catch {
      threads = undefined;
    }
    if (threads) {
      try {
        return await threads.estimateParallel(program, observables, options);
      } finally {
        await threads.closeThreadPool?.();
      }
    }
  }
  return estimate(program, observables, options);
}

/** `stepfault estimate`: see HELP. */
export async function estimateCommand(
  argv: readonly string[],
): Promise<number> {
  const started = startCommand("estimate", argv, parse, HELP);
  if (typeof started === "number") return started;
  const { args, text } = started;
  const { file } = args;
  try {
    const read = args.sweep === undefined ? undefined : readSweep(args.sweep);
    if (read && "error" in read) throw new InputError(read.error);
    const sweep = read?.sweep;
    const includes = includeReader(file);
    const compiled = compileForSweep(text, {
      fileName: file,
      readInclude: includes.readInclude,
      // An input used where its value must be known at compile time (a loop bound) is fixed by --input.
      fixed: Object.fromEntries(
        Object.entries(args.inputs).filter(([k]) => !(sweep && k in sweep)),
      ),
    });
    for (const d of compiled.diagnostics)
      process.stderr.write(formatDiagnostic(includes.shown(d), file) + "\n");
    if (!compiled.ok) return 1;
    const program = compiled.program;
    const n = program.circuit.numQubits;
    const observables = args.observables.map((text) => {
      const r = parseObservable(text, n);
      if (!r.ok) throw new InputError(`--observable "${text}": ${r.error}`);
      return r.observable;
    });
    for (const key of Object.keys(args.inputs))
      if (
        !program.parameters.includes(key) &&
        !program.circuit.inputs.some((i) => i.name === key)
      )
        throw new InputError(
          `--input ${key}: the program has no input '${key}' (inputs: ${program.circuit.inputs.map((i) => i.name).join(", ") || "none"})`,
        );
    const built = sweepPoints(program.parameters, sweep, args.inputs);
    if (!built.ok)
      throw new InputError(
        built.error.replace("as an input value", "with --input NAME=VALUE"),
      );
    const points = built.points;
    const outcome = await estimateWith(program, observables, {
      points,
      gradient: args.gradient,
      shots: args.shots ?? null,
      seed: args.seed,
      precision: args.precision,
      threads: args.threads,
      memoryLimitBytes: Math.floor(totalmem() * 0.8),
    });
    if (!outcome.ok) throw new InputError(outcome.error.message);
    const r = outcome.result;
    process.stdout.write(
      (args.json
        ? estimateJson(args.observables, r)
        : estimateTable(file, n, args.observables, points, r)) + "\n",
    );
    return 0;
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    process.stderr.write(`stepfault: error: ${oneLine(err.message)}\n`);
    return 1;
  }
}
