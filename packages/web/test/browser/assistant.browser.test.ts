/**
 * The assistant panel in Debian's Chromium against the real app (in-process, fresh PGlite) and
 * the loopback fake LLM provider speaking the OpenAI protocol: streamed Markdown answers, tool
 * steps, QASM badges, insert into editor, apply an edit proposal, an invalid circuit, an error,
 * history after a reload, and the not-configured state. Skips when /usr/bin/chromium is missing.
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
import {
  buildWeb,
  CHROMIUM,
  launchBrowser,
  RESULTS_DIR,
  startFakeAiProvider,
  type FakeAiProvider,
} from "./harness.ts";

const hasBrowser = existsSync(CHROMIUM);
const poll = <T>(fn: () => Promise<T> | T, timeout = 15_000) =>
  expect.poll(fn, { timeout, interval: 100 });

const BELL = `OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
bit[2] c;
h q[0];
cx q[0], q[1];
c = measure q;
`;
const GHZ = `OPENQASM 3.0;
include "stdgates.inc";
qubit[3] q;
bit[3] c;
h q[0];
cx q[0], q[1];
cx q[1], q[2];
c = measure q;
`;
const BROKEN = `OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
h q[0]
cx q[0], q[7];
`;
const USER = { email: "grace@example.com", password: "correct horse 3" };

describe.skipIf(!hasBrowser)("assistant panel in Chromium", () => {
  let database: Database;
  let fake: FakeAiProvider;
  let app: FastifyInstance;
  let off: FastifyInstance;
  let url = "";
  let offUrl = "";
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let circuitPath = "";
  let circuitId = "";
  const pageErrors: string[] = [];

  const shot = (p: Page, name: string) =>
    p.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true });

  const expectAccessible = async (p: Page, what: string) => {
    const result = await new AxeBuilder({ page: p })
      .include(".assistant")
      .analyze();
    const bad = result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map(
        (v) =>
          `${what}: ${v.id} ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
      );
    expect(bad).toEqual([]);
  };

  const editorText = (p: Page) =>
    p.evaluate(() =>
      Array.from(document.querySelectorAll(".cm-content .cm-line"))
        .map((l) => l.textContent)
        .join("\n"),
    );

  const signIn = async (p: Page, base: string) => {
    await p.goto(`${base}/signin`);
    await p.getByLabel("Email").fill(USER.email);
    await p.getByLabel("Password").fill(USER.password);
    await p.getByRole("button", { name: "Sign in" }).click();
    await p.waitForURL("**/projects");
  };

  const ask = async (text: string) => {
    const box = page.getByLabel("Ask the assistant");
    await box.fill(text);
    await box.press("Enter");
  };

  async function api<T>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ) {
    const res = await fetch(`${url}/api/v1${path}`, {
      method,
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok)
      throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    mkdirSync(RESULTS_DIR, { recursive: true });
    const webDir = buildWeb();
    fake = await startFakeAiProvider();
    database = await openPglite(undefined);
    await database.migrate();
    const loaded = loadConfig({
      LOG_LEVEL: "error",
      STEPFAULT_DATA_DIR: "/nonexistent-stepfault-e2e",
    });
    if (!loaded.ok) throw new Error("config");
    const base = {
      ...loaded.config,
      jwtSecret: randomBytes(32).toString("hex"),
      authRateLimitPerMinute: 10_000,
      apiRateLimitPerMinute: 100_000,
    };
    app = await buildApp(
      {
        ...base,
        ai: {
          ...base.ai,
          provider: "openai",
          baseUrl: fake.openaiBaseUrl,
          apiKey: "sk-e2e",
          model: "gpt-e2e",
          maxRetries: 0,
        },
      },
      { database, webDir },
    );
    url = await app.listen({ port: 0, host: "127.0.0.1" });
    off = await buildApp(base, {
      database,
      webDir,
      jobs: { runWorker: false },
    });
    offUrl = await off.listen({ port: 0, host: "127.0.0.1" });

    await api("POST", "/auth/register", USER);
    const { accessToken } = await api<{ accessToken: string }>(
      "POST",
      "/auth/login",
      USER,
    );
    const project = await api<{ id: string }>(
      "POST",
      "/projects",
      { name: "Assistant lab" },
      accessToken,
    );
    const circuit = await api<{ id: string }>(
      "POST",
      `/projects/${project.id}/circuits`,
      { name: "bell", source: BELL },
      accessToken,
    );
    circuitId = circuit.id;
    circuitPath = `/projects/${project.id}/circuits/${circuit.id}`;

    browser = await launchBrowser();
    context = await browser.newContext({
      viewport: { width: 1440, height: 900 },
    });
    context.setDefaultTimeout(15_000);
    page = await context.newPage();
    page.on("dialog", (d) => void d.accept());
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    expect(pageErrors).toEqual([]);
    await browser?.close();
    await off?.close();
    await app?.close();
    await database?.close();
    await fake?.close();
  });

  it("opens beside the editor, streams a tool-using answer with a compiled block, and inserts it", async () => {
    await signIn(page, url);
    await page.goto(`${url}${circuitPath}`);
    await page.locator(".cm-content").waitFor();
    await page.getByRole("button", { name: "Assistant" }).click();
    const panel = page.getByRole("complementary", { name: "Assistant" });
    await panel.waitFor();
    await poll(() => panel.getByText("Ask about this circuit").count()).toBe(1);

    fake.script(
      {
        toolCalls: [
          { name: "validate_qasm", arguments: { source: BROKEN } },
          { name: "simulate", arguments: { source: BELL, shots: 200 } },
        ],
      },
      {
        text:
          "## A GHZ state\nYour draft misses a `;` on **line 4**. Here is a three-qubit version:\n\n```qasm\n" +
          GHZ +
          "```\n\n- `h` makes a superposition\n- each `cx` copies it\n\n<script>alert(1)</script>",
      },
    );
    await ask("Make this a GHZ circuit");
    await poll(() => panel.getByText("✓ Compiles").count()).toBe(1);
    await expect(
      panel.getByText(/simulated 1024 shots: (000|111): \d+/).count(),
    ).resolves.toBe(1);
    await expect(
      panel.locator(".chat-step.error", { hasText: "validate_qasm" }).count(),
    ).resolves.toBe(0);
    await expect(
      panel
        .locator(".chat-step", { hasText: /validate_qasm\s+\d+ problems?/ })
        .count(),
    ).resolves.toBe(1);
    await expect(
      panel
        .locator(".chat-step", {
          hasText: /simulate\s+job succeeded: (00|11): \d+/,
        })
        .count(),
    ).resolves.toBe(1);
    await expect(
      panel.locator("h4", { hasText: "A GHZ state" }).count(),
    ).resolves.toBe(1);
    await expect(
      panel.locator("strong", { hasText: "line 4" }).count(),
    ).resolves.toBe(1);
    await expect(
      panel.locator(".code-block .tok-keyword").first().textContent(),
    ).resolves.toBe("OPENQASM");
    // raw HTML from the model is text, never markup
    await expect(panel.locator("script").count()).resolves.toBe(0);
    await expect(
      panel.getByText("<script>alert(1)</script>").count(),
    ).resolves.toBe(1);
    await expectAccessible(page, "assistant answer");
    await shot(page, "assistant-answer");

    await panel.getByRole("button", { name: "Insert into editor" }).click();
    await poll(() => editorText(page)).toBe(GHZ.trimEnd());
    await poll(() => page.getByText("Unsaved changes").count()).toBe(1);
    // what the model was told: the open circuit and its editor text
    const system = (fake.requests[0].body.messages as { content: string }[])[0]
      .content;
    expect(system).toContain(`## Open circuit: bell (id ${circuitId})`);
  });

  it("applies an edit proposal as a new revision only when the person clicks", async () => {
    fake.script(
      {
        toolCalls: [
          {
            name: "propose_edit",
            arguments: {
              circuitId,
              source: GHZ,
              summary: "Extend to a GHZ state",
            },
          },
        ],
      },
      {
        text: "I proposed the GHZ version as an edit; apply it if you like it.",
      },
    );
    const panel = page.getByRole("complementary", { name: "Assistant" });
    await ask("Save that as an edit proposal");
    const card = panel.getByLabel("Proposed edit");
    await poll(() => card.getByText("Extend to a GHZ state").count()).toBe(1);
    await expect(
      page.getByText("Revision 1", { exact: true }).count(),
    ).resolves.toBe(1);
    await shot(page, "assistant-proposal");
    await card.getByRole("button", { name: "Apply edit" }).click();
    await poll(() => card.getByText("Applied as revision 2").count()).toBe(1);
    await poll(() =>
      page.getByText("Revision 2", { exact: true }).count(),
    ).toBe(1);
    await poll(() => page.getByText("All changes saved").count()).toBe(1);
    await poll(() => editorText(page)).toBe(GHZ);
  });

  it("shows a block that stays invalid with its errors, and provider errors as messages", async () => {
    const bad = { text: "Try this:\n```qasm\n" + BROKEN + "```" };
    fake.script(bad, bad, bad);
    const panel = page.getByRole("complementary", { name: "Assistant" });
    await ask("Write me a broken circuit");
    await poll(() => panel.getByText("✗ Does not compile").count()).toBe(1);
    await expect(
      panel.locator(".qasm-badge.invalid li").first().textContent(),
    ).resolves.toMatch(/^4:\d+ /);
    await expect(
      panel.getByText(/did not compile; asking for a fix/).count(),
    ).resolves.toBe(2);
    await expect(
      panel.getByRole("button", { name: "Insert into editor" }).count(),
    ).resolves.toBe(1); // only the earlier valid block
    await shot(page, "assistant-invalid");

    fake.script({ status: 400 });
    await ask("And now?");
    await poll(() =>
      panel
        .getByRole("alert")
        .filter({ hasText: "The AI provider rejected the request" })
        .count(),
    ).toBe(1);
    await expect(
      page.getByLabel("Ask the assistant").inputValue(),
    ).resolves.toBe("And now?");
  });

  it("keeps the conversation history across a reload", async () => {
    await page.reload();
    const panel = page.getByRole("complementary", { name: "Assistant" });
    await panel.waitFor();
    await poll(() =>
      panel
        .getByLabel("Conversation", { exact: true })
        .locator("option:checked")
        .textContent(),
    ).toBe("Make this a GHZ circuit");
    await poll(() => panel.getByText("✓ Compiles").count()).toBe(1);
    await expect(panel.getByText("✗ Does not compile").count()).resolves.toBe(
      1,
    );
    await expect(
      panel.getByText("Applied as revision 2").count(),
    ).resolves.toBe(1);
    // dark theme and a phone: the panel stacks under the workbench and stays usable
    await page.emulateMedia({ colorScheme: "dark" });
    await expectAccessible(page, "assistant dark");
    await shot(page, "assistant-dark");
    await page.setViewportSize({ width: 390, height: 844 });
    await panel.scrollIntoViewIfNeeded();
    await shot(page, "assistant-phone");
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.emulateMedia({ colorScheme: "light" });
    await panel.getByRole("button", { name: "New" }).click();
    await poll(() => panel.getByText("Ask about this circuit").count()).toBe(1);
  });

  it("keeps Send disabled while an answer streams, and explains a message another tab sent meanwhile", async () => {
    const panel = page.getByRole("complementary", { name: "Assistant" });
    const before = fake.requests.length;
    fake.script({ text: "A slow answer, word by word.", stallMs: 8000 });
    await ask("First tab asks");
    const sendButton = panel.getByRole("button", { name: "Send" });
    await poll(() => panel.getByRole("button", { name: "Stop" }).count()).toBe(
      1,
    );
    await poll(() =>
      panel.locator(".chat-user", { hasText: "First tab asks" }).count(),
    ).toBe(1);
    await expect(sendButton.isDisabled()).resolves.toBe(true);
    // typing does not enable it, and Enter sends nothing
    await ask("Impatient follow-up");
    await expect(sendButton.isDisabled()).resolves.toBe(true);
    await expect(
      page.getByLabel("Ask the assistant").inputValue(),
    ).resolves.toBe("Impatient follow-up");

    // a second tab on the same conversation (the most recent one) sends while the answer streams
    const other = await context.newPage();
    other.on("pageerror", (e) => pageErrors.push(e.message));
    await other.goto(`${url}${circuitPath}`);
    await other.locator(".cm-content").waitFor();
    const otherPanel = other.getByRole("complementary", { name: "Assistant" });
    if ((await otherPanel.count()) === 0)
      await other.getByRole("button", { name: "Assistant" }).click();
    await poll(() =>
      otherPanel.locator(".chat-user", { hasText: "First tab asks" }).count(),
    ).toBe(1);
    const box = other.getByLabel("Ask the assistant");
    await box.fill("Second tab asks");
    await box.press("Enter");
    await poll(() =>
      otherPanel
        .getByRole("alert")
        .filter({
          hasText:
            /still answering another message .*Wait for that answer to finish/,
        })
        .count(),
    ).toBe(1);
    await expect(box.inputValue()).resolves.toBe("Second tab asks");
    await expectAccessible(other, "assistant busy");
    await shot(other, "assistant-busy");
    await other.close();

    // the first tab's answer completes; the refused message never reached the model
    await poll(
      () => panel.getByText("A slow answer, word by word.").count(),
      20_000,
    ).toBe(1);
    await poll(() => panel.getByRole("button", { name: "Stop" }).count()).toBe(
      0,
    );
    await expect(sendButton.isDisabled()).resolves.toBe(false);
    expect(fake.requests.length - before).toBe(1);
    await page.getByLabel("Ask the assistant").fill("");
  });

  it("explains the missing provider instead of a broken panel", async () => {
    // A context of its own: cookies are per host, not per port, so in the shared context the
    // session cookie of the first server would already sign this page in on the second.
    const offContext = await browser.newContext({
      viewport: { width: 1440, height: 900 },
    });
    offContext.setDefaultTimeout(15_000);
    const p = await offContext.newPage();
    p.on("pageerror", (e) => pageErrors.push(e.message));
    await signIn(p, offUrl);
    await p.goto(`${offUrl}${circuitPath}`);
    await p.locator(".cm-content").waitFor();
    const panel = p.getByRole("complementary", { name: "Assistant" });
    // the panel stays open (remembered per browser origin? no: a new origin starts closed)
    if ((await panel.count()) === 0)
      await p.getByRole("button", { name: "Assistant" }).click();
    await poll(() =>
      panel
        .getByText(/has not configured an AI provider: set AI_PROVIDER/)
        .count(),
    ).toBe(1);
    await expect(panel.getByLabel("Ask the assistant").count()).resolves.toBe(
      0,
    );
    await expectAccessible(p, "assistant not configured");
    await shot(p, "assistant-not-configured");
    await offContext.close();
  });
});
