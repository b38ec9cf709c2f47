// Build of @stepfault/server (see the root README, "Packages and the build"): one JavaScript file
// per source file, so paths relative to import.meta.url (drizzle/, package.json, the simulation
// thread entry) are the same from dist/ as from src/.
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/jobs/sim-thread.ts"],
  unbundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  fixedExtension: false,
  // Declarations take most of the build time and only published packages need them (in this
  // repository types come from the sources): `npm install` builds without them.
  dts: process.env.STEPFAULT_BUILD_DTS !== "0",
  clean: true,
});
