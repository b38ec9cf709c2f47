/** Argument handling shared by the commands that compile a program file (run, estimate). */
import { availableParallelism } from "node:os";
import { oneLine } from "./report.ts";
import { readText } from "./source.ts";

/** Most --threads accepted. */
export const MAX_THREADS = 256;

/** `--threads N` (1 to MAX_THREADS); absent: every core (availableParallelism, as qsim's -t). */
export function parseThreads(v: string | undefined): number {
  if (v === undefined) return availableParallelism();
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > MAX_THREADS)
    throw new UsageError(
      `--threads must be an integer in [1, ${MAX_THREADS}], got "${v}"`,
    );
  return Number(v);
}

/** A usage error: printed with a pointer to --help, exit 2. */
export class UsageError extends Error {}

/** The message of a `node:util` parseArgs error, as a usage error (its first sentence for unknown options). */
export function parseArgsError(err: unknown): UsageError {
  const e = err as Error & { code?: string };
  const msg =
    e.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION"
      ? e.message.split(". ")[0]
      : e.message;
  return new UsageError(oneLine(msg));
}

/** `--input name=value` items (numbers, true, false). */
export function parseInputs(
  items: readonly string[] | undefined,
): Record<string, number | boolean> {
  const inputs: Record<string, number | boolean> = {};
  for (const item of items ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(item);
    if (!m)
      throw new UsageError(`--input must look like name=value, got "${item}"`);
    const raw = m[2].trim();
    const value = raw === "true" ? true : raw === "false" ? false : Number(raw);
    if (typeof value === "number" && (raw === "" || !Number.isFinite(value)))
      throw new UsageError(
        `--input ${m[1]}: "${raw}" is not a number, true or false`,
      );
    inputs[m[1]] = value;
  }
  return inputs;
}

/**
 * Parses a command's arguments and reads its FILE: the arguments and the program text, or the exit
 * code after printing help (0), a usage error (2) or an unreadable file (1).
 */
export function startCommand<A extends { readonly file: string }>(
  command: string,
  argv: readonly string[],
  parse: (argv: readonly string[]) => A | "help",
  help: string,
): { args: A; text: string } | number {
  let args: A | "help";
  try {
    args = parse(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(
      `stepfault: error: ${err.message} (see stepfault ${command} --help)\n`,
    );
    return 2;
  }
  if (args === "help") {
    process.stdout.write(help);
    return 0;
  }
  const read = readText(args.file);
  if ("error" in read) {
    process.stderr.write(
      `stepfault: error: cannot read ${args.file}: ${read.error}\n`,
    );
    return 1;
  }
  return { args, text: read.text };
}
