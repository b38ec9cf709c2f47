import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The API server runs on :3000 in development; the app proxies /api to it.
export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/api": "http://localhost:3000" } },
  preview: { proxy: { "/api": "http://localhost:3000" } },
  build: {
    outDir: "dist",
    reportCompressedSize: true,
    chunkSizeWarningLimit: 600,
  },
  worker: { format: "es" },
});
