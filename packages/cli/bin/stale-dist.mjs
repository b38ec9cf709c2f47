// Inside this repository only (a published package has no src/): finds a package whose dist/ was
// built before the last change to its src/, so the `stepfault` command never runs stale output.
// It reads modification times only: about 250 files, a few milliseconds.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The newest modification time of the files below `dir` (0 for none). */
function newest(dir, deep) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      if (deep) t = Math.max(t, newest(p, true));
    } else t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The `packages/<name>/dist` built from sources older than its `src/` (the packages built with
 * tsdown, which the command's dist/ imports), or undefined when every one is up to date.
 */
export function staleDist(repoRoot = new URL("../../../", import.meta.url)) {
  const packages = join(fileURLToPath(repoRoot), "packages");
  for (const name of readdirSync(packages)) {
    const dir = join(packages, name);
    if (!existsSync(join(dir, "tsdown.config.ts"))) continue;
    const src = join(dir, "src");
    const dist = join(dir, "dist");
    if (!existsSync(src) || !existsSync(dist)) continue;
    if (newest(src, true) > newest(dist, false)) return `packages/${name}/dist`;
  }
  return undefined;
}
