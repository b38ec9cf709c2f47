#!/usr/bin/env node
// Runs a TypeScript entry point of this repository from its sources: node run-ts.mjs FILE [args...]
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { useSources } from "./source-mode.mjs";

useSources();
const [file, ...rest] = process.argv.slice(2);
process.argv = [process.argv[0], resolve(file), ...rest];
await import(pathToFileURL(resolve(file)).href);
