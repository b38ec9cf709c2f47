// @vitest-environment jsdom
import {
  cleanup,
  fireEvent,
  render,
  screen,
  within,
} from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { compact, Histogram } from "../src/histogram/Histogram.tsx";
import { rerunBody } from "@stepfault/sdk";
import { ProbabilityTable } from "../src/run/ProbabilityTable.tsx";
import { bytes, duration } from "../src/run/ResultView.tsx";
import {
  complexText,
  degrees,
  statevectorRows,
} from "../src/run/statevector.ts";
import { StatevectorView } from "../src/run/StatevectorView.tsx";
import { job } from "./job-fixtures.ts";

afterEach(cleanup);

const H = Math.SQRT1_2;

describe("statevectorRows", () => {
  it("labels basis states most significant qubit first and drops zero amplitudes", () => {
    // |q1 q0>: amplitude on index 1 (q0 = 1) and index 2 (q1 = 1), the second with phase i.
    const sv = statevectorRows([
      [0, 0],
      [H, 0],
      [0, H],
      [1e-9, 0],
    ]);
    expect(sv.qubits).toBe(2);
    expect(sv.nonZero).toBe(2);
    expect(sv.rows.map((r) => [r.label, degrees(r.phase)])).toEqual([
      ["01", "0°"],
      ["10", "90°"],
    ]);
    expect(sv.rows[0]?.magnitude).toBeCloseTo(H, 12);
    expect(sv.rows[1]?.probability).toBeCloseTo(0.5, 12);
  });

  it("shows -π as 180° and -0 as 0", () => {
    const sv = statevectorRows([
      [-1, -0],
      [0, 0],
    ]);
    expect(degrees(sv.rows[0]?.phase ?? NaN)).toBe("180°");
    expect(degrees(-1e-12)).toBe("0°");
    expect(complexText(-0.5, -0.25)).toBe("-0.5000 − 0.2500i");
    expect(complexText(0, -0)).toBe("0.0000 + 0.0000i");
  });

  it("keeps the largest amplitudes, in index order, when there are too many", () => {
    const state: [number, number][] = [];
    for (let i = 0; i < 1024; i++)
      state.push([i === 5 ? 0.9 : 0.01 + i * 1e-5, 0]);
    const sv = statevectorRows(state, 4);
    expect(sv.nonZero).toBe(1024);
    expect(sv.rows.map((r) => r.index)).toEqual([5, 1021, 1022, 1023]);
    expect(sv.rows[0]?.label).toBe("0000000101");
  });
});

describe("StatevectorView", () => {
  it("draws amplitude and phase bars sized by magnitude and phase", () => {
    render(
      <StatevectorView
        state={[
          [H, 0],
          [0, 0],
          [0, 0],
          [-H / 2, -H / 2],
        ]}
      />,
    );
    const table = screen.getByRole("table", { name: "Statevector" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.querySelector("td")?.textContent)).toEqual([
      "|00⟩",
      "|11⟩",
    ]);
    const amp = (r: Element) =>
      (r.querySelector(".amp-bar") as HTMLElement).style.width;
    const phase = (r: Element) => r.querySelector(".phase-bar") as HTMLElement;
    expect(parseFloat(amp(rows[0]!))).toBeCloseTo(70.71, 1);
    expect(parseFloat(amp(rows[1]!))).toBeCloseTo(50, 1);
    // -135°: a bar from the centre leftwards, three quarters of the half width.
    expect(rows[1]?.textContent).toContain("-135°");
    expect(parseFloat(phase(rows[1]!).style.width)).toBeCloseTo(37.5, 5);
    expect(parseFloat(phase(rows[1]!).style.left)).toBeCloseTo(12.5, 5);
    expect(parseFloat(phase(rows[0]!).style.width)).toBe(0);
    expect(screen.getByText(/2 of 4 amplitudes non-zero/)).toBeTruthy();
  });
});

describe("ProbabilityTable", () => {
  it("lists the most frequent first and shows all on request", () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 40; i++) counts[i.toString(2).padStart(6, "0")] = i + 1;
    render(<ProbabilityTable counts={counts} />);
    const table = screen.getByRole("table", { name: "Probabilities" });
    const rows = () => table.querySelectorAll("tbody tr");
    expect(rows()).toHaveLength(16);
    expect(rows()[0]?.textContent).toBe("100111404.88%"); // 39 -> count 40 of 820
    expect(screen.getByText(/Showing 16 of 40 outcomes/)).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Show 40" }));
    expect(rows()).toHaveLength(40);
    expect(screen.queryByRole("button", { name: /^Show/ })).toBeNull();
  });
});

describe("Histogram", () => {
  it("offers a top-N switch when there are many outcomes and labels bars with counts", () => {
    const counts: Record<string, number> = {};
    for (let i = 0; i < 200; i++)
      counts[i.toString(2).padStart(8, "0")] = 1 + (i % 5);
    const { container } = render(
      <Histogram counts={counts} topN={16} topNChoices={[16, 64]} />,
    );
    const bars = () => container.querySelectorAll(".bar");
    expect(bars()).toHaveLength(17);
    expect(container.querySelector(".bar.grouped title")?.textContent).toMatch(
      /^184 others: /,
    );
    fireEvent.change(screen.getByLabelText("show"), {
      target: { value: "64" },
    });
    expect(bars()).toHaveLength(65);
    const first = container.querySelector(".bar:not(.grouped)");
    expect(first?.querySelector(".count")?.textContent).toBe(
      first?.getAttribute("data-count"),
    );
  });

  it("scales to the outcomes and cuts a taller grouped bar instead of flattening them", () => {
    const counts: Record<string, number> = { "000": 40, "001": 20 };
    for (let i = 2; i < 64; i++) counts[i.toString(2).padStart(6, "0")] = 10;
    const { container } = render(<Histogram counts={counts} topN={2} />);
    const height = (sel: string) =>
      Number(container.querySelector(`${sel} rect`)?.getAttribute("height"));
    expect(height('[data-outcome="000"]')).toBe(180);
    expect(height('[data-outcome="001"]')).toBe(90);
    expect(height(".bar.grouped")).toBe(180);
    expect(container.querySelectorAll(".bar.grouped .cut")).toHaveLength(1);
    expect(container.querySelectorAll(".bar:not(.grouped) .cut")).toHaveLength(
      0,
    );
  });

  it("has no top-N switch for a few outcomes", () => {
    render(<Histogram counts={{ "0": 3, "1": 5 }} topNChoices={[16, 64]} />);
    expect(screen.queryByLabelText("show")).toBeNull();
    expect(screen.getByRole("img").getAttribute("aria-label")).toBe(
      "Counts histogram: 0 3, 1 5",
    );
  });

  it("abbreviates large counts", () => {
    expect([compact(9999), compact(12_345), compact(1_250_000)]).toEqual([
      "9999",
      "12k",
      "1.3M",
    ]);
  });
});

describe("formatting and re-run", () => {
  it("formats durations and sizes", () => {
    expect([duration(0.25), duration(12.34), duration(1520)]).toEqual([
      "0.25 ms",
      "12.3 ms",
      "1.52 s",
    ]);
    expect([bytes(64), bytes(16 * 1024), bytes(2 ** 30)]).toEqual([
      "64 B",
      "16.0 KiB",
      "1.00 GiB",
    ]);
  });

  it("re-runs a saved revision by reference, an inline job from its record, with the same seed", () => {
    const record = {
      source: "OPENQASM 3.0;",
      inputs: null,
      circuit: {},
      seed: 99,
      options: { shots: 10, precision: "single" },
      stepfaultVersion: "0.1.0",
    };
    expect(rerunBody(job({ status: "succeeded", record }))).toEqual({
      kind: "sample",
      method: "auto",
      circuitId: "c1",
      revision: 2,
      shots: 10,
      seed: 99,
      precision: "single",
    });
    expect(
      rerunBody(
        job({
          status: "succeeded",
          circuitId: null,
          circuitRevision: null,
          record,
        }),
      ),
    ).toEqual({
      kind: "sample",
      method: "auto",
      source: "OPENQASM 3.0;",
      shots: 10,
      seed: 99,
      precision: "single",
    });
    expect(
      rerunBody(
        job({ status: "failed", circuitId: null, circuitRevision: null }),
      ),
    ).toBeNull();
  });
});
