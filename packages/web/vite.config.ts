import react from "@vitejs/plugin-react";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";
import { defaultClientConditions, defineConfig, type Plugin } from "vite";

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/**
 * Writes `name.br` and `name.gz` beside every text asset of the build, so the server sends them
 * precompressed (no compression work per request, and the best level once at build time).
 */
function precompress(): Plugin {
  let outDir = "dist";
  return {
    name: "stepfault-precompress",
    apply: "build",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const names = Object.keys(bundle).filter((n) =>
        /\.(js|mjs|css|html|svg|json|wasm|txt)$/.test(n),
      );
      await Promise.all(
        names.map(async (name) => {
          const file = join(outDir, name);
          const data = await readFile(file);
          if (data.length < 1024) return;
          const [br, gzipped] = await Promise.all([
            brotli(data, {
              params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
            }),
            gz(data, { level: 9 }),
          ]);
          await Promise.all([
            writeFile(`${file}.br`, br),
            writeFile(`${file}.gz`, gzipped),
          ]);
        }),
      );
    },
  };
}

// The API server runs on :3000 in development; the app proxies /api to it.
export default defineConfig({
  plugins: [react(), precompress()],
  // @stepfault/* from their TypeScript sources (no build of them needed first; edits reload)
  resolve: { conditions: ["stepfault-source", ...defaultClientConditions] },
  server: { proxy: { "/api": "http://localhost:3000" } },
  preview: { proxy: { "/api": "http://localhost:3000" } },
  build: {
    outDir: "dist",
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
  worker: { format: "es" },
});
