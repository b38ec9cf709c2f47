import { defaultClientConditions, defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// Tests run on the TypeScript sources: `@stepfault/*` resolve through the `stepfault-source`
// export condition to src/, and commands the tests start run from sources too
// (STEPFAULT_SOURCE=1, see packages/cli/bin/stepfault.mjs). Editing a .ts file needs no rebuild.
export default defineConfig({
  resolve: { conditions: ["stepfault-source", ...defaultClientConditions] },
  // vitest's server default leaves out "module" (it also hands these to the test processes)
  ssr: {
    resolve: {
      conditions: [
        "stepfault-source",
        ...defaultServerConditions.filter((c) => c !== "module"),
      ],
    },
  },
  test: {
    env: { STEPFAULT_SOURCE: "1" },
    include: ["packages/*/test/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "**/e2e/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Two files at a time even on two cores (vitest's default is cores - 1): most suites wait on
    // PostgreSQL, Chromium or child processes, so a second file roughly halves the wall time.
    maxWorkers: 2,
  },
});
