/**
 * Serves the built app with `vite preview` on 127.0.0.1 and saves screenshots of the workbench
 * with Debian's Chromium (playwright-core). Usage, after `npm run build -w packages/web`:
 *   node packages/cli/bin/run-ts.mjs packages/web/scripts/screenshot.ts [outDir]
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const webDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = resolve(process.argv[2] ?? join(webDir, "test-results"));
mkdirSync(outDir, { recursive: true });
const port = 4173 + Math.floor(Math.random() * 500);
const preview = spawn(
  process.execPath,
  [
    join(webDir, "../../node_modules/vite/bin/vite.js"),
    "preview",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    "--strictPort",
  ],
  {
    cwd: webDir,
    stdio: ["ignore", "pipe", "inherit"],
  },
);
try {
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(
      () => fail(new Error("vite preview did not start")),
      20_000,
    );
    preview.stdout?.on("data", (d: Buffer) => {
      if (d.toString().includes(String(port))) {
        clearTimeout(timer);
        ok();
      }
    });
  });
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
    ],
  });
  try {
    for (const scheme of ["light", "dark"] as const) {
      const page = await browser.newPage({
        viewport: { width: 1440, height: 900 },
        colorScheme: scheme,
      });
      const t0 = Date.now();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.locator(".cm-content").waitFor();
      await page.locator("svg.circuit").waitFor();
      console.log(
        `${scheme}: editor and composer ready in ${Date.now() - t0} ms`,
      );
      if (scheme === "light") {
        // Add an H on q[1] through the palette, then type an error to show a diagnostic.
        await page.getByRole("button", { name: "RX" }).click();
        await page
          .locator('rect[data-wire="1"]')
          .click({ position: { x: 200, y: 25 } });
        await page.keyboard.press("Escape");
        await page.locator(".cm-content").click();
        await page.keyboard.press("Control+End");
        await page.keyboard.type("h q[5];\n");
        await page.waitForTimeout(600);
      }
      await page.screenshot({ path: join(outDir, `workbench-${scheme}.png`) });
      await page.close();
    }
    const phone = await browser.newPage({
      viewport: { width: 390, height: 844 },
    });
    await phone.goto(`http://127.0.0.1:${port}/`);
    await phone.locator("svg.circuit").waitFor();
    await phone.screenshot({
      path: join(outDir, "workbench-phone.png"),
      fullPage: true,
    });
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${outDir}`);
} finally {
  preview.kill();
}
