import { describe, expect, it } from "vitest";
import { signAccessToken } from "../src/services/core/crypto.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  uniqueEmail,
} from "./helpers/test-app.ts";

describeOnEngines("Accounts API", (ctx) => {
  describe("register", () => {
    it("makes the first account on an empty server admin and later ones users", async () => {
      const first = await signUp(ctx.app, "first");
      const second = await signUp(ctx.app, "second");
      expect(first.role).toBe("admin");
      expect(second.role).toBe("user");
    });

    it("answers 409 EMAIL_TAKEN for a duplicate email, whatever its case", async () => {
      const u = await signUp(ctx.app);
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/register",
        payload: { email: u.email.toUpperCase(), password: "another password" },
      });
      expectProblem(res, 409, "EMAIL_TAKEN");
    });

    it("rejects a malformed body with 400 VALIDATION_FAILED listing the field", async () => {
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/register",
        payload: { email: "not-an-email", password: "long enough pw" },
      });
      const body = expectProblem(res, 400, "VALIDATION_FAILED");
      expect(JSON.stringify(body.errors)).toContain("email");
    });

    it("rejects a short password with 422 WEAK_PASSWORD", async () => {
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/register",
        payload: { email: uniqueEmail(), password: "short" },
      });
      expectProblem(res, 422, "WEAK_PASSWORD");
    });
  });

  describe("login and /me", () => {
    it("returns the account for a valid access token and never the password hash", async () => {
      const u = await signUp(ctx.app);
      const res = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: bearer(u.accessToken),
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: u.id,
        email: u.email,
        role: "user",
        disabled: false,
      });
      expect(res.body).not.toContain("argon2");
    });

    it("answers 401 INVALID_CREDENTIALS for a wrong password or unknown email alike", async () => {
      const u = await signUp(ctx.app);
      const wrong = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: u.email, password: "wrong password" },
      });
      const unknown = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: uniqueEmail("ghost"), password: "wrong password" },
      });
      expectProblem(wrong, 401, "INVALID_CREDENTIALS");
      expectProblem(unknown, 401, "INVALID_CREDENTIALS");
    });

    it("answers 401 without a token, and for a token signed with another secret or expired", async () => {
      const u = await signUp(ctx.app);
      expectProblem(
        await ctx.app.inject({ method: "GET", url: "/api/v1/me" }),
        401,
        "UNAUTHENTICATED",
      );
      const forged = signAccessToken("x".repeat(40), u.id, 900);
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: bearer(forged),
        }),
        401,
        "INVALID_TOKEN",
      );
      const tampered =
        u.accessToken.slice(0, -3) +
        (u.accessToken.endsWith("AAA") ? "BBB" : "AAA");
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: bearer(tampered),
        }),
        401,
        "INVALID_TOKEN",
      );
    });
  });

  describe("refresh", () => {
    it("rotates the refresh token: the new pair works and the old refresh token is spent", async () => {
      const u = await signUp(ctx.app);
      const r1 = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      expect(r1.statusCode).toBe(200);
      const pair = r1.json() as { accessToken: string; refreshToken: string };
      expect(pair.refreshToken).not.toBe(u.refreshToken);
      const me = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: bearer(pair.accessToken),
      });
      expect(me.statusCode).toBe(200);
      const r2 = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: pair.refreshToken },
      });
      expect(r2.statusCode).toBe(200);
    });

    it("detects reuse of a spent refresh token and revokes the whole family", async () => {
      const u = await signUp(ctx.app);
      const r1 = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      const latest = (r1.json() as { refreshToken: string }).refreshToken;
      // An attacker replays the stolen, already-rotated token.
      const replay = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      expectProblem(replay, 401, "REFRESH_TOKEN_REUSED");
      // The legitimate holder's newest token is now revoked too.
      const after = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: latest },
      });
      expectProblem(after, 401, "INVALID_TOKEN");
    });

    it("keeps other sessions (families) alive when one family is revoked", async () => {
      const u = await signUp(ctx.app);
      const login2 = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: u.email, password: u.password },
      });
      const other = (login2.json() as { refreshToken: string }).refreshToken;
      await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: other },
      });
      expect(res.statusCode).toBe(200);
    });

    it("rejects an unknown refresh token with 401", async () => {
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: "sfr_nonsense" },
      });
      expectProblem(res, 401, "INVALID_TOKEN");
    });
  });

  describe("logout", () => {
    it("ends the session: its refresh token no longer works", async () => {
      const u = await signUp(ctx.app);
      const out = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/logout",
        payload: { refreshToken: u.refreshToken },
      });
      expect(out.statusCode).toBe(204);
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      expectProblem(res, 401, "INVALID_TOKEN");
    });
  });

  describe("change password", () => {
    it("requires the current password, then only the new one signs in and old sessions end", async () => {
      const u = await signUp(ctx.app);
      const bad = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/me/password",
        headers: bearer(u.accessToken),
        payload: {
          currentPassword: "not it at all",
          newPassword: "a brand new password",
        },
      });
      expectProblem(bad, 401, "INVALID_CREDENTIALS");
      const ok = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/me/password",
        headers: bearer(u.accessToken),
        payload: {
          currentPassword: u.password,
          newPassword: "a brand new password",
        },
      });
      expect(ok.statusCode).toBe(204);
      const oldLogin = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: u.email, password: u.password },
      });
      expectProblem(oldLogin, 401, "INVALID_CREDENTIALS");
      const newLogin = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: u.email, password: "a brand new password" },
      });
      expect(newLogin.statusCode).toBe(200);
      const refresh = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
    });
  });

  describe("API keys", () => {
    it("shows the key once, lists it without the secret, authenticates with it, and stops after revoke", async () => {
      const u = await signUp(ctx.app);
      const created = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/me/api-keys",
        headers: bearer(u.accessToken),
        payload: { name: "ci" },
      });
      expect(created.statusCode).toBe(201);
      const key = created.json() as { id: string; key: string; prefix: string };
      expect(key.key).toMatch(/^sf_[A-Za-z0-9_-]{40,}$/);
      expect(key.key.startsWith(key.prefix)).toBe(true);

      const list = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/me/api-keys",
        headers: bearer(u.accessToken),
      });
      expect(list.json()).toEqual([
        expect.objectContaining({ id: key.id, name: "ci" }),
      ]);
      expect(list.body).not.toContain(key.key);

      const me = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: bearer(key.key),
      });
      expect(me.statusCode).toBe(200);
      expect((me.json() as { id: string }).id).toBe(u.id);

      const del = await ctx.app.inject({
        method: "DELETE",
        url: `/api/v1/me/api-keys/${key.id}`,
        headers: bearer(u.accessToken),
      });
      expect(del.statusCode).toBe(204);
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: "/api/v1/me",
          headers: bearer(key.key),
        }),
        401,
        "INVALID_TOKEN",
      );
    });

    it("answers 404 when revoking another user's key, and the key keeps working", async () => {
      const owner = await signUp(ctx.app);
      const other = await signUp(ctx.app);
      const created = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/me/api-keys",
        headers: bearer(owner.accessToken),
        payload: { name: "mine" },
      });
      const key = created.json() as { id: string; key: string };
      const del = await ctx.app.inject({
        method: "DELETE",
        url: `/api/v1/me/api-keys/${key.id}`,
        headers: bearer(other.accessToken),
      });
      expectProblem(del, 404, "API_KEY_NOT_FOUND");
      const me = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/me",
        headers: bearer(key.key),
      });
      expect(me.statusCode).toBe(200);
    });
  });

  describe("admin", () => {
    it("lets an admin list users with cursor pagination; non-admins get 404", async () => {
      await signUp(ctx.app);
      const adminUser = await promoteViaFirst();
      const page1 = await ctx.app.inject({
        method: "GET",
        url: "/api/v1/admin/users?limit=2",
        headers: bearer(adminUser.accessToken),
      });
      expect(page1.statusCode).toBe(200);
      const body = page1.json() as {
        items: { email: string }[];
        nextCursor: string | null;
      };
      expect(body.items).toHaveLength(2);
      expect(body.nextCursor).not.toBeNull();
      const page2 = await ctx.app.inject({
        method: "GET",
        url: `/api/v1/admin/users?limit=2&cursor=${encodeURIComponent(body.nextCursor ?? "")}`,
        headers: bearer(adminUser.accessToken),
      });
      const body2 = page2.json() as { items: { email: string }[] };
      expect(body2.items[0].email > body.items[1].email).toBe(true);

      const plain = await signUp(ctx.app);
      expectProblem(
        await ctx.app.inject({
          method: "GET",
          url: "/api/v1/admin/users",
          headers: bearer(plain.accessToken),
        }),
        404,
        "NOT_FOUND",
      );
    });

    it("disabling a user stops their access token, refresh token and API key at once; enabling restores login", async () => {
      const adminUser = await promoteViaFirst();
      const u = await signUp(ctx.app);
      const keyRes = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/me/api-keys",
        headers: bearer(u.accessToken),
        payload: { name: "k" },
      });
      const key = (keyRes.json() as { key: string }).key;
      const dis = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/admin/users/${u.id}/disable`,
        headers: bearer(adminUser.accessToken),
      });
      expect(dis.statusCode).toBe(200);
      expect((dis.json() as { disabled: boolean }).disabled).toBe(true);
      for (const cred of [u.accessToken, key]) {
        expectProblem(
          await ctx.app.inject({
            method: "GET",
            url: "/api/v1/me",
            headers: bearer(cred),
          }),
          401,
          "INVALID_TOKEN",
        );
      }
      expect(
        (
          await ctx.app.inject({
            method: "POST",
            url: "/api/v1/auth/refresh",
            payload: { refreshToken: u.refreshToken },
          })
        ).statusCode,
      ).toBe(401);
      expectProblem(
        await ctx.app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email: u.email, password: u.password },
        }),
        401,
        "ACCOUNT_DISABLED",
      );
      const en = await ctx.app.inject({
        method: "POST",
        url: `/api/v1/admin/users/${u.id}/enable`,
        headers: bearer(adminUser.accessToken),
      });
      expect(en.statusCode).toBe(200);
      const login = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: u.email, password: u.password },
      });
      expect(login.statusCode).toBe(200);
      // The API key was not revoked, only blocked while disabled.
      expect(
        (
          await ctx.app.inject({
            method: "GET",
            url: "/api/v1/me",
            headers: bearer(key),
          })
        ).statusCode,
      ).toBe(200);
    });

    it("refuses to let an admin disable themselves (409) and answers 404 for an unknown user", async () => {
      const adminUser = await promoteViaFirst();
      expectProblem(
        await ctx.app.inject({
          method: "POST",
          url: `/api/v1/admin/users/${adminUser.id}/disable`,
          headers: bearer(adminUser.accessToken),
        }),
        409,
        "CANNOT_DISABLE_SELF",
      );
      expectProblem(
        await ctx.app.inject({
          method: "POST",
          url: `/api/v1/admin/users/00000000-0000-4000-8000-000000000000/disable`,
          headers: bearer(adminUser.accessToken),
        }),
        404,
        "USER_NOT_FOUND",
      );
    });
  });

  /** Signs in the suite's admin (the first account, created by the first test). */
  async function promoteViaFirst() {
    return (adminCache ??= await findAdmin());
  }
  let adminCache: Awaited<ReturnType<typeof findAdmin>> | undefined;
  async function findAdmin() {
    // The first test registered "first-..." as admin with the shared test password.
    const res = await ctx.database.db.query.users.findFirst({
      where: (u, { eq }) => eq(u.role, "admin"),
    });
    if (!res) throw new Error("no admin: the first test must run first");
    const login = await ctx.app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email: res.email, password: "correct horse battery" },
    });
    const t = login.json() as { accessToken: string };
    return { id: res.id, accessToken: t.accessToken };
  }
});
