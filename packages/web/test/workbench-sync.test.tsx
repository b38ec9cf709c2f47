// @vitest-environment jsdom
import { EditorView } from "@codemirror/view";
import {
  act,
  cleanup,
  fireEvent,
  render,
  screen,
  waitFor,
} from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { WorkbenchPage } from "../src/workbench/WorkbenchPage.tsx";

const BELL =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0], q[1];\n';

async function openWorkbench(text = BELL) {
  const { container } = render(
    <WorkbenchPage initialText={text} runLocally={false} />,
  );
  await waitFor(() =>
    expect(container.querySelector(".cm-content")).not.toBeNull(),
  );
  const view = EditorView.findFromDOM(
    container.querySelector(".cm-editor") as HTMLElement,
  );
  if (!view) throw new Error("no editor view");
  return { container, view, doc: () => view.state.doc.toString() };
}
const opLabels = (container: HTMLElement) =>
  [...container.querySelectorAll("[data-op-index]")].map((g) =>
    g.getAttribute("aria-label"),
  );

// jsdom has no layout: CodeMirror measures text ranges, so give ranges empty rectangles.
const emptyRects = () =>
  Object.assign([], { item: () => null }) as unknown as DOMRectList;
Range.prototype.getClientRects = emptyRects;
Range.prototype.getBoundingClientRect = () => new DOMRect(0, 0, 0, 0);

afterEach(cleanup);

describe("WorkbenchPage text <-> drawing sync", () => {
  it("draws the circuit of the initial text", async () => {
    const { container } = await openWorkbench();
    expect(opLabels(container)).toEqual([
      "h on q[0], column 1",
      "cx on q[0], q[1], column 2",
    ]);
  });

  it("redraws when the text changes, and keeps the last good drawing while it has errors", async () => {
    const { container, view } = await openWorkbench();
    act(() =>
      view.dispatch({
        changes: { from: view.state.doc.length, insert: "x q[1];\n" },
      }),
    );
    await waitFor(() =>
      expect(opLabels(container)).toContain("x on q[1], column 3"),
    );
    act(() =>
      view.dispatch({
        changes: { from: view.state.doc.length, insert: "h q[7];\n" },
      }),
    );
    // The problem is reported at line 8, column 5: the index 7 of `h q[7];`.
    const problem = await screen.findByRole("button", { name: /^8:5 error/ });
    expect(problem.textContent).toMatch(/out of range/);
    // The editor's status (the share bar has a status line of its own).
    expect(screen.getAllByRole("status").map((e) => e.textContent)).toContain(
      "1 error",
    );
    expect(opLabels(container)).toHaveLength(3);
    expect(screen.getByText(/last circuit without errors/)).toBeTruthy();
  });

  it("rewrites the text when a gate is placed from the palette", async () => {
    const { container, doc } = await openWorkbench();
    fireEvent.click(screen.getByRole("button", { name: "H" }));
    fireEvent.click(container.querySelector('rect[data-wire="1"]') as Element);
    await waitFor(() => expect(doc()).toContain("h q[1];"));
    expect(doc()).toMatch(/^OPENQASM 2\.0;/);
    await waitFor(() =>
      expect(opLabels(container)).toContain("h on q[1], column 1 (selected)"),
    );
  });

  it("deletes the selected gate with the keyboard and undoes it", async () => {
    const { container, doc } = await openWorkbench();
    const h = container.querySelector('[data-op-index="0"]') as Element;
    fireEvent.pointerDown(h, { clientX: 10, clientY: 10 });
    fireEvent.pointerUp(h, { clientX: 10, clientY: 10 });
    const canvas = screen.getByLabelText(/Circuit drawing \(keyboard/);
    fireEvent.keyDown(canvas, { key: "Delete" });
    await waitFor(() => expect(doc()).not.toContain("h q[0];"));
    expect(doc()).toContain("cx q[0], q[1];");
    fireEvent.keyDown(canvas, { key: "z", ctrlKey: true });
    await waitFor(() => expect(doc()).toContain("h q[0];"));
    fireEvent.keyDown(canvas, { key: "z", ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(doc()).not.toContain("h q[0];"));
  });

  it("places a two-qubit gate and then its target on a second wire", async () => {
    const { container, doc } = await openWorkbench(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\n',
    );
    fireEvent.click(screen.getByRole("button", { name: "CX" }));
    fireEvent.click(container.querySelector('rect[data-wire="0"]') as Element);
    await waitFor(() => expect(doc()).toContain("cx q[0], q[1];"));
    fireEvent.click(container.querySelector('rect[data-wire="2"]') as Element);
    await waitFor(() => expect(doc()).toContain("cx q[0], q[2];"));
  });

  it("leaves the text alone when a gate is only selected", async () => {
    const text = BELL + "// my notes stay\n";
    const { container, doc } = await openWorkbench(text);
    const h = container.querySelector('[data-op-index="0"]') as Element;
    fireEvent.pointerDown(h, { clientX: 10, clientY: 10 });
    fireEvent.pointerUp(h, { clientX: 10, clientY: 10 });
    await waitFor(() =>
      expect(opLabels(container)[0]).toBe("h on q[0], column 1 (selected)"),
    );
    expect(doc()).toBe(text);
  });

  it("refuses drawing edits while the text has errors, keeping the text", async () => {
    const { container, view, doc } = await openWorkbench();
    act(() =>
      view.dispatch({
        changes: { from: view.state.doc.length, insert: "h q[9" },
      }),
    );
    const broken = doc();
    fireEvent.click(screen.getByRole("button", { name: "X" }));
    fireEvent.click(container.querySelector('rect[data-wire="0"]') as Element);
    expect((await screen.findByRole("alert")).textContent).toMatch(
      /text has errors/,
    );
    expect(doc()).toBe(broken);
    expect(opLabels(container)).toHaveLength(2);
  });
});

describe("WorkbenchPage keyboard placement", () => {
  it("places an armed gate and a target with arrows and Enter", async () => {
    const { doc } = await openWorkbench(
      'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[3] q;\n',
    );
    fireEvent.click(screen.getByRole("button", { name: "CX" }));
    const canvas = screen.getByLabelText(/Circuit drawing \(keyboard/);
    fireEvent.keyDown(canvas, { key: "ArrowDown" });
    fireEvent.keyDown(canvas, { key: "Enter" });
    await waitFor(() => expect(doc()).toContain("cx q[1], q[2];"));
    fireEvent.keyDown(canvas, { key: "ArrowUp" });
    fireEvent.keyDown(canvas, { key: "Enter" });
    await waitFor(() => expect(doc()).toContain("cx q[1], q[0];"));
  });
});
