/**
 * An API process without a job worker, for tests that spawn processes (jobs-chaos.test.ts): the
 * real app on DATABASE_URL (migrations applied), listening on 127.0.0.1 and a random port, which it
 * prints as `listening <url>`. Stops on SIGTERM; a SIGKILL is the point of some tests.
 * Run: node packages/cli/bin/run-ts.mjs packages/server/test/helpers/api-process.ts
 */
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/config.ts";
import { openPostgres } from "../../src/database/database.ts";

const loaded = loadConfig(process.env);
const url = process.env.DATABASE_URL;
if (!loaded.ok || url === undefined || !process.env.JWT_SECRET) {
  process.stderr.write("api-process: needs DATABASE_URL and JWT_SECRET\n");
  process.exit(78);
}
const database = await openPostgres(url, 4);
await database.migrate();
const app = await buildApp(loaded.config, {
  database,
  webDir: null,
  jobs: { runWorker: false, maxConcurrentJobsPerUser: 100_000 },
});
const base = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`listening ${base}\n`);
process.once("SIGTERM", () => {
  void app
    .close()
    .then(() => database.close())
    .then(() => process.exit(0));
});
