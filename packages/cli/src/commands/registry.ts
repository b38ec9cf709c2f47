/**
 * The `stepfault` command registry. Each command lives in its own `*.command.ts` file and is
 * loaded only when invoked (so `stepfault run` never loads the server). Adding a command is one
 * line here.
 */

/** A command's entry point: gets the arguments after its name, returns the process exit code. */
export type CommandMain = (argv: readonly string[]) => number | Promise<number>;

/** A registered command: its name, a one-line summary for `stepfault --help`, and a lazy loader. */
export interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CommandMain>;
}

/** Every command, in the order `stepfault --help` lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "run",
    summary: "Simulate an OpenQASM 2 or 3 file and print the counts",
    load: async () => (await import("./run.command.ts")).runCommand,
  },
  {
    name: "estimate",
    summary:
      "Expectation values (and gradients) of observables over a parameter sweep",
    load: async () => (await import("./estimate.command.ts")).estimateCommand,
  },
  {
    name: "serve",
    summary: "Start the API server (and web app) with migrations applied",
    load: async () => (await import("./serve.command.ts")).serveCommand,
  },
  {
    name: "migrate",
    summary: "Apply pending database migrations and exit",
    load: async () => (await import("./migrate.command.ts")).migrateCommand,
  },
  {
    name: "worker",
    summary: "Run simulation jobs from the shared queue (no HTTP API)",
    load: async () => (await import("./worker.command.ts")).workerCommand,
  },
  {
    name: "submit",
    summary:
      "Submit an OpenQASM file as a job to a server and print the counts",
    load: async () => (await import("./submit.command.ts")).submitCommand,
  },
];

/** The command called `name`, if any. */
export function findCommand(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
