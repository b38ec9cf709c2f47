/**
 * A new user's journeys in Debian's Chromium against the real app (in-process, fresh PGlite, the
 * job worker running): work written on `/` survives a reload and the sign-up detour and is saved
 * to a project; the run status always describes the text on screen (an edit marks the last result
 * as of an earlier version, a refused job reads "Refused", never "Succeeded"); no page logs a
 * console error or a failed request, signed out or in; axe finds no serious or critical violation
 * on any page, light and dark, desktop and phone. Skips when /usr/bin/chromium is missing.
 */
import AxeBuilder from "@axe-core/playwright";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../../server/src/app.ts";
import { loadConfig } from "../../../server/src/config/config.ts";
import {
  openPglite,
  type Database,
} from "../../../server/src/database/database.ts";
import {
  buildWeb,
  CHROMIUM,
  freePort,
  launchBrowser,
  RESULTS_DIR,
} from "./harness.ts";
import { inviteLink, startMailbox, type Mailbox } from "./mailbox.ts";

const hasBrowser = existsSync(CHROMIUM);
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) =>
  expect.poll(fn, { timeout, interval: 100 });

/** The user's own circuit: a comment (its name), three qubits, not the Bell sample. */
const MINE = `// GHZ with a flip
OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
h q[0];
cx q[0], q[1];
cx q[1], q[2];
x q[2];
c = measure q;
`;

const WIDE = `OPENQASM 3.0;
include "stdgates.inc";
qubit[29] q;
bit[29] c;
h q[0];
c = measure q;
`;

const ADA = { email: "ada@example.com", password: "correct horse 1" };

describe.skipIf(!hasBrowser)("a new user's journeys", () => {
  let database: Database;
  let app: FastifyInstance;
  let mailbox: Mailbox;
  let url = "";
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let circuitUrl = "";
  /** Invitation links: one left pending, one accepted (for the page and axe checks). */
  const invites = { pending: "", used: "" };
  /** A job of the saved circuit (set by the copy-link test). */
  let jobPath = "";

  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });

  const setEditorText = async (p: Page, text: string) => {
    await p.locator(".cm-content").click();
    await p.keyboard.press("Control+A");
    await p.keyboard.press("Delete");
    await p.keyboard.insertText(text);
    await poll(() =>
      p.locator('[aria-label="Problems"]').getAttribute("aria-busy"),
    ).toBe("false");
  };

  const editorText = (p: Page) =>
    p.evaluate(() =>
      Array.from(document.querySelectorAll(".cm-content .cm-line"))
        .map((l) => l.textContent)
        .join("\n"),
    );

  /** Asserts that `what` is wholly inside the viewport with the page scrolled to the top. */
  const expectOnScreen = async (p: Page, what: Locator, label: string) => {
    await p.evaluate(() => window.scrollTo(0, 0));
    const box = await what.boundingBox();
    const view = p.viewportSize();
    expect(box, `${label}: not rendered`).not.toBeNull();
    if (!box || !view) return;
    expect(
      [
        box.x >= 0,
        box.y >= 0,
        box.x + box.width <= view.width,
        box.y + box.height <= view.height,
      ],
      `${label} at ${JSON.stringify(box)} in ${view.width}x${view.height}`,
    ).toEqual([true, true, true, true]);
  };

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const webDir = buildWeb();
    mailbox = await startMailbox();
    database = await openPglite(undefined);
    await database.migrate();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const loaded = loadConfig({
      LOG_LEVEL: "error",
      STEPFAULT_DATA_DIR: "/nonexistent-stepfault-e2e",
      SMTP_URL: mailbox.url,
      PUBLIC_URL: url,
      AUTH_RATE_LIMIT_PER_MINUTE: "1000",
    });
    if (!loaded.ok) throw new Error("config");
    app = await buildApp(
      { ...loaded.config, jwtSecret: randomBytes(32).toString("hex") },
      { database, webDir },
    );
    await app.listen({ port, host: "127.0.0.1" });
    browser = await launchBrowser();
    context = await browser.newContext({
      baseURL: url,
      viewport: { width: 1280, height: 800 },
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await database?.close();
    await mailbox?.close();
  });

  it("keeps the circuit on / across a reload and the sign-up detour, and saves it to a new project", async () => {
    await page.goto("/");
    await page.locator(".cm-content").waitFor();
    await setEditorText(page, MINE);
    // The autosave follows each change (the fragment a moment later).
    await poll(() =>
      page.evaluate(() => window.sessionStorage.getItem("sf.scratch")),
    ).toBe(MINE);
    // At once (the address may still carry the fragment of the text before) and once it caught up.
    await page.reload();
    await page.locator(".cm-content").waitFor();
    await poll(() => editorText(page)).toBe(MINE);
    await poll(() =>
      page.evaluate(() => window.location.hash.length),
    ).toBeGreaterThan(10);
    await page.reload();
    await page.locator(".cm-content").waitFor();
    await poll(() => editorText(page)).toBe(MINE);

    await page.getByRole("button", { name: "Save to project" }).click();
    await page.waitForURL(/\/signin\?next=%2Fsave$/);
    await page.getByText(/save your circuit to a project/).waitFor();
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/signup\?next=%2Fsave$/);
    await page.getByLabel("Email").fill(ADA.email);
    await page.getByLabel(/^Password/).fill(ADA.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(/\/save$/);
    // The first account is told it administers the server.
    await page
      .getByRole("region", { name: /^Welcome to StepFault/ })
      .getByText("you are the administrator")
      .waitFor();
    const form = page.getByRole("form", { name: "Save to project" });
    // Named after its first comment; a first user has no project yet, so a new one is offered.
    await expect(form.getByLabel("Circuit name").inputValue()).resolves.toBe(
      "GHZ with a flip",
    );
    await expect(
      form.getByLabel("Project", { exact: true }).inputValue(),
    ).resolves.toBe("__new__");
    await form.getByLabel("New project name").fill("Lab notes");
    await shot(page, "save-to-project");
    await form.getByRole("button", { name: "Save circuit" }).click();
    await page.waitForURL(/\/projects\/[^/]+\/circuits\/[^/]+$/);
    circuitUrl = new URL(page.url()).pathname;
    await page.locator(".cm-content").waitFor();
    await poll(() => editorText(page)).toBe(MINE);
    await expect(page.locator("main h1").textContent()).resolves.toBe(
      "GHZ with a flip",
    );
    await page.getByRole("link", { name: "Lab notes" }).waitFor();
    await page.getByText("All changes saved").waitFor();

    // The workbench still shows the person's circuit after the detour, not the sample.
    await page.goto("/");
    await page.locator(".cm-content").waitFor();
    await poll(() => editorText(page)).toBe(MINE);
  });

  it("on /, an edit into error marks the last result as of an earlier version instead of 'Succeeded'", async () => {
    const panel = page.getByRole("region", { name: "Run" });
    await panel.getByLabel("Shots").fill("200");
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent(), 30_000).toBe(
      "Succeeded",
    );
    // At 1280x800 the histogram sits beside the drawing, whole, without scrolling.
    await expectOnScreen(page, panel.locator(".histogram"), "histogram on /");
    await expectOnScreen(
      page,
      page.locator(".composer-panel svg").first(),
      "drawing on /",
    );
    await expectOnScreen(
      page,
      page.locator(".cm-content .cm-line").first(),
      "the editor's first line on /",
    );

    // On a phone the panels stack; one tap on a jump button brings each into view.
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, target] of [
      ["Jump to Run", panel.getByRole("heading", { name: "Run" })],
      ["Jump to Circuit", page.getByRole("heading", { name: "Composer" })],
      [
        "Jump to Editor",
        page.getByRole("heading", { name: "OpenQASM", exact: true }),
      ],
    ] as const) {
      await page.getByRole("button", { name }).click();
      await poll(async () => {
        const box = await target.boundingBox();
        return box !== null && box.y >= 0 && box.y + box.height <= 844;
      }).toBe(true);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    await setEditorText(page, MINE.replace("x q[2];", "x q[7];"));
    await poll(() => panel.locator(".run-status").textContent()).toBe(
      "Succeeded (earlier version)",
    );
    await panel.getByText(/result is of an earlier version/).waitFor();
    await expect(panel.locator(".run-result.outdated").count()).resolves.toBe(
      1,
    );
    await shot(page, "workbench-outdated-result");
    // Back to the text that ran: the result describes it again.
    await setEditorText(page, MINE);
    await poll(() => panel.locator(".run-status").textContent()).toBe(
      "Succeeded",
    );
  });

  it("on the circuit page, a job refused for 29 qubits reads 'Refused', never 'succeeded'", async () => {
    await page.goto(circuitUrl);
    await page.locator(".cm-content").waitFor();
    const panel = page.getByRole("region", { name: "Run" });
    await panel.getByLabel("Shots").fill("100");
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent(), 30_000).toBe(
      "Succeeded",
    );
    await expectOnScreen(
      page,
      panel.locator(".histogram"),
      "histogram on the circuit page",
    );
    await setEditorText(page, WIDE);
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent()).toBe(
      "Refused",
    );
    await expect(panel.getByRole("alert").textContent()).resolves.toMatch(
      /29 qubits.*allows 28/,
    );
    await expect(panel.locator(".run-result").count()).resolves.toBe(0);
    await shot(page, "circuit-refused");
  });

  it("copies a link to the circuit and to the job for project members, and the links open them", async () => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"], {
      origin: url,
    });
    const clipboard = () => page.evaluate(() => navigator.clipboard.readText());
    await page.goto(circuitUrl);
    await page.locator(".cm-content").waitFor();
    const bar = page.getByRole("toolbar", { name: "Share and export" });
    await bar
      .getByRole("button", { name: "Copy link to this circuit" })
      .click();
    await bar.getByText("Link copied: members of the project").waitFor();
    await expect(clipboard()).resolves.toBe(`${url}${circuitUrl}`);
    await shot(page, "circuit-share-bar");
    // The other link carries the text itself, for anyone.
    await bar.getByRole("button", { name: "Workbench link" }).click();
    await poll(clipboard).toMatch(new RegExp(`^${url}/#`));

    const jobUrl =
      (await page
        .getByRole("region", { name: "Run" })
        .getByRole("link", { name: /^Open job/ })
        .getAttribute("href")) ?? "";
    jobPath = jobUrl;
    await page.goto(jobUrl);
    await page.getByRole("button", { name: "Copy link to this job" }).click();
    await page.getByText("Link copied: members of the project").waitFor();
    await expect(clipboard()).resolves.toBe(`${url}${jobUrl}`);
    await shot(page, "job-copy-link");
    await page.goto(await clipboard());
    await page.getByRole("heading", { name: /^Job / }).waitFor();
  });

  it("invites an email without an account: the mail's link leads through sign-up into the project; pending invitations are listed and revocable, a used or revoked link says so", async () => {
    const projectUrl = circuitUrl.replace(/\/circuits\/.*$/, "");
    await page.goto(`${projectUrl}/members`);
    const who = page.getByLabel("Email or username");
    const invite = async (email: string, role: string) => {
      await who.fill(email);
      await page.locator('select[name="memberRole"]').selectOption(role);
      await page.getByRole("button", { name: "Add or invite" }).click();
      await page.getByText(`Invitation sent to ${email}`).waitFor();
      await poll(() => mailbox.messages.some((m) => m.includes(email))).toBe(
        true,
      );
      return inviteLink(
        mailbox.messages.findLast((m) => m.includes(email)) ?? "",
      );
    };
    const joinLink = await invite("newton@example.com", "viewer");
    const revokedLink = await invite("hooke@example.com", "editor");
    invites.pending = (await invite("halley@example.com", "viewer")) ?? "";
    expect(joinLink).toMatch(/^\/invite\/[A-Za-z0-9_-]{40,}$/);
    const pending = page.getByRole("table", { name: "Pending invitations" });
    await poll(() => pending.locator("tbody tr").count()).toBe(3);
    await expect(pending.textContent()).resolves.toContain(
      "newton@example.com",
    );
    await page
      .getByRole("button", {
        name: "Revoke the invitation of hooke@example.com",
      })
      .click();
    await poll(() => pending.locator("tbody tr").count()).toBe(2);
    await shot(page, "members-invitations");

    // Newton has no account: the link offers sign-up with the address filled in, then joins.
    const guest = await browser.newContext({
      baseURL: url,
      viewport: { width: 1280, height: 800 },
    });
    guest.setDefaultTimeout(15_000);
    await guest.addInitScript(() =>
      window.localStorage.setItem("sf.tour.done", "1"),
    );
    const g = await guest.newPage();
    await g.goto(joinLink ?? "");
    await g.getByRole("heading", { name: "Join Lab notes" }).waitFor();
    await g.getByText(/invited newton@example\.com to the project/).waitFor();
    await shot(g, "invite-signed-out");
    await g.getByRole("link", { name: "Create an account and join" }).click();
    await g.waitForURL(/\/signup\?/);
    await expect(g.getByLabel("Email").inputValue()).resolves.toBe(
      "newton@example.com",
    );
    await g.getByLabel(/^Password/).fill("gravity is constant");
    await g.getByRole("button", { name: "Create account" }).click();
    await g.waitForURL((u) => u.pathname === projectUrl);
    await g.getByRole("heading", { name: "Lab notes" }).waitFor();
    // The link worked once; a revoked one says it was withdrawn.
    invites.used = joinLink ?? "";
    await g.goto(joinLink ?? "");
    await g
      .getByRole("heading", { name: "This invitation was already accepted" })
      .waitFor();
    await g.goto(revokedLink ?? "");
    await g
      .getByRole("heading", { name: "This invitation was withdrawn" })
      .waitFor();
    await shot(g, "invite-revoked");
    await guest.close();

    // Newton is a viewer now; the invitation left the pending list.
    await page.reload();
    await page
      .getByRole("cell", { name: "newton@example.com", exact: true })
      .waitFor();
    await expect(
      page
        .getByRole("combobox", { name: "Role of newton@example.com" })
        .inputValue(),
    ).resolves.toBe("viewer");
    await poll(() => pending.locator("tbody tr").count()).toBe(1);
  });

  /**
   * Opens each path in `p` and returns what went wrong there: console errors, page errors,
   * answers of 400 or more and failed requests.
   */
  const problemsOn = async (p: Page, paths: readonly string[]) => {
    const seen: string[] = [];
    let where = "";
    p.on("console", (m) => {
      if (m.type() === "error") seen.push(`${where}: console: ${m.text()}`);
    });
    p.on("pageerror", (e) => seen.push(`${where}: page error: ${e.message}`));
    p.on("response", (r) => {
      if (r.status() >= 400)
        seen.push(`${where}: ${r.status()} ${r.request().method()} ${r.url()}`);
    });
    p.on("requestfailed", (r) => {
      // Leaving a page aborts its event streams: not a failure of the page.
      if (r.failure()?.errorText !== "net::ERR_ABORTED")
        seen.push(`${where}: failed ${r.url()} ${r.failure()?.errorText}`);
    });
    for (const path of paths) {
      where = path;
      await p.goto(path);
      await p.locator("main h1, main h2").first().waitFor();
      await p
        .waitForLoadState("networkidle", { timeout: 2_000 })
        .catch(() => undefined); // pages with a live event stream never go idle
      await p.waitForTimeout(300);
    }
    return seen;
  };

  it("logs no console error and no failed request on any page, signed out and signed in", async () => {
    const projectUrl = circuitUrl.replace(/\/circuits\/.*$/, "");
    await page.goto(circuitUrl);
    const jobLink = page
      .getByRole("region", { name: "Run" })
      .getByRole("link", { name: /^Open job/ });
    const jobUrl = (await jobLink.getAttribute("href")) ?? "";
    expect(jobUrl).toMatch(/\/jobs\/[^/]+$/);

    const anonymous = await browser.newContext({ baseURL: url });
    anonymous.setDefaultTimeout(15_000);
    const out = await anonymous.newPage();
    expect(
      await problemsOn(out, [
        "/",
        "/signin",
        "/signup",
        "/reset-password",
        "/projects",
        "/no-such-page",
        invites.pending,
      ]),
    ).toEqual([]);
    await anonymous.close();

    // Signed in, with the assistant panel open on a server without an AI provider.
    const mine = await context.newPage();
    await mine.goto("/");
    await mine.evaluate(() =>
      window.localStorage.setItem("sf.assistant.open", "1"),
    );
    expect(
      await problemsOn(mine, [
        "/",
        "/projects",
        projectUrl,
        `${projectUrl}/members`,
        `${projectUrl}/jobs`,
        jobUrl,
        circuitUrl,
        "/save",
        "/settings",
        "/settings/api-keys",
        "/admin/users",
        invites.pending,
      ]),
    ).toEqual([]);
    // The panel says why instead of failing a request (on a page that shows it).
    await mine.goto(circuitUrl);
    await mine
      .getByText("The assistant is not available on this server")
      .waitFor();
    await mine.close();
  });

  it("welcomes the first account as the administrator, offers a tour once, the gallery and the shortcuts", async () => {
    // The welcome followed the sign-up of the first test; a new tab of the same person has none.
    const fresh = await browser.newContext({
      baseURL: url,
      viewport: { width: 1280, height: 800 },
    });
    fresh.setDefaultTimeout(15_000);
    const p = await fresh.newPage();
    await p.goto("/signup");
    await p.getByLabel("Email").fill("grace@example.com");
    await p.getByLabel(/^Password/).fill("another long one");
    await p.getByRole("button", { name: "Create account" }).click();
    await p.waitForURL(/\/projects$/);
    const welcome = p.getByRole("region", { name: /^Welcome to StepFault/ });
    await welcome.waitFor();
    // The second account is not the administrator; the first one was told it is.
    await expect(welcome.textContent()).resolves.not.toContain("administrator");
    await welcome.getByRole("button", { name: "Dismiss" }).click();
    await expect(welcome.count()).resolves.toBe(0);

    // The tour on the workbench: steps, then gone for good once done.
    await p.goto("/");
    const tour = p.getByRole("complementary", { name: "Welcome tour" });
    await tour.getByText("Step 1 of 4").waitFor();
    await shot(p, "tour-desktop");
    for (let i = 0; i < 3; i++)
      await tour.getByRole("button", { name: "Next" }).click();
    await tour.getByRole("link", { name: "examples" }).waitFor();
    await tour.getByRole("button", { name: "Done" }).click();
    await expect(tour.count()).resolves.toBe(0);
    await p.reload();
    await p.locator(".cm-content").waitFor();
    await expect(tour.count()).resolves.toBe(0);

    // The gallery: Grover opens on the workbench and runs to its marked item.
    await p.getByRole("link", { name: "Examples" }).first().click();
    await p.waitForURL(/\/examples$/);
    await poll(() =>
      p.getByRole("list", { name: "Examples" }).getByRole("listitem").count(),
    ).toBe(12);
    await shot(p, "examples-desktop");
    await p
      .getByRole("button", { name: "Open in the workbench: Grover search" })
      .click();
    await p.waitForURL((u) => u.pathname === "/");
    await poll(() => editorText(p)).toContain("Grover search");
    const panel = p.getByRole("region", { name: "Run" });
    await panel.getByRole("button", { name: "Run", exact: true }).click();
    await poll(() => panel.locator(".run-status").textContent(), 30_000).toBe(
      "Succeeded",
    );
    const top = await panel
      .getByRole("table", { name: "Probabilities" })
      .locator("tbody tr")
      .first()
      .locator("td")
      .first()
      .textContent();
    expect(top).toBe("101");

    // `?` lists the shortcuts (outside text fields); Escape closes the list.
    await p.locator("main h1").first().click();
    await p.keyboard.press("?");
    const dialog = p.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.waitFor();
    await dialog.getByText("Save a revision of the circuit").waitFor();
    await shot(p, "shortcuts-desktop");
    await p.keyboard.press("Escape");
    await poll(() => dialog.isVisible()).toBe(false);
    // Typing `?` in the editor is text, not the dialog.
    await p.locator(".cm-content").click();
    await p.keyboard.type("?");
    await expect(dialog.isVisible()).resolves.toBe(false);
    await fresh.close();
  });

  it("axe finds no serious or critical violation on any page, light and dark, desktop and phone; the phone header is one row", async () => {
    const projectUrl = circuitUrl.replace(/\/circuits\/.*$/, "");
    const signedOut = [
      "/",
      "/examples",
      "/signin",
      "/signup",
      "/reset-password",
      invites.pending,
      invites.used,
    ];
    const signedIn = [
      "/",
      "/projects",
      projectUrl,
      `${projectUrl}/members`,
      `${projectUrl}/jobs`,
      circuitUrl,
      "/save",
      "/settings",
      "/settings/api-keys",
      "/admin/users",
      invites.pending,
      jobPath,
    ];
    const bad: string[] = [];
    // The four device and colour-scheme combinations run side by side (much of a visit is waiting
    // for the network). Dark differs from light only in colour, so there axe checks the rules
    // that depend on colour; light runs every rule.
    const walk = async (
      device: "desktop" | "phone",
      viewport: { width: number; height: number },
      scheme: "light" | "dark",
    ) => {
      const ctx = await browser.newContext({
        baseURL: url,
        viewport,
        colorScheme: scheme,
      });
      ctx.setDefaultTimeout(30_000);
      await ctx.addInitScript(() => {
        window.localStorage.setItem("sf.tour.done", "1");
        // axe reads colours as they are at that moment: no transition may be half-way.
        document.addEventListener("DOMContentLoaded", () => {
          const style = document.createElement("style");
          style.textContent =
            "*, *::before, *::after { transition: none !important; animation: none !important; }";
          document.head.append(style);
        });
      });
      const p = await ctx.newPage();
      const visit = async (path: string, who: string) => {
        await p.goto(path);
        await p.locator("main h1, main h2").first().waitFor();
        await p
          .waitForLoadState("networkidle", { timeout: 2_000 })
          .catch(() => undefined); // pages with a live event stream never go idle
        const axe = new AxeBuilder({ page: p });
        if (scheme === "dark")
          axe.withRules(["color-contrast", "link-in-text-block"]);
        const result = await axe.analyze();
        for (const v of result.violations)
          if (v.impact === "serious" || v.impact === "critical")
            bad.push(
              `${device} ${scheme} ${who} ${path}: ${v.id} (${v.impact}) at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
            );
        const name = `${who}-${path.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "workbench"}-${device}-${scheme}`;
        await shot(
          p,
          name
            .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, "x")
            .replace(
              /invite-[A-Za-z0-9-]{43}/,
              path === invites.used ? "invite-used" : "invite-pending",
            ),
        );
        if (device === "phone") {
          const header = await p.locator(".topbar").boundingBox();
          if ((header?.height ?? 999) > 64)
            bad.push(`${scheme} ${path}: header is ${header?.height}px tall`);
        }
      };
      for (const path of signedOut) await visit(path, "out");
      await p.goto("/signin");
      await p.getByLabel("Email").fill(ADA.email);
      await p.getByLabel("Password").fill(ADA.password);
      await p.getByRole("button", { name: "Sign in" }).click();
      await p.waitForURL(/\/projects$/);
      for (const path of signedIn) await visit(path, "in");
      if (device === "phone") {
        // The menu opens the links under one row of header.
        await p.getByRole("button", { name: "Menu" }).click();
        await p
          .getByRole("navigation", { name: "Main" })
          .getByRole("link", { name: "Projects" })
          .click();
        await p.waitForURL(/\/projects$/);
      }
      await ctx.close();
    };
    const desktop = { width: 1280, height: 800 };
    const phone = { width: 390, height: 844 };
    await Promise.all([
      walk("desktop", desktop, "light"),
      walk("desktop", desktop, "dark"),
      walk("phone", phone, "light"),
      walk("phone", phone, "dark"),
    ]);
    expect(bad).toEqual([]);
  }, 600_000);
});
