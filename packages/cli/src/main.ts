/**
 * Entry of the `stepfault` command: dispatches to a registered command, handles `--help` and
 * `--version`, and turns any unexpected failure into one line on stderr (never a stack trace).
 */
import { readFileSync } from "node:fs";
import { COMMANDS, findCommand } from "./commands/registry.ts";

/** The CLI's version (from packages/cli/package.json). */
export function cliVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version?: string };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** The top-level help text. */
export function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "Usage: stepfault <command> [options]",
    "",
    "StepFault: a self-hosted quantum computing platform (OpenQASM compiler, simulator, API).",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "Options:",
    "  -h, --help     Show this help (or `stepfault <command> --help` for a command)",
    "  -V, --version  Print the version",
    "",
  ].join("\n");
}

/** Runs the CLI with the arguments after `stepfault`; returns the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (
      first === undefined ||
      first === "--help" ||
      first === "-h" ||
      first === "help"
    ) {
      if (first === "help" && rest[0] && findCommand(rest[0]))
        return await (
          await findCommand(rest[0])!.load()
        )(["--help"]);
      if (first === undefined) {
        process.stderr.write(topHelp());
        return 2;
      }
      process.stdout.write(topHelp());
      return 0;
    }
    if (first === "--version" || first === "-V") {
      process.stdout.write(`stepfault ${cliVersion()}\n`);
      return 0;
    }
    const command = findCommand(first);
    if (!command) {
      const what = first.startsWith("-")
        ? `unknown option "${first}"`
        : `unknown command "${first}"`;
      process.stderr.write(
        `stepfault: error: ${what}; commands: ${COMMANDS.map((c) => c.name).join(", ")} (see stepfault --help)\n`,
      );
      return 2;
    }
    return await (
      await command.load()
    )(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `stepfault: internal error: ${message.split("\n")[0]}\n`,
    );
    return 70;
  }
}
