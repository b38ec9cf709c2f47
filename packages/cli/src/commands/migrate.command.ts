import { parseArgs } from "node:util";
import { openDatabase, resolveConfig } from "@stepfault/server";

const HELP = `Usage: stepfault migrate [--data-dir DIR]

Applies pending database migrations (DATABASE_URL, or the embedded database in <data-dir>/db)
and exits. Running it again when up to date does nothing.
`;

/** `stepfault migrate`: applies pending migrations and exits (0 on success). */
export async function migrateCommand(argv: readonly string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        "data-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (err) {
    process.stderr.write(
      `stepfault migrate: ${(err as Error).message}\n${HELP}`,
    );
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const resolved = resolveConfig(process.env, { dataDir: values["data-dir"] });
  if (!resolved.ok) {
    process.stderr.write(resolved.message + "\n");
    return 78;
  }
  const database = await openDatabase(resolved.config);
  try {
    await database.migrate();
    process.stderr.write(`migrations applied (${database.engine})\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`stepfault migrate: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await database.close();
  }
}
