/** Shared set-up of the CLI tests: the real `stepfault` binary in a child process, and temp files. */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The `stepfault` entry script. */
export const BIN = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "../../bin/stepfault.mjs",
);

/** A stack trace line: never in the CLI's output. */
export const STACK = /^\s+at .*:\d+:\d+/m;

/** Runs the real command; resolves with exit code, stdout and stderr. */
export function cli(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { timeout: 60_000 },
      (error, out, err) => {
        const code = error
          ? typeof error.code === "number"
            ? error.code
            : 1
          : 0;
        done({ code, out, err });
      },
    );
  });
}

/** A temporary folder for one test file's inputs; `remove()` in afterAll. */
export function tempFiles(prefix = "stepfault-cli-"): {
  dir: string;
  file: (name: string, text: string | Buffer) => string;
  remove: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name, text) => {
      const p = join(dir, name);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, text);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
