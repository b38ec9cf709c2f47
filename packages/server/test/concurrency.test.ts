import { describe, expect, it } from "vitest";
import { describeOnEngines } from "./helpers/suite.ts";
import { signUp, uniqueEmail } from "./helpers/test-app.ts";

describeOnEngines("Concurrent requests", (ctx) => {
  describe("register", () => {
    it("makes exactly one admin when the first accounts register at the same time", async () => {
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          ctx.app.inject({
            method: "POST",
            url: "/api/v1/auth/register",
            payload: {
              email: uniqueEmail("race"),
              password: "race password 1",
            },
          }),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual([
        201, 201, 201, 201, 201, 201,
      ]);
      const roles = results.map((r) => (r.json() as { role: string }).role);
      expect(roles.filter((r) => r === "admin")).toHaveLength(1);
    });

    it("accepts the same email only once when registered twice at the same time", async () => {
      const email = uniqueEmail("twice");
      const results = await Promise.all(
        [0, 1, 2].map(() =>
          ctx.app.inject({
            method: "POST",
            url: "/api/v1/auth/register",
            payload: { email, password: "twice password" },
          }),
        ),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    });
  });

  describe("refresh", () => {
    it("lets only one of several simultaneous uses of a refresh token win", async () => {
      const u = await signUp(ctx.app);
      const results = await Promise.all(
        [0, 1, 2, 3].map(() =>
          ctx.app.inject({
            method: "POST",
            url: "/api/v1/auth/refresh",
            payload: { refreshToken: u.refreshToken },
          }),
        ),
      );
      expect(results.filter((r) => r.statusCode === 200)).toHaveLength(1);
      expect(results.filter((r) => r.statusCode === 401)).toHaveLength(3);
    });
  });
});
