// Runs this repository's TypeScript sources in place (no build): the `stepfault-source` export
// condition makes `@stepfault/*` imports resolve to `src/*.ts` instead of `dist/*.js`, and tsx's
// loader compiles TypeScript on import. Used by the dev CLI, run-ts.mjs and child processes of
// tests (STEPFAULT_SOURCE=1); never part of a published package.
import { register } from "node:module";
import { register as registerTsx } from "tsx/esm/api";

/** The resolve hook adding the condition (a data: URL, so it needs no file of its own). */
export const SOURCE_CONDITION_HOOK =
  "data:text/javascript,export function resolve(s,c,n){return n(s,{...c,conditions:[...c.conditions,'stepfault-source']})}";

/** Installs the condition hook and tsx in this thread. */
export function useSources() {
  register(SOURCE_CONDITION_HOOK);
  registerTsx();
}
