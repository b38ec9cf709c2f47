/**
 * Inside the repository the `stepfault` command never runs a dist/ built before the last change
 * to its sources (bin/stale-dist.mjs); checked on a throwaway tree of packages.
 */
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs module of the bin folder, without declarations
import { staleDist } from "../bin/stale-dist.mjs";

const stale = staleDist as (root: URL) => string | undefined;

describe("staleDist", () => {
  const root = mkdtempSync(join(tmpdir(), "sf-stale-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  /** A package with a source file and a built file at the given times (seconds). */
  const pkg = (name: string, srcAt: number, distAt: number) => {
    const dir = join(root, "packages", name);
    mkdirSync(join(dir, "src", "deep"), { recursive: true });
    mkdirSync(join(dir, "dist"), { recursive: true });
    writeFileSync(join(dir, "tsdown.config.ts"), "");
    writeFileSync(join(dir, "src", "deep", "a.ts"), "");
    writeFileSync(join(dir, "dist", "index.js"), "");
    utimesSync(join(dir, "src", "deep", "a.ts"), srcAt, srcAt);
    utimesSync(join(dir, "dist", "index.js"), distAt, distAt);
  };
  const at = () => pathToFileURL(root + "/");

  it("names the package whose dist/ is older than a file anywhere in its src/", () => {
    pkg("quantum", 1000, 2000);
    pkg("server", 1000, 2000);
    expect(stale(at())).toBeUndefined();
    pkg("server", 3000, 2000);
    expect(stale(at())).toBe("packages/server/dist");
  });

  it("leaves out packages not built with tsdown (the web app) and ones never built", () => {
    pkg("server", 1000, 2000);
    const web = join(root, "packages", "web");
    mkdirSync(join(web, "src"), { recursive: true });
    mkdirSync(join(web, "dist"), { recursive: true });
    writeFileSync(join(web, "src", "main.tsx"), "");
    mkdirSync(join(root, "packages", "fresh", "src"), { recursive: true });
    writeFileSync(join(root, "packages", "fresh", "tsdown.config.ts"), "");
    expect(stale(at())).toBeUndefined();
  });
});
