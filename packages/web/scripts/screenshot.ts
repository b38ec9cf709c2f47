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

/** A deterministic pseudo-random circuit of `qubits` qubits and `gates` gates. */
function bigCircuit(qubits: number, gates: number): string {
  const lines = [
    "OPENQASM 2.0;",
    'include "qelib1.inc";',
    `qreg q[${qubits}];`,
    `creg c[${qubits}];`,
  ];
  let seed = 11;
  const rnd = (n: number) => (
    (seed = (seed * 1103515245 + 12345) % 2 ** 31),
    seed % n
  );
  for (let i = 0; i < gates; i++) {
    const a = rnd(qubits);
    const b = (a + 1 + rnd(qubits - 1)) % qubits;
    lines.push(
      i % 3 === 0
        ? `cx q[${a}], q[${b}];`
        : i % 3 === 1
          ? `h q[${a}];`
          : `rz(pi/${1 + rnd(8)}) q[${a}];`,
    );
  }
  return lines.join("\n") + "\n";
}

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
          .click({ position: { x: 262, y: 25 } });
        await page.keyboard.press("Escape");
        await page.locator(".cm-content").click();
        await page.keyboard.press("Control+End");
        await page.keyboard.type("h q[5];\n");
        await page.waitForTimeout(600);
      }
      await page.screenshot({ path: join(outDir, `workbench-${scheme}.png`) });
      await page.close();
    }
    // Drag and drop from the palette, then open a 20-qubit, 500-gate circuit and time it.
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator(".cm-content").waitFor();
    await page
      .getByRole("button", { name: "H", exact: true })
      .dragTo(page.locator('rect[data-wire="1"]'), {
        targetPosition: { x: 10, y: 25 },
      });
    await page.waitForFunction(() =>
      document.querySelector(".cm-content")?.textContent?.includes("h q[1];"),
    );
    console.log("drag and drop: 'h q[1];' appeared in the text");
    // Move that H from q[1] to q[0] with the mouse (pointer events on the drawing).
    const box = await page
      .locator('[data-op-index][aria-label^="h on q[1]"]')
      .boundingBox();
    const wire0 = await page.locator('rect[data-wire="0"]').boundingBox();
    if (box && wire0) {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(
        box.x + box.width / 2 + 5,
        wire0.y + wire0.height / 2,
        { steps: 5 },
      );
      await page.mouse.up();
      await page.waitForFunction(() => {
        const text = document.querySelector(".cm-content")?.textContent ?? "";
        return (
          !text.includes("h q[1];") &&
          (text.match(/h q\[0\];/g) ?? []).length === 2
        );
      });
      console.log("mouse move: the H moved from q[1] to q[0] in the text");
    }
    // Hover the underline of an error to see its message.
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("cx q[0], q[0];");
    await page.locator(".cm-lintRange-error").first().hover();
    await page.locator(".cm-tooltip-lint").waitFor();
    console.log(
      `hover: ${await page.locator(".cm-tooltip-lint").textContent()}`,
    );
    await page.screenshot({ path: join(outDir, "workbench-hover.png") });
    const big = bigCircuit(20, 500);
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.evaluate(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) =>
        list.getEntries().forEach((e) => w.longTasks.push(e.duration)),
      ).observe({
        type: "longtask",
      });
    });
    const t1 = Date.now();
    // Paste the way a browser does (a paste event); keyboard.insertText goes through the much
    // slower native contenteditable insertion and is not what a person does.
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.setData("text/plain", text);
      document.querySelector(".cm-content")?.dispatchEvent(
        new ClipboardEvent("paste", {
          clipboardData: data,
          bubbles: true,
          cancelable: true,
        }),
      );
    }, big);
    await page.waitForFunction(
      () => document.querySelectorAll("[data-op-index]").length === 500,
    );
    const tasks = () =>
      page.evaluate(() =>
        (window as unknown as { longTasks: number[] }).longTasks
          .splice(0)
          .map(Math.round),
      );
    console.log(
      `20 qubits x 500 gates: paste to drawing in ${Date.now() - t1} ms, long tasks ${await tasks()} ms`,
    );
    await page.keyboard.type("// typing stays smooth\n", { delay: 30 });
    await page.waitForTimeout(500);
    const long = await tasks();
    console.log(
      `typing 24 characters: ${long.length} long tasks (>50 ms), longest ${Math.round(Math.max(0, ...long))} ms`,
    );
    await page.waitForTimeout(400);
    const usedWorker = await page.evaluate(() =>
      performance
        .getEntriesByType("resource")
        .some((e) => e.name.includes("compile.worker")),
    );
    console.log(`compile worker loaded: ${usedWorker}`);
    await page.screenshot({ path: join(outDir, "workbench-large.png") });
    await page.close();

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
