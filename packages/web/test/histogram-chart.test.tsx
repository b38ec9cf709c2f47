// @vitest-environment jsdom
import { cleanup, fireEvent, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { Histogram } from "../src/histogram/Histogram.tsx";

afterEach(cleanup);

describe("Histogram", () => {
  it("draws the top N bars plus one grouped bar, and re-sorts on request", () => {
    const counts = { "00": 300, "01": 100, "10": 50, "11": 550 };
    const { container, getByRole } = render(
      <Histogram counts={counts} topN={3} />,
    );
    const labels = () =>
      [...container.querySelectorAll(".bar title")].map(
        (t) => t.textContent?.split(":")[0],
      );
    expect(labels()).toEqual(["00", "01", "11", "1 others"]);
    expect(container.querySelectorAll(".bar.grouped")).toHaveLength(1);
    fireEvent.change(getByRole("combobox"), { target: { value: "count" } });
    expect(labels()).toEqual(["11", "00", "01", "1 others"]);
  });
});
