/**
 * The layering rules of eslint.config.js fire: a planted import that crosses a layer the wrong way
 * is an error in each place (linted in memory, nothing written), the legal direction is not, and
 * the workspace's package dependencies form no cycle.
 */
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const eslint = new ESLint({ cwd: ROOT });

/** The `no-restricted-imports` messages of `code` linted as if it were the file `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, {
    filePath: join(ROOT, path),
  });
  return result.messages
    .filter((m) => m.ruleId === "no-restricted-imports")
    .map((m) => m.message);
}

describe("layer rules", () => {
  it.each([
    [
      "packages/server/src/services/core/x.service.ts",
      'import { problem } from "../../api/plugins/problem.plugin.ts";',
      "Services never import the api layer",
    ],
    [
      "packages/server/src/repositories/x.repository.ts",
      'import type { AuthUser } from "../services/core/auth.service.ts";',
      "Repositories never import services",
    ],
    [
      "packages/server/src/repositories/x.repository.ts",
      'import { problem } from "../api/plugins/problem.plugin.ts";',
      "Repositories never import services or the api layer",
    ],
    [
      "packages/sdk/src/x.ts",
      'import type { Job } from "@stepfault/server";',
      "The SDK must not depend on the server",
    ],
    [
      "packages/sdk/src/x.ts",
      'import { buildApp } from "../../server/src/app.ts";',
      "The SDK must not depend on the server",
    ],
    [
      "packages/server/test/x.test.ts",
      'import { createClient } from "@stepfault/sdk";',
      "The server must not depend on the SDK",
    ],
    [
      "packages/server/src/x.ts",
      'import { main } from "@stepfault/cli";',
      "Only the cli package",
    ],
    [
      "packages/contract/src/x.schema.ts",
      'import { DomainError } from "@stepfault/server";',
      "@stepfault/contract depends on nothing of ours",
    ],
    [
      "packages/quantum/src/x.ts",
      'import { Job } from "@stepfault/contract";',
      "@stepfault/quantum depends on nothing of ours",
    ],
    [
      "packages/cli/src/x.ts",
      'import { App } from "@stepfault/web";',
      "Nothing imports the web app",
    ],
  ])("%s: rejects `%s`", async (path, code, message) => {
    const messages = await restricted(path, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(message);
  });

  it.each([
    [
      "packages/server/src/api/routes/x.route.ts",
      'import type { JobsService } from "../../services/core/jobs.service.ts";',
    ],
    [
      "packages/server/src/services/core/x.service.ts",
      'import type { JobsRepository } from "../../repositories/jobs.repository.ts";\nimport { Job } from "@stepfault/contract";',
    ],
    [
      "packages/sdk/src/x.ts",
      'import type { Job } from "@stepfault/contract";',
    ],
    [
      "packages/contract/src/x.schema.ts",
      'import type { Circuit } from "@stepfault/quantum";',
    ],
    [
      "packages/cli/src/x.ts",
      'import { createClient } from "@stepfault/sdk";\nimport { startServer } from "@stepfault/server";',
    ],
  ])("%s: allows `%s`", async (path, code) => {
    expect(await restricted(path, code)).toEqual([]);
  });
});

describe("workspace packages", () => {
  const packages = readdirSync(join(ROOT, "packages")).map((dir) => {
    const json = JSON.parse(
      readFileSync(join(ROOT, "packages", dir, "package.json"), "utf8"),
    ) as {
      name: string;
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const deps = Object.keys({ ...json.dependencies, ...json.devDependencies });
    return {
      name: json.name,
      deps: deps.filter((d) => d.startsWith("@stepfault/")),
    };
  });
  const graph = new Map(packages.map((p) => [p.name, p.deps]));

  it("depend on each other without a cycle", () => {
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      expect(path, `cycle: ${[...path, name].join(" -> ")}`).not.toContain(
        name,
      );
      if (done.has(name)) return;
      for (const d of graph.get(name) ?? []) visit(d, [...path, name]);
      done.add(name);
    };
    for (const name of graph.keys()) visit(name, []);
    expect(graph.size).toBeGreaterThanOrEqual(6);
  });

  it("keep the SDK off the server and the contract off everything but quantum", () => {
    expect(graph.get("@stepfault/sdk")).toEqual(["@stepfault/contract"]);
    expect(
      (graph.get("@stepfault/contract") ?? []).filter(
        (d) => d !== "@stepfault/quantum",
      ),
    ).toEqual([]);
    expect(graph.get("@stepfault/server")).not.toContain("@stepfault/sdk");
  });
});
