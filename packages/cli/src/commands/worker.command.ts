import { parseArgs } from "node:util";
import { resolveConfig, startWorker } from "@stepfault/server";

const HELP = `Usage: stepfault worker [--threads N] [--recover-after SECONDS]

Runs simulation jobs from the shared queue, without the HTTP API, until SIGTERM/SIGINT.
Needs DATABASE_URL (PostgreSQL): the embedded database cannot be shared between processes,
and \`stepfault serve\` already runs a worker of its own. Start as many workers as you like.

Options:
  --threads N              simulation threads, i.e. jobs run at once (default JOB_THREADS, 1)
  --recover-after SECONDS  a job whose worker died (no heartbeat for this long) runs again
                           on a live worker (default JOB_RECOVER_AFTER_SECONDS, 60); jobs
                           may run longer than this
  -h, --help               show this help

Limits and the file store come from the same environment as \`stepfault serve\`
(JOB_*, RESULT_INLINE_MAX_BYTES, S3_*, WEBHOOK_*; see packages/server/README.md).
`;

/** `stepfault worker`: a job worker process against the same database as the API. */
export async function workerCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        threads: { type: "string" },
        "recover-after": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(
      `stepfault worker: ${(err as Error).message}\n${HELP}`,
    );
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const threads =
    values.threads === undefined ? undefined : Number(values.threads);
  if (
    threads !== undefined &&
    (!Number.isInteger(threads) || threads < 1 || threads > 64)
  ) {
    process.stderr.write(
      "stepfault worker: --threads must be an integer between 1 and 64\n",
    );
    return 2;
  }
  const recoverAfter =
    values["recover-after"] === undefined
      ? undefined
      : Number(values["recover-after"]);
  if (
    recoverAfter !== undefined &&
    (!Number.isInteger(recoverAfter) ||
      recoverAfter < 1 ||
      recoverAfter > 86_400)
  ) {
    process.stderr.write(
      "stepfault worker: --recover-after must be an integer number of seconds (1-86400)\n",
    );
    return 2;
  }
  const resolved = resolveConfig(process.env);
  if (!resolved.ok) {
    process.stderr.write(resolved.message + "\n");
    return 78; // EX_CONFIG
  }
  if (resolved.config.databaseUrl === undefined) {
    process.stderr.write(
      "stepfault worker: DATABASE_URL is not set; standalone workers need PostgreSQL (stepfault serve runs its own worker on the embedded database)\n",
    );
    return 78;
  }
  try {
    const worker = await startWorker(resolved.config, {
      ...(threads !== undefined ? { threads } : {}),
      ...(recoverAfter !== undefined ? { expireInSeconds: recoverAfter } : {}),
    });
    process.stderr.write(
      `StepFault worker running with ${threads ?? resolved.config.jobs.threads} thread(s)\n`,
    );
    const onSignal = () => {
      worker.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
    await new Promise<never>(() => undefined);
    return 0;
  } catch (err) {
    process.stderr.write(
      `stepfault worker: cannot start: ${(err as Error).message}\n`,
    );
    return 1;
  }
}
