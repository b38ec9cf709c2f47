/**
 * The run form's noise panel in Chromium against the real server: a preset (depolarizing after
 * one- and two-qubit gates, readout error) runs as a density matrix, the result names the
 * method, and the ideal counts (run in the browser) are drawn over the noisy histogram.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  launchBrowser,
  RESULTS_DIR,
  startServer,
  type TestServer,
} from "./harness.ts";

const hasBrowser = existsSync(CHROMIUM);

const poll = <T>(fn: () => Promise<T> | T, timeout = 20_000) =>
  expect.poll(fn, { timeout, interval: 100 });

const BELL3 = `OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
c = measure q;
`;

describe.skipIf(!hasBrowser)("noise panel in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 1280, height: 900 },
    });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("runs a Bell pair with preset noise: density matrix, noisy outcomes, ideal overlaid", async () => {
    await page.goto("/signup");
    await page.getByLabel("Email").fill("noise@example.com");
    await page.getByLabel(/^Password/).fill("correct horse 1");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/projects");
    await page.getByLabel("New project name").fill("Noise lab");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    await page.getByLabel("New circuit name").fill("bell");
    await page.getByRole("button", { name: "Create circuit" }).click();
    await page.waitForURL(/\/circuits\/[0-9a-f-]{36}$/);
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(BELL3);

    const panel = page.getByRole("region", { name: "Run" });
    await panel.getByLabel("Shots").fill("2000");
    await panel.getByLabel("Seed").fill("7");
    await panel.getByLabel("Noise", { exact: true }).selectOption("preset");
    // A bad probability is refused in the form, naming the field.
    await panel.getByLabel("Depolarizing after 2-qubit gates (p)").fill("1.5");
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() =>
      panel.getByText("The two-qubit gate error must be a probability").count(),
    ).toBe(1);
    await panel.getByLabel("Depolarizing after 1-qubit gates (p)").fill("0.05");
    await panel.getByLabel("Depolarizing after 2-qubit gates (p)").fill("0.15");
    await panel.getByLabel("Readout error (p)").fill("0.03");
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent(), 90_000).toBe(
      "Succeeded",
    );
    const facts = panel.getByRole("definition");
    await poll(async () => (await facts.allTextContents()).join("|")).toContain(
      "density_matrix",
    );
    // Noise puts shots on 01 and 10, which the ideal Bell pair never gives.
    const bars = panel.locator(".histogram g.bar[data-outcome]");
    await poll(() => bars.count()).toBe(4);
    const outcome = (k: string) =>
      panel.locator(`.histogram g.bar[data-outcome="${k}"]`);
    expect(
      Number(await outcome("01").getAttribute("data-count")),
    ).toBeGreaterThan(20);
    // The ideal run's outlines: about half on 00 and 11, none on 01 and 10.
    await poll(
      () => panel.locator(".histogram rect.reference").count(),
      60_000,
    ).toBe(2);
    for (const k of ["00", "11"]) {
      const p = Number(await outcome(k).getAttribute("data-reference"));
      expect(Math.abs(p - 0.5)).toBeLessThan(0.06);
    }
    expect(Number(await outcome("01").getAttribute("data-reference"))).toBe(0);
    await expect(
      panel.getByText("Noisy and ideal counts").count(),
    ).resolves.toBe(1);
    await expect(panel.getByLabel("Legend").textContent()).resolves.toContain(
      "ideal",
    );
    await page.screenshot({
      path: join(RESULTS_DIR, "noise-overlay.png"),
      fullPage: true,
    });
  }, 240_000);
});
