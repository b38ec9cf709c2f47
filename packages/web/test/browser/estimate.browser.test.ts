/**
 * The estimate panel in Chromium against the real server: a circuit with an `input` gets the sweep
 * editor; ry(theta) swept over 0..2pi with the observable Z submits an estimate job through the
 * SDK, and the chart's points (their data, not pixels) follow cos(theta), with the gradient
 * -sin(theta) drawn as a dashed line and listed in the values table. Skips without Chromium.
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

const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) =>
  expect.poll(fn, { timeout, interval: 100 });

const RY = `OPENQASM 3.0;
include "stdgates.inc";
input float theta;
input float phi;
qubit[1] q;
ry(theta) q[0];
rz(phi) q[0];
`;

describe.skipIf(!hasBrowser)("the estimate panel in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  const shot = (name: string) =>
    page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });

  /** The drawn points of one series: [x, y] from their data attributes. */
  const seriesPoints = (name: string) =>
    page
      .locator(`.sweep-chart g.series[data-series="${name}"] circle`)
      .evaluateAll((cs) =>
        cs.map((c) => [
          Number(c.getAttribute("data-x")),
          Number(c.getAttribute("data-y")),
        ]),
      );

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    server = await startServer();
    browser = await launchBrowser();
    const context = await browser.newContext({
      baseURL: server.url,
      viewport: { width: 1280, height: 1000 },
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("sweeps ry(theta) over 0..2pi with Z: the chart follows cos(theta) and draws the gradient -sin(theta)", async () => {
    await page.goto("/signup");
    await page.getByLabel("Email").fill("sweep@example.com");
    await page.getByLabel(/^Password/).fill("correct horse 1");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL("**/projects");
    await page.getByLabel("New project name").fill("Sweeps");
    await page.getByRole("button", { name: "Create project" }).click();
    await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
    await page.getByLabel("New circuit name").fill("ry");
    await page.getByRole("button", { name: "Create circuit" }).click();
    await page.waitForURL(/\/circuits\/[0-9a-f-]{36}$/);
    await page.locator(".cm-content").waitFor();
    // A circuit without inputs has no estimate panel.
    await poll(() => page.getByText("All changes saved").count()).toBe(1);
    expect(
      await page.getByRole("region", { name: "Sweep and estimate" }).count(),
    ).toBe(0);

    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(RY);
    await page.getByRole("button", { name: "Save revision" }).click();
    await poll(() => page.getByText("All changes saved").count()).toBe(1);

    const panel = page.getByRole("region", { name: "Sweep and estimate" });
    await panel.waitFor();
    await expect(panel.getByLabel("Parameter").inputValue()).resolves.toBe(
      "theta",
    );
    // The input not swept is fixed; phi does not change <Z>.
    await panel.getByLabel("phi =").fill("0.7");
    await panel.getByLabel("From").fill("0");
    await panel.getByLabel("To").fill("2*pi");
    await panel.getByLabel("Points").fill("25");
    await panel.getByLabel("Observables (one per line)").fill("Z");
    await panel.getByLabel(/Gradient/).check();

    // A bad observable term is refused by the server with its name.
    await panel.getByLabel("Observables (one per line)").fill("Q");
    await panel.getByRole("button", { name: "Estimate" }).click();
    await poll(() => panel.getByRole("alert").textContent(), 60_000).toMatch(
      /Q/,
    );

    await panel.getByLabel("Observables (one per line)").fill("Z");
    await panel.getByRole("button", { name: "Estimate" }).click();
    await poll(() => panel.locator(".run-status").textContent(), 60_000).toBe(
      "succeeded",
    );
    await shot("estimate-sweep");

    const values = await seriesPoints("⟨Z⟩");
    expect(values).toHaveLength(25);
    values.forEach(([x, y], i) => {
      expect(x).toBeCloseTo((2 * Math.PI * i) / 24, 12);
      expect(Math.abs(y - Math.cos(x))).toBeLessThan(1e-9);
    });
    const grads = await seriesPoints("d⟨Z⟩/dtheta");
    expect(grads).toHaveLength(25);
    grads.forEach(([x, g]) =>
      expect(Math.abs(g + Math.sin(x))).toBeLessThan(1e-8),
    );
    expect(
      await panel.locator('g.series[data-dashed="true"] polyline').count(),
    ).toBe(1);
    // The values table lists the same numbers, gradient column included.
    await panel.getByText("Table of values").click();
    const head = await panel
      .getByRole("table", { name: "Estimate values" })
      .locator("thead th")
      .allTextContents();
    expect(head).toEqual(["theta", "⟨Z⟩", "d⟨Z⟩/dtheta"]);
    const row12 = await panel
      .getByRole("table", { name: "Estimate values" })
      .locator("tbody tr")
      .nth(12)
      .locator("td")
      .evaluateAll((tds) =>
        tds.map((td) => Number(td.getAttribute("data-value"))),
      );
    expect(row12[0]).toBeCloseTo(Math.PI, 12);
    expect(row12[1]).toBeCloseTo(-1, 9);
    expect(row12[2]).toBeCloseTo(0, 8);
    await shot("estimate-sweep-table");

    // The gradient toggle hides and shows the dashed line.
    await panel.getByLabel("Show gradient").uncheck();
    expect(await seriesPoints("d⟨Z⟩/dtheta")).toHaveLength(0);
    await panel.getByLabel("Show gradient").check();
    expect(await seriesPoints("d⟨Z⟩/dtheta")).toHaveLength(25);

    // Pasted values instead of a range.
    await panel.getByLabel("Pasted values").check();
    await panel.getByLabel("Values", { exact: true }).fill("0, pi/2, pi");
    await panel.getByRole("button", { name: "Estimate" }).click();
    await poll(async () => (await seriesPoints("⟨Z⟩")).length, 60_000).toBe(3);
    const pasted = await seriesPoints("⟨Z⟩");
    expect(pasted.map(([, y]) => Number(y.toFixed(9)))).toEqual([1, 0, -1]);
  }, 180_000);
});
