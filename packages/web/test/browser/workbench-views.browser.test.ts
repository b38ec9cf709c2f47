/**
 * The workbench's composer against the text, in Debian's Chromium with the real app: a composer
 * edit changes only the lines it touches (comments, a custom gate definition and a register-wide
 * measure stay byte for byte), a custom gate is drawn as one box, and an edit that would need
 * restructuring asks first. Skips when /usr/bin/chromium is missing.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { compileQasm, simulate } from "@stepfault/quantum";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sameCircuit } from "../../src/composer/actions.ts";
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
    server = await startInProcessApp();
    browser = await launchBrowser();
    const context = await browser.newContext({
      acceptDownloads: true,
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

  it("shows Bloch vectors and marginals that match the simulator for random 1-3 qubit states", async () => {
    // Expected values from the library alone: <Z> from the state, <X> and <Y> after rotating the
    // qubit's axis onto Z (h; sdg then h), as probabilities of simulate()'s statevector.
    const marginal1 = (text: string, k: number) => {
      const r = compileQasm(text);
      if (!r.ok) throw new Error("does not compile");
      const out = simulate(r.circuit, { shots: 0, statevector: true, seed: 1 });
      if (!out.ok || !out.result.statevector) throw new Error("no state");
      const sv = out.result.statevector;
      let p1 = 0;
      for (let i = 0; i < sv.length / 2; i++)
        if ((i >> k) & 1) p1 += sv[2 * i] ** 2 + sv[2 * i + 1] ** 2;
      return p1;
    };
    let seed = 12345;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const n of [1, 2, 3, 2, 3]) {
      const lines = [
        `OPENQASM 3.0;`,
        `include "stdgates.inc";`,
        `qubit[${n}] q;`,
      ];
      for (let layer = 0; layer < 2; layer++) {
        for (let k = 0; k < n; k++)
          lines.push(
            `U(${(rand() * Math.PI).toFixed(6)}, ${(rand() * 2 * Math.PI).toFixed(6)}, ${(rand() * 2 * Math.PI).toFixed(6)}) q[${k}];`,
          );
        if (n > 1) lines.push(`cx q[${layer % n}], q[${(layer + 1) % n}];`);
      }
      const text = lines.join("\n") + "\n";
      await setEditorText(text);
      const live = page.getByRole("region", { name: "Live state" });
      await poll(() => live.getAttribute("data-source-length")).toBe(
        String(text.length),
      );
      await poll(() => live.getAttribute("aria-busy")).toBe("false");
      const shown = await live.locator("li.live-qubit").evaluateAll((lis) =>
        lis.map((li) => {
          const svg = li.querySelector("svg.bloch") as SVGElement;
          return {
            p1: Number(li.getAttribute("data-p1")),
            x: Number(svg.getAttribute("data-x")),
            y: Number(svg.getAttribute("data-y")),
            z: Number(svg.getAttribute("data-z")),
          };
        }),
      );
      expect(shown).toHaveLength(n);
      for (let k = 0; k < n; k++) {
        const z = 1 - 2 * marginal1(text, k);
        const x = 1 - 2 * marginal1(`${text}h q[${k}];\n`, k);
        const y = 1 - 2 * marginal1(`${text}sdg q[${k}];\nh q[${k}];\n`, k);
        expect(shown[k].p1).toBeCloseTo(marginal1(text, k), 9);
        expect(shown[k].x).toBeCloseTo(x, 9);
        expect(shown[k].y).toBeCloseTo(y, 9);
        expect(shown[k].z).toBeCloseTo(z, 9);
      }
    }
    await page.screenshot({ path: join(RESULTS_DIR, "live-view.png") });
  });

  it("exports OpenQASM 3 and 2 that re-import (file picker, drag-and-drop) to the same circuit; SVG, PNG and counts too", async () => {
    await setEditorText(SOURCE);
    const drawing = page.getByRole("group", { name: /^Circuit drawing/ });
    const labels = () =>
      drawing
        .getByRole("img")
        .evaluateAll((gs) => gs.map((g) => g.getAttribute("aria-label")));
    const drawn = await labels();
    const bar = page.getByRole("toolbar", { name: "Share and export" });
    const save = async (name: string) => {
      const [d] = await Promise.all([
        page.waitForEvent("download"),
        bar.getByRole("button", { name, exact: true }).click(),
      ]);
      return { name: d.suggestedFilename(), path: (await d.path()) ?? "" };
    };
    const v3 = await save("OpenQASM 3");
    expect(v3.name).toBe("circuit.qasm");
    expect(readFileSync(v3.path, "utf8")).toBe(SOURCE); // its own text, comments and all
    const v2 = await save("OpenQASM 2");
    const text2 = readFileSync(v2.path, "utf8");
    expect(text2).toMatch(/^OPENQASM 2\.0;\ninclude "qelib1\.inc";/);
    const same = (a: string, b: string) => {
      const ra = compileQasm(a);
      const rb = compileQasm(b);
      return ra.ok && rb.ok && sameCircuit(ra.circuit, rb.circuit);
    };
    expect(same(text2, SOURCE)).toBe(true);

    // Upload the OpenQASM 2 file with the file picker.
    await setEditorText(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\n',
    );
    await page.locator('input[type="file"]').setInputFiles(v2.path);
    await poll(doc).toBe(text2);
    await poll(async () => (await labels()).length).toBe(4); // h, cx, 2 measures
    // Drop the OpenQASM 3 file on the editor.
    await page.evaluate(
      (t) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], "bell.qasm", { type: "text/plain" }));
        const target = document.querySelector(".cm-content") as HTMLElement;
        for (const type of ["dragenter", "dragover", "drop"])
          target.dispatchEvent(
            new DragEvent(type, {
              dataTransfer: dt,
              bubbles: true,
              cancelable: true,
            }),
          );
      },
      readFileSync(v3.path, "utf8"),
    );
    await poll(doc).toBe(SOURCE);
    await poll(labels).toEqual(drawn);

    const svg = await save("SVG");
    const svgText = readFileSync(svg.path, "utf8");
    expect(svgText).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svgText).toContain(">BELL<");
    expect(svgText).not.toContain("wire-hit");
    const png = await save("PNG");
    expect(readFileSync(png.path).subarray(1, 4).toString()).toBe("PNG");

    // Counts after a run, as CSV and JSON.
    await page.getByRole("button", { name: "Run", exact: true }).click();
    const results = page.getByRole("group", { name: "Export counts" });
    await results.waitFor();
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      results.getByRole("button", { name: "Counts CSV" }).click(),
    ]);
    const rows = readFileSync((await csv.path()) ?? "", "utf8")
      .trim()
      .split("\n");
    expect(rows[0]).toBe("outcome,count,probability");
    const outcomes = rows.slice(1).map((r) => r.split(","));
    expect(
      outcomes.map((r) => r[0]).every((k) => k === "00" || k === "11"),
    ).toBe(true);
    expect(outcomes.reduce((a, r) => a + Number(r[1]), 0)).toBe(1000);
    const [json] = await Promise.all([
      page.waitForEvent("download"),
      results.getByRole("button", { name: "Counts JSON" }).click(),
    ]);
    const parsed = JSON.parse(readFileSync((await json.path()) ?? "", "utf8"));
    expect(parsed.shots).toBe(1000);
    expect(Object.keys(parsed.probabilities).sort()).toEqual(
      outcomes.map((r) => r[0]).sort(),
    );
    await page.screenshot({ path: join(RESULTS_DIR, "workbench-export.png") });
    await page.emulateMedia({ colorScheme: "dark" });
    await drawing
      .getByRole("img", { name: /^bell/ })
      .locator("rect.gate")
      .click();
    await page.screenshot({ path: join(RESULTS_DIR, "workbench-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("had no page errors", () => {
    expect(pageErrors).toEqual([]);
  });
});
