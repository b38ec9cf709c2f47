/**
 * The Variational page in Chromium against the real server (the app with its job worker on an
 * embedded database, serving a build of the web app): a small VQE (H2, UCC ansatz) and a small QAOA (max-cut of a 4-ring) set up
 * and launched from the page; the convergence chart fills from the job's iteration events, the
 * exact ground energy is drawn as a reference line, a reload shows the whole history, the QAOA
 * graph shows the best cut coloured, and a refused field is named. Screenshots in light and dark.
 * Skips when /usr/bin/chromium is missing.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../server/src/app.ts";
import { loadConfig } from "../../../server/src/config/config.ts";
import {
  openPglite,
  type Database,
} from "../../../server/src/database/database.ts";
import { buildWeb, CHROMIUM, launchBrowser, RESULTS_DIR } from "./harness.ts";

const hasBrowser = existsSync(CHROMIUM);
const USER = { email: "vqe@example.com", password: "correct horse 7" };
const poll = <T>(fn: () => Promise<T> | T, timeout = 60_000) =>
  expect.poll(fn, { timeout, interval: 200 });

describe.skipIf(!hasBrowser)("Variational page in Chromium", () => {
  let database: Database;
  let app: FastifyInstance;
  let url = "";
  let browser: Browser;
  let page: Page;
  let pageUrl = "";

  const shot = (name: string) =>
    page.screenshot({
      path: join(RESULTS_DIR, `variational-${name}.png`),
      fullPage: true,
    });

  async function api<T>(path: string, body: unknown, token?: string) {
    const res = await fetch(`${url}/api/v1${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Points of the convergence line, and the reference line's value (NaN without one). */
  const chart = () =>
    page.evaluate(() => {
      const fig = document.querySelectorAll(".variational-run .line-chart")[0];
      const line = fig?.querySelector(".series polyline");
      const ref = fig?.querySelector(".reference");
      return {
        points: Number(line?.getAttribute("data-points") ?? 0),
        reference: Number(ref?.getAttribute("data-y") ?? NaN),
      };
    });
  const status = () =>
    page.locator(".variational-run").getAttribute("data-status");

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const webDir = buildWeb();
    database = await openPglite(undefined);
    await database.migrate();
    const loaded = loadConfig({
      LOG_LEVEL: "error",
      STEPFAULT_DATA_DIR: "/nonexistent-stepfault-e2e",
    });
    if (!loaded.ok) throw new Error("config");
    app = await buildApp(
      {
        ...loaded.config,
        jwtSecret: randomBytes(32).toString("hex"),
        authRateLimitPerMinute: 10_000,
        apiRateLimitPerMinute: 100_000,
      },
      { database, webDir },
    );
    url = await app.listen({ port: 0, host: "127.0.0.1" });
    await api("/auth/register", USER);
    const { accessToken } = await api<{ accessToken: string }>(
      "/auth/login",
      USER,
    );
    const project = await api<{ id: string }>(
      "/projects",
      { name: "Molecules" },
      accessToken,
    );
    pageUrl = `/projects/${project.id}/variational`;
    browser = await launchBrowser();
    const context = await browser.newContext({
      baseURL: url,
      viewport: { width: 1360, height: 900 },
    });
    context.setDefaultTimeout(20_000);
    page = await context.newPage();
    await page.goto("/signin");
    await page.getByLabel("Email").fill(USER.email);
    await page.getByLabel("Password").fill(USER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL("**/projects");
    await page.goto(`/projects/${project.id}`);
    await page.getByRole("link", { name: "Variational" }).click();
    await page.waitForURL(`**${pageUrl}`);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it("runs a VQE for H2 from the page: the chart fills and meets the exact ground energy", async () => {
    await poll(() => page.locator("main h1").textContent()).toBe("Variational");
    // The tolerance reads as typed, in scientific notation.
    expect(await page.getByLabel("Tolerance").inputValue()).toBe("1e-6");
    await page.getByRole("button", { name: "Launch VQE" }).click();
    await page.waitForURL(/variational\?job=[0-9a-f-]{36}$/);
    await poll(() => status()).toBe("succeeded");
    const c = await chart();
    expect(c.points).toBeGreaterThan(3);
    // The exact ground energy of this H2 Hamiltonian (dense diagonalisation on the server).
    expect(c.reference).toBeCloseTo(-1.857275, 5);
    const energy = Number(await page.getByTestId("final-energy").textContent());
    // Why it stopped, saying "converged" once.
    const stopped = (await page.getByTestId("stop-reason").textContent()) ?? "";
    expect(stopped.match(/converged/g)).toHaveLength(1);
    expect(Math.abs(energy - c.reference)).toBeLessThan(1.6e-3);
    expect(
      await page
        .locator(".variational-run .line-chart")
        .nth(1)
        .locator(".series polyline")
        .count(),
    ).toBe(1); // one parameter, theta
    await shot("vqe-light");
    // A reload replays the whole stored history.
    await page.reload();
    await poll(() => status()).toBe("succeeded");
    await poll(async () => (await chart()).points).toBe(c.points);
  }, 120_000);

  it("names a refused field (complex coefficients are not Hermitian)", async () => {
    // The observable box (its label also holds the "H2 example" button).
    await page
      .locator(".variational-setup textarea")
      .first()
      .fill("1j * XX + ZZ");
    await page.getByRole("button", { name: "Launch VQE" }).click();
    const alert = page.locator(".variational-setup [role=alert]");
    await poll(() => alert.textContent()).toContain("observable");
    expect(await alert.textContent()).toContain("Hermitian");
  });

  it("runs QAOA on a pasted graph and colours the best cut", async () => {
    await page.getByLabel(/QAOA: max-cut/).check();
    const edgeList = page.getByLabel(/^Edge list/);
    await edgeList.fill("0 1\n1 2\n2 3\n3 0\n0 4\n4 2");
    // The edge list has the form's width (not squeezed beside the drawing).
    const listBox = await edgeList.boundingBox();
    const formBox = await page.locator(".variational-setup").boundingBox();
    expect(listBox!.width).toBeGreaterThan(formBox!.width * 0.8);
    // The drawing follows the pasted list: 5 nodes, 6 edges.
    await poll(() =>
      page.locator(".variational-setup .graph-view .edge").count(),
    ).toBe(6);
    // Draw one more edge: press node 1, then node 4.
    await page.getByRole("button", { name: "node 1", exact: true }).click();
    await page.getByRole("button", { name: "node 4", exact: true }).click();
    await poll(() =>
      page.locator(".variational-setup .graph-view .edge").count(),
    ).toBe(7);
    await page.getByRole("textbox", { name: "Seed" }).fill("11");
    await page.getByRole("button", { name: "Launch QAOA" }).click();
    await page.waitForURL(/variational\?job=[0-9a-f-]{36}$/);
    await poll(() => status()).toBe("succeeded");
    const c = await chart();
    expect(c.points).toBeGreaterThan(2);
    // The reference is the optimum: -(max cut). This graph's max cut is 6 ({0, 2} against {1, 3, 4}).
    expect(c.reference).toBe(-6);
    const result = page.locator(".qaoa-result .graph-view");
    await poll(() => result.locator(".node[data-side]").count()).toBe(5);
    const bestCut = Number(await page.getByTestId("best-cut").textContent());
    expect(await result.locator(".edge.cut").count()).toBe(bestCut);
    expect(bestCut).toBe(6);
    const sides = await result
      .locator(".node")
      .evaluateAll((ns) => ns.map((n) => n.getAttribute("data-side")));
    expect(new Set(sides)).toEqual(new Set(["0", "1"]));
    await shot("qaoa-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot("qaoa-dark");
    await page.emulateMedia({ colorScheme: "light" });
  }, 120_000);
});
