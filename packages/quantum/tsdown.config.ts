// Build of @stepfault/quantum (see the root README, "Packages and the build"): one JavaScript file
// per source file, so `new URL("./worker.js", import.meta.url)` finds the thread entry.
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts", "src/threads/index.ts", "src/threads/worker.ts"],
  unbundle: false, // one module graph to load: the CLI starts faster
  platform: "node",
  target: "node20",
  sourcemap: true,
  fixedExtension: false,
  // Declarations take most of the build time and only published packages need them (in this
  // repository types come from the sources): `npm install` builds without them.
  dts: process.env.STEPFAULT_BUILD_DTS !== "0",
  clean: true,
});
