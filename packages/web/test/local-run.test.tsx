// @vitest-environment jsdom
/**
 * Runs in the browser on the scratch workbench: the worker's run logic (the real compiler and
 * simulator) and the panel driving it through the shared run state, with a stand-in worker that
 * calls the same logic (jsdom has no Web Workers; the Chromium suite runs the real one).
 */
import {
  cleanup,
  fireEvent,
  render,
  screen,
  waitFor,
  within,
} from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  LOCAL_MAX_QUBITS,
  localRunRefusal,
  type LocalRunReply,
  type LocalRunRequest,
} from "../src/run/local-limits.ts";
import { runLocally } from "../src/run/local-run.ts";
import type { RunWorker } from "../src/run/useLocalRun.ts";
import { LocalRunPanel } from "../src/workbench/LocalRunPanel.tsx";
import { SAMPLE_QASM } from "../src/workbench/sample.ts";

afterEach(cleanup);

const wide = (n: number) => `OPENQASM 3.0;
include "stdgates.inc";
qubit[${n}] q;
bit[${n}] c;
h q;
c = measure q;
`;

const MID_MEASURE = `OPENQASM 3.0;
include "stdgates.inc";
qubit[1] q;
bit[2] c;
h q[0];
c[0] = measure q[0];
h q[0];
c[1] = measure q[0];
`;

describe("runLocally", () => {
  it("runs the Bell sample: only 00 and 11 summing to the shots, and the statevector (|00> + |11>)/sqrt 2", () => {
    const progress: number[] = [];
    const out = runLocally(
      { source: SAMPLE_QASM, shots: 1000, seed: 7, precision: "double" },
      (f) => progress.push(f),
    );
    if (!out.ok) throw new Error(out.error.message);
    const r = out.result;
    expect(Object.keys(r.counts).sort()).toEqual(["00", "11"]);
    expect((r.counts["00"] ?? 0) + (r.counts["11"] ?? 0)).toBe(1000);
    expect(r.probabilities["00"]).toBe((r.counts["00"] ?? 0) / 1000);
    expect(r).toMatchObject({
      shots: 1000,
      seed: 7,
      qubits: 2,
      clbits: 2,
      method: "statevector",
      peakMemoryBytes: 64,
    });
    expect(r.timing.queueWaitMs).toBe(0);
    const sv = (r.statevector ?? []).map(([re, im]) => [
      +re.toFixed(4),
      +im.toFixed(4),
    ]);
    expect(sv).toEqual([
      [0.7071, 0],
      [0, 0],
      [0, 0],
      [0.7071, 0],
    ]);
    expect(progress.at(-1)).toBe(1);
    // The same seed gives the same counts; single precision too.
    const again = runLocally({
      source: SAMPLE_QASM,
      shots: 1000,
      seed: 7,
      precision: "single",
    });
    expect(again.ok && again.result.counts).toEqual(r.counts);
  });

  it(`refuses a circuit wider than ${LOCAL_MAX_QUBITS} qubits before allocating, saying to run it on the server`, () => {
    const out = runLocally({
      source: wide(25),
      shots: 10,
      precision: "double",
    });
    expect(out).toEqual({
      ok: false,
      error: {
        code: "CIRCUIT_TOO_WIDE",
        message:
          "25 qubits: run it on the server by saving it to a project (this browser runs circuits of up to 20 qubits).",
      },
    });
    // Before allocating: 60 qubits could not be allocated at all (2^60 amplitudes), so a refusal
    // instead of a RangeError shows that the check comes first.
    const huge = runLocally({
      source: wide(60),
      shots: 10,
      precision: "double",
    });
    expect(huge).toMatchObject({
      ok: false,
      error: {
        code: "CIRCUIT_TOO_WIDE",
        message: expect.stringMatching(/^60 qubits: /),
      },
    });
    expect(localRunRefusal(LOCAL_MAX_QUBITS)).toBeNull();
    expect(localRunRefusal(LOCAL_MAX_QUBITS + 1)).toMatch(
      /^21 qubits: run it on the server by saving it to a project/,
    );
  });

  it("does not run a source that does not compile, and returns its diagnostics", () => {
    const out = runLocally({
      source: "OPENQASM 3.0;\nqubit[2] q;\nh q[5];\n",
      shots: 10,
      precision: "double",
    });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error.code).toBe("CIRCUIT_INVALID");
    expect(out.error.message).toMatch(/^3:\d+: /);
    expect(out.diagnostics?.some((d) => d.severity === "error")).toBe(true);
  });

  it("samples a circuit with mid-circuit measurement by trajectories, without a statevector", () => {
    const out = runLocally({
      source: MID_MEASURE,
      shots: 400,
      seed: 1,
      precision: "double",
    });
    if (!out.ok) throw new Error(out.error.message);
    expect(out.result.method).toBe("trajectories");
    expect(out.result.statevector).toBeUndefined();
    expect(Object.values(out.result.counts).reduce((a, b) => a + b, 0)).toBe(
      400,
    );
  });
});

/** Stand-in workers: each runs `runLocally` on a timer (or never answers), and records its life. */
function fakeWorkers(mode: "run" | "hang" = "run") {
  const made: {
    requests: LocalRunRequest[];
    terminated: boolean;
  }[] = [];
  const start = (): RunWorker => {
    const rec = { requests: [] as LocalRunRequest[], terminated: false };
    made.push(rec);
    const w: RunWorker = {
      onmessage: null,
      onerror: null,
      postMessage(request) {
        rec.requests.push(request);
        if (mode === "hang") return;
        setTimeout(() => {
          const send = (data: LocalRunReply) => {
            if (!rec.terminated)
              w.onmessage?.(new MessageEvent("message", { data }));
          };
          send({ type: "progress", fraction: 0.5 });
          send({ type: "done", outcome: runLocally(request) });
        }, 5);
      },
      terminate() {
        rec.terminated = true;
      },
    };
    return w;
  };
  return { made, start };
}

function open(text: string, workers = fakeWorkers(), errors = 0) {
  render(
    <LocalRunPanel
      text={text}
      circuit={null}
      errors={errors}
      startWorker={workers.start}
    />,
  );
  const panel = screen.getByRole("region", { name: "Run" });
  const status = () => panel.querySelector(".run-status")?.textContent;
  return { panel, status, q: within(panel), workers };
}

describe("LocalRunPanel", () => {
  it("runs in a worker with the form's options and shows the result with the run panel's views", async () => {
    const { q, status, workers } = open(SAMPLE_QASM);
    expect(status()).toBe("Not run yet");
    expect(
      q.getByText(/Simulates in this browser, up to 20 qubits/),
    ).toBeTruthy();
    fireEvent.change(q.getByLabelText("Shots"), { target: { value: "500" } });
    fireEvent.change(q.getByLabelText("Seed"), { target: { value: "11" } });
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    expect(workers.made).toHaveLength(1);
    expect(workers.made[0].requests).toEqual([
      { source: SAMPLE_QASM, shots: 500, seed: 11, precision: "double" },
    ]);
    expect(status()).toBe("Running 0%");
    expect(q.getByRole("button", { name: "Run" })).toHaveProperty(
      "disabled",
      true,
    );
    await waitFor(() => expect(status()).toBe("Succeeded"));
    expect(workers.made[0].terminated).toBe(true);
    const table = await q.findByRole("table", { name: "Probabilities" });
    const rows = [...table.querySelectorAll("tbody tr")].map(
      (tr) => tr.querySelector("td")?.textContent,
    );
    expect(rows.sort()).toEqual(["00", "11"]);
    const sv = q.getByRole("table", { name: "Statevector" });
    expect(within(sv).getAllByText("0.7071")).toHaveLength(2);
    expect(q.getByText("this browser")).toBeTruthy();
    expect(q.queryByText("Queue wait")).toBeNull();
    expect(q.getByText("11", { selector: "dd" })).toBeTruthy(); // seed used
  });

  it("cancels a running simulation by terminating its worker", async () => {
    const { q, status, workers } = open(SAMPLE_QASM, fakeWorkers("hang"));
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    expect(q.getByLabelText("Run progress")).toBeTruthy();
    fireEvent.click(q.getByRole("button", { name: "Cancel" }));
    expect(workers.made[0].terminated).toBe(true);
    await waitFor(() => expect(status()).toBe("Cancelled"));
    expect(q.getByText("The run was cancelled.")).toBeTruthy();
    expect(q.getByRole("button", { name: "Run" })).toHaveProperty(
      "disabled",
      false,
    );
  });

  it("refuses a 25-qubit circuit with the message and starts no worker", () => {
    const { q, status, workers } = open(wide(LOCAL_MAX_QUBITS + 5));
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    expect(q.getByRole("alert").textContent).toBe(
      "25 qubits: run it on the server by saving it to a project (this browser runs circuits of up to 20 qubits).",
    );
    expect(workers.made).toHaveLength(0);
    expect(status()).toBe("Not run yet");
  });

  it("does not run a circuit with errors: Run is disabled and says why", () => {
    const { q, workers } = open(
      "OPENQASM 3.0;\nqubit[2] q;\nh q[5];\n",
      undefined,
      1,
    );
    const run = q.getByRole("button", { name: "Run" });
    expect(run).toHaveProperty("disabled", true);
    expect(q.getByText(/has 1 error \(see Problems\)/)).toBeTruthy();
    fireEvent.click(run);
    expect(workers.made).toHaveLength(0);
  });

  it("checks a text the editor has not checked yet, and does not run it when it has errors", () => {
    const { q, workers } = open("OPENQASM 3.0;\nqubit[2] q;\nh q[5];\n");
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    expect(q.getByRole("alert").textContent).toMatch(/has errors/);
    expect(workers.made).toHaveLength(0);
  });

  it("reports a worker that dies (e.g. out of memory) as a failed run", async () => {
    let worker: RunWorker | undefined;
    const start = () => {
      worker = fakeWorkers("hang").start();
      return worker;
    };
    const { q, status } = open(SAMPLE_QASM, { made: [], start });
    fireEvent.click(q.getByRole("button", { name: "Run" }));
    worker?.onerror?.(new ErrorEvent("error", { message: "Out of memory" }));
    await waitFor(() => expect(status()).toBe("Failed"));
    expect(q.getByRole("alert").textContent).toMatch(
      /^The run failed: the simulation stopped unexpectedly \(Out of memory\)/,
    );
  });
});
