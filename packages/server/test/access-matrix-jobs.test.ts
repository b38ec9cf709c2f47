import { beforeAll, expect, it } from "vitest";
import { BELL } from "./helpers/circuits.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import { bearer, signUp, type TestUser } from "./helpers/test-app.ts";

type Method = "GET" | "POST" | "PATCH" | "DELETE";
/** The least project role a route needs. */
type Need = "viewer" | "editor";
interface RouteCase {
  readonly method: Method;
  readonly url: string;
  readonly need: Need;
  readonly payload?: Record<string, unknown>;
}

const MARKER = "SECRET-HOOK-MARKER";

/** The job and webhook routes, for each kind of caller (the access matrix of the routes added later). */
describeOnEngines("Access matrix: jobs and webhooks", (ctx) => {
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let routes: RouteCase[];

  beforeAll(async () => {
    owner = await signUp(ctx.app, "owner");
    viewer = await signUp(ctx.app, "viewer");
    stranger = await signUp(ctx.app, "stranger");
    const as = (u: TestUser) => bearer(u.accessToken);
    const p = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: as(owner),
      payload: { name: "Matrix" },
    });
    const projectId = (p.json() as { id: string }).id;
    const m = await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/members`,
      headers: as(owner),
      payload: { email: viewer.email, role: "viewer" },
    });
    expect(m.statusCode, m.body).toBe(201);
    const j = await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/jobs`,
      headers: as(owner),
      payload: { source: BELL, shots: 10 },
    });
    expect(j.statusCode, j.body).toBe(201);
    const jobId = (j.json() as { id: string }).id;
    for (const until = Date.now() + 20_000; ;) {
      const r = await ctx.app.inject({
        url: `/api/v1/jobs/${jobId}`,
        headers: as(owner),
      });
      if ((r.json() as { status: string }).status === "succeeded") break;
      if (Date.now() > until) throw new Error(`job not done: ${r.body}`);
      await new Promise((res) => setTimeout(res, 50));
    }
    const h = await ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/webhooks`,
      headers: as(owner),
      payload: {
        url: "http://127.0.0.1:9/hook",
        description: MARKER,
        active: false,
      },
    });
    expect(h.statusCode, h.body).toBe(201);
    const hookId = (h.json() as { id: string }).id;
    const none = "00000000-0000-4000-8000-000000000000";

    const P = `/api/v1/projects/${projectId}`;
    const J = `/api/v1/jobs/${jobId}`;
    const W = `/api/v1/webhooks/${hookId}`;
    routes = [
      { method: "GET", url: `${P}/jobs`, need: "viewer" },
      { method: "GET", url: J, need: "viewer" },
      { method: "GET", url: `${J}/result`, need: "viewer" },
      {
        method: "POST",
        url: `${P}/jobs`,
        need: "editor",
        payload: { source: BELL, shots: 10 },
      },
      { method: "POST", url: `${J}/cancel`, need: "editor" },
      { method: "DELETE", url: J, need: "editor" },
      { method: "GET", url: `${P}/webhooks`, need: "editor" },
      {
        method: "POST",
        url: `${P}/webhooks`,
        need: "editor",
        payload: { url: "http://127.0.0.1:9/other" },
      },
      { method: "GET", url: W, need: "editor" },
      {
        method: "PATCH",
        url: W,
        need: "editor",
        payload: { description: "changed" },
      },
      { method: "DELETE", url: W, need: "editor" },
      { method: "GET", url: `${W}/deliveries`, need: "editor" },
      { method: "GET", url: `${W}/deliveries/${none}`, need: "editor" },
      {
        method: "POST",
        url: `${W}/deliveries/${none}/redeliver`,
        need: "editor",
      },
    ];
  }, 60_000);

  const call = (r: RouteCase, headers: Record<string, string>) =>
    ctx.app.inject({
      method: r.method,
      url: r.url,
      headers,
      ...(r.payload ? { payload: r.payload } : {}),
    });

  it("answers 401 problem+json to an anonymous caller on every route", async () => {
    for (const r of routes) {
      const res = await call(r, {});
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.headers["content-type"]).toMatch(/problem\+json/);
    }
  });

  it("answers 404 to a signed-in non-member on every route and leaks nothing", async () => {
    for (const r of routes) {
      const res = await call(r, bearer(stranger.accessToken));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
      expect(res.headers["content-type"]).toMatch(/problem\+json/);
      expect(res.body).not.toContain(MARKER);
      expect(res.body).not.toContain(owner.email);
    }
  });

  it("lets a viewer read jobs but answers 403 to every job write and webhook route", async () => {
    for (const r of routes.filter((x) => x.need === "viewer")) {
      const res = await call(r, bearer(viewer.accessToken));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(200);
    }
    for (const r of routes.filter((x) => x.need === "editor")) {
      const res = await call(r, bearer(viewer.accessToken));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
      expect(res.body).not.toContain(MARKER);
    }
    // nothing changed: the job and the webhook are still there, the webhook as it was
    for (const r of routes.filter(
      (x) => x.method === "GET" && !x.url.includes("/deliveries/"),
    )) {
      const res = await call(r, bearer(owner.accessToken));
      expect(res.statusCode, `${r.method} ${r.url}`).toBe(200);
    }
    const hook = routes.find(
      (x) => x.method === "GET" && /webhooks\/[^/]+$/.test(x.url),
    )!;
    expect((await call(hook, bearer(owner.accessToken))).json()).toMatchObject({
      description: MARKER,
    });
  });
});
