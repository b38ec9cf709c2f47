import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { resolveConfig, startServer, stopOnSignals } from "@stepfault/server";

/** The web app the published package carries (dist/web/dist, copied there by its build). */
const BUNDLED_WEB = fileURLToPath(new URL("../web/dist", import.meta.url));

const HELP = `Usage: stepfault serve [--port N] [--host HOST] [--data-dir DIR] [--no-worker]

Starts the StepFault API (and the web app when built) with migrations applied, plus a job
worker in the same process unless --no-worker is given (then jobs run on \`stepfault worker\`
processes against the same PostgreSQL database; needs DATABASE_URL).
Flags override the environment (PORT, HOST, STEPFAULT_DATA_DIR); see packages/server/README.md
for every variable. Without DATABASE_URL the embedded database lives in <data-dir>/db.
`;

/** `stepfault serve`: runs the server until SIGTERM/SIGINT; returns the exit code on start-up failure. */
export async function serveCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: "string", short: "p" },
        host: { type: "string" },
        "data-dir": { type: "string" },
        "no-worker": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(`stepfault serve: ${(err as Error).message}\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (
    port !== undefined &&
    (!Number.isInteger(port) || port < 0 || port > 65535)
  ) {
    process.stderr.write(
      `stepfault serve: --port must be an integer between 0 and 65535\n`,
    );
    return 2;
  }
  const resolved = resolveConfig(process.env, {
    port,
    host: values.host,
    dataDir: values["data-dir"],
    ...(values["no-worker"] ? { worker: false } : {}),
  });
  if (!resolved.ok) {
    process.stderr.write(resolved.message + "\n");
    return 78; // EX_CONFIG
  }
  try {
    // STEPFAULT_WEB_DIR serves another build of the web app (the browser tests' own build).
    const webDir =
      process.env.STEPFAULT_WEB_DIR ||
      (existsSync(join(BUNDLED_WEB, "index.html")) ? BUNDLED_WEB : undefined);
    const server = await startServer(
      resolved.config,
      webDir !== undefined ? { webDir } : {},
    );
    stopOnSignals(server);
    process.stderr.write(
      `StepFault listening on ${server.url} (API docs: ${server.url}/api/docs)${resolved.config.jobs.runWorker ? "" : "; no job worker in this process"}\n`,
    );
    await new Promise<never>(() => undefined);
    return 0;
  } catch (err) {
    process.stderr.write(
      `stepfault serve: cannot start: ${(err as Error).message}\n`,
    );
    return 1;
  }
}
