/**
 * The scratch workbench (`/`) in Debian's Chromium against the real app (in-process, fresh PGlite,
 * the production CSP): Run simulates the circuit in a Web Worker in the browser, shows the counts
 * and statevector with the run panel's views, keeps the page responsive, cancels, refuses circuits
 * wider than the browser allows, and never trips the Content-Security-Policy (the simulator does
 * not try `new Function` in a browser). Skips when /usr/bin/chromium is missing.
 */
import AxeBuilder from "@axe-core/playwright";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../server/src/app.ts";
import { loadConfig } from "../../../server/src/config/config.ts";
import {
  openPglite,
  type Database,
} from "../../../server/src/database/database.ts";
import { buildWeb, CHROMIUM, launchBrowser, RESULTS_DIR } from "./harness.ts";

const hasBrowser = existsSync(CHROMIUM);
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) =>
  expect.poll(fn, { timeout, interval: 100 });

const wide = (n: number) => `OPENQASM 3.0;
include "stdgates.inc";
qubit[${n}] q;
bit[${n}] c;
h q;
c = measure q;
`;

/** 20 qubits, a few hundred dense layers: seconds of work in the worker. */
const HEAVY = `OPENQASM 3.0;
include "stdgates.inc";
qubit[20] q;
bit[20] c;
for int i in [0:299] {
  rx(0.3) q;
  for int j in [0:18] {
    cz q[j], q[j + 1];
  }
}
c = measure q;
`;

/** Records CSP violations: `securitypolicyviolation` events of the page, and the browser's console reports. */
const WATCH_CSP = () => {
  const w = window as unknown as { __csp: string[] };
  w.__csp = [];
  document.addEventListener("securitypolicyviolation", (e) =>
    w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`),
  );
};

describe.skipIf(!hasBrowser)("scratch workbench runs in the browser", () => {
  let database: Database;
  let app: FastifyInstance;
  let url = "";
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  const consoleCsp: string[] = [];
  /** Violation reports the browser sent (the app's CSP, plus a report-uri added in transit). */
  const reports: string[] = [];
  /** Requests to the jobs API (a browser run must make none). */
  const jobRequests: string[] = [];

  /**
   * Adds `report-uri /__csp-report` to the CSP of every response (the page's and the workers'
   * scripts alike) and collects the reports: the only way to see violations inside workers.
   */
  const collectReports = (ctx: BrowserContext) =>
    ctx.route("**/*", async (route) => {
      const req = route.request();
      if (/^\/api\/.*\/jobs\b/.test(new URL(req.url()).pathname))
        jobRequests.push(`${req.method()} ${req.url()}`);
      if (new URL(req.url()).pathname === "/__csp-report") {
        reports.push(req.postData() ?? "");
        await route.fulfill({ status: 204 });
        return;
      }
      const res = await route.fetch();
      const headers = res.headers();
      const csp = headers["content-security-policy"];
      if (csp)
        headers["content-security-policy"] = `${csp};report-uri /__csp-report`;
      await route.fulfill({ response: res, headers });
    });

  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });

  const expectAccessible = async (p: Page, what: string) => {
    const result = await new AxeBuilder({ page: p }).analyze();
    const bad = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${what}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
    expect(bad).toEqual([]);
  };

  const setEditorText = async (p: Page, text: string) => {
    await p.locator(".cm-content").click();
    await p.keyboard.press("Control+A");
    await p.keyboard.press("Delete");
    await p.keyboard.insertText(text);
    // The badge may still show the previous text's result: wait until this text was checked.
    await poll(() =>
      p.locator('[aria-label="Problems"]').getAttribute("aria-busy"),
    ).toBe("false");
  };

  const cspViolations = async (p: Page) => [
    ...(await p.evaluate(
      () => (window as unknown as { __csp: string[] }).__csp,
    )),
    ...consoleCsp,
    ...reports,
  ];

  /** Records console lines about the CSP from a page and from every worker it starts. */
  const watchConsole = (p: Page) => {
    const take = (text: string) => {
      if (/Content Security Policy|unsafe-eval/i.test(text))
        consoleCsp.push(text);
    };
    p.on("console", (m) => take(m.text()));
    p.on("worker", (w) => w.on("console", (m) => take(m.text())));
    p.on("pageerror", (e) => pageErrors.push(e.message));
  };

  const probabilityRows = (p: Page) =>
    p
      .getByRole("region", { name: "Run" })
      .getByRole("table", { name: "Probabilities" })
      .locator("tbody tr")
      .evaluateAll((trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll("td")).map(
            (td) => td.textContent ?? "",
          ),
        ),
      );

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
      { ...loaded.config, jwtSecret: randomBytes(32).toString("hex") },
      { database, webDir, jobs: { runWorker: false } },
    );
    url = await app.listen({ port: 0, host: "127.0.0.1" });
    browser = await launchBrowser();
    context = await browser.newContext({
      baseURL: url,
      viewport: { width: 1280, height: 860 },
    });
    context.setDefaultTimeout(15_000);
    await context.addInitScript(WATCH_CSP);
    await collectReports(context);
    page = await context.newPage();
    watchConsole(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
  });

  it("serves the page with a CSP that forbids eval, and the watcher sees a violation when one happens", async () => {
    const res = await fetch(`${url}/`);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self' 'wasm-unsafe-eval'/);
    expect(csp).not.toMatch(/'unsafe-eval'/);
    // A control: the watcher notices `new Function` in a page of this app.
    const probe = await context.newPage();
    const before = consoleCsp.length;
    watchConsole(probe);
    await probe.goto("/signin");
    // An inline script (page) and `new Function` in a worker (blob workers share the page's CSP).
    await probe
      .addScriptTag({ content: "window.inlineRan = true;" })
      .catch(() => undefined);
    const workerBlocked = await probe.evaluate(
      () =>
        new Promise<string>((ok) => {
          const src =
            "try { new Function('return 1'); postMessage('ran'); } catch (e) { postMessage('blocked'); }";
          const w = new Worker(URL.createObjectURL(new Blob([src])));
          w.onmessage = (e: MessageEvent<string>) => ok(e.data);
        }),
    );
    expect(workerBlocked).toBe("blocked");
    await poll(
      async () =>
        (
          await probe.evaluate(
            () => (window as unknown as { __csp: string[] }).__csp,
          )
        ).length,
    ).toBeGreaterThan(0);
    await poll(() => consoleCsp.length).toBeGreaterThan(before);
    // Both violations arrive as reports, the worker's included.
    await poll(() => reports.join("\n")).toMatch(
      /"violated-directive":"script-src-elem"/,
    );
    await poll(() => reports.join("\n")).toMatch(/"blocked-uri":"eval"/);
    await probe.close();
    consoleCsp.length = 0;
    reports.length = 0;
  });

  it("runs the Bell sample in the browser: only 00 and 11 summing to the shots, and the statevector", async () => {
    await page.goto("/");
    await page.locator(".cm-content").waitFor();
    await poll(() =>
      page.locator(".status", { hasText: "no problems" }).count(),
    ).toBe(1);
    const panel = page.getByRole("region", { name: "Run" });
    await expect(
      panel.getByText(/Simulates in this browser, up to 20 qubits/).count(),
    ).resolves.toBe(1);
    await panel.getByLabel("Shots").fill("1000");
    const workersBefore = page.workers().length;
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent(), 30_000).toBe(
      "Succeeded",
    );
    // The simulator ran in a worker of its own (not the editor's compile worker).
    expect(page.workers().some((w) => /local-run\.worker/.test(w.url()))).toBe(
      false,
    ); // finished runs terminate their worker
    expect(page.workers().length).toBe(workersBefore);
    await poll(async () => (await probabilityRows(page)).length).toBe(2);
    const counts = Object.fromEntries(
      (await probabilityRows(page)).map(([k, n]) => [k, Number(n)]),
    );
    expect(Object.keys(counts).sort()).toEqual(["00", "11"]);
    expect((counts["00"] ?? 0) + (counts["11"] ?? 0)).toBe(1000);
    for (const n of Object.values(counts)) {
      expect(n).toBeGreaterThan(400);
      expect(n).toBeLessThan(600);
    }
    const bars = await panel
      .locator(".histogram .bar")
      .evaluateAll((gs) =>
        gs.map((g) => [
          g.getAttribute("data-outcome"),
          Number(g.getAttribute("data-count")),
        ]),
      );
    expect(Object.fromEntries(bars)).toEqual(counts);
    const sv = panel.getByRole("table", { name: "Statevector" });
    expect(
      await sv.locator("tbody tr td:first-child").allTextContents(),
    ).toEqual(["|00⟩", "|11⟩"]);
    await poll(() => sv.getByText("0.7071", { exact: true }).count()).toBe(2);
    await expect(
      panel.getByText("this browser", { exact: true }).count(),
    ).resolves.toBe(1);
    expect(jobRequests).toEqual([]); // nothing went to the server
    expect(await cspViolations(page)).toEqual([]);
    await expectAccessible(page, "workbench with a result");
    await shot(page, "workbench-run");
  });

  it("keeps the page responsive while a 20-qubit run works, and Cancel stops it", async () => {
    await setEditorText(page, HEAVY);
    await poll(() =>
      page.locator(".status", { hasText: "no problems" }).count(),
    ).toBe(1);
    const panel = page.getByRole("region", { name: "Run" });
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent()).toMatch(
      /^Running/,
    );
    await poll(
      () =>
        page.workers().filter((w) => /local-run\.worker/.test(w.url())).length,
    ).toBe(1);
    // The main thread keeps turning while the worker computes: a 20 ms interval timer fires
    // several times in half a second, and the status still says Running after. A simulation on
    // the main thread would starve the timer until the run ended.
    const ticks = await page.evaluate(
      () =>
        new Promise<number>((ok) => {
          let n = 0;
          const t = setInterval(() => n++, 20);
          setTimeout(() => {
            clearInterval(t);
            ok(n);
          }, 500);
        }),
    );
    expect(ticks).toBeGreaterThan(3);
    expect(await panel.locator(".run-status").textContent()).toMatch(
      /^Running/,
    );
    await shot(page, "workbench-running");
    await panel.getByRole("button", { name: "Cancel" }).click();
    await poll(() => panel.locator(".run-status").textContent()).toBe(
      "Cancelled",
    );
    await expect(
      panel.getByText("The run was cancelled.").count(),
    ).resolves.toBe(1);
    await poll(
      () =>
        page.workers().filter((w) => /local-run\.worker/.test(w.url())).length,
    ).toBe(0);
  });

  it("refuses a 25-qubit circuit with a message to run it on the server", async () => {
    await setEditorText(page, wide(25));
    await poll(() =>
      page.locator(".status", { hasText: "no problems" }).count(),
    ).toBe(1);
    const panel = page.getByRole("region", { name: "Run" });
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.getByRole("alert").textContent()).toBe(
      "25 qubits: run it on the server by saving it to a project (this browser runs circuits of up to 20 qubits).",
    );
    // The previous run's outcome is gone: it was about another circuit.
    expect(await panel.locator(".run-status").textContent()).toBe(
      "Not run yet",
    );
    expect(await panel.getByText("The run was cancelled.").count()).toBe(0);
    expect(
      page.workers().filter((w) => /local-run\.worker/.test(w.url())),
    ).toHaveLength(0);
    await expectAccessible(page, "workbench refusing a wide circuit");
    await shot(page, "workbench-too-wide");
  });

  it("does not run a circuit with errors: the editor shows them and Run is disabled", async () => {
    await setEditorText(page, "OPENQASM 3.0;\nqubit[2] q;\nh q[5];\n");
    await poll(() =>
      page
        .getByRole("region", { name: "OpenQASM editor" })
        .locator(".status")
        .textContent(),
    ).toBe("1 error");
    const panel = page.getByRole("region", { name: "Run" });
    await poll(() =>
      panel.getByRole("button", { name: "Run", exact: true }).isDisabled(),
    ).toBe(true);
    await expect(
      panel.getByText(/has 1 error \(see Problems\)/).count(),
    ).resolves.toBe(1);
    await poll(() =>
      page.locator(".cm-lintRange-error").count(),
    ).toBeGreaterThan(0);
  });

  it("looks right on a phone, with a result and no serious accessibility problems", async () => {
    const phone = await browser.newContext({
      baseURL: url,
      viewport: { width: 390, height: 844 },
    });
    phone.setDefaultTimeout(15_000);
    await phone.addInitScript(WATCH_CSP);
    await collectReports(phone);
    const p = await phone.newPage();
    watchConsole(p);
    await p.goto("/");
    await p.locator(".cm-content").waitFor();
    const panel = p.getByRole("region", { name: "Run" });
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent(), 30_000).toBe(
      "Succeeded",
    );
    await panel.getByRole("table", { name: "Statevector" }).waitFor();
    await expectAccessible(p, "workbench (phone)");
    await shot(p, "workbench-run-phone");
    // Nothing overflows the phone's width.
    const overflow = await p.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await cspViolations(p)).toEqual([]);
    await phone.close();
  });

  it("keeps the work: a reload restores the tab's circuit, and the address's fragment opens it in a new browser", async () => {
    const mine = `OPENQASM 3.0;
include "stdgates.inc";
// my own circuit, not the sample
qubit[3] q;
bit[3] c;
h q[0];
cx q[0], q[2];
c = measure q;
`;
    await page.goto("/");
    await page.locator(".cm-content").waitFor();
    const before = await page.evaluate(() => window.location.hash);
    await setEditorText(page, mine);
    // The fragment is written shortly after the last change (debounced).
    await poll(() => page.evaluate(() => window.location.hash)).not.toBe(
      before,
    );
    expect(await page.evaluate(() => window.location.hash)).toMatch(
      /^#qasm=[A-Za-z0-9_-]+$/,
    );
    const link = page.url();
    await page.reload();
    await page.locator(".cm-content").waitFor();
    await poll(() => page.locator(".cm-content").innerText()).toContain(
      "my own circuit, not the sample",
    );
    // A reload without the fragment (autosave of this tab) keeps it too.
    await page.goto("/");
    await page.locator(".cm-content").waitFor();
    await poll(() => page.locator(".cm-content").innerText()).toContain(
      "cx q[0], q[2];",
    );
    // The link, opened in another browser (no storage shared), carries the circuit; no request
    // carries the circuit to the server (the fragment never leaves the browser).
    const other = await browser.newContext({ baseURL: url });
    const sent: string[] = [];
    other.on("request", (r) => sent.push(r.url() + (r.postData() ?? "")));
    const q = await other.newPage();
    await q.goto(link);
    await q.locator(".cm-content").waitFor();
    await poll(() => q.locator(".cm-content").innerText()).toContain(
      "my own circuit, not the sample",
    );
    expect(sent.filter((u) => u.includes("my own circuit"))).toEqual([]);
    expect(sent.filter((u) => u.includes("qasm="))).toEqual([]);
    // A damaged fragment opens the sample instead of failing.
    await q.goto("/#qasm=not*base64");
    await q.locator(".cm-content").waitFor();
    await poll(() => q.locator(".cm-content").innerText()).toContain(
      "OPENQASM",
    );
    await other.close();
  });

  it("keyboard: the palette is one tab stop with arrows inside, and the editor says how to leave it", async () => {
    await page.goto("/");
    await page.locator(".cm-content").waitFor();
    const palette = page.getByRole("toolbar", { name: "Gate palette" });
    const buttons = palette.getByRole("button");
    expect(await buttons.count()).toBeGreaterThan(20);
    expect(await palette.locator('button[tabindex="0"]').count()).toBe(1);
    await buttons.first().focus();
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "Y",
    );
    await page.keyboard.press("End");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "Barrier",
    );
    // Tab leaves the palette in one step (to the angle field), not through every gate.
    await page.keyboard.press("Tab");
    expect(
      await page.evaluate(() =>
        document.activeElement?.getAttribute("aria-label"),
      ),
    ).toBe("Angle for new rotation gates");
    // The editor: the hint is its description and shows while it has focus; Esc then Tab leaves.
    const hint = page.getByText("To leave the editor with the keyboard");
    const content = page.locator(".cm-content");
    const describedBy = await content.getAttribute("aria-describedby");
    expect(describedBy).toBe(await hint.getAttribute("id"));
    await content.click();
    await poll(() => hint.isVisible()).toBe(true);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(
      await page.evaluate(() => document.activeElement?.className),
    ).not.toContain("cm-content");
  });

  it("reported no CSP violation and no page error on the workbench at any point", async () => {
    expect(await cspViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
