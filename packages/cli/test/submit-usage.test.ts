/**
 * `stepfault submit` refuses flags that the chosen kind would ignore (usage error, exit 2, before
 * any request): a VQE or QAOA body carries its shots and options in its JSON file, a sample job
 * has no ansatz.
 */
import { afterAll, describe, expect, it } from "vitest";
import { cli, STACK, tempFiles } from "./helpers/cli.ts";

const files = tempFiles("sf-submit-usage-");
afterAll(() => files.remove());
const body = files.file(
  "h2.json",
  JSON.stringify({ observable: "ZZ", optimizer: { name: "cobyla" } }),
);
const bell = files.file(
  "bell.qasm",
  'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n',
);
// Nothing listens here: a usage error must come before any request.
const SERVER = ["--project", "p", "--server", "http://127.0.0.1:9"];

describe("stepfault submit: flags irrelevant to the kind", () => {
  it.each([
    [["--kind", "vqe", body, "--shots", "100"], "--shots", "vqe"],
    [["--kind", "vqe", body, "--observable", "ZZ"], "--observable", "vqe"],
    [
      ["--kind", "qaoa", body, "--sweep", "s.json", "--gradient"],
      "--sweep, --gradient",
      "qaoa",
    ],
    [["--kind", "qaoa", body, "--ansatz", bell], "--ansatz", "qaoa"],
    [["--kind", "vqe", body, "--input", "a=1"], "--input", "vqe"],
    [["--kind", "qaoa", body, "--precision", "single"], "--precision", "qaoa"],
    [[bell, "--ansatz", bell], "--ansatz", "sample"],
    [["--kind", "vqe", body, "--threads", "2"], "--threads", "vqe"],
  ])("%j is a usage error naming %s", async (args, named, kind) => {
    const r = await cli("submit", ...args, ...SERVER);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`stepfault submit: ${named}`);
    expect(r.err).toContain(`--kind ${kind}`);
    expect(r.err).not.toMatch(STACK);
    expect(r.out).toBe("");
  });

  it.each(["0", "two", "1.5", "257"])(
    "--threads %s is a usage error",
    async (n) => {
      const r = await cli("submit", bell, "--threads", n, ...SERVER);
      expect(r.code).toBe(2);
      expect(r.err).toContain(
        `--threads must be an integer in [1, 256], got "${n}"`,
      );
      expect(r.err).not.toMatch(STACK);
    },
  );

  it("accepts the flags that apply (the request is then made and fails to connect: exit 3)", async () => {
    const r = await cli(
      "submit",
      "--kind",
      "vqe",
      body,
      "--ansatz",
      bell,
      "--seed",
      "7",
      "--json",
      ...SERVER,
    );
    expect(r.err).not.toContain("does not apply");
    expect(r.code).toBe(3);
  });
});
