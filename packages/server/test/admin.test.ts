import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createLocalFileStore } from "../src/files/local-file-store.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

describeOnEngines(
  "Admin: search, roles, system health",
  (ctx) => {
    let admin: TestUser;
    let ada: TestUser;
    let bob: TestUser;

    const call = (
      method: "GET" | "PATCH" | "POST",
      url: string,
      who: TestUser,
      payload?: unknown,
    ) =>
      ctx.app.inject({
        method,
        url: `/api/v1${url}`,
        headers: bearer(who.accessToken),
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
    const emails = async (url: string, who: TestUser = admin) => {
      const res = await call("GET", url, who);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { items: { email: string }[] }).items.map(
        (u) => u.email,
      );
    };

    beforeAll(async () => {
      admin = await signUp(ctx.app, "root");
      ada = await signUp(ctx.app, "ada");
      bob = await signUp(ctx.app, "bob");
      expect([admin.role, ada.role, bob.role]).toEqual([
        "admin",
        "user",
        "user",
      ]);
    });

    it("searches users by a part of the email, username or display name, any case, wildcards literal", async () => {
      expect(await emails("/admin/users?q=ADA")).toEqual([ada.email]);
      expect(await emails(`/admin/users?q=${bob.email.slice(4, 12)}`)).toEqual([
        bob.email,
      ]);
      const rename = await ctx.app.inject({
        method: "PATCH",
        url: "/api/v1/me",
        headers: bearer(bob.accessToken),
        payload: { displayName: "Robert Hooke" },
      });
      expect(rename.statusCode, rename.body).toBe(200);
      expect(await emails("/admin/users?q=hooke")).toEqual([bob.email]);
      expect(await emails("/admin/users?q=%25")).toEqual([]);
      expect(await emails("/admin/users?q=_")).toEqual([]);
      expect(await emails("/admin/users?q=")).toHaveLength(3);
      // A search pages like the full list.
      const page = await call(
        "GET",
        "/admin/users?q=example.test&limit=2",
        admin,
      );
      const body = page.json() as { items: unknown[]; nextCursor: string };
      expect(body.items).toHaveLength(2);
      expect(
        await emails(
          `/admin/users?q=example.test&limit=2&cursor=${encodeURIComponent(body.nextCursor)}`,
        ),
      ).toHaveLength(1);
      const bad = expectProblem(
        await call("GET", `/admin/users?q=${"x".repeat(300)}`, admin),
        400,
        "VALIDATION_FAILED",
      );
      expect(JSON.stringify(bad.errors)).toContain("/q");
    });

    it("promotes and demotes; the last enabled administrator cannot be demoted", async () => {
      const up = await call("PATCH", `/admin/users/${ada.id}`, admin, {
        role: "admin",
      });
      expect(up.statusCode, up.body).toBe(200);
      expect((up.json() as { role: string }).role).toBe("admin");
      // The new role holds at once (the user cache was invalidated): ada sees admin pages.
      expect((await call("GET", "/admin/users", ada)).statusCode).toBe(200);

      // With two admins, one may demote the other (or itself); then the last one stays.
      const down = await call("PATCH", `/admin/users/${admin.id}`, ada, {
        role: "user",
      });
      expect(down.statusCode, down.body).toBe(200);
      expectProblem(await call("GET", "/admin/users", admin), 404, "NOT_FOUND");
      expectProblem(
        await call("PATCH", `/admin/users/${ada.id}`, ada, { role: "user" }),
        409,
        "LAST_ADMIN",
      );
      // A disabled administrator does not count as the one that remains.
      expect(
        (
          await call("PATCH", `/admin/users/${admin.id}`, ada, {
            role: "admin",
          })
        ).statusCode,
      ).toBe(200);
      expect(
        (await call("POST", `/admin/users/${admin.id}/disable`, ada))
          .statusCode,
      ).toBe(200);
      expectProblem(
        await call("PATCH", `/admin/users/${ada.id}`, ada, { role: "user" }),
        409,
        "LAST_ADMIN",
      );
      expect(
        (await call("POST", `/admin/users/${admin.id}/enable`, ada)).statusCode,
      ).toBe(200);
    });

    it("refuses a role outside admin/user, an unknown user and a non-admin caller", async () => {
      const bad = expectProblem(
        await call("PATCH", `/admin/users/${bob.id}`, ada, { role: "owner" }),
        400,
        "VALIDATION_FAILED",
      );
      expect(JSON.stringify(bad.errors)).toContain("/role");
      expectProblem(
        await call("PATCH", `/admin/users/${bob.id}`, ada, {}),
        400,
        "VALIDATION_FAILED",
      );
      expectProblem(
        await call(
          "PATCH",
          "/admin/users/00000000-0000-4000-8000-000000000000",
          ada,
          { role: "admin" },
        ),
        404,
        "USER_NOT_FOUND",
      );
      expectProblem(
        await call("PATCH", `/admin/users/${bob.id}`, bob, { role: "admin" }),
        404,
        "NOT_FOUND",
      );
      expectProblem(await call("GET", "/admin/health", bob), 404, "NOT_FOUND");
      expect(
        (await ctx.app.inject({ method: "GET", url: "/api/v1/admin/health" }))
          .statusCode,
      ).toBe(401);
    });

    describe("health", () => {
      it("reports the database, the queue, the workers and the storage", async () => {
        const job = await (async () => {
          const p = await call("POST", "/projects", ada, { name: "Health" });
          const projectId = (p.json() as { id: string }).id;
          return call("POST", `/projects/${projectId}/jobs`, ada, {
            source:
              'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nbit[1] c;\nh q[0];\nc = measure q;\n',
            shots: 10,
          });
        })();
        expect(job.statusCode, job.body).toBe(201);
        const res = await call("GET", "/admin/health", ada);
        expect(res.statusCode, res.body).toBe(200);
        const h = res.json() as {
          database: {
            ok: boolean;
            engine: string;
            migrated: boolean;
            latencyMs: number;
          };
          queue: { depth: number; jobs: Record<string, number> };
          workers: {
            inProcess: boolean;
            threads: number;
            alive: number;
            stale: number;
          };
          storage: { ok: boolean; kind: string; error: string | null };
        };
        expect(h.database).toMatchObject({
          ok: true,
          engine: ctx.database.engine,
          migrated: true,
        });
        expect(h.database.latencyMs).toBeGreaterThanOrEqual(0);
        const total = Object.values(h.queue.jobs).reduce((a, b) => a + b, 0);
        expect(total).toBe(1);
        expect(h.queue.depth).toBeGreaterThanOrEqual(0);
        expect(h.workers.inProcess).toBe(true);
        expect(h.workers.threads).toBeGreaterThanOrEqual(1);
        expect(h.storage).toMatchObject({
          ok: true,
          kind: "local",
          error: null,
        });
      });
    });
  },
  {
    deps: {
      fileStore: createLocalFileStore(
        mkdtempSync(join(tmpdir(), "sf-admin-health-")),
      ),
    },
  },
);
