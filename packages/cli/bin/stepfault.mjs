#!/usr/bin/env node
// The `stepfault` command: compiled JavaScript from dist/ (what npm installs; in this repository
// `npm install` builds it). Inside the repository, STEPFAULT_SOURCE=1 (set by the test runner) or a
// missing dist/ runs the TypeScript sources through tsx instead, so edits need no rebuild.
import { existsSync } from "node:fs";

const built = new URL("../dist/main.js", import.meta.url);
let entry = built.href;
if (process.env.STEPFAULT_SOURCE === "1" || !existsSync(built)) {
  (await import("./source-mode.mjs")).useSources();
  entry = new URL("../src/main.ts", import.meta.url).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
