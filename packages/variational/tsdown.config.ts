// Build of @stepfault/variational (see the root README, "Packages and the build").
import { defineConfig } from "tsdown";

export default defineConfig({
  entry: ["src/index.ts"],
  unbundle: true,
  platform: "neutral",
  target: "es2023",
  sourcemap: true,
  fixedExtension: false,
  // Declarations take most of the build time and only published packages need them (in this
  // repository types come from the sources): `npm install` builds without them.
  dts: process.env.STEPFAULT_BUILD_DTS !== "0",
  clean: true,
});
