/**
 * End-to-end tests of the web app in Debian's Chromium against the real server (fresh embedded
 * database): accounts, projects, circuits, the editor and composer, access control, API keys,
 * sessions and accessibility. Skips when /usr/bin/chromium is missing.
 */
import AxeBuilder from "@axe-core/playwright";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CHROMIUM,
  launchBrowser,
  RESULTS_DIR,
  startServer,
  type TestServer,
} from "./harness.ts";
import { resetLink, startMailbox, type Mailbox } from "./mailbox.ts";

const hasBrowser = existsSync(CHROMIUM);

/** Polls until the value matches; the machine is shared, so waits are generous. */
const poll = <T>(fn: () => Promise<T> | T, opts: { timeout?: number } = {}) =>
  expect.poll(fn, { timeout: opts.timeout ?? 10_000, interval: 100 });
if (!hasBrowser)
  console.warn(
    `Skipping the browser tests: ${CHROMIUM} not found (apt-get install -y chromium).`,
  );

const BELL3 = `OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
c = measure q;
`;

/** Compiles (with a warning) but cannot be simulated: the job fails with SIM_OPAQUE. */
const OPAQUE = `OPENQASM 2.0;
include "qelib1.inc";
opaque mystery a;
qreg q[1];
creg c[1];
mystery q[0];
measure q[0] -> c[0];
`;

/** 4,096 equally likely outcomes. */
const UNIFORM12 = `OPENQASM 3.0;
include "stdgates.inc";
qubit[12] q;
bit[12] c;
h q;
c = measure q;
`;

/** Shots that genuinely diverge (mid-circuit measurements), so a million of them take a while. */
const SLOW = `OPENQASM 3.0;
include "stdgates.inc";
qubit[10] q;
bit[10] c;
for int i in [0:199] {
  h q;
  c = measure q;
}
`;

const OWNER = { email: "ada@example.com", password: "correct horse 1" };
const OTHER = {
  email: "bob@example.com",
  password: "battery staple 2",
  username: "bob-the-builder",
};

describe.skipIf(!hasBrowser)(
  "web app in Chromium against the real server",
  () => {
    let server: TestServer;
    let mailbox: Mailbox;
    let browser: Browser;
    let owner: BrowserContext;
    let page: Page;
    let projectUrl = "";
    let circuitUrl = "";
    let jobUrl = "";

    const shot = async (p: Page, name: string) => {
      await p.screenshot({
        path: join(RESULTS_DIR, `${name}.png`),
        fullPage: true,
      });
    };

    /** No serious or critical axe violations on the current page. */
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

    const heading = (p: Page) => p.locator("main h1").first();

    /** The session's refresh-token cookie as the browser holds it. */
    const refreshCookie = async (context: BrowserContext) =>
      (await context.cookies()).find((c) => c.name === "sf_refresh");

    const setEditorText = async (p: Page, text: string) => {
      await p.locator(".cm-content").click();
      await p.keyboard.press("Control+A");
      await p.keyboard.press("Delete");
      await p.keyboard.insertText(text);
    };

    const editorText = (p: Page) =>
      p.evaluate(() =>
        Array.from(document.querySelectorAll(".cm-content .cm-line"))
          .map((l) => l.textContent)
          .join("\n"),
      );

    const signIn = async (
      p: Page,
      who: { email: string; password: string },
    ) => {
      await p.getByLabel("Email").fill(who.email);
      await p.getByLabel("Password").fill(who.password);
      await p.getByRole("button", { name: "Sign in" }).click();
    };

    beforeAll(async () => {
      mkdirSync(RESULTS_DIR, { recursive: true });
      mailbox = await startMailbox();
      server = await startServer(mailbox.url);
      browser = await launchBrowser();
      owner = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 1280, height: 860 },
      });
      owner.setDefaultTimeout(15_000);
      page = await owner.newPage();
      // Confirm prompts (revoke, leave with unsaved changes) are accepted.
      page.on("dialog", (d) => void d.accept());
    }, 300_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await mailbox?.close();
    });

    it("signs up, creates a project and a circuit, types a Bell circuit without diagnostics and saves it", async () => {
      await page.goto("/signup");
      await poll(() => heading(page).textContent()).toBe("Create an account");
      await expectAccessible(page, "sign up");
      await shot(page, "signup");
      await page.getByLabel("Email").fill(OWNER.email);
      await page.getByLabel("Display name (optional)").fill("Ada");
      await page.getByLabel(/^Password/).fill(OWNER.password);
      await page.getByRole("button", { name: "Create account" }).click();
      await page.waitForURL("**/projects");
      await poll(() => heading(page).textContent()).toBe("Projects");
      await poll(() => page.getByText("No projects yet").count()).toBe(1);

      await page.getByLabel("New project name").fill("Bell lab");
      await page.getByRole("button", { name: "Create project" }).click();
      await page.waitForURL(/\/projects\/[0-9a-f-]{36}$/);
      projectUrl = new URL(page.url()).pathname;
      await poll(() => heading(page).textContent()).toBe("Bell lab");
      await expectAccessible(page, "project");
      await shot(page, "project-empty");

      await page.getByLabel("New circuit name").fill("bell");
      await page.getByRole("button", { name: "Create circuit" }).click();
      await page.waitForURL(/\/circuits\/[0-9a-f-]{36}$/);
      circuitUrl = new URL(page.url()).pathname;
      await page.locator(".cm-content").waitFor();
      await poll(() => page.getByText("All changes saved").count()).toBe(1);

      await setEditorText(page, BELL3);
      await poll(() => page.getByText("Unsaved changes").count()).toBe(1);
      await poll(() =>
        page.locator(".status", { hasText: "no problems" }).count(),
      ).toBe(1);
      await poll(() => page.locator(".cm-lintRange-error").count()).toBe(0);
      await page.getByRole("button", { name: "Save revision" }).click();
      await poll(() => page.getByText("All changes saved").count()).toBe(1);
      await poll(() =>
        page.getByText("Revision 2", { exact: true }).count(),
      ).toBe(1);
      await expectAccessible(page, "circuit");
      await shot(page, "circuit");

      // The saved source comes back from the server after a reload (the session survives it too).
      // The page asks for the circuit, its project, its revisions and its last run all at once:
      // each request is held a moment, so requests sent together are seen in flight together
      // (one after another, at most one ever is).
      const circuitPath = new RegExp(
        `^/api/v1(${projectUrl}(/circuits/[0-9a-f-]{36}(/revisions)?|/jobs)?)$`,
      );
      const inFlight = new Set<string>();
      let together = 0;
      await page.route("**/api/v1/**", async (route) => {
        const path = new URL(route.request().url()).pathname;
        if (route.request().method() !== "GET" || !circuitPath.test(path))
          return route.continue();
        inFlight.add(path);
        together = Math.max(together, inFlight.size);
        await new Promise((r) => setTimeout(r, 250));
        inFlight.delete(path);
        return route.continue();
      });
      await page.reload();
      await page.locator(".cm-content").waitFor();
      await page.unrouteAll({ behavior: "wait" });
      expect(together).toBe(4);
      await poll(() => editorText(page)).toBe(BELL3);
      await poll(() =>
        page.getByText("Revision 2", { exact: true }).count(),
      ).toBe(1);
    });

    it("runs the Bell circuit for 1,000 shots: only 00 and 11, each near 500, and the jobs page keeps the record", async () => {
      // The page still shows the saved Bell circuit from the test above, with no diagnostics.
      await poll(() =>
        page.locator(".status", { hasText: "no problems" }).count(),
      ).toBe(1);
      const panel = page.getByRole("region", { name: "Run" });
      await panel.getByLabel("Shots").fill("1000");
      await expect(
        panel.getByText("Runs revision 2 as saved.").count(),
      ).resolves.toBe(1);
      await panel.getByRole("button", { name: "Run", exact: true }).click();
      await poll(() => panel.locator(".run-status").textContent(), {
        timeout: 60_000,
      }).toBe("Succeeded");
      const rows = () =>
        panel
          .getByRole("table", { name: "Probabilities" })
          .locator("tbody tr")
          .evaluateAll((trs) =>
            trs.map((tr) =>
              Array.from(tr.querySelectorAll("td")).map(
                (td) => td.textContent ?? "",
              ),
            ),
          );
      await poll(async () => (await rows()).length).toBe(2);
      const counts = Object.fromEntries(
        (await rows()).map(([k, n]) => [k, Number(n)]),
      );
      expect(Object.keys(counts).sort()).toEqual(["00", "11"]);
      for (const n of Object.values(counts)) {
        expect(n).toBeGreaterThan(400);
        expect(n).toBeLessThan(600);
      }
      expect((counts["00"] ?? 0) + (counts["11"] ?? 0)).toBe(1000);
      // The histogram draws the same two bars with the same counts.
      const bars = await panel
        .locator(".histogram .bar")
        .evaluateAll((gs) =>
          gs.map((g) => [
            g.getAttribute("data-outcome"),
            Number(g.getAttribute("data-count")),
          ]),
        );
      expect(Object.fromEntries(bars)).toEqual(counts);
      // Two qubits without mid-circuit measurement: the statevector is (|00> + |11>)/sqrt 2.
      const sv = await panel
        .getByRole("table", { name: "Statevector" })
        .locator("tbody tr td:first-child")
        .allTextContents();
      expect(sv).toEqual(["|00⟩", "|11⟩"]);
      await poll(() => panel.getByText("0.7071", { exact: true }).count()).toBe(
        2,
      );
      await expectAccessible(page, "circuit with a result");
      await shot(page, "run-result");

      // The jobs page lists it; opening it shows the reproducible record and the same counts.
      await panel.getByRole("link", { name: "All jobs" }).click();
      await page.waitForURL(/\/jobs$/);
      await poll(() => heading(page).textContent()).toBe("Jobs");
      const jobRows = page
        .getByRole("table", { name: "Jobs" })
        .locator("tbody tr");
      await poll(() => jobRows.count()).toBe(1);
      expect(await jobRows.first().locator(".job-status").textContent()).toBe(
        "succeeded",
      );
      await expectAccessible(page, "jobs");
      await shot(page, "jobs");
      await page.getByRole("button", { name: "failed", exact: true }).click();
      await poll(() => page.getByText("No failed jobs.").count()).toBe(1);
      await page
        .getByRole("button", { name: "succeeded", exact: true })
        .click();
      await poll(() => jobRows.count()).toBe(1);
      await jobRows.first().getByRole("link", { name: /^Job / }).click();
      await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
      await poll(() => heading(page).textContent()).toMatch(
        /^Job [0-9a-f]{8}$/,
      );
      await poll(() => page.locator(".record-source").textContent()).toBe(
        BELL3,
      );
      const recordSeed = await page
        .locator('dl[aria-label="Record"] dd')
        .first()
        .textContent();
      expect(recordSeed).toMatch(/^\d+$/);
      await poll(() =>
        page
          .getByRole("table", { name: "Probabilities" })
          .locator("tbody tr")
          .count(),
      ).toBe(2);
      await expectAccessible(page, "job");
      await shot(page, "job");

      // Run again submits the record: a new job with the same seed gives the same counts.
      const firstJob = new URL(page.url()).pathname;
      jobUrl = firstJob;
      await page.getByRole("button", { name: "Run again" }).click();
      await page.waitForURL(
        (u) =>
          u.pathname !== firstJob && /\/jobs\/[0-9a-f-]{36}$/.test(u.pathname),
      );
      const secondId = new URL(page.url()).pathname.split("/").pop() ?? "";
      await poll(() => heading(page).textContent()).toBe(
        `Job ${secondId.slice(0, 8)}`,
      );
      await poll(() => page.locator(".job-status").first().textContent(), {
        timeout: 60_000,
      }).toBe("Succeeded");
      // The same seed gives the same counts.
      const tableCounts = async () =>
        Object.fromEntries(
          (
            await page
              .getByRole("table", { name: "Probabilities" })
              .locator("tbody tr")
              .evaluateAll((trs) =>
                trs.map((tr) =>
                  Array.from(tr.querySelectorAll("td")).map(
                    (td) => td.textContent ?? "",
                  ),
                ),
              )
          ).map(([k, n]) => [k, Number(n)]),
        );
      await poll(tableCounts).toEqual(counts);
      await poll(() =>
        page.locator('dl[aria-label="Record"] dd').first().textContent(),
      ).toBe(recordSeed);
    });

    it("shows the message of a job that fails, and cancels a running one", async () => {
      await page.goto(circuitUrl);
      await page.locator(".cm-content").waitFor();
      // Reopened, the circuit shows its last run (the re-run of revision 2).
      await poll(() =>
        page.getByText(/^Last run: revision 2, 1,000 shots,/).count(),
      ).toBe(1);
      await setEditorText(page, OPAQUE);
      const panel = page.getByRole("region", { name: "Run" });
      await poll(() =>
        panel
          .getByText("Runs the editor text as it is now (not yet saved).")
          .count(),
      ).toBe(1);
      await panel.getByLabel("Shots").fill("0");
      await panel.getByRole("button", { name: "Run", exact: true }).click();
      await poll(() => panel.getByRole("alert").first().textContent()).toMatch(
        /Shots must be a whole number/,
      );
      // The keyboard alone runs it: Enter in the shots field submits the form.
      await panel.getByLabel("Shots").fill("10");
      await panel.getByLabel("Shots").press("Enter");
      await poll(() => panel.locator(".job-error").textContent(), {
        timeout: 60_000,
      }).toMatch(/The job failed: .*opaque gate "mystery".*\(SIM_OPAQUE\)/);
      await expect(panel.locator(".run-status").textContent()).resolves.toBe(
        "Failed",
      );
      await shot(page, "run-failed");
      await page.goto(`${projectUrl}/jobs`);
      await page.getByRole("button", { name: "failed", exact: true }).click();
      const jobRows = page
        .getByRole("table", { name: "Jobs" })
        .locator("tbody tr");
      await poll(() => jobRows.count()).toBe(1);
      await jobRows.first().getByRole("link", { name: /^Job / }).click();
      await poll(() => page.locator(".job-error").textContent()).toMatch(
        /opaque gate "mystery"/,
      );
      await page.goto(circuitUrl);
      await page.locator(".cm-content").waitFor();
      // Thousands of outcomes: the histogram keeps the top 32 and groups the rest.
      await setEditorText(page, UNIFORM12);
      await panel.getByLabel("Shots").fill("20000");
      await panel.getByRole("button", { name: "Run", exact: true }).click();
      await poll(() => panel.locator(".run-status").textContent(), {
        timeout: 60_000,
      }).toBe("Succeeded");
      const bars = panel.locator(".histogram .bar");
      await poll(() => bars.count()).toBe(33);
      const grouped = await panel
        .locator(".histogram .bar.grouped title")
        .textContent();
      const others = Number(/^(\d+) others: (\d+)/.exec(grouped ?? "")?.[1]);
      expect(others + 32).toBeGreaterThan(4000);
      expect(others + 32).toBeLessThanOrEqual(4096);
      await poll(() =>
        panel.getByText(`Showing 16 of ${others + 32} outcomes.`).count(),
      ).toBe(1);
      await panel.getByLabel("show", { exact: true }).selectOption("64");
      await poll(() => bars.count()).toBe(65);
      await poll(() =>
        panel
          .getByText(/4096 of 4096 amplitudes non-zero; the 64 largest/)
          .count(),
      ).toBe(1);
      await shot(page, "run-many-outcomes");

      // A long job shows live progress and stops when cancelled.
      await setEditorText(page, SLOW);
      await panel.getByLabel("Shots").fill("1000000");
      await panel.getByRole("button", { name: "Run", exact: true }).click();
      await poll(() => panel.locator(".run-status").textContent(), {
        timeout: 30_000,
      }).toMatch(/^Running [\d.]+%$/);
      await poll(() =>
        panel
          .getByLabel("Job progress")
          .evaluate((e) => (e as HTMLProgressElement).value),
      ).toBeGreaterThan(0);
      await shot(page, "run-progress");
      await panel.getByRole("button", { name: "Cancel" }).click();
      await poll(() => panel.locator(".run-status").textContent(), {
        timeout: 30_000,
      }).toBe("Cancelled");
      expect(await panel.getByRole("button", { name: "Cancel" }).count()).toBe(
        0,
      );

      // Put the Bell circuit back for the tests below.
      await page.goto(circuitUrl);
      await page.locator(".cm-content").waitFor();
      await setEditorText(page, BELL3);
      await poll(() => page.getByText("All changes saved").count()).toBe(1);
    });

    it("shows a diagnostic at the line of the error, and the server refuses to save it", async () => {
      await page.locator(".cm-content").click();
      await page.keyboard.press("Control+End");
      await page.keyboard.insertText("h q[5];\n");
      // BELL3 has 7 lines, so the error is on line 8.
      const problem = page.locator(".problems li.error").first();
      await poll(() => problem.textContent()).toMatch(/^8:\d+ error/);
      const line8 = page.locator(".cm-content .cm-line").nth(7);
      await poll(() =>
        line8.locator(".cm-lintRange-error").count(),
      ).toBeGreaterThan(0);
      await poll(() => line8.textContent()).toBe("h q[5];");
      await page.getByRole("button", { name: "Save revision" }).click();
      await poll(() => page.getByRole("alert").first().textContent()).toMatch(
        /does not compile/i,
      );
      await poll(() =>
        page.locator(".server-diags li").first().textContent(),
      ).toMatch(/^8:/);
      await shot(page, "circuit-error");
    });

    it("drags an H gate onto the first wire and sees h q[0]; in the text", async () => {
      await setEditorText(
        page,
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\n',
      );
      await poll(() =>
        page.locator(".status", { hasText: "no problems" }).count(),
      ).toBe(1);
      expect(await editorText(page)).not.toContain("h q[0];");
      await page
        .getByRole("button", { name: "H", exact: true })
        .dragTo(page.locator('rect[data-wire="0"]'), {
          targetPosition: { x: 10, y: 20 },
        });
      await poll(() => editorText(page)).toContain("h q[0];");
      await page.getByRole("button", { name: "Save revision" }).click();
      await poll(() =>
        page.getByText("Revision 3", { exact: true }).count(),
      ).toBe(1);
      // The revision list offers the older revisions; opening one shows its source.
      await page.getByText("Revisions", { exact: true }).click();
      await page.getByRole("link", { name: "Revision 2" }).click();
      await page.waitForURL(/\?rev=2$/);
      await poll(() => editorText(page)).toBe(BELL3);
      await poll(() =>
        page.getByText("Viewing revision 2 (current is 3)").count(),
      ).toBe(1);
    });

    it("lists circuits with a name search", async () => {
      await page.goto(projectUrl);
      await page.getByLabel("New circuit name").fill("ghz");
      await page.getByRole("button", { name: "Create circuit" }).click();
      await page.waitForURL(/\/circuits\//);
      await page.goto(projectUrl);
      const names = () =>
        page.locator('[aria-label="Circuits"] .card-title').allTextContents();
      await poll(names).toEqual(["bell", "ghz"]);
      await shot(page, "project");
      await page.getByLabel("Search circuits").fill("gh");
      await poll(names).toEqual(["ghz"]);
      await page.getByLabel("Search circuits").fill("nothing-like-this");
      await poll(() => page.getByText(/No circuit matches/).count()).toBe(1);
    });

    it("renames and deletes a project", async () => {
      await page.goto("/projects");
      await page.getByLabel("New project name").fill("Scratch");
      await page.getByRole("button", { name: "Create project" }).click();
      await poll(() => heading(page).textContent()).toBe("Scratch");
      await page.getByText("Project settings").click();
      await page.getByLabel("Project name").fill("Scratch two");
      await page.getByRole("button", { name: "Rename" }).click();
      await poll(() => heading(page).textContent()).toBe("Scratch two");
      await page.getByRole("button", { name: "Delete project" }).click();
      await page.waitForURL("**/projects");
      const titles = () =>
        page
          .locator('[aria-label="Your projects"] .card-title')
          .allTextContents();
      await poll(titles).toEqual(["Bell lab"]);
    });

    it("does not show the first user's project to a second user (direct URL gives not found)", async () => {
      const ctx = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 390, height: 800 },
      });
      ctx.setDefaultTimeout(15_000);
      const bob = await ctx.newPage();
      await bob.goto("/signup");
      await bob.getByLabel("Email").fill(OTHER.email);
      await bob.getByLabel("Username (optional)").fill("Bob-The-Builder");
      await bob.getByLabel(/^Password/).fill(OTHER.password);
      await shot(bob, "signup-filled-phone");
      await bob.getByRole("button", { name: "Create account" }).click();
      await bob.waitForURL("**/projects");
      await poll(() => bob.getByText("No projects yet").count()).toBe(1);
      await shot(bob, "projects-phone");
      await bob.goto(projectUrl);
      await poll(() => heading(bob).textContent()).toBe("Project not found");
      await bob.goto(circuitUrl);
      await poll(() => heading(bob).textContent()).toMatch(/not found$/);
      await shot(bob, "not-found-phone");
      // Bob is not an admin: the users page is not found for him either.
      await bob.goto("/admin/users");
      await poll(() => heading(bob).textContent()).toBe("Page not found");

      // Once the owner invites him by his username as a viewer, he sees the project but cannot
      // create circuits.
      await page.goto(`${projectUrl}/members`);
      await poll(() => heading(page).textContent()).toBe("Members");
      await page.getByLabel("Email or username").fill("no such person");
      await page.getByRole("button", { name: "Add or invite" }).click();
      await poll(() => page.getByRole("alert").textContent()).toMatch(
        /3 to 39 letters/,
      );
      await page.getByLabel("Email or username").fill("nobody-by-that-name");
      await page.getByRole("button", { name: "Add or invite" }).click();
      await poll(() => page.getByRole("alert").textContent()).toMatch(
        /no account with this email or username/,
      );
      await page.getByLabel("Email or username").fill(OTHER.username);
      await page.locator('select[name="memberRole"]').selectOption("viewer");
      await page.getByRole("button", { name: "Add or invite" }).click();
      await poll(() =>
        page.getByLabel(`Role of ${OTHER.email}`).inputValue(),
      ).toBe("viewer");
      await poll(() => page.getByRole("alert").count()).toBe(0);
      expect(
        await page.getByRole("cell", { name: `@${OTHER.username}` }).count(),
      ).toBe(1);
      await expectAccessible(page, "members");
      await shot(page, "members");
      await bob.goto(projectUrl);
      await poll(() => heading(bob).textContent()).toBe("Bell lab");
      expect(await bob.getByLabel("New circuit name").count()).toBe(0);
      // Removing him hides the project again.
      await page.getByRole("button", { name: `Remove ${OTHER.email}` }).click();
      await poll(() =>
        page.getByRole("button", { name: `Remove ${OTHER.email}` }).count(),
      ).toBe(0);
      await bob.reload();
      await poll(() => heading(bob).textContent()).toBe("Project not found");
      await ctx.close();
    });

    it("creates an API key that works once shown, and revokes it", async () => {
      await page.goto("/settings/api-keys");
      await poll(() => heading(page).textContent()).toBe("API keys");
      await page.getByLabel("Key name").fill("ci");
      await page.getByRole("button", { name: "Create key" }).click();
      const keyBox = page.getByRole("textbox", { name: "New API key" });
      await poll(() => keyBox.inputValue()).toMatch(/^sf_/);
      const key = await keyBox.inputValue();
      const me = await fetch(`${server.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe(OWNER.email);
      await expectAccessible(page, "api keys");
      await shot(page, "api-keys");

      await page.getByRole("button", { name: "Revoke ci" }).click();
      await poll(() => page.getByText("No API keys.").count()).toBe(1);
      const after = await fetch(`${server.url}/api/v1/me`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(after.status).toBe(401);
    });

    it("lets the admin search users, change a role (never the last admin's), see the system's health, disable and enable a user", async () => {
      await page.goto("/admin/users");
      await poll(() => heading(page).textContent()).toBe("Administration");
      // The health view reads the real server: embedded database, its worker, the local store.
      const health = page.getByRole("list", { name: "System health" });
      await health.getByText("Embedded (PGlite), answered").waitFor();
      await health
        .getByText(/This server runs a worker with \d+ thread/)
        .waitFor();
      await health.getByText(/^Local folder, write and read back/).waitFor();
      await expect(health.getByText("Problem").count()).resolves.toBe(0);

      // Search narrows the list; the only admin cannot demote itself.
      await page.getByLabel("Search users").fill("BUILDER");
      await page.getByRole("button", { name: "Search" }).click();
      const users = page.getByRole("table", { name: /users/i });
      await poll(() => users.locator("tbody tr").count()).toBe(1);
      await page.getByText(OTHER.email).waitFor();
      await page.getByRole("button", { name: "Show all" }).click();
      await poll(() => users.locator("tbody tr").count()).toBeGreaterThan(1);
      await page
        .getByRole("combobox", { name: `Role of ${OWNER.email}` })
        .selectOption("user");
      await poll(() => page.getByRole("alert").textContent()).toMatch(
        /only enabled administrator/,
      );
      await poll(() =>
        page
          .getByRole("combobox", { name: `Role of ${OWNER.email}` })
          .inputValue(),
      ).toBe("admin");
      // Promote the other account and back.
      const role = page.getByRole("combobox", {
        name: `Role of ${OTHER.email}`,
      });
      await role.selectOption("admin");
      await poll(() =>
        page.locator("tr", { hasText: OTHER.email }).count(),
      ).toBe(1);
      await poll(async () => {
        const r = await fetch(`${server.url}/api/v1/auth/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            email: OTHER.email,
            password: OTHER.password,
          }),
        });
        const { accessToken } = (await r.json()) as { accessToken: string };
        const me = await fetch(`${server.url}/api/v1/me`, {
          headers: { authorization: `Bearer ${accessToken}` },
        });
        return ((await me.json()) as { role: string }).role;
      }).toBe("admin");
      await role.selectOption("user");
      await poll(() => role.inputValue()).toBe("user");
      await shot(page, "admin-page");

      const row = page.locator("tr", { hasText: OTHER.email });
      await row.getByRole("button", { name: `Disable ${OTHER.email}` }).click();
      await poll(() => row.locator("td").nth(5).textContent()).toBe("disabled");
      await expectAccessible(page, "admin users");
      await shot(page, "admin-users");
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: OTHER.email,
          password: OTHER.password,
        }),
      });
      expect(login.status).toBe(401);
      await row.getByRole("button", { name: `Enable ${OTHER.email}` }).click();
      await poll(() => row.locator("td").nth(5).textContent()).toBe("active");
    });

    it("signs out and back in, and the session survives a reload", async () => {
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL("**/signin");
      await expectAccessible(page, "sign in");
      await shot(page, "signin");
      // Signed out means signed out after a reload too: the cookie is gone.
      expect(await refreshCookie(owner)).toBeUndefined();
      await page.goto("/projects");
      await page.waitForURL(/\/signin\?next=%2Fprojects$/);
      await page.reload();
      await page.waitForURL(/\/signin\?next=%2Fprojects$/);
      await poll(() => heading(page).textContent()).toBe("Sign in");
      await signIn(page, { ...OWNER, password: "wrong password" });
      await poll(() => page.getByRole("alert").textContent()).toBe(
        "Invalid email or password",
      );
      await signIn(page, OWNER);
      await page.waitForURL("**/projects");
      await page.reload();
      await poll(() => heading(page).textContent()).toBe("Projects");
      await poll(() =>
        page
          .locator('[aria-label="Your projects"] .card-title')
          .allTextContents(),
      ).toEqual(["Bell lab"]);
      await expectAccessible(page, "projects");
      await shot(page, "projects");
    });

    it("keeps the refresh token in an HttpOnly cookie that page scripts cannot read, and none in localStorage", async () => {
      const cookie = await refreshCookie(owner);
      expect(cookie).toMatchObject({
        httpOnly: true,
        sameSite: "Strict",
        path: "/api/v1/auth",
        secure: false,
      });
      expect(cookie?.value).toMatch(/^sfr_/);
      // Max-Age is the refresh token's lifetime (30 days by default).
      const days = ((cookie?.expires ?? 0) - Date.now() / 1000) / 86_400;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThanOrEqual(30);
      const seen = await page.evaluate(() => ({
        cookie: document.cookie,
        storage: Object.entries(localStorage),
        session: Object.entries(sessionStorage),
      }));
      expect(seen.cookie).not.toContain("sf_refresh");
      for (const [key, value] of [...seen.storage, ...seen.session]) {
        expect(key).not.toBe("sf.refresh");
        expect(value).not.toMatch(/sfr_|eyJ/);
      }
    });

    it("keeps two tabs signed in when both reload and refresh at the same moment", async () => {
      const second = await owner.newPage();
      await second.goto("/projects");
      await poll(() => heading(second).textContent()).toBe("Projects");
      for (let round = 0; round < 3; round++) {
        await Promise.all([page.reload(), second.reload()]);
        for (const p of [page, second])
          await poll(() => heading(p).textContent()).toBe("Projects");
      }
      await second.close();
      // The session was rotated, never revoked: a further reload still resumes it.
      await page.reload();
      await poll(() => heading(page).textContent()).toBe("Projects");
    });

    it("moves a refresh token an older version left in localStorage into the cookie", async () => {
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(OWNER),
      });
      const { refreshToken } = (await login.json()) as {
        refreshToken: string;
      };
      const legacy = await browser.newContext({ baseURL: server.url });
      legacy.setDefaultTimeout(15_000);
      await legacy.addInitScript((token) => {
        if (sessionStorage.getItem("seeded") === null) {
          sessionStorage.setItem("seeded", "1");
          localStorage.setItem("sf.refresh", token);
        }
      }, refreshToken);
      const p = await legacy.newPage();
      await p.goto("/projects");
      await poll(() => heading(p).textContent()).toBe("Projects");
      expect(await p.evaluate(() => localStorage.getItem("sf.refresh"))).toBe(
        null,
      );
      expect((await refreshCookie(legacy))?.value).toMatch(/^sfr_/);
      await legacy.close();
    });

    it("sends an expired session to sign in and keeps the unsaved text", async () => {
      await page.goto(circuitUrl);
      await page.locator(".cm-content").waitFor();
      await setEditorText(
        page,
        'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\n// draft\n',
      );
      await poll(() => page.getByText("Unsaved changes").count()).toBe(1);
      // End the session on the server, as an expiry or a sign-out elsewhere would.
      const refreshToken = (await refreshCookie(owner))?.value;
      expect(refreshToken).toBeTruthy();
      const out = await fetch(`${server.url}/api/v1/auth/logout`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refreshToken }),
      });
      expect(out.status).toBe(204);
      await page.reload();
      await page.waitForURL(/\/signin\?next=/);
      await poll(() => page.getByText(/session has expired/).count()).toBe(1);
      await signIn(page, OWNER);
      await page.waitForURL(`**${circuitUrl}`);
      await page.locator(".cm-content").waitFor();
      await poll(() => editorText(page)).toContain("// draft");
      await poll(() =>
        page.getByText("Restored unsaved changes kept in this tab.").count(),
      ).toBe(1);
    });

    it("changes the password in the settings", async () => {
      await page.goto("/settings");
      await poll(() => heading(page).textContent()).toBe("Account settings");
      await page.getByLabel("Current password").fill("not it at all");
      await page.getByLabel(/^New password/).fill("a new long password");
      await page.getByRole("button", { name: "Change password" }).click();
      await poll(() => page.getByRole("alert").textContent()).toMatch(
        /current password is wrong/i,
      );
      await page.getByLabel("Current password").fill(OWNER.password);
      await page.getByRole("button", { name: "Change password" }).click();
      await poll(() => page.getByText("Password changed.").count()).toBe(1);
      // The username (derived from the email at sign-up) can be changed here.
      expect(await page.getByLabel("Username").inputValue()).toBe("ada");
      await page.getByLabel("Username").fill("Ada-Lovelace");
      await page.getByRole("button", { name: "Save profile" }).click();
      await poll(() => page.getByText("Profile saved.").count()).toBe(1);
      await poll(() => page.getByText("@ada-lovelace").count()).toBe(1);
      await expectAccessible(page, "settings");
      await shot(page, "settings");
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          email: OWNER.email,
          password: "a new long password",
        }),
      });
      expect(login.status).toBe(200);
    });

    it("resets a forgotten password with the link from the email", async () => {
      const ctx = await browser.newContext({ baseURL: server.url });
      ctx.setDefaultTimeout(15_000);
      const p = await ctx.newPage();
      await p.goto("/signin");
      await p.getByRole("link", { name: "Forgot your password?" }).click();
      await poll(() => heading(p).textContent()).toBe("Reset your password");
      await p.getByLabel("Email").fill(OTHER.email);
      await p.getByRole("button", { name: "Email me a reset link" }).click();
      await poll(() => p.getByText(/reset link is on its way/).count()).toBe(1);
      await poll(() =>
        mailbox.messages.some((m) => m.includes(OTHER.email)),
      ).toBe(true);
      const link = resetLink(
        mailbox.messages.find((m) => m.includes(OTHER.email)) ?? "",
      );
      expect(link).toMatch(/^\/reset-password\?token=/);
      await p.goto(link ?? "");
      await p.getByLabel(/^New password/).fill("reset by email 3");
      await p.getByRole("button", { name: "Set new password" }).click();
      await poll(() =>
        p.getByText("Your password has been changed.").count(),
      ).toBe(1);
      // The link works once.
      await p.goto(link ?? "");
      await p.getByLabel(/^New password/).fill("reset by email 4");
      await p.getByRole("button", { name: "Set new password" }).click();
      await poll(() => p.getByRole("alert").count()).toBe(1);
      await p.goto("/signin");
      await signIn(p, { email: OTHER.email, password: "reset by email 3" });
      await p.waitForURL("**/projects");
      await ctx.close();
    });

    it("signs in with the keyboard alone, with a visible focus ring", async () => {
      const ctx = await browser.newContext({ baseURL: server.url });
      ctx.setDefaultTimeout(15_000);
      const p = await ctx.newPage();
      await p.goto("/signin");
      await poll(() => heading(p).textContent()).toBe("Sign in");
      const focused = () =>
        p.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return {
            name: el?.getAttribute("name") ?? el?.textContent ?? "",
            outline: el ? getComputedStyle(el).outlineStyle : "",
          };
        });
      let tabs = 0;
      while ((await focused()).name !== "email" && tabs++ < 15)
        await p.keyboard.press("Tab");
      expect((await focused()).outline).toBe("solid");
      await p.keyboard.type(OWNER.email);
      await p.keyboard.press("Tab");
      expect((await focused()).name).toBe("password");
      await p.keyboard.type("a new long password");
      await p.keyboard.press("Enter");
      await p.waitForURL("**/projects");
      await poll(() => heading(p).textContent()).toBe("Projects");
      await ctx.close();
    });

    it("looks right in dark mode on a phone, with no serious accessibility problems", async () => {
      const ctx = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 390, height: 844 },
        colorScheme: "dark",
      });
      ctx.setDefaultTimeout(15_000);
      const p = await ctx.newPage();
      await p.goto("/signin");
      await signIn(p, { email: OWNER.email, password: "a new long password" });
      await p.waitForURL("**/projects");
      await p.goto(circuitUrl);
      await p.locator(".cm-content").waitFor();
      await p.locator("svg.circuit").waitFor();
      await expectAccessible(p, "circuit (dark, phone)");
      await shot(p, "circuit-dark-phone");
      await p.goto(jobUrl);
      await p.getByRole("table", { name: "Statevector" }).waitFor();
      await expectAccessible(p, "job (dark, phone)");
      await shot(p, "job-dark-phone");
      await p.goto(`${projectUrl}/jobs`);
      await p.getByRole("table", { name: "Jobs" }).waitFor();
      await expectAccessible(p, "jobs (dark, phone)");
      await shot(p, "jobs-dark-phone");
      await p.goto("/reset-password");
      await expectAccessible(p, "reset password (dark)");
      await shot(p, "reset-password-dark-phone");
      await ctx.close();
    });
  },
);
