import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openPglite,
  type Database,
} from "../../server/src/database/database.ts";
import { startSmtp, type TestSmtp } from "../../server/test/helpers/smtp.ts";
import { buildTestApp } from "../../server/test/helpers/test-app.ts";
import {
  createClient,
  StepFaultApiError,
  type AddMemberBody,
  type StepFaultClient,
} from "../src/index.ts";

const PASSWORD = "correct horse battery";

describe("SDK usernames and members against a real server [pglite]", () => {
  let database: Database;
  let app: FastifyInstance;
  let base: string;
  let owner: StepFaultClient;
  let guest: StepFaultClient;
  let guestId: string;
  let smtp: TestSmtp;

  async function account(
    email: string,
    username?: string,
  ): Promise<{ client: StepFaultClient; id: string }> {
    const client = createClient({ baseUrl: base });
    const user = await client.auth.register({
      email,
      password: PASSWORD,
      ...(username ? { username } : {}),
    });
    client.setToken(
      (await client.auth.login({ email, password: PASSWORD })).accessToken,
    );
    return { client, id: user.id };
  }

  beforeAll(async () => {
    database = await openPglite(undefined);
    await database.migrate();
    smtp = await startSmtp();
    app = await buildTestApp(database, { smtpUrl: smtp.url });
    base = await app.listen({ port: 0, host: "127.0.0.1" });
    owner = (await account("alice@sdk.test")).client;
    const g = await account("guest@sdk.test", "Guest-One");
    guest = g.client;
    guestId = g.id;
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await database?.close();
    await smtp?.close();
  });

  it("shows the derived or chosen username on me()", async () => {
    expect((await owner.me()).username).toBe("alice");
    expect((await guest.me()).username).toBe("guest-one");
  });

  it("changes the username with updateMe and reports a clash as USERNAME_TAKEN", async () => {
    const updated = await guest.updateMe({ username: "Guest-Two" });
    expect(updated.username).toBe("guest-two");
    const err = (await guest
      .updateMe({ username: "alice" })
      .catch((e: unknown) => e)) as StepFaultApiError;
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect(err.code).toBe("USERNAME_TAKEN");
    expect(err.status).toBe(409);
  });

  it("adds a member by username, changes the role and removes them", async () => {
    const p = await owner.projects.create("Shared");
    const added = await owner.projects.members.add(p.id, {
      username: "guest-two",
      role: "viewer",
    });
    expect(added).toMatchObject({
      userId: guestId,
      username: "guest-two",
      role: "viewer",
    });
    expect((await guest.projects.get(p.id)).role).toBe("viewer");
    const promoted = await owner.projects.members.setRole(
      p.id,
      guestId,
      "editor",
    );
    expect(promoted.role).toBe("editor");
    expect(
      (await guest.projects.members.list(p.id)).map((m) => m.username).sort(),
    ).toEqual(["alice", "guest-two"]);
    await owner.projects.members.remove(p.id, guestId);
    const gone = (await guest.projects
      .get(p.id)
      .catch((e: unknown) => e)) as StepFaultApiError;
    expect(gone.code).toBe("PROJECT_NOT_FOUND");
  });

  it("adds by email too, and answers USER_NOT_FOUND for an unknown username", async () => {
    const p = await owner.projects.create("By email");
    const byEmail: AddMemberBody = { email: "guest@sdk.test", role: "editor" };
    expect((await owner.projects.members.add(p.id, byEmail)).username).toBe(
      "guest-two",
    );
    const err = (await owner.projects.members
      .add(p.id, { username: "nobody-here", role: "viewer" })
      .catch((e: unknown) => e)) as StepFaultApiError;
    expect(err.code).toBe("USER_NOT_FOUND");
    expect(err.status).toBe(404);
  });

  it("types the member body as exactly one of email and username", () => {
    // @ts-expect-error neither email nor username
    const neither: AddMemberBody = { role: "viewer" };
    // @ts-expect-error a role outside owner/editor/viewer
    const badRole: AddMemberBody = { username: "x-y-z", role: "boss" };
    expect([neither, badRole]).toHaveLength(2);
  });

  it("invites an email without an account, lists, accepts and revokes invitations", async () => {
    const p = await owner.projects.create("Invitations");
    const inv = await owner.projects.invitations.create(p.id, {
      email: "newbie@sdk.test",
      role: "viewer",
    });
    expect(inv).toMatchObject({ email: "newbie@sdk.test", role: "viewer" });
    expect(
      (await owner.projects.invitations.list(p.id)).map((i) => i.id),
    ).toEqual([inv.id]);
    const raw = smtp.inbox.find((m) => m.to.includes("newbie@sdk.test"))?.raw;
    const token = /\/invite\/([A-Za-z0-9_-]+)/.exec(
      (raw ?? "").replace(/=\r?\n/g, ""),
    )?.[1];
    expect(token).toBeDefined();
    const anonymous = createClient({ baseUrl: base });
    expect(await anonymous.invitations.preview(token ?? "")).toMatchObject({
      projectName: "Invitations",
      role: "viewer",
    });
    const newbie = (await account("newbie@sdk.test")).client;
    expect(await newbie.invitations.accept(token ?? "")).toMatchObject({
      id: p.id,
      role: "viewer",
    });
    expect(await owner.projects.invitations.list(p.id)).toEqual([]);

    const second = await owner.projects.invitations.create(p.id, {
      email: "later@sdk.test",
      role: "editor",
    });
    await owner.projects.invitations.revoke(p.id, second.id);
    const err = (await owner.projects.invitations
      .revoke(p.id, second.id)
      .catch((e: unknown) => e)) as StepFaultApiError;
    expect(err.code).toBe("INVITATION_NOT_FOUND");
    const used = (await newbie.invitations
      .accept(token ?? "")
      .catch((e: unknown) => e)) as StepFaultApiError;
    expect([used.status, used.code]).toEqual([410, "INVITATION_USED"]);
  });
});
