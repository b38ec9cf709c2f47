// @vitest-environment jsdom
import {
  act,
  cleanup,
  fireEvent,
  render,
  screen,
  waitFor,
  within,
} from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient } from "../src/api/client.ts";
import { SessionProvider } from "../src/api/session.tsx";
import {
  parseRunForm,
  RunPanel,
  type RunTarget,
} from "../src/run/RunPanel.tsx";
import {
  BELL_RESULT,
  fakeJobs,
  job,
  problem,
  sseResponse,
  summary,
} from "./job-fixtures.ts";

afterEach(cleanup);

const SAVED: RunTarget = {
  circuitId: "c1",
  revision: 2,
  source: "OPENQASM 3.0;",
  unsaved: false,
};

function open(
  jobs: ReturnType<typeof fakeJobs>,
  target = SAVED,
  canRun = true,
) {
  // A client with no session: the panel's SDK only reaches the fake jobs routes.
  const client = createApiClient({ fetch: jobs.fetch });
  render(
    <SessionProvider client={client}>
      <RunPanel projectId="p1" target={target} pollMs={1} canRun={canRun} />
    </SessionProvider>,
  );
  const panel = screen.getByRole("region", { name: "Run" });
  const status = () => panel.querySelector(".run-status")?.textContent;
  return { panel, status, q: within(panel) };
}

describe("parseRunForm", () => {
  it("accepts whole shots in range and an optional seed", () => {
    expect(
      parseRunForm({ shots: "1000", seed: "", precision: "single" }),
    ).toEqual({
      ok: true,
      value: { shots: 1000, precision: "single" },
    });
    expect(parseRunForm({ shots: "1", seed: "0", precision: "x" })).toEqual({
      ok: true,
      value: { shots: 1, seed: 0, precision: "double" },
    });
  });
  it.each([
    ["0", "", "shots"],
    ["1000001", "", "shots"],
    ["2.5", "", "shots"],
    ["", "", "shots"],
    ["10", "-1", "seed"],
    ["10", "4294967296", "seed"],
    ["10", "1e3", "seed"],
  ])("refuses shots %j seed %j (%s)", (shots, seed, field) => {
    expect(parseRunForm({ shots, seed, precision: "double" })).toMatchObject({
      ok: false,
      field,
    });
  });
});

describe("RunPanel", () => {
  it("runs the saved revision, shows live progress from the stream, then the result", async () => {
    const jobs = fakeJobs();
    const s = sseResponse();
    const queued = job();
    jobs.submit.mockResolvedValue(queued);
    jobs.events.mockResolvedValue(s.response);
    jobs.get.mockResolvedValue(
      job({ status: "succeeded", progress: 1, result: BELL_RESULT }),
    );
    const { q, status } = open(jobs);
    expect(status()).toBe("Not run yet");
    fireEvent.change(q.getByLabelText("Seed"), { target: { value: "7" } });
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(status()).toBe("Queued"));
    expect(jobs.submit).toHaveBeenCalledWith("p1", {
      circuitId: "c1",
      revision: 2,
      shots: 1000,
      seed: 7,
      precision: "double",
    });
    expect(q.getByRole("button", { name: "Run" })).toHaveProperty(
      "disabled",
      true,
    );
    act(() => s.send("state", job({ status: "running", progress: 0 }), 1));
    act(() => s.send("progress", { fraction: 0.42 }));
    await waitFor(() => expect(status()).toBe("Running 42%"));
    expect(q.getByLabelText("Job progress")).toHaveProperty("value", 0.42);
    act(() => s.send("status", { status: "succeeded" }, 2));
    await waitFor(() => expect(status()).toBe("Succeeded"));
    // The charts load lazily, then show the counts.
    const table = await q.findByRole("table", { name: "Probabilities" });
    const rows = [...table.querySelectorAll("tbody tr")].map((tr) =>
      [...tr.querySelectorAll("td")].map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ["11", "507", "50.70%"],
      ["00", "493", "49.30%"],
    ]);
    expect(q.getByRole("table", { name: "Statevector" })).toBeTruthy();
    expect(q.getByText("3.3 ms")).toBeTruthy(); // simulate time
    expect(
      q.getByRole("link", { name: /^Open job 11111111/ }).getAttribute("href"),
    ).toBe(`/projects/p1/jobs/${queued.id}`);
    expect(q.getByRole("button", { name: "Run" })).toHaveProperty(
      "disabled",
      false,
    );
  });

  it("sends the editor text inline when it has unsaved changes", async () => {
    const jobs = fakeJobs();
    jobs.submit.mockResolvedValue(
      job({
        status: "failed",
        error: {
          code: "SIM_OPAQUE",
          message: 'opaque gate "g" cannot be simulated',
        },
      }),
    );
    const { q, status } = open(jobs, {
      ...SAVED,
      source: "OPENQASM 2.0; // edited",
      unsaved: true,
    });
    expect(
      q.getByText("Runs the editor text as it is now (not yet saved)."),
    ).toBeTruthy();
    fireEvent.change(q.getByLabelText("Precision"), {
      target: { value: "single" },
    });
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(status()).toBe("Failed"));
    expect(jobs.submit).toHaveBeenCalledWith("p1", {
      source: "OPENQASM 2.0; // edited",
      shots: 1000,
      precision: "single",
    });
    // A job that is already over needs no stream; its failure message is shown.
    expect(jobs.events).not.toHaveBeenCalled();
    expect(q.getByRole("alert").textContent).toBe(
      'The job failed: opaque gate "g" cannot be simulated (SIM_OPAQUE)',
    );
  });

  it("checks the form before sending anything", async () => {
    const jobs = fakeJobs();
    const { q } = open(jobs);
    fireEvent.change(q.getByLabelText("Shots"), {
      target: { value: "2000000" },
    });
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    expect(q.getByRole("alert").textContent).toMatch(/from 1 to 1,000,000/);
    expect(q.getByLabelText("Shots").getAttribute("aria-invalid")).toBe("true");
    expect(jobs.submit).not.toHaveBeenCalled();
  });

  it("shows a refused submission as a message with the server's diagnostics", async () => {
    const jobs = fakeJobs();
    jobs.submit.mockRejectedValue(
      problem(422, "CIRCUIT_INVALID", "The circuit does not compile", {
        diagnostics: [
          {
            code: "E",
            severity: "error",
            message: "unknown qubit q[5]",
            line: 8,
            column: 3,
          },
        ],
      }),
    );
    const { q, status } = open(jobs);
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    await waitFor(() =>
      expect(q.getByRole("alert").textContent).toBe(
        "The circuit does not compile",
      ),
    );
    expect(q.getByRole("list", { name: "Run diagnostics" }).textContent).toBe(
      "8:3 unknown qubit q[5]",
    );
    expect(status()).toBe("Refused");
    expect(q.getByRole("button", { name: "Run" })).toHaveProperty(
      "disabled",
      false,
    );
  });

  it("never shows the last job's success over a refused one, and marks a result of an earlier text", async () => {
    const jobs = fakeJobs();
    jobs.submit.mockResolvedValueOnce(
      job({ status: "succeeded", progress: 1, result: BELL_RESULT }),
    );
    const client = createApiClient({ fetch: jobs.fetch });
    const panelFor = (target: RunTarget) => (
      <SessionProvider client={client}>
        <RunPanel projectId="p1" target={target} pollMs={1} />
      </SessionProvider>
    );
    const view = render(panelFor(SAVED));
    const panel = screen.getByRole("region", { name: "Run" });
    const q = within(panel);
    const status = () => panel.querySelector(".run-status");
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(status()?.textContent).toBe("Succeeded"));
    await waitFor(() =>
      expect(panel.querySelector(".run-result")).not.toBeNull(),
    );
    // The text changes: the success is of an earlier version, said so beside the kept result.
    const edited = {
      ...SAVED,
      source: "OPENQASM 3.0; // edited",
      unsaved: true,
    };
    view.rerender(panelFor(edited));
    expect(status()?.textContent).toBe("Succeeded (earlier version)");
    expect(status()?.className).toContain("outdated");
    expect(q.getByText(/result is of an earlier version/)).toBeTruthy();
    expect(panel.querySelector(".run-result.outdated")).not.toBeNull();
    // Run it: the server refuses (too many qubits) and the badge says so, with no old histogram.
    jobs.submit.mockRejectedValueOnce(
      problem(
        422,
        "JOB_LIMIT_EXCEEDED",
        "uses 29 qubits; this server allows 28",
      ),
    );
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(status()?.textContent).toBe("Refused"));
    expect(status()?.className).toContain("failed");
    expect(status()?.className).not.toContain("succeeded");
    expect(q.getByRole("alert").textContent).toContain("29 qubits");
    expect(panel.querySelector(".run-result")).toBeNull();
  });

  it("cancels a running job", async () => {
    const jobs = fakeJobs();
    const s = sseResponse();
    jobs.submit.mockResolvedValue(job({ status: "running", progress: 0.1 }));
    jobs.events.mockResolvedValue(s.response);
    jobs.cancel.mockResolvedValue(job({ status: "cancelled" }));
    const { q, status } = open(jobs);
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    const cancel = await q.findByRole("button", { name: "Cancel" });
    fireEvent.click(cancel);
    await waitFor(() => expect(status()).toBe("Cancelled"));
    expect(jobs.cancel).toHaveBeenCalledWith(job().id);
    expect(q.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect(q.getByText("The job was cancelled.")).toBeTruthy();
    s.end();
  });

  it("polls when the stream is unavailable, and says so", async () => {
    const jobs = fakeJobs();
    jobs.submit.mockResolvedValue(job());
    jobs.events.mockRejectedValue(problem(502, "HTTP_ERROR", "Bad gateway"));
    let calls = 0;
    jobs.get.mockImplementation(async () =>
      ++calls < 3
        ? job({ status: "running", progress: calls / 4 })
        : job({ status: "succeeded", progress: 1, result: BELL_RESULT }),
    );
    const { q, status } = open(jobs);
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    await waitFor(() => expect(status()).toBe("Succeeded"));
    expect(calls).toBe(3);
    expect(await q.findByRole("table", { name: "Probabilities" })).toBeTruthy();
  });

  it("shows the circuit's last run when it opens, and follows it if it still runs", async () => {
    const jobs = fakeJobs();
    const s = sseResponse();
    jobs.list.mockResolvedValue({
      items: [summary(job({ status: "running", progress: 0.5 }))],
      nextCursor: null,
    });
    jobs.events.mockResolvedValue(s.response);
    jobs.get
      .mockResolvedValueOnce(job({ status: "running", progress: 0.5 }))
      .mockResolvedValue(
        job({ status: "succeeded", progress: 1, result: BELL_RESULT }),
      );
    const { q, status } = open(jobs);
    await waitFor(() => expect(status()).toBe("Running 50%"));
    expect(jobs.list).toHaveBeenCalledWith("p1", { circuitId: "c1", limit: 1 });
    expect(q.getByText(/^Last run: revision 2, 1,000 shots,/)).toBeTruthy();
    expect(q.getByRole("button", { name: "Run" })).toHaveProperty(
      "disabled",
      true,
    );
    act(() => s.send("status", { status: "succeeded" }, 2));
    await waitFor(() => expect(status()).toBe("Succeeded"));
    expect(await q.findByRole("table", { name: "Probabilities" })).toBeTruthy();
    expect(jobs.submit).not.toHaveBeenCalled();
  });

  it("shows a finished last run with its full result (lists carry only a summary)", async () => {
    const jobs = fakeJobs();
    jobs.list.mockResolvedValue({
      items: [
        summary(job({ status: "succeeded", progress: 1, result: BELL_RESULT })),
      ],
      nextCursor: null,
    });
    jobs.get.mockResolvedValue(
      job({ status: "succeeded", progress: 1, result: BELL_RESULT }),
    );
    const { q, status } = open(jobs);
    await waitFor(() => expect(status()).toBe("Succeeded"));
    expect(jobs.get).toHaveBeenCalledWith(job().id);
    expect(jobs.events).not.toHaveBeenCalled();
    const table = await q.findByRole("table", { name: "Probabilities" });
    expect(table.querySelectorAll("tbody tr")).toHaveLength(2);
  });

  it("does not let viewers run", () => {
    const { q } = open(fakeJobs(), SAVED, false);
    expect(q.getByRole("button", { name: "Run" })).toHaveProperty(
      "disabled",
      true,
    );
    expect(
      q.getByText("Viewers cannot run circuits in this project."),
    ).toBeTruthy();
  });
});
