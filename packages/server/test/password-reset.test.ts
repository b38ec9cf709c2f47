import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOutboxRepository } from "../src/repositories/outbox.repository.ts";
import { startSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { describeOnEngines } from "./helpers/suite.ts";
import {
  buildTestApp,
  expectProblem,
  signUp,
  uniqueEmail,
} from "./helpers/test-app.ts";

/** Extracts the reset token from a mail body (quoted-printable soft breaks removed). */
function tokenFrom(text: string): string {
  const m = /Reset token: ([A-Za-z0-9_-]+)/.exec(text.replace(/=\r?\n/g, ""));
  if (!m) throw new Error(`no token in mail:\n${text}`);
  return m[1];
}

describeOnEngines("Password reset", (ctx) => {
  let smtp: TestSmtp;
  let app: FastifyInstance;

  beforeAll(async () => {
    smtp = await startSmtp();
    app = await buildTestApp(ctx.database, { smtpUrl: smtp.url });
  });
  afterAll(async () => {
    await app?.close();
    await smtp?.close();
  });

  describe("over SMTP", () => {
    it("mails a token over real SMTP that resets the password exactly once", async () => {
      const u = await signUp(app);
      const req = await app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset/request",
        payload: { email: u.email },
      });
      expect(req.statusCode).toBe(202);
      const mail = smtp.inbox.find((m) => m.to.includes(u.email));
      expect(mail, "mail delivered to the loopback SMTP server").toBeDefined();
      expect(mail?.raw).toMatch(/Subject: Reset your StepFault password/);
      const token = tokenFrom(mail?.raw ?? "");

      const ok = await app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset/confirm",
        payload: { token, newPassword: "reset password 123" },
      });
      expect(ok.statusCode, ok.body).toBe(204);
      const again = await app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset/confirm",
        payload: { token, newPassword: "another password 456" },
      });
      expectProblem(again, 401, "INVALID_TOKEN");

      const oldLogin = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: u.email, password: u.password },
      });
      expectProblem(oldLogin, 401, "INVALID_CREDENTIALS");
      const newLogin = await app.inject({
        method: "POST",
        url: "/api/v1/auth/login",
        payload: { email: u.email, password: "reset password 123" },
      });
      expect(newLogin.statusCode).toBe(200);
      // Existing sessions were ended by the reset.
      const refresh = await app.inject({
        method: "POST",
        url: "/api/v1/auth/refresh",
        payload: { refreshToken: u.refreshToken },
      });
      expect(refresh.statusCode).toBe(401);
    });

    it("answers 202 for an unknown email without sending anything", async () => {
      const before = smtp.inbox.length;
      const email = uniqueEmail("ghost");
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset/request",
        payload: { email },
      });
      expect(res.statusCode).toBe(202);
      expect(smtp.inbox.length).toBe(before);
    });

    it("rejects a made-up token", async () => {
      const res = await app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset/confirm",
        payload: { token: "made-up-token", newPassword: "whatever password" },
      });
      expectProblem(res, 401, "INVALID_TOKEN");
    });
  });

  describe("without SMTP_URL", () => {
    it("writes the mail to the dev outbox, and its token works", async () => {
      const u = await signUp(ctx.app);
      const res = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset/request",
        payload: { email: u.email },
      });
      expect(res.statusCode).toBe(202);
      const mails = await createOutboxRepository(ctx.database.db).listFor(
        u.email,
      );
      expect(mails).toHaveLength(1);
      const ok = await ctx.app.inject({
        method: "POST",
        url: "/api/v1/auth/password-reset/confirm",
        payload: {
          token: tokenFrom(mails[0].body),
          newPassword: "outbox password 1",
        },
      });
      expect(ok.statusCode).toBe(204);
    });
  });
});
