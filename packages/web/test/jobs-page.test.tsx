// @vitest-environment jsdom
import {
  cleanup,
  fireEvent,
  render,
  screen,
  waitFor,
  within,
} from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { createApiClient } from "../src/api/client.ts";
import { rerunBody, type Job } from "@stepfault/sdk";
import { SessionProvider } from "../src/api/session.tsx";
import { JobPage } from "../src/pages/jobs/JobPage.tsx";
import { JobsPage } from "../src/pages/jobs/JobsPage.tsx";
import { BELL_RESULT, job, sseResponse } from "./job-fixtures.ts";

afterEach(cleanup);

const ID2 = "22222222-2222-4222-8222-222222222222";

/** A fetch that serves one project, one circuit and the given jobs, and records requests. */
function server(jobs: Job[], pageSize = 50, events?: () => Response) {
  const requests: string[] = [];
  const submitted: unknown[] = [];
  let listCalls = 0;
  const json = (b: unknown, status = 200) =>
    new Response(JSON.stringify(b), {
      status,
      headers: { "content-type": "application/json" },
    });
  const fetchFn = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), "http://x");
    const method = init?.method ?? "GET";
    requests.push(`${method} ${url.pathname}${url.search}`);
    const p = url.pathname.replace("/api/v1", "");
    if (p === "/projects/p1")
      return json({
        id: "p1",
        name: "Bell lab",
        role: "owner",
        createdAt: "",
        updatedAt: "",
      });
    if (p === "/projects/p1/circuits")
      return json({ items: [{ id: "c1", name: "bell" }], nextCursor: null });
    if (p === "/projects/p1/jobs" && method === "POST") {
      submitted.push(JSON.parse(String(init?.body)));
      return json({ ...jobs[0], id: ID2, status: "queued" }, 201);
    }
    if (p === "/projects/p1/jobs") {
      listCalls++;
      const status = url.searchParams.get("status");
      const all = jobs.filter((j) => !status || j.status === status);
      const from = Number(url.searchParams.get("cursor") ?? 0);
      return json({
        items: all.slice(from, from + pageSize),
        nextCursor:
          from + pageSize < all.length ? String(from + pageSize) : null,
      });
    }
    if (events && p.endsWith("/events")) return events();
    const m = /^\/jobs\/([^/]+)(\/cancel)?$/.exec(p);
    const j = jobs.find((x) => x.id === m?.[1]);
    if (!j)
      return json(
        { code: "JOB_NOT_FOUND", title: "Job not found", status: 404 },
        404,
      );
    if (m?.[2]) {
      const next = { ...j, status: "cancelled" as const };
      jobs[jobs.indexOf(j)] = next;
      return json(next);
    }
    return json(j);
  };
  const client = createApiClient({ fetch: fetchFn as typeof fetch });
  return { client, requests, submitted, listCalls: () => listCalls, jobs };
}

const statuses = () =>
  [
    ...screen
      .getByRole("table", { name: "Jobs" })
      .querySelectorAll(".job-status"),
  ].map((e) => e.textContent);

describe("JobsPage", () => {
  it("lists jobs with circuit names, filters by status, refreshes while one runs, and cancels", async () => {
    const srv = server([
      job({ status: "running", progress: 0.25 }),
      job({
        id: ID2,
        status: "succeeded",
        circuitId: null,
        circuitRevision: null,
        // Lists carry which model, not the model.
        noise: {
          noiseModelId: "m1",
          noiseModelName: "lab device",
          name: null,
        } as unknown as Job["noise"],
      }),
    ]);
    render(
      <SessionProvider client={srv.client}>
        <JobsPage projectId="p1" refreshMs={20} />
      </SessionProvider>,
    );
    await waitFor(() =>
      expect(statuses()).toEqual(["running 25%", "succeeded"]),
    );
    const table = screen.getByRole("table", { name: "Jobs" });
    expect(
      within(table).getByRole("link", { name: "bell · revision 2" }),
    ).toBeTruthy();
    expect(within(table).getByText("inline source")).toBeTruthy();
    expect(
      [...table.querySelectorAll("tbody tr")].map(
        (r) => r.querySelectorAll("td")[5].textContent,
      ),
    ).toEqual(["none", "lab device"]);
    expect(screen.getByText("Updating while jobs run…")).toBeTruthy();

    // The running job moves on: the list is read again on its own.
    srv.jobs[0] = job({ status: "running", progress: 0.75 });
    await waitFor(() => expect(statuses()[0]).toBe("running 75%"));
    expect(srv.listCalls()).toBeGreaterThan(1);

    fireEvent.click(
      screen.getByRole("button", { name: "Cancel job 11111111" }),
    );
    await waitFor(() => expect(statuses()).toEqual(["cancelled", "succeeded"]));
    expect(srv.requests).toContain(`POST /api/v1/jobs/${job().id}/cancel`);
    // Nothing runs any more: the refresh stops.
    await waitFor(() =>
      expect(screen.queryByText("Updating while jobs run…")).toBeNull(),
    );
    const calls = srv.listCalls();
    await new Promise((r) => setTimeout(r, 80));
    expect(srv.listCalls()).toBe(calls);

    fireEvent.click(screen.getByRole("button", { name: "failed" }));
    await waitFor(() =>
      expect(screen.getByText("No failed jobs.")).toBeTruthy(),
    );
    expect(srv.requests).toContain(
      "GET /api/v1/projects/p1/jobs?limit=50&status=failed",
    );
    expect(
      screen
        .getByRole("button", { name: "failed" })
        .getAttribute("aria-pressed"),
    ).toBe("true");
    fireEvent.click(screen.getByRole("button", { name: "succeeded" }));
    await waitFor(() => expect(statuses()).toEqual(["succeeded"]));
    // Choosing the shown filter again keeps the list.
    fireEvent.click(screen.getByRole("button", { name: "succeeded" }));
    expect(statuses()).toEqual(["succeeded"]);
  });
  it("loads further pages on request", async () => {
    const ids = ["a", "b", "c"].map(
      (c) => `${c.repeat(8)}-0000-4000-8000-000000000000`,
    );
    const srv = server(
      ids.map((id) => job({ id, status: "succeeded" })),
      2,
    );
    render(
      <SessionProvider client={srv.client}>
        <JobsPage projectId="p1" refreshMs={20} />
      </SessionProvider>,
    );
    await waitFor(() => expect(statuses()).toHaveLength(2));
    fireEvent.click(screen.getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(statuses()).toHaveLength(3));
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
    expect(screen.getByRole("link", { name: "Job cccccccc" })).toBeTruthy();
    expect(srv.requests).toContain(
      "GET /api/v1/projects/p1/jobs?limit=50&cursor=2",
    );
  });
});

describe("JobPage", () => {
  const record = {
    source: 'OPENQASM 3.0;\ninclude "stdgates.inc";\n',
    inputs: null,
    circuit: {},
    seed: 1234,
    options: { shots: 1000, precision: "double" },
    stepfaultVersion: "0.1.0",
  };

  it("shows the record and the result of a finished job", async () => {
    const srv = server([
      job({
        status: "succeeded",
        progress: 1,
        result: BELL_RESULT,
        record,
        seed: 1234,
      }),
    ]);
    render(
      <SessionProvider client={srv.client}>
        <JobPage projectId="p1" jobId={job().id} />
      </SessionProvider>,
    );
    await screen.findByRole("heading", { name: "Job 11111111" });
    expect(document.querySelector(".record-source")?.textContent).toBe(
      record.source,
    );
    expect(
      [...document.querySelectorAll('dl[aria-label="Record"] dd')].map(
        (d) => d.textContent,
      ),
    ).toEqual(["1234", "shots 1000, precision double", "none", "0.1.0"]);
    expect(
      await screen.findByRole("table", { name: "Probabilities" }),
    ).toBeTruthy();
    // The run facts say how many threads shared the sweeps.
    const facts = [...document.querySelectorAll("dt")].find(
      (d) => d.textContent === "Threads",
    );
    expect(facts?.nextElementSibling?.textContent).toBe("1");
    expect(screen.getByRole("button", { name: "Run again" })).toHaveProperty(
      "disabled",
      false,
    );
  });

  it("runs a job again with every field it ran with: inputs, noise, method, sweep", async () => {
    const model = {
      format: "stepfault.noise-model" as const,
      version: 1 as const,
      gateNoise: [
        {
          gates: ["h"],
          channel: { name: "depolarizing" as const, params: [0.01] },
        },
      ],
    };
    const ran = job({
      status: "succeeded",
      progress: 1,
      result: BELL_RESULT,
      method: "density_matrix",
      threads: 2,
      noise: { model, noiseModelId: null, noiseModelName: null },
      primitive: { sweep: { theta: [0, 1] } },
      record: {
        ...record,
        inputs: { phi: 0.5 },
        options: { ...record.options, precision: "single" },
      },
    });
    const srv = server([ran]);
    render(
      <SessionProvider client={srv.client}>
        <JobPage projectId="p1" jobId={ran.id} />
      </SessionProvider>,
    );
    fireEvent.click(await screen.findByRole("button", { name: "Run again" }));
    await waitFor(() => expect(srv.submitted).toHaveLength(1));
    expect(srv.submitted[0]).toEqual(rerunBody(ran));
    expect(srv.submitted[0]).toEqual({
      kind: "sample",
      circuitId: "c1",
      revision: 2,
      shots: 1000,
      seed: 1234,
      precision: "single",
      inputs: { phi: 0.5 },
      noise: model,
      method: "density_matrix",
      threads: 2,
      sweep: { theta: [0, 1] },
    });
  });

  it("follows a running job live and shows its result when it ends", async () => {
    const s = sseResponse();
    const jobs = [job({ status: "running", progress: 0.3 })];
    const srv = server(jobs, 50, () => s.response);
    render(
      <SessionProvider client={srv.client}>
        <JobPage projectId="p1" jobId={job().id} />
      </SessionProvider>,
    );
    // The job's status line (the page has others, such as the copy-link notice).
    const status = async () =>
      (await screen.findAllByRole("status"))[0].textContent;
    await waitFor(async () => expect(await status()).toBe("Running 30%"));
    s.send("state", jobs[0], 1);
    s.send("progress", { fraction: 0.6 });
    await waitFor(async () => expect(await status()).toBe("Running 60%"));
    expect(screen.getByRole("button", { name: "Cancel job" })).toBeTruthy();
    jobs[0] = job({
      status: "succeeded",
      progress: 1,
      result: BELL_RESULT,
      record,
    });
    s.send("status", { status: "succeeded" }, 2);
    await waitFor(async () => expect(await status()).toBe("Succeeded"));
    expect(
      await screen.findByRole("table", { name: "Probabilities" }),
    ).toBeTruthy();
    expect(document.querySelector(".record-source")?.textContent).toBe(
      record.source,
    );
    expect(screen.queryByRole("button", { name: "Cancel job" })).toBeNull();
  });

  it("says so when a succeeded job's stored result is gone, and still offers to run it again", async () => {
    const srv = server([
      job({
        status: "succeeded",
        progress: 1,
        result: null,
        resultUnavailable: {
          code: "RESULT_MISSING",
          message: "the result file is gone; submit it again",
        },
        record,
      }),
    ]);
    render(
      <SessionProvider client={srv.client}>
        <JobPage projectId="p1" jobId={job().id} />
      </SessionProvider>,
    );
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The result is no longer available: the result file is gone; submit it again",
    );
    expect(screen.queryByRole("heading", { name: "Result" })).toBeNull();
    expect(screen.getByRole("button", { name: "Run again" })).toHaveProperty(
      "disabled",
      false,
    );
  });

  it("shows a failed job's message, and not found for a job of another project", async () => {
    const srv = server([
      job({
        status: "failed",
        error: { code: "SIM_TOO_LARGE", message: "needs 8 GiB" },
      }),
      job({ id: ID2, projectId: "other" }),
    ]);
    const { unmount } = render(
      <SessionProvider client={srv.client}>
        <JobPage projectId="p1" jobId={job().id} />
      </SessionProvider>,
    );
    expect((await screen.findByRole("alert")).textContent).toBe(
      "The job failed: needs 8 GiB (SIM_TOO_LARGE)",
    );
    unmount();
    render(
      <SessionProvider client={srv.client}>
        <JobPage projectId="p1" jobId={ID2} />
      </SessionProvider>,
    );
    expect(
      await screen.findByRole("heading", { name: "Job not found" }),
    ).toBeTruthy();
    cleanup();
    render(
      <SessionProvider client={srv.client}>
        <JobPage projectId="p1" jobId="33333333-3333-4333-8333-333333333333" />
      </SessionProvider>,
    );
    expect(
      await screen.findByRole("heading", { name: "Job not found" }),
    ).toBeTruthy();
  });
});
