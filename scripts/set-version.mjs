// Sets the one version of every package: node scripts/set-version.mjs 0.2.0 (npm run set-version -- 0.2.0).
// Writes it into the root package.json, each workspace's package.json and their dependencies on
// each other (exact pins), then refreshes package-lock.json.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const version = process.argv[2];
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version ?? "")) {
  console.error("usage: npm run set-version -- <semver>");
  process.exit(2);
}
const root = new URL("../", import.meta.url);
const read = (p) => JSON.parse(readFileSync(new URL(p, root), "utf8"));
const write = (p, o) =>
  writeFileSync(new URL(p, root), JSON.stringify(o, null, 2) + "\n");
const rootPkg = read("package.json");
const manifests = rootPkg.workspaces.map((w) => [
  `${w}/package.json`,
  read(`${w}/package.json`),
]);
const ours = new Set(manifests.map(([, m]) => m.name));
rootPkg.version = version;
write("package.json", rootPkg);
for (const [path, m] of manifests) {
  m.version = version;
  for (const field of ["dependencies", "devDependencies", "peerDependencies"])
    for (const dep of Object.keys(m[field] ?? {}))
      if (ours.has(dep)) m[field][dep] = version;
  write(path, m);
}
execFileSync(
  "npm",
  ["install", "--package-lock-only", "--no-audit", "--no-fund"],
  {
    cwd: new URL(".", root),
    stdio: "inherit",
  },
);
console.log(`every package is now ${version}`);
