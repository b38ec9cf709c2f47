import type { FastifyInstance } from "fastify";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  uniqueEmail,
  type TestUser,
} from "./helpers/test-app.ts";

const PUBLIC_URL = "https://quantum.example.test";

/** The invitation link's token in a raw mail (quoted-printable soft breaks undone). */
function linkToken(raw: string): string {
  const m = /\/invite\/([A-Za-z0-9_-]+)/.exec(raw.replace(/=\r?\n/g, ""));
  if (!m) throw new Error(`no invitation link in mail:\n${raw}`);
  return m[1];
}

describeOnEngines("Project invitations by email", (ctx) => {
  let smtp: TestSmtp;
  let app: FastifyInstance;
  let owner: TestUser;
  let projectId = "";

  const call = (
    method: "GET" | "POST" | "DELETE",
    url: string,
    who?: TestUser,
    payload?: unknown,
  ) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who ? bearer(who.accessToken) : {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  /** Invites `email` to the project as `role` and returns the token mailed to it. */
  const invite = async (email: string, role = "editor") => {
    const res = await call(
      "POST",
      `/projects/${projectId}/invitations`,
      owner,
      { email, role },
    );
    expect(res.statusCode, res.body).toBe(201);
    const mail = smtp.inbox.findLast((m) => m.to.includes(email.toLowerCase()));
    expect(mail, "mail delivered over SMTP").toBeDefined();
    return {
      invitation: res.json() as { id: string; email: string; role: string },
      token: linkToken(mail?.raw ?? ""),
      raw: mail?.raw ?? "",
    };
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await buildTestApp(ctx.database, {
      smtpUrl: smtp.url,
      publicUrl: PUBLIC_URL,
    });
    owner = await signUp(app, "owner");
    const p = await call("POST", "/projects", owner, { name: "Lab" });
    expect(p.statusCode, p.body).toBe(201);
    projectId = (p.json() as { id: string }).id;
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  it("mails a link that waits until the person signs up, then makes them a member with the role, once", async () => {
    const email = uniqueEmail("newcomer");
    const { invitation, token, raw } = await invite(email.toUpperCase());
    expect(invitation.email).toBe(email);
    expect(raw).toContain(`${PUBLIC_URL}/invite/`);
    expect(raw).toMatch(/^Subject: .*invited.you.to/m);

    // Listed as pending for the owner; the link shows what it offers without signing in.
    const list = await call("GET", `/projects/${projectId}/invitations`, owner);
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual([
      expect.objectContaining({
        id: invitation.id,
        email,
        role: "editor",
        projectId,
      }),
    ]);
    const preview = await call("GET", `/invitations/${token}`);
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({
      projectName: "Lab",
      email,
      role: "editor",
    });

    // Accepting needs an account: none yet is 401; after signing up it works.
    expectProblem(
      await call("POST", `/invitations/${token}/accept`),
      401,
      "UNAUTHENTICATED",
    );
    const reg = await app.inject({
      method: "POST",
      url: "/api/v1/auth/register",
      payload: { email, password: "correct horse battery" },
    });
    expect(reg.statusCode).toBe(201);
    const login = await app.inject({
      method: "POST",
      url: "/api/v1/auth/login",
      payload: { email, password: "correct horse battery" },
    });
    const newcomer = {
      ...(reg.json() as { id: string }),
      ...(login.json() as { accessToken: string }),
    } as TestUser;
    const accepted = await call(
      "POST",
      `/invitations/${token}/accept`,
      newcomer,
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({
      id: projectId,
      name: "Lab",
      role: "editor",
    });
    const members = await call("GET", `/projects/${projectId}/members`, owner);
    expect(members.json()).toContainEqual(
      expect.objectContaining({ userId: newcomer.id, role: "editor" }),
    );
    const mine = await call("GET", "/projects", newcomer);
    expect(mine.json()).toEqual([expect.objectContaining({ id: projectId })]);

    // Used: the link says so, twice; the pending list is empty.
    expectProblem(
      await call("POST", `/invitations/${token}/accept`, newcomer),
      410,
      "INVITATION_USED",
    );
    expectProblem(
      await call("GET", `/invitations/${token}`),
      410,
      "INVITATION_USED",
    );
    expect(
      (await call("GET", `/projects/${projectId}/invitations`, owner)).json(),
    ).toEqual([]);
  });

  it("an account that exists by then accepts by signing in; a member keeps the role they have", async () => {
    const later = await signUp(app, "later");
    const { token } = await invite(later.email, "viewer");
    const res = await call("POST", `/invitations/${token}/accept`, later);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { role: string }).role).toBe("viewer");

    // Inviting a member is refused; a member who accepts someone else's link keeps their role.
    expectProblem(
      await call("POST", `/projects/${projectId}/invitations`, owner, {
        email: later.email,
        role: "owner",
      }),
      409,
      "ALREADY_MEMBER",
    );
    const other = await invite(uniqueEmail("forwarded"), "owner");
    const kept = await call(
      "POST",
      `/invitations/${other.token}/accept`,
      later,
    );
    expect(kept.statusCode, kept.body).toBe(200);
    expect((kept.json() as { role: string }).role).toBe("viewer");
  });

  it("a revoked link stops working; an expired one says so and the address can be invited again", async () => {
    const email = uniqueEmail("revoked");
    const { invitation, token } = await invite(email);
    expectProblem(
      await call("POST", `/projects/${projectId}/invitations`, owner, {
        email,
        role: "viewer",
      }),
      409,
      "INVITATION_PENDING",
    );
    const del = await call(
      "DELETE",
      `/projects/${projectId}/invitations/${invitation.id}`,
      owner,
    );
    expect(del.statusCode, del.body).toBe(204);
    expectProblem(
      await call("GET", `/invitations/${token}`),
      410,
      "INVITATION_REVOKED",
    );
    const someone = await signUp(app, "someone");
    expectProblem(
      await call("POST", `/invitations/${token}/accept`, someone),
      410,
      "INVITATION_REVOKED",
    );
    expect(
      (await call("GET", `/projects/${someone.id}/invitations`, someone))
        .statusCode,
    ).toBe(404);
    expectProblem(
      await call(
        "DELETE",
        `/projects/${projectId}/invitations/${invitation.id}`,
        owner,
      ),
      404,
      "INVITATION_NOT_FOUND",
    );

    const again = await invite(email);
    await ctx.database.db.execute(
      sql`update project_invitations set expires_at = now() - interval '1 minute' where id = ${again.invitation.id}`,
    );
    expectProblem(
      await call("GET", `/invitations/${again.token}`),
      410,
      "INVITATION_EXPIRED",
    );
    expectProblem(
      await call("POST", `/invitations/${again.token}/accept`, someone),
      410,
      "INVITATION_EXPIRED",
    );
    // Expired ones are not listed as pending and do not block a new invitation.
    expect(
      (
        (
          await call("GET", `/projects/${projectId}/invitations`, owner)
        ).json() as {
          email: string;
        }[]
      ).map((i) => i.email),
    ).not.toContain(email);
    const third = await invite(email);
    expect(third.token).not.toBe(again.token);
  });

  describe("access and input", () => {
    it("only owners invite, list and revoke; another project's invitation id is not found", async () => {
      const editor = await signUp(app, "editor");
      const add = await call("POST", `/projects/${projectId}/members`, owner, {
        email: editor.email,
        role: "editor",
      });
      expect(add.statusCode).toBe(201);
      const { invitation } = await invite(uniqueEmail("guarded"));
      expectProblem(
        await call("POST", `/projects/${projectId}/invitations`, editor, {
          email: uniqueEmail("x"),
          role: "viewer",
        }),
        403,
        "FORBIDDEN",
      );
      expectProblem(
        await call("GET", `/projects/${projectId}/invitations`, editor),
        403,
        "FORBIDDEN",
      );
      expectProblem(
        await call(
          "DELETE",
          `/projects/${projectId}/invitations/${invitation.id}`,
          editor,
        ),
        403,
        "FORBIDDEN",
      );
      const stranger = await signUp(app, "stranger");
      expectProblem(
        await call("GET", `/projects/${projectId}/invitations`, stranger),
        404,
        "PROJECT_NOT_FOUND",
      );
      expectProblem(
        await call("POST", `/projects/${projectId}/invitations`, stranger, {
          email: uniqueEmail("x"),
          role: "viewer",
        }),
        404,
        "PROJECT_NOT_FOUND",
      );
      // The stranger owns a project of their own: our invitation id there is not found, and
      // the invitation stays pending.
      const theirs = await call("POST", "/projects", stranger, {
        name: "Theirs",
      });
      const theirId = (theirs.json() as { id: string }).id;
      expectProblem(
        await call(
          "DELETE",
          `/projects/${theirId}/invitations/${invitation.id}`,
          stranger,
        ),
        404,
        "INVITATION_NOT_FOUND",
      );
      const pending = (
        await call("GET", `/projects/${projectId}/invitations`, owner)
      ).json() as { id: string }[];
      expect(pending.map((i) => i.id)).toContain(invitation.id);
    });

    it("refuses a bad email, an unknown role, unknown and malformed tokens", async () => {
      const badEmail = expectProblem(
        await call("POST", `/projects/${projectId}/invitations`, owner, {
          email: "not-an-email",
          role: "editor",
        }),
        400,
        "VALIDATION_FAILED",
      );
      expect(JSON.stringify(badEmail.errors)).toContain("/email");
      const badRole = expectProblem(
        await call("POST", `/projects/${projectId}/invitations`, owner, {
          email: uniqueEmail("r"),
          role: "admin",
        }),
        400,
        "VALIDATION_FAILED",
      );
      expect(JSON.stringify(badRole.errors)).toContain("/role");
      expectProblem(
        await call("GET", `/invitations/${"A".repeat(43)}`),
        404,
        "INVITATION_NOT_FOUND",
      );
      expectProblem(
        await call("GET", "/invitations/short"),
        400,
        "VALIDATION_FAILED",
      );
      expectProblem(
        await call(
          "DELETE",
          `/projects/${projectId}/invitations/not-a-uuid`,
          owner,
        ),
        400,
        "VALIDATION_FAILED",
      );
    });
  });
});
