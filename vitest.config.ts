import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
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
