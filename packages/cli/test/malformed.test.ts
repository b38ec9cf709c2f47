import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MALFORMED_CASES } from "../../quantum/test/qasm/malformed-cases.ts";
import { main } from "../src/main.ts";

const dir = mkdtempSync(join(tmpdir(), "sf-cli-malformed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `stepfault ...argv` in this process and captures what it writes. */
async function runCli(argv: string[]) {
  let out = "";
  let err = "";
  const o = process.stdout.write.bind(process.stdout);
  const e = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    process.stdout.write = o;
    process.stderr.write = e;
  }
}

// Every case of the shared table (each is an error with a fixed position), whatever the compiler
// under test says about it.
const cases = MALFORMED_CASES;

describe("stepfault run on malformed programs", () => {
  it("covers at least 30 kinds of malformed program", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c, i) => [c[0], c[1], c[3], i] as const))(
    "rejects %s with exit 1 and FILE:LINE:COL, no stack trace",
    async (_what, src, pos, i) => {
      const file = join(dir, `case-${i}.qasm`);
      writeFileSync(file, src);
      const r = await runCli(["run", file, "--shots", "1"]);
      expect(r.code).toBe(1);
      expect(r.out).toBe("");
      expect(r.err).toContain(`${file}:${pos}: error: `);
      for (const line of r.err.trimEnd().split("\n"))
        expect(line).toMatch(/^\S+:\d+:\d+: (error|warning): \S/);
      expect(r.err).not.toMatch(/^\s+at .*:\d+:\d+/m);
    },
  );
});
