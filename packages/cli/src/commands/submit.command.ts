import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  SIM_METHODS,
  type EstimateResult,
  type SimMethod,
} from "@stepfault/quantum";
import { parseInputs, parseThreads } from "../args.ts";
import { estimateJson, estimateTable } from "../estimate-report.ts";
import { readNoiseModelFile, readSweep } from "../source.ts";
import {
  createClient,
  StepFaultApiError,
  type Job,
  type NoiseModelSpec,
} from "@stepfault/sdk";
import {
  countsJson,
  countsTable,
  header,
  oneLine,
  type RunReport,
} from "../report.ts";
import { submitVariational } from "./submit-variational.ts";

const HELP = `Usage: stepfault submit FILE --project P [--shots N] [--seed S] [--server URL] [--api-key K] [--json]
       stepfault submit FILE --project P --observable OBS [--observable OBS ...] [--sweep SWEEP.json] [--gradient] ...
       stepfault submit --kind vqe|qaoa BODY.json --project P [--ansatz FILE.qasm] [--seed S] [--json]

Submits an OpenQASM 2 or 3 file as a job to a StepFault server, follows it live and prints the
counts like \`stepfault run\` or, with --observable, expectation values like \`stepfault estimate\`.
With --kind vqe or qaoa, BODY.json is the job's body (observable or problem, optimizer,
initialPoint, shots, ...; a VQE ansatz inline as "source", or by "sourceFile"/--ansatz); every
iteration is printed as it happens, then the result; the flags of a circuit submit (--shots,
--observable, --input, --sweep, --gradient, --precision) are refused there: put them in BODY.json.

Options:
  --project P          project id (required)
  --shots N            shots (default 1024; with --observable: shots per basis, default exact)
  --observable OBS     run an estimate of this Pauli sum (repeatable), e.g. "0.5*ZZ - XX", "Z0 Z1"
  --input NAME=VALUE   value of an OpenQASM 3 input (repeatable)
  --sweep SWEEP.json   {"theta": [v1, ..., vP]}: P points (counts per point, or estimates)
  --gradient           with --observable: also dE/d(input)
  --precision P        double (default) or single
  --noise MODEL.json   apply a noise-model file (format: packages/quantum/noise-model.schema.json)
  --noise-model ID     apply a noise model saved in the project
  --method M           auto (default), statevector, density_matrix or trajectories
  --threads N          threads sharing each sweep on the worker (default and most: its JOB_THREADS)
  --seed S             uint32 seed (default: chosen by the server and printed)
  --server URL         server root (default STEPFAULT_SERVER or http://localhost:3000)
  --api-key K          API key (default STEPFAULT_API_KEY)
  --idempotency-key K  makes a retried submission return the first job
  --kind K             sample (default), vqe or qaoa
  --ansatz FILE        the VQE ansatz (OpenQASM 3 with input parameters)
  --json               print one JSON object (as \`stepfault run --json\`, plus "jobId")
  -h, --help           show this help
Exit codes: 0 succeeded, 1 failed or cancelled, 2 usage, 3 API or network error.
`;

function asSimulateResult(job: Job): RunReport {
  const r = job.result;
  if (r === null) throw new Error("invariant: succeeded job without result");
  return {
    counts: r.counts,
    shots: r.shots,
    seed: r.seed,
    qubits: r.qubits,
    clbits: r.clbits,
    method:
      r.method === "trajectories" || r.method === "density_matrix"
        ? r.method
        : "statevector",
    timeMs: r.timing.compileMs + r.timing.simulateMs,
    sweeps: r.sweeps,
    ...(r.threads !== undefined ? { threads: r.threads } : {}),
    compileMs: r.timing.compileMs,
    simulateMs: r.timing.simulateMs,
  };
}

/** The estimate values of a succeeded estimate job, in the shape `stepfault estimate` prints. */
function estimateOf(job: Job): EstimateResult & { observables: string[] } {
  const r = job.result;
  if (r === null || r.expectations === undefined)
    throw new Error("invariant: succeeded estimate job without values");
  return {
    observables: r.observables ?? [],
    parameters: r.parameters ?? [],
    points: r.points ?? r.expectations.length,
    expectations: r.expectations,
    stddev: r.stddev ?? null,
    gradients: r.gradients ?? null,
    shots: job.shots > 0 ? job.shots : null,
    seed: job.shots > 0 ? r.seed : null,
    method: r.method,
    timeMs: r.timeMs ?? r.timing.simulateMs,
  };
}

/** Parameter values per point, from the job's sweep and inputs. */
function pointRecords(
  parameters: readonly string[],
  job: Job,
): Record<string, number>[] {
  const sweep = job.primitive?.sweep ?? {};
  const inputs = (job.record?.inputs ?? {}) as Record<string, unknown>;
  const count = Object.values(sweep)[0]?.length ?? 1;
  return Array.from({ length: count }, (_, p) =>
    Object.fromEntries(
      parameters.map((name) => [
        name,
        name in sweep ? sweep[name][p] : Number(inputs[name]),
      ]),
    ),
  );
}

function progressBar(fraction: number): string {
  const width = 30;
  const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `\r[${"#".repeat(done)}${".".repeat(width - done)}] ${(fraction * 100).toFixed(0).padStart(3)}%`;
}

/** Flags only a sample / estimate submit reads; a VQE or QAOA body carries these in its file. */
const CIRCUIT_FLAGS = [
  "shots",
  "observable",
  "input",
  "sweep",
  "gradient",
  "precision",
  "noise",
  "noise-model",
  "method",
  "threads",
] as const;

/** The flags given that the kind would ignore, as `--name`, so the user learns instead of guessing. */
function flagsIrrelevantTo(
  kind: "sample" | "vqe" | "qaoa",
  values: Record<string, unknown>,
): string[] {
  const given = (name: string) => values[name] !== undefined;
  const names: string[] =
    kind === "sample"
      ? ["ansatz"]
      : kind === "vqe"
        ? [...CIRCUIT_FLAGS]
        : [...CIRCUIT_FLAGS, "ansatz"];
  return names.filter(given).map((n) => `--${n}`);
}

function clientFor(values: { server?: string; "api-key"?: string }) {
  return createClient({
    baseUrl:
      values.server ?? process.env.STEPFAULT_SERVER ?? "http://localhost:3000",
    token: values["api-key"] ?? process.env.STEPFAULT_API_KEY,
  });
}

/** `stepfault submit`: runs a file on a server and prints the counts (or a VQE / QAOA result). */
export async function submitCommand(argv: readonly string[]): Promise<number> {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      options: {
        project: { type: "string" },
        shots: { type: "string" },
        observable: { type: "string", multiple: true },
        input: { type: "string", multiple: true },
        sweep: { type: "string" },
        gradient: { type: "boolean" },
        precision: { type: "string" },
        noise: { type: "string" },
        "noise-model": { type: "string" },
        method: { type: "string" },
        threads: { type: "string" },
        seed: { type: "string" },
        server: { type: "string" },
        "api-key": { type: "string" },
        "idempotency-key": { type: "string" },
        json: { type: "boolean" },
        kind: { type: "string" },
        ansatz: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      allowPositionals: true,
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(
      `stepfault submit: ${(err as Error).message}\n${HELP}`,
    );
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const usage = (msg: string) => {
    process.stderr.write(`stepfault submit: ${msg}\n`);
    return 2;
  };
  const file = positionals[0];
  if (file === undefined || positionals.length > 1)
    return usage("give exactly one FILE");
  if (values.project === undefined) return usage("--project is required");
  const kind = values.kind ?? "sample";
  if (kind !== "sample" && kind !== "vqe" && kind !== "qaoa")
    return usage("--kind must be sample, vqe or qaoa");
  const irrelevant = flagsIrrelevantTo(kind, values);
  if (irrelevant.length > 0)
    return usage(
      `${irrelevant.join(", ")} ${irrelevant.length === 1 ? "does" : "do"} not apply to --kind ${kind}${kind === "sample" ? "" : ` (put shots, initialPoint and options in ${file})`}`,
    );
  const estimate = values.observable !== undefined;
  const shots =
    values.shots === undefined
      ? estimate
        ? null
        : 1024
      : Number(values.shots);
  if (
    shots !== null &&
    (!Number.isInteger(shots) || shots < 1 || shots > 1_000_000)
  )
    return usage("--shots must be an integer between 1 and 1000000");
  if (values.gradient && !estimate)
    return usage("--gradient needs --observable");
  const precision = values.precision;
  if (
    precision !== undefined &&
    precision !== "double" &&
    precision !== "single"
  )
    return usage(`--precision must be double or single, got "${precision}"`);
  const method = values.method;
  if (method !== undefined && !SIM_METHODS.includes(method as SimMethod))
    return usage(
      `--method must be one of ${SIM_METHODS.join(", ")}, got "${method}"`,
    );
  if (values.noise !== undefined && values["noise-model"] !== undefined)
    return usage("give at most one of --noise and --noise-model");
  let threads: number | undefined;
  try {
    threads =
      values.threads === undefined ? undefined : parseThreads(values.threads);
  } catch (err) {
    return usage((err as Error).message);
  }
  let noise: unknown;
  if (values.noise !== undefined && kind === "sample") {
    const read = readNoiseModelFile(values.noise);
    if ("errors" in read) {
      for (const line of read.errors) process.stderr.write(`${line}\n`);
      return 1;
    }
    noise = read.json;
  }
  let inputs;
  try {
    inputs = parseInputs(values.input);
  } catch (err) {
    return usage((err as Error).message);
  }
  let sweep: Record<string, number[]> | undefined;
  if (values.sweep !== undefined) {
    const read = readSweep(values.sweep);
    if ("error" in read) {
      process.stderr.write(`stepfault submit: ${read.error}\n`);
      return 1;
    }
    sweep = read.sweep;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (
    seed !== undefined &&
    (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
  )
    return usage("--seed must be an integer in [0, 2^32)");
  if (kind !== "sample")
    return submitVariational({
      client: clientFor(values),
      kind,
      file,
      project: values.project,
      ansatz: values.ansatz,
      seed,
      idempotencyKey: values["idempotency-key"],
      json: values.json === true,
    });
  let source: string;
  try {
    source = readFileSync(file, "utf8");
  } catch (err) {
    process.stderr.write(
      `${file}: error: ${oneLine((err as Error).message)}\n`,
    );
    return 2;
  }
  const client = clientFor(values);
  const tty = process.stderr.isTTY === true && !values.json;
  try {
    const common = {
      source,
      ...(seed !== undefined ? { seed } : {}),
      ...(precision ? { precision: precision as "double" | "single" } : {}),
      ...(Object.keys(inputs).length > 0 ? { inputs } : {}),
      ...(sweep ? { sweep } : {}),
      ...(noise !== undefined
        ? { noise: noise as NoiseModelSpec }
        : values["noise-model"] !== undefined
          ? { noiseModelId: values["noise-model"] }
          : {}),
      ...(method !== undefined ? { method: method as SimMethod } : {}),
      ...(threads !== undefined ? { threads } : {}),
    };
    const idem = values["idempotency-key"]
      ? { idempotencyKey: values["idempotency-key"] }
      : {};
    const submitted = estimate
      ? await client.jobs.estimate(
          values.project,
          {
            ...common,
            observables: values.observable ?? [],
            shots,
            ...(values.gradient ? { gradient: true } : {}),
          },
          idem,
        )
      : await client.jobs.sample(
          values.project,
          { ...common, shots: shots ?? 1024 },
          idem,
        );
    const job = await client.waitForJob(submitted.id, {
      onProgress: tty ? (f) => process.stderr.write(progressBar(f)) : undefined,
    });
    if (tty)
      process.stderr.write(
        progressBar(job.status === "succeeded" ? 1 : job.progress) + "\n",
      );
    if (job.status !== "succeeded") {
      process.stderr.write(
        `${file}: error: job ${job.id} ${job.status}${job.error ? `: ${oneLine(job.error.message)}` : ""}\n`,
      );
      return 1;
    }
    if (job.result === null && job.resultUnavailable) {
      // The server kept the result in its file store and that file is gone.
      process.stderr.write(
        `${file}: error: job ${job.id} succeeded but ${oneLine(job.resultUnavailable.message)}\n`,
      );
      return 3;
    }
    if (estimate) {
      const e = estimateOf(job);
      process.stdout.write(
        (values.json
          ? JSON.stringify({
              ...JSON.parse(estimateJson(e.observables, e)),
              jobId: job.id,
            })
          : `${estimateTable(file, job.numQubits, e.observables, pointRecords(e.parameters, job), e)}\njob ${job.id}`) +
          "\n",
      );
      return 0;
    }
    const r = asSimulateResult(job);
    const perPoint = job.result?.sweep;
    if (values.json) {
      const obj = JSON.parse(countsJson(r)) as Record<string, unknown>;
      process.stdout.write(
        JSON.stringify({
          ...obj,
          ...(perPoint ? { sweep: perPoint } : {}),
          jobId: job.id,
        }) + "\n",
      );
    } else if (perPoint) {
      const blocks = perPoint.counts.map(
        (counts, p) =>
          `point ${p} (${perPoint.parameters.map((name) => `${name}=${job.record?.options.primitive?.sweep?.[name]?.[p] ?? job.primitive?.sweep?.[name]?.[p] ?? "?"}`).join(", ")})\n${countsTable(counts, r.shots).join("\n")}`,
      );
      process.stdout.write(
        `${header(r, file)}, job ${job.id}\n${blocks.join("\n\n")}\n`,
      );
    } else {
      process.stdout.write(
        `${header(r, file)}, job ${job.id}\n${countsTable(r.counts, r.shots).join("\n")}\n`,
      );
    }
    return 0;
  } catch (err) {
    if (err instanceof StepFaultApiError) {
      const diags = err.problem.diagnostics;
      if (err.code === "CIRCUIT_INVALID" && Array.isArray(diags)) {
        for (const d of diags as {
          line: number;
          column: number;
          severity: string;
          message: string;
        }[])
          process.stderr.write(
            `${file}:${d.line}:${d.column}: ${d.severity}: ${oneLine(d.message)}\n`,
          );
        return 1;
      }
      process.stderr.write(
        `stepfault submit: ${err.status ? `${err.status} ` : ""}${oneLine(err.message)}\n`,
      );
      return 3;
    }
    throw err;
  }
}
