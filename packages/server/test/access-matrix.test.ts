import { beforeAll, describe, expect, it } from "vitest";
import { signAccessToken } from "../src/services/core/crypto.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import { bearer, signUp, type TestUser } from "./helpers/test-app.ts";

const SECRET = "access-matrix-secret-0123456789abcdef";
const SOURCE =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\nh q[0];\n// SECRET-SOURCE-MARKER\n';

const NOISE_MODEL = {
  format: "stepfault.noise-model",
  version: 1,
  gateNoise: [
    { gates: ["h"], channel: { name: "depolarizing", params: [0.01] } },
  ],
};

type Method = "GET" | "POST" | "PATCH" | "DELETE";
/** The least role a route needs inside a project; "account" routes need only a signed-in user. */
type Need = "viewer" | "editor" | "owner" | "account" | "admin";
interface RouteCase {
  readonly method: Method;
  readonly url: string;
  readonly need: Need;
  readonly payload?: Record<string, unknown>;
}

describeOnEngines(
  "Access matrix",
  (ctx) => {
    let admin: TestUser;
    let owner: TestUser;
    let viewer: TestUser;
    let stranger: TestUser;
    let disabled: TestUser;
    let revokedKey: string;
    let projectId: string;
    let circuitId: string;
    let noiseModelId: string;
    let routes: RouteCase[];

    beforeAll(async () => {
      admin = await signUp(ctx.app, "admin");
      owner = await signUp(ctx.app, "owner");
      viewer = await signUp(ctx.app, "viewer");
      stranger = await signUp(ctx.app, "stranger");
      disabled = await signUp(ctx.app, "disabled");
      expect(admin.role).toBe("admin");
      const p = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(owner.accessToken),
        payload: { name: "SECRET-PROJECT-MARKER" },
      });
      projectId = (p.json() as { id: string }).id;
      for (const [u, role] of [
        [viewer, "viewer"],
        [disabled, "editor"],
      ] as const) {
        const m = await ctx.app.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/members`,
          headers: bearer(owner.accessToken),
          payload: { email: u.email, role },
        });
        expect(m.statusCode).toBe(201);
      }
      const c = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/circuits`,
        headers: bearer(owner.accessToken),
        payload: { name: "SECRET-CIRCUIT-MARKER", source: SOURCE },
      });
      expect(c.statusCode, c.body).toBe(201);
      circuitId = (c.json() as { id: string }).id;
      const nm = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/noise-models`,
        headers: bearer(owner.accessToken),
        payload: { name: "SECRET-NOISE-MARKER", model: NOISE_MODEL },
      });
      expect(nm.statusCode, nm.body).toBe(201);
      noiseModelId = (nm.json() as { id: string }).id;
      const k = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/me/api-keys",
        headers: bearer(owner.accessToken),
        payload: { name: "to revoke" },
      });
      const key = k.json() as { id: string; key: string };
      revokedKey = key.key;
      await ctx.app.inject({
        method: "DELETE",
        url: `/api/v1/me/api-keys/${key.id}`,
        headers: bearer(owner.accessToken),
      });
      const d = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/admin/users/${disabled.id}/disable`,
        headers: bearer(admin.accessToken),
      });
      expect(d.statusCode).toBe(200);

      const strangerUsername = (
        (
          await ctx.app.inject({
            method: "GET",
            url: "/api/v1/me",
            headers: bearer(stranger.accessToken),
          })
        ).json() as { username: string }
      ).username;
      const P = `/api/v1/projects/${projectId}`;
      const C = `${P}/circuits/${circuitId}`;
      const N = `${P}/noise-models/${noiseModelId}`;
      routes = [
        { method: "GET", url: "/api/v1/me", need: "account" },
        {
          method: "PATCH",
          url: "/api/v1/me",
          need: "account",
          payload: { displayName: "renamed" },
        },
        {
          method: "POST",
          url: "/api/v1/me/password",
          need: "account",
          payload: { currentPassword: "x", newPassword: "yyyyyyyyyy" },
        },
        { method: "GET", url: "/api/v1/me/api-keys", need: "account" },
        {
          method: "POST",
          url: "/api/v1/me/api-keys",
          need: "account",
          payload: { name: "k" },
        },
        {
          method: "DELETE",
          url: `/api/v1/me/api-keys/00000000-0000-4000-8000-000000000000`,
          need: "account",
        },
        { method: "GET", url: "/api/v1/projects", need: "account" },
        {
          method: "POST",
          url: "/api/v1/projects",
          need: "account",
          payload: { name: "n" },
        },
        { method: "GET", url: "/api/v1/admin/users", need: "admin" },
        {
          method: "POST",
          url: `/api/v1/admin/users/${owner.id}/disable`,
          need: "admin",
        },
        {
          method: "POST",
          url: `/api/v1/admin/users/${owner.id}/enable`,
          need: "admin",
        },
        { method: "GET", url: P, need: "viewer" },
        { method: "GET", url: `${P}/members`, need: "viewer" },
        { method: "GET", url: `${P}/circuits`, need: "viewer" },
        { method: "GET", url: C, need: "viewer" },
        { method: "GET", url: `${C}/revisions`, need: "viewer" },
        { method: "GET", url: `${C}/revisions/1`, need: "viewer" },
        {
          method: "POST",
          url: `${P}/circuits`,
          need: "editor",
          payload: { name: "new", source: SOURCE },
        },
        {
          method: "PATCH",
          url: C,
          need: "editor",
          payload: { name: "renamed" },
        },
        { method: "DELETE", url: C, need: "editor" },
        { method: "GET", url: `${P}/noise-models`, need: "viewer" },
        { method: "GET", url: N, need: "viewer" },
        {
          method: "POST",
          url: `${P}/noise-models`,
          need: "editor",
          payload: { name: "another", model: NOISE_MODEL },
        },
        {
          method: "PATCH",
          url: N,
          need: "editor",
          payload: { name: "renamed" },
        },
        { method: "DELETE", url: N, need: "editor" },
        {
          method: "PATCH",
          url: P,
          need: "owner",
          payload: { name: "renamed" },
        },
        { method: "DELETE", url: P, need: "owner" },
        {
          method: "POST",
          url: `${P}/members`,
          need: "owner",
          payload: { email: stranger.email, role: "editor" },
        },
        {
          method: "POST",
          url: `${P}/members`,
          need: "owner",
          payload: { username: strangerUsername, role: "viewer" },
        },
        {
          method: "PATCH",
          url: `${P}/members/${viewer.id}`,
          need: "owner",
          payload: { role: "owner" },
        },
        { method: "DELETE", url: `${P}/members/${viewer.id}`, need: "owner" },
      ];
    });

    async function call(r: RouteCase, headers: Record<string, string>) {
      return ctx.app.inject({
        method: r.method,
        url: r.url,
        headers,
        ...(r.payload ? { payload: r.payload } : {}),
      });
    }

    function assertNoLeak(body: string): void {
      for (const marker of [
        "SECRET-PROJECT-MARKER",
        "SECRET-CIRCUIT-MARKER",
        "SECRET-SOURCE-MARKER",
        "SECRET-NOISE-MARKER",
        owner.email,
      ]) {
        expect(body).not.toContain(marker);
      }
    }

    const badCredentials: [string, () => Record<string, string>][] = [
      ["anonymous", () => ({})],
      [
        "an expired access token",
        () =>
          bearer(signAccessToken(SECRET, owner.id, 60, Date.now() - 3600_000)),
      ],
      ["a revoked API key", () => bearer(revokedKey)],
      ["a disabled user's token", () => bearer(disabled.accessToken)],
      [
        "a malformed Authorization header",
        () => ({ authorization: "Basic Zm9vOmJhcg==" }),
      ],
    ];

    describe.each(badCredentials)("as %s", (_label, headers) => {
      it("answers 401 problem+json on every route and leaks nothing", async () => {
        for (const r of routes) {
          const res = await call(r, headers());
          expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
          expect(res.headers["content-type"]).toMatch(/problem\+json/);
          assertNoLeak(res.body);
        }
      });
    });

    describe("as another signed-in user (not a member, not admin)", () => {
      it("answers 404 on every project and admin route and leaks nothing", async () => {
        for (const r of routes.filter((x) => x.need !== "account")) {
          const res = await call(r, bearer(stranger.accessToken));
          expect(res.statusCode, `${r.method} ${r.url}`).toBe(404);
          assertNoLeak(res.body);
        }
      });
    });

    describe("as a viewer", () => {
      it("reads every project route but gets 403 on every write, which changes nothing", async () => {
        for (const r of routes.filter((x) => x.need === "viewer")) {
          expect(
            (await call(r, bearer(viewer.accessToken))).statusCode,
            `${r.method} ${r.url}`,
          ).toBe(200);
        }
        for (const r of routes.filter(
          (x) => x.need === "editor" || x.need === "owner",
        )) {
          const res = await call(r, bearer(viewer.accessToken));
          expect(res.statusCode, `${r.method} ${r.url}`).toBe(403);
        }
        for (const r of routes.filter((x) => x.need === "admin")) {
          expect(
            (await call(r, bearer(viewer.accessToken))).statusCode,
            `${r.method} ${r.url}`,
          ).toBe(404);
        }
        const c = await ctx.app.inject({
          method: "GET",
          url: `/api/v1/projects/${projectId}/circuits/${circuitId}`,
          headers: bearer(owner.accessToken),
        });
        expect(c.json()).toMatchObject({
          name: "SECRET-CIRCUIT-MARKER",
          revision: 1,
        });
        const members = await ctx.app.inject({
          method: "GET",
          url: `/api/v1/projects/${projectId}/members`,
          headers: bearer(owner.accessToken),
        });
        expect((members.json() as unknown[]).length).toBe(3);
        const nm = await ctx.app.inject({
          method: "GET",
          url: `/api/v1/projects/${projectId}/noise-models/${noiseModelId}`,
          headers: bearer(owner.accessToken),
        });
        expect(nm.json()).toMatchObject({
          name: "SECRET-NOISE-MARKER",
          model: NOISE_MODEL,
        });
      });
    });
  },
  { config: { jwtSecret: SECRET } },
);
