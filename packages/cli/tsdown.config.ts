// Build of the `stepfault` command (see the root README, "Packages and the build"): each command
// is its own file, loaded only when run; the built web app is copied into dist/web so that
// `stepfault serve` serves it from an installed package (tsdown copies the folder itself, so it
// lands in dist/web/dist).
import { existsSync } from "node:fs";
import { defineConfig } from "tsdown";

const web = "../web/dist";

export default defineConfig({
  entry: ["src/main.ts", "src/commands/*.command.ts"],
  unbundle: true,
  platform: "node",
  target: "node20",
  sourcemap: true,
  fixedExtension: false,
  dts: false,
  clean: true,
  copy: existsSync(web) ? [{ from: web, to: "dist/web" }] : [],
});
