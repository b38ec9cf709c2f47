/**
 * The run form's noise panel in Chromium against the real server: a preset (depolarizing after
 * one- and two-qubit gates, readout error) runs as a density matrix, the result names the
 * method, and the ideal counts (run in the browser) are drawn over the noisy histogram. Then the
 * project's noise-models screen: a model is created (its bad fields named where they are),
 * renamed, chosen in the run form, shown with the method and both histograms on the job's page,
 * and deleted.
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

describe.skipIf(!hasBrowser)("noise panel and noise models in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let projectUrl = "";
  let circuitUrl = "";

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

  /** Puts the Bell program in the circuit editor. */
  async function typeBell() {
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(BELL3);
  }

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
    projectUrl = new URL(page.url()).pathname;
    await page.getByLabel("New circuit name").fill("bell");
    await page.getByRole("button", { name: "Create circuit" }).click();
    await page.waitForURL(/\/circuits\/[0-9a-f-]{36}$/);
    circuitUrl = new URL(page.url()).pathname;
    await typeBell();

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

  it("creates, renames, runs with, and deletes a saved noise model; the job page shows it", async () => {
    await page.goto(projectUrl);
    await page.getByRole("link", { name: "Noise models" }).click();
    await page.waitForURL(`**${projectUrl}/noise-models`);
    await page.getByRole("button", { name: "New noise model" }).click();
    const editor = page.getByRole("form", { name: "New noise model" });
    await editor.getByLabel("Name").fill("lab device");
    const rule = editor.getByRole("group", { name: "Channel rule 1" });
    await rule.getByLabel("After gates").fill("h, x");
    await rule.getByLabel(/^Parameters/).fill("1.5");
    await editor.getByRole("button", { name: "Add a readout error" }).click();
    const readout = editor.getByRole("group", { name: "Readout error 1" });
    await readout.getByLabel("P(read 1 | 0)").fill("0.1");
    await readout.getByLabel("P(read 0 | 1)").fill("0.1");
    await editor.getByRole("checkbox", { name: /device figures/ }).check();
    await editor.getByLabel("T1 (µs)").fill("100");
    await editor.getByLabel("T2 (µs)").fill("0");
    await editor.getByRole("button", { name: "Create model" }).click();
    // Each problem is shown at its field (p outside [0, 1]; T2 not positive).
    const params = rule.getByLabel(/^Parameters/);
    await poll(() => params.getAttribute("aria-invalid")).toBe("true");
    expect(await rule.locator(".field-error").textContent()).toMatch(
      /\[0, 1\]|probabilit/,
    );
    const t2 = editor.getByLabel("T2 (µs)");
    expect(await t2.getAttribute("aria-invalid")).toBe("true");
    expect(
      await rule.getByLabel("After gates").getAttribute("aria-invalid"),
    ).toBeNull();
    await page.screenshot({
      path: join(RESULTS_DIR, "noise-model-errors.png"),
      fullPage: true,
    });
    await params.fill("0.05");
    await t2.fill("80");
    await editor.getByRole("button", { name: "Create model" }).click();
    await page.waitForURL(/noise-models\?model=[0-9a-f-]{36}$/);
    const list = page.getByRole("navigation", { name: "Saved noise models" });
    await poll(() => list.getByRole("link").allTextContents()).toEqual([
      "lab device",
    ]);
    // Rename it.
    const edit = page.getByRole("form", {
      name: "Edit noise model lab device",
    });
    await poll(() => edit.getByLabel("Name").inputValue()).toBe("lab device");
    expect(await edit.getByLabel("T2 (µs)").inputValue()).toBe("80");
    await edit.getByLabel("Name").fill("lab device v2");
    await edit.getByRole("button", { name: "Save changes" }).click();
    await poll(() => list.getByRole("link").allTextContents()).toEqual([
      "lab device v2",
    ]);
    await page.screenshot({
      path: join(RESULTS_DIR, "noise-model-editor.png"),
      fullPage: true,
    });

    // Choose it in the run form.
    await page.goto(circuitUrl);
    await typeBell();
    const panel = page.getByRole("region", { name: "Run" });
    await panel.getByLabel("Shots").fill("2000");
    await panel.getByLabel("Seed").fill("5");
    await panel.getByLabel("Noise", { exact: true }).selectOption("saved");
    const saved = panel.getByLabel("Saved model");
    await poll(() => saved.locator("option").allTextContents()).toContain(
      "lab device v2",
    );
    await saved.selectOption({ label: "lab device v2" });
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent(), 90_000).toBe(
      "Succeeded",
    );
    await panel.getByRole("link", { name: /^Open job/ }).click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
    // The job page: the model used, the method, and the ideal run over the noisy histogram.
    await poll(() => page.getByTestId("job-noise").textContent()).toContain(
      "lab device v2",
    );
    expect(await page.getByTestId("job-method").textContent()).toContain(
      "density_matrix",
    );
    await poll(
      () => page.locator(".histogram rect.reference").count(),
      60_000,
    ).toBe(2);
    expect(await page.getByText("Noisy and ideal counts").count()).toBe(1);
    const noisy01 = Number(
      await page
        .locator('.histogram g.bar[data-outcome="01"]')
        .getAttribute("data-count"),
    );
    expect(noisy01).toBeGreaterThan(20);
    await page.screenshot({
      path: join(RESULTS_DIR, "noise-job-page.png"),
      fullPage: true,
    });

    // Delete the model: finished jobs keep their copy.
    await page.goto(`${projectUrl}/noise-models`);
    await list.getByRole("link", { name: "lab device v2" }).click();
    const last = page.getByRole("form", {
      name: "Edit noise model lab device v2",
    });
    await last.getByRole("button", { name: "Delete model" }).click();
    await last.getByRole("button", { name: /for good$/ }).click();
    await poll(() => list.textContent()).toContain("No saved models yet.");
  }, 240_000);
});
