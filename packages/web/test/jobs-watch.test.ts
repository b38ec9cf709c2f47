/**
 * The app's job watcher: the SDK's `jobs.watch` over the session's fetch (see `api/sdk.ts`),
 * against a fake of the jobs routes.
 */
import { describe, expect, it, vi } from "vitest";
import type { Job, JobWatcher, JobWatchOptions } from "@stepfault/sdk";
import { createApiClient } from "../src/api/client.ts";
import { createSdk } from "../src/api/sdk.ts";
import {
  BELL_RESULT,
  fakeJobs,
  job,
  problem,
  sseResponse,
} from "./job-fixtures.ts";

/** Watches `jobId` with the app's SDK client over the fake routes of `api`. */
function watchJob(
  api: ReturnType<typeof fakeJobs>,
  jobId: string,
  watcher: JobWatcher,
  opts: JobWatchOptions = {},
) {
  const sdk = createSdk(createApiClient({ fetch: api.fetch, locks: null }));
  return sdk.jobs.watch(jobId, watcher, opts);
}

describe("the SDK's stream reader, as the app gets it", () => {
  it("parses events split across chunks, CRLF lines, comments and multi-line data", async () => {
    const api = fakeJobs();
    const s = sseResponse();
    api.events.mockResolvedValue(s.response);
    api.get.mockResolvedValue(job({ status: "succeeded", progress: 1 }));
    const events: unknown[] = [];
    const p = watchJob(api, job().id, { onEvent: (e) => events.push(e) });
    s.raw("retry: 1000\n\n: ping\n\n");
    s.raw("id: 3\nevent: lo");
    s.raw('g\ndata: {"message":"a"}\n\n');
    s.raw('event: log\r\ndata: {"message":\r\ndata: "b"}\r\n\r\n');
    s.raw('event: progress\ndata: {"fraction":0.5}'); // unterminated: dropped at the end
    s.end();
    await p;
    expect(events).toEqual([
      { id: 3, event: "log", data: { message: "a" } },
      { event: "log", data: { message: "b" } },
    ]);
  });
});

describe("watchJob", () => {
  const running = job({ status: "running", progress: 0.1 });
  const done = job({ status: "succeeded", progress: 1, result: BELL_RESULT });

  it("follows the stream: state, progress, the terminal status, then fetches the final job", async () => {
    const api = fakeJobs();
    const s = sseResponse();
    api.events.mockResolvedValue(s.response);
    api.get.mockResolvedValue(done);
    const seen: string[] = [];
    const p = watchJob(api, running.id, {
      onJob: (j) => seen.push(`job:${j.status}`),
      onProgress: (f) => seen.push(`progress:${f}`),
      onStatus: (st) => seen.push(`status:${st}`),
      onTransport: (t) => seen.push(`transport:${t}`),
    });
    s.send("state", running, 1);
    s.send("progress", { fraction: 0.5 });
    s.send("log", { message: "hello" }, 2);
    s.send("status", { status: "succeeded" }, 3);
    const final = await p;
    expect(final).toEqual(done);
    expect(seen).toEqual([
      "transport:stream",
      "job:running",
      "progress:0.1",
      "progress:0.5",
      "status:succeeded",
      "job:succeeded",
      "progress:1",
    ]);
    expect(api.get).toHaveBeenCalledTimes(1);
  });

  it("fetches the whole job when the first state is already final (streams may carry a result summary)", async () => {
    const api = fakeJobs();
    const s = sseResponse();
    api.events.mockResolvedValue(s.response);
    api.get.mockResolvedValue(done);
    const seen: Job[] = [];
    const p = watchJob(api, done.id, { onJob: (j) => seen.push(j) });
    const {
      counts: _c,
      probabilities: _p,
      statevector: _s,
      ...summary
    } = BELL_RESULT;
    s.send("state", { ...done, result: summary }, 7);
    expect(await p).toEqual(done);
    expect(seen).toEqual([done]);
    expect(api.get).toHaveBeenCalledTimes(1);
  });

  it("falls back to polling when the stream cannot be opened", async () => {
    const api = fakeJobs();
    api.events.mockRejectedValue(problem(503, "UNAVAILABLE", "Unavailable"));
    api.get
      .mockResolvedValueOnce(running)
      .mockResolvedValueOnce(job({ status: "running", progress: 0.6 }))
      .mockResolvedValueOnce(done);
    const jobs: Job[] = [];
    const transports: string[] = [];
    const final = await watchJob(
      api,
      running.id,
      { onJob: (j) => jobs.push(j), onTransport: (t) => transports.push(t) },
      { pollMs: 1 },
    );
    expect(final?.status).toBe("succeeded");
    expect(jobs.map((j) => j.progress)).toEqual([0.1, 0.6, 1]);
    expect(transports).toEqual(["polling"]);
  });

  it("falls back to polling when the stream breaks midway", async () => {
    const api = fakeJobs();
    const s = sseResponse();
    api.events.mockResolvedValue(s.response);
    api.get.mockResolvedValue(done);
    const transports: string[] = [];
    const onJob = vi.fn();
    const p = watchJob(
      api,
      running.id,
      { onJob, onTransport: (t) => transports.push(t) },
      { pollMs: 1 },
    );
    s.send("state", running, 1);
    await vi.waitFor(() => expect(onJob).toHaveBeenCalledTimes(1));
    s.fail();
    expect((await p)?.status).toBe("succeeded");
    expect(transports).toEqual(["stream", "polling"]);
  });

  it("throws a 4xx (the job is not visible) instead of polling", async () => {
    const api = fakeJobs();
    api.events.mockRejectedValue(
      problem(404, "JOB_NOT_FOUND", "Job not found"),
    );
    await expect(
      watchJob(api, running.id, { onJob: () => undefined }, { pollMs: 1 }),
    ).rejects.toMatchObject({ code: "JOB_NOT_FOUND" });
    expect(api.get).not.toHaveBeenCalled();
  });

  it("gives up polling after repeated network failures", async () => {
    const api = fakeJobs();
    api.get.mockRejectedValue(new TypeError("Failed to fetch"));
    await expect(
      watchJob(
        api,
        running.id,
        { onJob: () => undefined },
        { pollMs: 1, poll: true },
      ),
    ).rejects.toMatchObject({ code: "NETWORK_ERROR", status: 0 });
    expect(api.get).toHaveBeenCalledTimes(5);
  });

  it("returns null when aborted, and stops reading the stream", async () => {
    const api = fakeJobs();
    const s = sseResponse();
    let streamSignal: AbortSignal | undefined;
    api.events.mockImplementation(async (_id, signal) => {
      streamSignal = signal;
      return s.response;
    });
    const ac = new AbortController();
    const onJob = vi.fn();
    const p = watchJob(api, running.id, { onJob }, { signal: ac.signal });
    s.send("state", running, 1);
    await vi.waitFor(() => expect(onJob).toHaveBeenCalledTimes(1));
    ac.abort();
    s.fail();
    expect(await p).toBeNull();
    expect(streamSignal?.aborted).toBe(true);
    expect(api.get).not.toHaveBeenCalled();
  });
});
