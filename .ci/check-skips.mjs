// Reads vitest's JSON report, prints the summary line and fails (exit 1) on any skipped test that
// .ci/expected-skips.txt does not list, and on any listed entry that did not skip.
// Usage: node .ci/check-skips.mjs <vitest.json> [expected-skips.txt]
import { readFileSync } from "node:fs";
import { relative, resolve } from "node:path";

const [reportPath, listPath = new URL("expected-skips.txt", import.meta.url)] =
  process.argv.slice(2);
const root = resolve(new URL("..", import.meta.url).pathname);
const report = JSON.parse(readFileSync(reportPath, "utf8"));
const expected = readFileSync(listPath, "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"))
  .map((l) => {
    const i = l.indexOf(" :: ");
    if (i < 0) throw new Error(`expected-skips: no " :: " in "${l}"`);
    return { file: l.slice(0, i), name: l.slice(i + 4), used: false };
  });

const skipped = [];
for (const file of report.testResults ?? [])
  for (const t of file.assertionResults ?? [])
    if (t.status !== "passed" && t.status !== "failed")
      skipped.push({
        file: relative(root, file.name),
        name: t.fullName,
        status: t.status,
      });

const matches = (e, s) =>
  e.file === s.file &&
  (e.name.endsWith("*")
    ? s.name.startsWith(e.name.slice(0, -1))
    : e.name === s.name);
const unexpected = skipped.filter((s) => {
  const e = expected.find((x) => matches(x, s));
  if (e) e.used = true;
  return !e;
});
const stale = expected.filter((e) => !e.used);

console.log(
  `${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped.length} skipped (${skipped.length - unexpected.length} expected)`,
);
for (const s of unexpected)
  console.log(`unexpected ${s.status}: ${s.file} :: ${s.name}`);
for (const e of stale)
  console.log(
    `listed in expected-skips.txt but did not skip: ${e.file} :: ${e.name}`,
  );
process.exit(unexpected.length > 0 || stale.length > 0 ? 1 : 0);
