import { describe, expect, it, vi } from "vitest";
import { readSse, watchJob, type Job } from "../src/api/jobs.ts";
import {
  BELL_RESULT,
  fakeJobs,
  job,
  problem,
  sseResponse,
} from "./job-fixtures.ts";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("readSse", () => {
  it("parses events split across chunks, CRLF lines, comments and multi-line data", async () => {
    const s = sseResponse();
    const done = collect(readSse(s.response.body!));
    s.raw("retry: 1000\n\n: ping\n\n");
    s.raw("id: 3\nevent: sta");
    s.raw('te\ndata: {"a":1}\n\n');
    s.raw("event: log\r\ndata: line one\r\ndata: line two\r\n\r\n");
    s.raw("data: no event name\n\n");
    s.raw("event: progress\ndata: 0.5"); // unterminated: dropped at the end
    s.end();
    expect(await done).toEqual([
      { id: "3", event: "state", data: '{"a":1}' },
      { event: "log", data: "line one\nline two" },
      { event: "message", data: "no event name" },
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
      "progress:0.5",
      "status:succeeded",
      "job:succeeded",
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
    const p = watchJob(
      api,
      running.id,
      { onJob: () => undefined, onTransport: (t) => transports.push(t) },
      { pollMs: 1 },
    );
    s.send("state", running, 1);
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
    api.get.mockRejectedValue(problem(0, "NETWORK", "Network error"));
    await expect(
      watchJob(
        api,
        running.id,
        { onJob: () => undefined },
        { pollMs: 1, poll: true },
      ),
    ).rejects.toMatchObject({ code: "NETWORK" });
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
