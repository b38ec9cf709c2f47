import { describe, expect, it } from "vitest";
import {
  INITIAL_RUN,
  percent,
  runReducer,
  statusText,
  statusTone,
  type RunAction,
  type RunState,
} from "../src/run/run-state.ts";
import { BELL_RESULT, job, problem } from "./job-fixtures.ts";

const play = (actions: RunAction[], from: RunState = INITIAL_RUN) =>
  actions.reduce(runReducer, from);

describe("runReducer", () => {
  const queued = job();
  const running = job({ status: "running", progress: 0.2 });

  it("goes submitting -> active -> done, with status words along the way", () => {
    let s = play([{ type: "submit" }]);
    expect([s.phase, statusText(s)]).toEqual(["submitting", "Submitting…"]);
    s = runReducer(s, { type: "submitted", job: queued });
    expect([s.phase, statusText(s)]).toEqual(["active", "Queued"]);
    s = runReducer(s, { type: "job", job: running });
    expect([s.phase, statusText(s)]).toEqual(["active", "Running 20%"]);
    s = runReducer(s, {
      type: "job",
      job: job({ status: "succeeded", progress: 1, result: BELL_RESULT }),
    });
    expect([s.phase, statusText(s), s.progress]).toEqual([
      "done",
      "Succeeded",
      1,
    ]);
    expect(s.job?.result?.counts).toEqual(BELL_RESULT.counts);
  });

  it("writes small percentages with a decimal", () => {
    expect([0, 0.004, 0.099, 0.42, 1].map(percent)).toEqual([
      "0%",
      "0.4%",
      "9.9%",
      "42%",
      "100%",
    ]);
  });

  it("never moves progress backwards and clamps it to 0..1", () => {
    const s = play([
      { type: "submitted", job: running },
      { type: "progress", fraction: 0.7 },
      { type: "progress", fraction: 0.4 },
      { type: "job", job: job({ status: "running", progress: 0.5 }) },
    ]);
    expect(s.progress).toBe(0.7);
    expect(play([{ type: "progress", fraction: 3 }], s).progress).toBe(1);
    expect(play([{ type: "progress", fraction: Number.NaN }], s).progress).toBe(
      0.7,
    );
  });

  it("ignores updates about another job and progress after the end", () => {
    const s = play([{ type: "submitted", job: running }]);
    const other = job({
      id: "22222222-2222-4222-8222-222222222222",
      status: "failed",
    });
    expect(runReducer(s, { type: "job", job: other })).toBe(s);
    const failed = play(
      [
        {
          type: "job",
          job: job({
            status: "failed",
            error: { code: "SIM_OPAQUE", message: "no" },
          }),
        },
      ],
      s,
    );
    expect([failed.phase, statusText(failed)]).toEqual(["done", "Failed"]);
    expect(runReducer(failed, { type: "progress", fraction: 0.9 })).toBe(
      failed,
    );
    expect(runReducer(failed, { type: "status", status: "running" })).toBe(
      failed,
    );
  });

  it("does not submit twice while one is on its way or running", () => {
    const submitting = play([{ type: "submit" }]);
    expect(runReducer(submitting, { type: "submit" })).toBe(submitting);
    const active = play([{ type: "submitted", job: running }]);
    expect(runReducer(active, { type: "submit" })).toBe(active);
  });

  it("a refused submit goes back to idle with the message; the previous result stays", () => {
    const before = play([
      {
        type: "submitted",
        job: job({ status: "succeeded", result: BELL_RESULT }),
      },
    ]);
    const s = play(
      [
        { type: "submit" },
        {
          type: "error",
          error: problem(
            422,
            "CIRCUIT_INVALID",
            "The circuit does not compile",
          ),
        },
      ],
      before,
    );
    expect(s.phase).toBe("idle");
    expect(s.error?.code).toBe("CIRCUIT_INVALID");
    expect(s.job?.result).toEqual(BELL_RESULT);
    // The badge speaks of the refusal, never of the previous job's success.
    expect([statusText(s), statusTone(s)]).toEqual(["Refused", "failed"]);
    expect(statusTone(before)).toBe("succeeded");
  });

  it("cancels only an active job and clears the flag when the job ends", () => {
    expect(runReducer(INITIAL_RUN, { type: "cancel" })).toBe(INITIAL_RUN);
    let s = play([{ type: "submitted", job: running }, { type: "cancel" }]);
    expect([s.cancelling, statusText(s)]).toEqual([true, "Cancelling…"]);
    s = runReducer(s, { type: "job", job: job({ status: "cancelled" }) });
    expect([s.cancelling, s.phase, statusText(s)]).toEqual([
      false,
      "done",
      "Cancelled",
    ]);
  });

  it("keeps following the job when a cancel request fails", () => {
    const s = play([
      { type: "submitted", job: running },
      { type: "cancel" },
      { type: "error", error: problem(403, "FORBIDDEN", "Not allowed") },
    ]);
    expect([s.phase, s.cancelling, s.error?.code]).toEqual([
      "active",
      false,
      "FORBIDDEN",
    ]);
  });

  it("clears a finished run but never a running one", () => {
    const done = play([
      { type: "submitted", job: running },
      { type: "job", job: job({ status: "cancelled" }) },
    ]);
    expect(runReducer(done, { type: "clear" })).toBe(INITIAL_RUN);
    const active = play([{ type: "submitted", job: running }]);
    expect(runReducer(active, { type: "clear" })).toBe(active);
  });
});
