#!/usr/bin/env node
// The `stepfault` command: compiled JavaScript from dist/ (what npm installs; in this repository
// `npm install` builds it). Inside the repository, STEPFAULT_SOURCE=1 (set by the test runner), a
// missing dist/ or a dist/ older than its sources (after an edit without `npm run build:js`) runs
// the TypeScript sources through tsx instead, so edits need no rebuild and stale output never runs.
import { existsSync } from "node:fs";

const built = new URL("../dist/main.js", import.meta.url);
let sources = process.env.STEPFAULT_SOURCE === "1" || !existsSync(built);
if (!sources && existsSync(new URL("../src/main.ts", import.meta.url))) {
  const stale = (await import("./stale-dist.mjs")).staleDist();
  if (stale !== undefined) {
    process.stderr.write(
      `stepfault: ${stale} is older than its sources; running the sources (npm run build:js brings dist/ up to date)\n`,
    );
    sources = true;
  }
}
let entry = built.href;
if (sources) {
  (await import("./source-mode.mjs")).useSources();
  entry = new URL("../src/main.ts", import.meta.url).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
