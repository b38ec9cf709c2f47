import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openPglite,
  type Database,
} from "../../server/src/database/database.ts";
import { BELL } from "../../server/test/helpers/circuits.ts";
import { buildTestApp } from "../../server/test/helpers/test-app.ts";
import {
  createClient,
  StepFaultApiError,
  type Job,
  type StepFaultClient,
} from "../src/index.ts";

const PASSWORD = "correct horse battery";

/** The error a call throws (fails the test when it resolves). */
async function refusal(p: Promise<unknown>): Promise<StepFaultApiError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StepFaultApiError);
  return err as StepFaultApiError;
}

/** A fetch that keeps the cookies the server sets, as a browser would for one site. */
function cookieFetch(): typeof fetch {
  const jar = new Map<string, string>();
  return async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (jar.size > 0)
      headers.set("cookie", [...jar].map(([k, v]) => `${k}=${v}`).join("; "));
    const res = await fetch(input, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const eq = pair.indexOf("=");
      const value = pair.slice(eq + 1);
      if (value === "" || /max-age=0/i.test(c)) jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), value);
    }
    return res;
  };
}

describe("SDK accounts, projects, circuits and job watching against a real server [pglite]", () => {
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let admin: StepFaultClient;
  let adminEmail: string;
  let user: StepFaultClient;
  let userId: string;
  let userEmail: string;

  async function account(email: string) {
    const client = createClient({ baseUrl: base });
    const created = await client.auth.register({ email, password: PASSWORD });
    client.setToken(
      (await client.auth.login({ email, password: PASSWORD })).accessToken,
    );
    return { client, id: created.id };
  }

  beforeAll(async () => {
    database = await openPglite(undefined);
    await database.migrate();
    app = await buildTestApp(database, {}, { jobs: { maxQubits: 8 } });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    adminEmail = "admin@account.sdk.test";
    admin = (await account(adminEmail)).client; // the first account is admin
    userEmail = "user@account.sdk.test";
    const u = await account(userEmail);
    user = u.client;
    userId = u.id;
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  describe("sessions", () => {
    it("rotates a refresh token, refuses it spent, and ends a session on logout", async () => {
      const anon = createClient({ baseUrl: base });
      const first = await anon.auth.login({
        email: userEmail,
        password: PASSWORD,
      });
      const second = await anon.auth.refresh(first.refreshToken);
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(second.tokenType).toBe("Bearer");
      const reused = await refusal(anon.auth.refresh(first.refreshToken));
      expect([reused.status, reused.code]).toEqual([
        401,
        "REFRESH_TOKEN_REUSED",
      ]);

      const other = await anon.auth.login({
        email: userEmail,
        password: PASSWORD,
      });
      await expect(anon.auth.logout(other.refreshToken)).resolves.toBe(
        undefined,
      );
      expect(
        (await refusal(anon.auth.refresh(other.refreshToken))).status,
      ).toBe(401);
    });

    it("keeps the refresh token in an HttpOnly cookie with session: cookie", async () => {
      const browser = createClient({ baseUrl: base, fetch: cookieFetch() });
      const tokens = await browser.auth.login(
        { email: userEmail, password: PASSWORD },
        { session: "cookie" },
      );
      expect(tokens).not.toHaveProperty("refreshToken");
      const next = await browser.auth.refresh(undefined, { session: "cookie" });
      expect(next.accessToken).toMatch(/\S{20,}/);
      expect(next).not.toHaveProperty("refreshToken");
      browser.setToken(next.accessToken);
      expect((await browser.me()).email).toBe(userEmail);

      await browser.auth.logout(undefined, { session: "cookie" });
      const after = await refusal(
        browser.auth.refresh(undefined, { session: "cookie" }),
      );
      expect([after.status, after.code]).toEqual([401, "UNAUTHENTICATED"]);
    });

    it("answers a reset request alike for any address and refuses a forged reset token", async () => {
      const anon = createClient({ baseUrl: base });
      await expect(
        anon.auth.requestPasswordReset(userEmail),
      ).resolves.toBeNull();
      await expect(
        anon.auth.requestPasswordReset("nobody@account.sdk.test"),
      ).resolves.toBeNull();
      const forged = await refusal(
        anon.auth.confirmPasswordReset({
          token: "not-a-token",
          newPassword: "another fine password",
        }),
      );
      expect(forged.status).toBeGreaterThanOrEqual(400);
      expect(forged.status).toBeLessThan(500);
      expect(forged.code).toMatch(/TOKEN/);
    });

    it("changes the password only with the current one", async () => {
      const { client } = await account("changer@account.sdk.test");
      const wrong = await refusal(
        client.account.changePassword({
          currentPassword: "not my password at all",
          newPassword: "brand new passphrase",
        }),
      );
      expect(wrong.code).toBe("INVALID_CREDENTIALS");
      await client.account.changePassword({
        currentPassword: PASSWORD,
        newPassword: "brand new passphrase",
      });
      const anon = createClient({ baseUrl: base });
      await refusal(
        anon.auth.login({
          email: "changer@account.sdk.test",
          password: PASSWORD,
        }),
      );
      const tokens = await anon.auth.login({
        email: "changer@account.sdk.test",
        password: "brand new passphrase",
      });
      expect(tokens.accessToken).toBeTruthy();
    });
  });

  it("creates, lists and revokes API keys; a key works as a bearer token until revoked", async () => {
    const created = await user.account.apiKeys.create("ci runner");
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const listed = await user.account.apiKeys.list();
    expect(listed.map((k) => k.id)).toContain(created.id);
    expect(listed.find((k) => k.id === created.id)).not.toHaveProperty("key");

    const viaKey = createClient({ baseUrl: base, token: created.key });
    expect((await viaKey.me()).id).toBe(userId);
    await user.account.apiKeys.revoke(created.id);
    expect((await refusal(viaKey.me())).status).toBe(401);
    expect((await refusal(user.account.apiKeys.revoke(created.id))).code).toBe(
      "API_KEY_NOT_FOUND",
    );
  });

  it("lets the admin page through accounts and disable one; others are refused", async () => {
    const page = await admin.admin.users({ limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const rest = await admin.admin.users({ cursor: page.nextCursor ?? "" });
    const emails = [...page.items, ...rest.items].map((u) => u.email);
    expect(emails).toEqual(expect.arrayContaining([adminEmail, userEmail]));
    // the admin routes are hidden from other accounts
    expect((await refusal(user.admin.users())).status).toBe(404);

    const { client: victim, id } = await account("victim@account.sdk.test");
    expect((await admin.admin.setDisabled(id, true)).disabled).toBe(true);
    expect((await refusal(victim.me())).status).toBe(401);
    expect((await admin.admin.setDisabled(id, false)).disabled).toBe(false);
  });

  it("lets the admin search accounts, change a role (never the last admin's) and read the system's health", async () => {
    const found = await admin.admin.users({ q: "USER@ACCOUNT" });
    expect(found.items.map((u) => u.email)).toEqual([userEmail]);
    const me = (await admin.admin.users({ q: adminEmail })).items[0];
    const last = await refusal(admin.admin.setRole(me?.id ?? "", "user"));
    expect([last.status, last.code]).toEqual([409, "LAST_ADMIN"]);
    const target = found.items[0];
    expect((await admin.admin.setRole(target?.id ?? "", "admin")).role).toBe(
      "admin",
    );
    expect((await user.admin.users({ q: "user@" })).items).toHaveLength(1);
    expect((await admin.admin.setRole(target?.id ?? "", "user")).role).toBe(
      "user",
    );
    expect((await refusal(user.admin.health())).status).toBe(404);
    const health = await admin.admin.health();
    expect(health.database).toMatchObject({
      ok: true,
      engine: "pglite",
      migrated: true,
    });
    expect(health.queue.depth).toBeGreaterThanOrEqual(0);
    expect(typeof health.workers.inProcess).toBe("boolean");
  });

  it("renames and deletes a project (owner only)", async () => {
    const p = await user.projects.create("Draft");
    expect((await user.projects.rename(p.id, "Final")).name).toBe("Final");
    expect((await user.projects.get(p.id)).name).toBe("Final");
    expect((await refusal(admin.projects.rename(p.id, "Mine"))).status).toBe(
      404,
    );
    await user.projects.delete(p.id);
    expect((await refusal(user.projects.get(p.id))).code).toBe(
      "PROJECT_NOT_FOUND",
    );
  });

  it("updates a circuit into revisions, reads each back, and deletes it", async () => {
    const p = await user.projects.create("Circuits");
    const c = await user.circuits.create(p.id, { name: "bell", source: BELL });
    const flipped = BELL.replace("h q[0];", "h q[0];\nx q[1];");
    const updated = await user.circuits.update(p.id, c.id, {
      name: "bell flipped",
      source: flipped,
    });
    expect([updated.name, updated.revision]).toEqual(["bell flipped", 2]);
    const revisions = await user.circuits.revisions(p.id, c.id);
    expect(revisions.map((r) => r.revision)).toEqual([2, 1]);
    expect((await user.circuits.revision(p.id, c.id, 1)).source).toBe(BELL);
    expect((await user.circuits.revision(p.id, c.id, 2)).source).toBe(flipped);
    expect((await refusal(user.circuits.revision(p.id, c.id, 9))).code).toBe(
      "REVISION_NOT_FOUND",
    );
    const bad = await refusal(
      user.circuits.update(p.id, c.id, {
        source: "OPENQASM 3.0;\nqubit q;\nh r;",
      }),
    );
    expect(bad.code).toBe("CIRCUIT_INVALID");
    await user.circuits.delete(p.id, c.id);
    expect((await refusal(user.circuits.get(p.id, c.id))).code).toBe(
      "CIRCUIT_NOT_FOUND",
    );
  });

  describe("jobs.watch", () => {
    let projectId: string;
    beforeAll(async () => {
      projectId = (await user.projects.create("Watch")).id;
    });

    it("streams the job's changes and returns it with its whole result", async () => {
      const seen: Job[] = [];
      const transports: string[] = [];
      const job = await user.jobs.submit(projectId, {
        source: BELL,
        shots: 200,
        seed: 4,
      });
      const done = await user.jobs.watch(job.id, {
        onJob: (j) => seen.push(j),
        onTransport: (t) => transports.push(t),
      });
      expect(done?.status).toBe("succeeded");
      expect(
        Object.values(done?.result?.counts ?? {}).reduce((a, b) => a + b, 0),
      ).toBe(200);
      expect(transports[0]).toBe("stream");
      expect(seen[0]?.id).toBe(job.id);
    });

    it("polls when asked, and returns null once aborted", async () => {
      const transports: string[] = [];
      const job = await user.jobs.submit(projectId, {
        source: BELL,
        shots: 100,
        seed: 5,
      });
      const done = await user.jobs.watch(
        job.id,
        { onTransport: (t) => transports.push(t) },
        { poll: true, pollMs: 50 },
      );
      expect(done?.status).toBe("succeeded");
      expect(transports).toEqual(["polling"]);

      const ac = new AbortController();
      ac.abort();
      expect(
        await user.jobs.watch(job.id, {}, { signal: ac.signal }),
      ).toBeNull();
    });

    it("throws a refusal instead of polling forever", async () => {
      const err = await refusal(
        user.jobs.watch("00000000-0000-4000-8000-000000000000"),
      );
      expect(err.code).toBe("JOB_NOT_FOUND");
    });
  });
});
