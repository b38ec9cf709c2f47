/**
 * The workbench's composer against the text, in Debian's Chromium with the real app: a composer
 * edit changes only the lines it touches (comments, a custom gate definition and a register-wide
 * measure stay byte for byte), a custom gate is drawn as one box, and an edit that would need
 * restructuring asks first. Skips when /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  launchBrowser,
  RESULTS_DIR,
  startInProcessApp,
  type InProcessApp,
} from "./harness.ts";

const hasBrowser = existsSync(CHROMIUM);
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) =>
  expect.poll(fn, { timeout, interval: 100 });

const SOURCE = `OPENQASM 3.0;
include "stdgates.inc";
// A Bell pair from my own gate.
gate bell a, b {
  h a;   // superpose
  cx a, b;
}
qubit[2] q;
bit[2] c;

bell q[0], q[1];  // entangle
measure q -> c;
`;

describe.skipIf(!hasBrowser)("composer edits the source", () => {
  let server: InProcessApp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const doc = () =>
    page.evaluate(() => {
      const lines = [...document.querySelectorAll(".cm-content .cm-line")];
      return lines.map((l) => l.textContent ?? "").join("\n");
    });

  const setEditorText = async (text: string) => {
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(text);
    await poll(() =>
      page.locator('[aria-label="Problems"]').getAttribute("aria-busy"),
    ).toBe("false");
  };

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    server = await startInProcessApp("test-results/workbench-views/dist");
    browser = await launchBrowser();
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto("/");
    await page.locator(".cm-content").waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("adds one X gate as one new line; the comment, the gate definition and `measure q -> c;` stay byte for byte", async () => {
    await setEditorText(SOURCE);
    const drawing = page.getByRole("group", { name: /^Circuit drawing/ });
    // The custom gate is one box, not its h and cx.
    await drawing
      .getByRole("img", { name: "bell on q[0], q[1], column 1" })
      .waitFor();
    expect(await drawing.getByRole("img").count()).toBe(3);
    await page
      .getByRole("toolbar", { name: "Gate palette" })
      .getByRole("button", { name: "X", exact: true })
      .click();
    await page
      .locator('rect[data-wire="1"]')
      .click({ position: { x: 240, y: 25 } });
    const expected = SOURCE.replace(
      "measure q -> c;\n",
      "measure q -> c;\nx q[1];\n",
    );
    await poll(doc).toBe(expected);
    expect(await doc()).toContain("// A Bell pair from my own gate.");
    expect(await doc()).toContain(
      "gate bell a, b {\n  h a;   // superpose\n  cx a, b;\n}",
    );
    expect(await doc()).toContain(
      "bell q[0], q[1];  // entangle\nmeasure q -> c;",
    );
    await page.screenshot({
      path: join(RESULTS_DIR, "composer-source-edit.png"),
    });
    // The editor's undo takes exactly that edit back.
    await page.getByRole("button", { name: "Undo" }).click();
    await poll(doc).toBe(SOURCE);
  });

  it("asks before splitting `measure q -> c;`, and Cancel leaves the text alone", async () => {
    await setEditorText(SOURCE);
    const drawing = page.getByRole("group", { name: /^Circuit drawing/ });
    const measure = drawing.getByRole("img", { name: /^measure on q\[1\]/ });
    await measure.locator("rect.gate").click();
    await page
      .getByRole("region", { name: "Visual composer" })
      .getByRole("button", { name: "Delete" })
      .click();
    const dialog = page.getByRole("alertdialog");
    await poll(() => dialog.textContent()).toContain("measure q -> c;");
    await poll(() => dialog.textContent()).toContain("stands for 2 operations");
    await page.screenshot({ path: join(RESULTS_DIR, "composer-ask.png") });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await doc()).toBe(SOURCE);
    // Agreeing rewrites only that statement.
    await measure.locator("rect.gate").click();
    await page
      .getByRole("region", { name: "Visual composer" })
      .getByRole("button", { name: "Delete" })
      .click();
    await page
      .getByRole("alertdialog")
      .getByRole("button", { name: "Rewrite" })
      .click();
    await poll(doc).toBe(
      SOURCE.replace("measure q -> c;\n", "c[0] = measure q[0];\n"),
    );
  });

  it("had no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
