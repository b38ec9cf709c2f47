// @vitest-environment jsdom
import type { GateOp } from "@stepfault/quantum";
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { entryText, GateReference } from "../src/composer/GateReference.tsx";

afterEach(cleanup);

const gate = (
  name: string,
  qubits: number[],
  params: number[] = [],
  controls: number[] = [],
): GateOp => ({
  kind: "gate",
  name,
  qubits,
  params,
  controls,
});

const cells = () =>
  [...document.querySelectorAll("table.matrix tr")].map((tr) =>
    [...tr.querySelectorAll("td")].map((td) => td.textContent),
  );

describe("gate reference in the inspector", () => {
  it("writes matrix entries as a textbook does", () => {
    expect(entryText(Math.SQRT1_2, 0)).toBe("1/√2");
    expect(entryText(-Math.SQRT1_2, 0)).toBe("−1/√2");
    expect(entryText(0, -1)).toBe("−i");
    expect(entryText(0.5, 0.5)).toBe("e^(iπ/4)/√2");
    expect(entryText(Math.cos(0.3), 0)).toBe("0.955");
    expect(entryText(1e-17, 0)).toBe("0");
  });

  it("shows a rotation's parameter with π and its matrix", () => {
    render(<GateReference op={gate("rx", [0], [Math.PI / 2])} />);
    expect(screen.getByLabelText("Parameters").textContent).toBe("θ = π/2");
    expect(cells()).toEqual([
      ["1/√2", "−i/√2"],
      ["−i/√2", "1/√2"],
    ]);
    expect(screen.getByText(/Defined in stdgates\.inc/)).toBeTruthy();
  });

  it("shows a controlled gate as ctrl @ base, with the controls as the high bits", () => {
    render(<GateReference op={gate("x", [1], [], [0])} />);
    expect(screen.getByText(/Reference: cx/)).toBeTruthy();
    expect(screen.getByText("ctrl(1) @ x")).toBeTruthy();
    expect(cells()).toEqual([
      ["1", "0", "0", "0"],
      ["0", "1", "0", "0"],
      ["0", "0", "0", "1"],
      ["0", "0", "1", "0"],
    ]);
  });

  it("shows U's three angles and the exporter's definition of a gate outside the libraries", () => {
    render(<GateReference op={gate("u3", [0], [Math.PI, 0, Math.PI / 4])} />);
    expect(screen.getByLabelText("Parameters").textContent).toBe(
      "θ = π, φ = 0, λ = π/4",
    );
    cleanup();
    render(<GateReference op={gate("rzz", [0, 1], [Math.PI / 2])} />);
    expect(screen.getByText(/gate rzz\(theta\) a, b/)).toBeTruthy();
  });
});
