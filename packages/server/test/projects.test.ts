import { describe, expect, it } from "vitest";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

describeOnEngines("Projects API", (ctx) => {
  async function createProject(u: TestUser, name = "Alpha") {
    const res = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/projects",
      headers: bearer(u.accessToken),
      payload: { name },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; name: string; role: string };
  }

  async function addMember(
    owner: TestUser,
    projectId: string,
    member: TestUser,
    role: string,
  ) {
    return ctx.app.inject({
      method: "POST",
      url: `/api/v1/projects/${projectId}/members`,
      headers: bearer(owner.accessToken),
      payload: { email: member.email, role },
    });
  }

  describe("create and list", () => {
    it("creates a project owned by the caller and lists only the caller's projects", async () => {
      const a = await signUp(ctx.app);
      const b = await signUp(ctx.app);
      const p = await createProject(a, "Mine");
      await createProject(b, "Theirs");
      expect(p.role).toBe("owner");
      const list = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/projects",
        headers: bearer(a.accessToken),
      });
      expect((list.json() as { name: string }[]).map((x) => x.name)).toEqual([
        "Mine",
      ]);
    });

    it("rejects an empty name with 400", async () => {
      const a = await signUp(ctx.app);
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(a.accessToken),
        payload: { name: "   " },
      });
      expectProblem(res, 400, "VALIDATION_FAILED");
    });
  });

  describe("get, rename, delete", () => {
    it("answers 404 (not 403) for another user's project on every verb", async () => {
      const a = await signUp(ctx.app);
      const b = await signUp(ctx.app);
      const p = await createProject(a, "Secret");
      for (const [method, payload] of [
        ["GET", undefined],
        ["PATCH", { name: "x" }],
        ["DELETE", undefined],
      ] as const) {
        const res = await ctx.app.inject({
          method,
          url: `/api/v1/projects/${p.id}`,
          headers: bearer(b.accessToken),
          ...(payload ? { payload } : {}),
        });
        expectProblem(res, 404, "PROJECT_NOT_FOUND");
        expect(res.body).not.toContain("Secret");
      }
    });

    it("lets the owner rename and delete; the project is then gone", async () => {
      const a = await signUp(ctx.app);
      const p = await createProject(a, "Old");
      const ren = await ctx.app.inject({
        method: "PATCH",
        url: `/api/v1/projects/${p.id}`,
        headers: bearer(a.accessToken),
        payload: { name: "New" },
      });
      expect(ren.statusCode).toBe(200);
      expect((ren.json() as { name: string }).name).toBe("New");
      const del = await ctx.app.inject({
        method: "DELETE",
        url: `/api/v1/projects/${p.id}`,
        headers: bearer(a.accessToken),
      });
      expect(del.statusCode).toBe(204);
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: `/api/v1/projects/${p.id}`,
          headers: bearer(a.accessToken),
        }),
        404,
        "PROJECT_NOT_FOUND",
      );
    });

    it("answers 400 for a malformed project id", async () => {
      const a = await signUp(ctx.app);
      const res = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/projects/not-a-uuid",
        headers: bearer(a.accessToken),
      });
      expectProblem(res, 400, "VALIDATION_FAILED");
    });
  });

  describe("members", () => {
    it("lets the owner add an editor and a viewer, who then see the project with their role", async () => {
      const owner = await signUp(ctx.app);
      const ed = await signUp(ctx.app);
      const vi = await signUp(ctx.app);
      const p = await createProject(owner, "Team");
      expect((await addMember(owner, p.id, ed, "editor")).statusCode).toBe(201);
      expect((await addMember(owner, p.id, vi, "viewer")).statusCode).toBe(201);
      const seen = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/projects/${p.id}`,
        headers: bearer(vi.accessToken),
      });
      expect((seen.json() as { role: string }).role).toBe("viewer");
      const members = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/projects/${p.id}/members`,
        headers: bearer(ed.accessToken),
      });
      const roles = Object.fromEntries(
        (members.json() as { email: string; role: string }[]).map((m) => [
          m.email,
          m.role,
        ]),
      );
      expect(roles).toEqual({
        [owner.email]: "owner",
        [ed.email]: "editor",
        [vi.email]: "viewer",
      });
    });

    it("answers 409 ALREADY_MEMBER for a duplicate and 404 USER_NOT_FOUND for an unknown email", async () => {
      const owner = await signUp(ctx.app);
      const ed = await signUp(ctx.app);
      const p = await createProject(owner);
      await addMember(owner, p.id, ed, "editor");
      expectProblem(
        await addMember(owner, p.id, ed, "viewer"),
        409,
        "ALREADY_MEMBER",
      );
      const res = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${p.id}/members`,
        headers: bearer(owner.accessToken),
        payload: { email: "nobody-here@example.test", role: "viewer" },
      });
      expectProblem(res, 404, "USER_NOT_FOUND");
    });

    it("forbids (403) non-owner members from renaming, deleting or managing members", async () => {
      const owner = await signUp(ctx.app);
      const ed = await signUp(ctx.app);
      const other = await signUp(ctx.app);
      const p = await createProject(owner);
      await addMember(owner, p.id, ed, "editor");
      expectProblem(
        await ctx.app.inject({
          method: "PATCH",
          url: `/api/v1/projects/${p.id}`,
          headers: bearer(ed.accessToken),
          payload: { name: "hijack" },
        }),
        403,
        "FORBIDDEN",
      );
      expectProblem(
        await addMember(ed, p.id, other, "viewer"),
        403,
        "FORBIDDEN",
      );
      expectProblem(
        await ctx.app.inject({
          method: "DELETE",
          url: `/api/v1/projects/${p.id}`,
          headers: bearer(ed.accessToken),
        }),
        403,
        "FORBIDDEN",
      );
    });

    it("changes roles and removes members, but never the last owner (409)", async () => {
      const owner = await signUp(ctx.app);
      const ed = await signUp(ctx.app);
      const p = await createProject(owner);
      await addMember(owner, p.id, ed, "viewer");
      const promote = await ctx.app.inject({
        method: "PATCH",
        url: `/api/v1/projects/${p.id}/members/${ed.id}`,
        headers: bearer(owner.accessToken),
        payload: { role: "editor" },
      });
      expect((promote.json() as { role: string }).role).toBe("editor");
      expectProblem(
        await ctx.app.inject({
          method: "PATCH",
          url: `/api/v1/projects/${p.id}/members/${owner.id}`,
          headers: bearer(owner.accessToken),
          payload: { role: "viewer" },
        }),
        409,
        "LAST_OWNER",
      );
      expectProblem(
        await ctx.app.inject({
          method: "DELETE",
          url: `/api/v1/projects/${p.id}/members/${owner.id}`,
          headers: bearer(owner.accessToken),
        }),
        409,
        "LAST_OWNER",
      );
      const rm = await ctx.app.inject({
        method: "DELETE",
        url: `/api/v1/projects/${p.id}/members/${ed.id}`,
        headers: bearer(owner.accessToken),
      });
      expect(rm.statusCode).toBe(204);
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: `/api/v1/projects/${p.id}`,
          headers: bearer(ed.accessToken),
        }),
        404,
        "PROJECT_NOT_FOUND",
      );
    });
  });
});
