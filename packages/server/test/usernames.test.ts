import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

const PASSWORD = "correct horse battery";

/** A random lower-case tag, so usernames never clash between tests. */
const tag = () => randomBytes(4).toString("hex");

describeOnEngines("Usernames", (ctx) => {
  const register = (payload: Record<string, unknown>) =>
    ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: { password: PASSWORD, ...payload },
    });

  async function signUpAs(username: string): Promise<TestUser> {
    const email = `${tag()}@example.test`;
    const reg = await register({ email, username });
    expect(reg.statusCode, reg.body).toBe(201);
    const login = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email, password: PASSWORD },
    });
    const user = reg.json() as { id: string; role: "admin" | "user" };
    return {
      id: user.id,
      email,
      password: PASSWORD,
      role: user.role,
      ...(login.json() as { accessToken: string; refreshToken: string }),
    };
  }

  const me = (u: TestUser) =>
    ctx.app.inject({
      method: "GET",
      url: "/api/v1/me",
      headers: bearer(u.accessToken),
    });

  const patchMe = (u: TestUser, payload: Record<string, unknown>) =>
    ctx.app.inject({
      method: "PATCH",
      url: "/api/v1/me",
      headers: bearer(u.accessToken),
      payload,
    });

  describe("register", () => {
    it("keeps a given username, lower-cased, and shows it on /me", async () => {
      const name = `Ada-${tag()}`;
      const u = await signUpAs(name);
      const res = await me(u);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ username: name.toLowerCase() });
    });

    it("derives a username from the email when none is given, suffixing -2, -3 on collisions", async () => {
      const local = `Grace.Hopper_${tag()}`;
      const base = local.toLowerCase().replace(/[._]/g, "-");
      const names: string[] = [];
      for (const domain of ["a.test", "b.test", "c.test"]) {
        const res = await register({ email: `${local}@${domain}` });
        expect(res.statusCode, res.body).toBe(201);
        names.push((res.json() as { username: string }).username);
      }
      expect(names).toEqual([base, `${base}-2`, `${base}-3`]);
    });

    it("gives distinct derived usernames to registrations that race with the same local part", async () => {
      const local = `race-${tag()}`;
      const results = await Promise.all(
        [1, 2, 3, 4, 5].map((i) => register({ email: `${local}@d${i}.test` })),
      );
      for (const r of results) expect(r.statusCode, r.body).toBe(201);
      const names = results.map(
        (r) => (r.json() as { username: string }).username,
      );
      expect(names.sort()).toEqual(
        [local, `${local}-2`, `${local}-3`, `${local}-4`, `${local}-5`].sort(),
      );
    });

    it("answers one 201 and one 409 USERNAME_TAKEN when two accounts race for the same username", async () => {
      const name = `same-race-${tag()}`;
      const results = await Promise.all(
        [1, 2].map((i) =>
          register({ email: `${tag()}-${i}@example.test`, username: name }),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      expect(
        (results.find((r) => r.statusCode === 409)?.json() as { code: string })
          .code,
      ).toBe("USERNAME_TAKEN");
    });

    it("never derives a reserved name", async () => {
      const res = await register({ email: `admin@${tag()}.test` });
      expect(res.statusCode, res.body).toBe(201);
      expect((res.json() as { username: string }).username).toMatch(
        /^admin-\d+$/,
      );
    });

    it.each([
      ["too short", "ab"],
      ["too long", "a".repeat(40)],
      ["a leading hyphen", "-abc"],
      ["a trailing hyphen", "abc-"],
      ["a double hyphen", "ab--cd"],
      ["an underscore", "ab_cd"],
      ["a space", "ab cd"],
      ["a non-ASCII letter", "jürgen"],
      ["an object instead of a string", { name: "abcd" }],
      ["the short reserved name me", "me"],
    ])("rejects a username with %s (400)", async (_label, username) => {
      const res = await register({
        email: `${tag()}@example.test`,
        username,
      });
      const body = expectProblem(res, 400, "VALIDATION_FAILED");
      expect(JSON.stringify(body.errors)).toContain("username");
    });

    it.each(["admin", "API", "Settings"])(
      "refuses the reserved name %s (400 USERNAME_RESERVED)",
      async (username) => {
        expectProblem(
          await register({ email: `${tag()}@example.test`, username }),
          400,
          "USERNAME_RESERVED",
        );
      },
    );

    it("answers 409 USERNAME_TAKEN for a taken username, whatever its case", async () => {
      const name = `taken-${tag()}`;
      await signUpAs(name);
      expectProblem(
        await register({
          email: `${tag()}@example.test`,
          username: name.toUpperCase(),
        }),
        409,
        "USERNAME_TAKEN",
      );
    });

    it("still answers 409 EMAIL_TAKEN first when the email is taken too", async () => {
      const name = `both-${tag()}`;
      const u = await signUpAs(name);
      expectProblem(
        await register({ email: u.email, username: name }),
        409,
        "EMAIL_TAKEN",
      );
    });
  });

  describe("PATCH /me", () => {
    it("changes the username (lower-cased) and the display name", async () => {
      const u = await signUpAs(`old-${tag()}`);
      const name = `New-${tag()}`;
      const res = await patchMe(u, { username: name, displayName: "Ada L." });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        id: u.id,
        username: name.toLowerCase(),
        displayName: "Ada L.",
      });
      expect((await me(u)).json()).toMatchObject({
        username: name.toLowerCase(),
        displayName: "Ada L.",
      });
    });

    it("answers 409 USERNAME_TAKEN when another account has it and changes nothing", async () => {
      const a = await signUpAs(`first-${tag()}`);
      const mine = `mine-${tag()}`;
      const b = await signUpAs(mine);
      const theirs = (await me(a)).json() as { username: string };
      expectProblem(
        await patchMe(b, { username: theirs.username.toUpperCase() }),
        409,
        "USERNAME_TAKEN",
      );
      expect((await me(b)).json()).toMatchObject({ username: mine });
    });

    it("accepts the caller's own current username (no self-clash)", async () => {
      const name = `same-${tag()}`;
      const u = await signUpAs(name);
      const res = await patchMe(u, { username: name });
      expect(res.statusCode, res.body).toBe(200);
    });

    it("answers 400 for an empty body, an invalid or reserved name, or an unknown field", async () => {
      const u = await signUpAs(`v-${tag()}`);
      expectProblem(await patchMe(u, {}), 400, "VALIDATION_FAILED");
      expectProblem(
        await patchMe(u, { username: "no" }),
        400,
        "VALIDATION_FAILED",
      );
      expectProblem(
        await patchMe(u, { displayName: "   " }),
        400,
        "VALIDATION_FAILED",
      );
      expectProblem(
        await patchMe(u, { email: "x@example.test" }),
        400,
        "VALIDATION_FAILED",
      );
      expectProblem(
        await patchMe(u, { username: "Settings" }),
        400,
        "USERNAME_RESERVED",
      );
    });

    it("answers 401 without a token", async () => {
      const res = await ctx.app.inject({
        method: "PATCH",
        url: "/api/v1/me",
        payload: { username: `anon-${tag()}` },
      });
      expectProblem(res, 401, "UNAUTHENTICATED");
    });
  });

  describe("project members by username", () => {
    async function project(owner: TestUser): Promise<string> {
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/projects",
        headers: bearer(owner.accessToken),
        payload: { name: "Team" },
      });
      return (res.json() as { id: string }).id;
    }

    const add = (
      caller: TestUser,
      projectId: string,
      payload: Record<string, unknown>,
    ) =>
      ctx.app.inject({
        method: "POST",
        url: `/api/v1/projects/${projectId}/members`,
        headers: bearer(caller.accessToken),
        payload,
      });

    it("adds a member by username (any case); they then open the project and the list shows usernames", async () => {
      const owner = await signUpAs(`owner-${tag()}`);
      const name = `guest-${tag()}`;
      const guest = await signUpAs(name);
      const p = await project(owner);
      const res = await add(owner, p, {
        username: name.toUpperCase(),
        role: "editor",
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        userId: guest.id,
        username: name,
        email: guest.email,
        role: "editor",
      });
      const seen = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/projects/${p}`,
        headers: bearer(guest.accessToken),
      });
      expect(seen.statusCode).toBe(200);
      const list = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/projects/${p}/members`,
        headers: bearer(guest.accessToken),
      });
      const usernames = (list.json() as { username: string }[]).map(
        (m) => m.username,
      );
      expect(usernames.sort()).toEqual(
        [
          name,
          ((await me(owner)).json() as { username: string }).username,
        ].sort(),
      );
    });

    it("still adds a member by email, with their username in the answer", async () => {
      const owner = await signUp(ctx.app);
      const name = `mail-${tag()}`;
      const guest = await signUpAs(name);
      const p = await project(owner);
      const res = await add(owner, p, { email: guest.email, role: "viewer" });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ username: name, role: "viewer" });
      expectProblem(
        await add(owner, p, { username: name, role: "editor" }),
        409,
        "ALREADY_MEMBER",
      );
    });

    it("answers 400 when both or neither of email and username are given", async () => {
      const owner = await signUp(ctx.app);
      const guest = await signUpAs(`g-${tag()}`);
      const p = await project(owner);
      const guestName = ((await me(guest)).json() as { username: string })
        .username;
      for (const payload of [
        { email: guest.email, username: guestName, role: "viewer" },
        { role: "viewer" },
        { username: guestName },
        { username: "x", role: "viewer" },
        { username: guestName, role: "boss" },
      ]) {
        expectProblem(await add(owner, p, payload), 400, "VALIDATION_FAILED");
      }
      const list = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/projects/${p}/members`,
        headers: bearer(owner.accessToken),
      });
      expect((list.json() as unknown[]).length).toBe(1);
    });

    it("answers the same 404 USER_NOT_FOUND for an unknown email and an unknown username", async () => {
      const owner = await signUp(ctx.app);
      const p = await project(owner);
      const byEmail = expectProblem(
        await add(owner, p, {
          email: `ghost-${tag()}@example.test`,
          role: "viewer",
        }),
        404,
        "USER_NOT_FOUND",
      );
      const byName = expectProblem(
        await add(owner, p, { username: `ghost-${tag()}`, role: "viewer" }),
        404,
        "USER_NOT_FOUND",
      );
      const strip = (b: Record<string, unknown>) => ({
        title: b.title,
        detail: b.detail,
        type: b.type,
      });
      expect(strip(byName)).toEqual(strip(byEmail));
    });

    it("refuses non-owners: 403 for an editor, 404 for a stranger, whatever the form", async () => {
      const owner = await signUp(ctx.app);
      const editor = await signUpAs(`ed-${tag()}`);
      const stranger = await signUpAs(`st-${tag()}`);
      const target = `tg-${tag()}`;
      await signUpAs(target);
      const p = await project(owner);
      expect(
        (await add(owner, p, { email: editor.email, role: "editor" }))
          .statusCode,
      ).toBe(201);
      expectProblem(
        await add(editor, p, { username: target, role: "viewer" }),
        403,
        "FORBIDDEN",
      );
      expectProblem(
        await add(stranger, p, { username: target, role: "viewer" }),
        404,
        "PROJECT_NOT_FOUND",
      );
    });
  });
});
