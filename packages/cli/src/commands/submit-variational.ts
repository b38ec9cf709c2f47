/**
 * `stepfault submit --kind vqe|qaoa FILE.json`: submits a variational job whose body (problem,
 * observable, optimiser, ...) is the JSON file, prints every iteration as it happens (stderr on a
 * terminal, or with --json nothing until the end) and the result.
 * A VQE file may name its ansatz by `"sourceFile": "ansatz.qasm"` (relative to the JSON file)
 * instead of inline `"source"`; `--ansatz FILE` does the same from the command line.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import {
  StepFaultApiError,
  type StepFaultClient,
  type VariationalJob,
} from "@stepfault/sdk";
import { oneLine } from "../report.ts";

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, offset: number): [number, number] {
  const before = text.slice(0, offset).split("\n");
  return [before.length, before[before.length - 1].length + 1];
}

/** Reads the body; prints `FILE:LINE:COL: error:` and returns undefined when it is not usable. */
function readBody(
  file: string,
  ansatz: string | undefined,
): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    process.stderr.write(
      `${file}: error: ${oneLine((err as Error).message)}\n`,
    );
    return undefined;
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const at = /position (\d+)/.exec(msg);
    const [line, col] = at ? lineCol(text, Number(at[1])) : [1, 1];
    process.stderr.write(`${file}:${line}:${col}: error: ${oneLine(msg)}\n`);
    return undefined;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    process.stderr.write(
      `${file}:1:1: error: the file must hold one JSON object\n`,
    );
    return undefined;
  }
  const out = { ...(body as Record<string, unknown>) };
  const sourceFile =
    ansatz ??
    (typeof out.sourceFile === "string"
      ? resolve(dirname(file), out.sourceFile)
      : undefined);
  delete out.sourceFile;
  if (sourceFile !== undefined) {
    try {
      out.source = readFileSync(sourceFile, "utf8");
    } catch (err) {
      process.stderr.write(
        `${sourceFile}: error: ${oneLine((err as Error).message)}\n`,
      );
      return undefined;
    }
  }
  return out;
}

/** Runs the variational submit; returns the exit code. */
export async function submitVariational(args: {
  client: StepFaultClient;
  kind: "vqe" | "qaoa";
  file: string;
  project: string;
  ansatz: string | undefined;
  seed: number | undefined;
  idempotencyKey: string | undefined;
  json: boolean;
}): Promise<number> {
  const body = readBody(args.file, args.ansatz);
  if (body === undefined) return 2;
  if (args.seed !== undefined) body.seed = args.seed;
  const { client } = args;
  const opts = args.idempotencyKey
    ? { idempotencyKey: args.idempotencyKey }
    : {};
  try {
    const submitted =
      args.kind === "vqe"
        ? await client.variational.vqe(args.project, body as never, opts)
        : await client.variational.qaoa(args.project, body as never, opts);
    const tty = process.stderr.isTTY === true && !args.json;
    for await (const it of client.variational.iterations(submitted.id))
      if (tty)
        process.stderr.write(
          `iteration ${it.iteration}: ${it.energy.toFixed(8)} (${it.evaluations} evaluations)\n`,
        );
    const job: VariationalJob = await client.variational.get(submitted.id);
    const r = job.result;
    if (args.json) {
      process.stdout.write(
        JSON.stringify({
          jobId: job.id,
          status: job.status,
          error: job.error,
          result: r,
        }) + "\n",
      );
      return job.status === "succeeded" ? 0 : 1;
    }
    if (job.status !== "succeeded" || r === null) {
      process.stderr.write(
        `${args.file}: error: job ${job.id} ${job.status}${job.error ? `: ${oneLine(job.error.message)}` : ""}\n`,
      );
      return 1;
    }
    const lines = [
      `${args.kind} job ${job.id}: ${r.reason}${r.detail ? ` (${r.detail})` : ""} after ${r.iterations} iterations, ${r.evaluations} evaluations`,
      `energy      ${r.energy}${r.exactEnergy !== null ? `   exact ${r.exactEnergy}   error ${(r.energy - r.exactEnergy).toExponential(3)}` : ""}`,
      `parameters  ${Object.entries(r.parameters)
        .map(([k, v]) => `${k}=${v.toFixed(6)}`)
        .join(" ")}`,
    ];
    if (r.bestBitstring !== undefined)
      lines.push(
        r.bestCut !== undefined
          ? `best cut    ${r.bestCut} (${r.bestBitstring})   expected ${r.expectedCut?.toFixed(4)}   max ${r.maxCut ?? "?"}   ratio ${r.approximationRatio?.toFixed(4) ?? "n/a"}`
          : `best cost   ${r.bestCost} (${r.bestBitstring})   expected ${r.expectedCost?.toFixed(4)}`,
      );
    process.stdout.write(lines.join("\n") + "\n");
    return 0;
  } catch (err) {
    if (err instanceof StepFaultApiError) {
      const field = err.problem.field;
      process.stderr.write(
        `${args.file}: error: ${typeof field === "string" ? `${field}: ` : ""}${oneLine(err.message)}\n`,
      );
      return err.status === 422 || err.status === 400 ? 1 : 3;
    }
    throw err;
  }
}
