import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import {
  aiConfig,
  newConversation,
  newProject,
  send,
} from "./helpers/ai-test.ts";
import {
  startFakeAiProvider,
  type FakeAiProvider,
} from "./helpers/fake-ai-provider.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

const HALF_OPEN_MS = 400;

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `AI assistant resilience, cap and configuration [${engine.name}]`,
    () => {
      let database: TestDatabase | undefined;
      let fake: FakeAiProvider;
      let app: FastifyInstance;
      let off: FastifyInstance;
      let user: TestUser;
      let projectId: string;

      beforeAll(async () => {
        fake = await startFakeAiProvider();
        database = await engine.open();
        await database.migrate();
        const jwtSecret = randomBytes(32).toString("hex");
        app = await buildTestApp(
          database,
          {
            jwtSecret,
            ai: aiConfig({
              provider: "openai-compatible",
              baseUrl: fake.openaiBaseUrl,
              apiKey: undefined,
              model: "local-model",
              maxRetries: 2,
              retryBaseMs: 5,
              breakerThreshold: 3,
              breakerHalfOpenMs: HALF_OPEN_MS,
              monthlyTokenCap: 150,
              timeoutMs: 1500,
            }),
          },
          { jobs: { runWorker: false } },
        );
        off = await buildTestApp(
          database,
          { jwtSecret },
          { jobs: { runWorker: false } },
        );
        user = await signUp(app, "resilient");
        projectId = await newProject(app, user.accessToken, "Resilience");
      }, 60_000);

      afterAll(async () => {
        await off?.close();
        await app?.close();
        await database?.dispose();
        await fake?.close();
      });

      it("answers 503 AI_NOT_CONFIGURED on every AI route when no provider is set, saying how to set one", async () => {
        const P = `/api/v1/projects/${projectId}`;
        const id = "00000000-0000-4000-8000-000000000000";
        for (const [method, url, payload] of [
          ["POST", `${P}/conversations`, {}],
          ["GET", `${P}/conversations`, undefined],
          ["GET", `${P}/conversations/${id}`, undefined],
          ["DELETE", `${P}/conversations/${id}`, undefined],
          ["GET", `${P}/assistant/usage`, undefined],
          ["POST", `${P}/conversations/${id}/messages`, { content: "hi" }],
          [
            "POST",
            `${P}/conversations/${id}/proposals/${id}/accept`,
            undefined,
          ],
        ] as const) {
          const res = await off.inject({
            method,
            url,
            headers: bearer(user.accessToken),
            ...(payload ? { payload } : {}),
          });
          const body = expectProblem(res, 503, "AI_NOT_CONFIGURED");
          expect(body.detail).toContain("AI_PROVIDER");
          expect(body.detail).toContain("AI_BASE_URL");
        }
        // authentication still comes first
        expectProblem(
          await off.inject({ method: "GET", url: `${P}/conversations` }),
          401,
          "UNAUTHENTICATED",
        );
      });

      it("tells a signed-in caller whether the assistant is configured (200 either way; 401 anonymous)", async () => {
        for (const [server, configured] of [
          [off, false],
          [app, true],
        ] as const) {
          const res = await server.inject({
            method: "GET",
            url: "/api/v1/assistant/status",
            headers: bearer(user.accessToken),
          });
          expect(res.statusCode, res.body).toBe(200);
          expect(res.json()).toEqual({ configured });
        }
        expectProblem(
          await off.inject({ method: "GET", url: "/api/v1/assistant/status" }),
          401,
          "UNAUTHENTICATED",
        );
        expectProblem(
          await off.inject({
            method: "GET",
            url: "/api/v1/assistant/status",
            headers: bearer("not-a-token"),
          }),
          401,
          "INVALID_TOKEN",
        );
      });

      it("talks to an OpenAI-compatible server without a key", async () => {
        const conv = await newConversation(app, user.accessToken, projectId);
        fake.script({ text: "local answer", inputTokens: 1, outputTokens: 1 });
        const { res, events } = await send(
          app,
          user.accessToken,
          projectId,
          conv,
          {
            content: "hi",
          },
        );
        expect(res.statusCode, res.body).toBe(200);
        expect(events.at(-1)?.event).toBe("message");
        expect(fake.requests.at(-1)?.body.model).toBe("local-model");
      });

      it("retries a 429 and then answers", async () => {
        const conv = await newConversation(app, user.accessToken, projectId);
        const before = fake.requests.length;
        fake.script(
          { status: 429 },
          { text: "after a retry", inputTokens: 1, outputTokens: 1 },
        );
        const { res, events } = await send(
          app,
          user.accessToken,
          projectId,
          conv,
          {
            content: "hi",
          },
        );
        expect(res.statusCode, res.body).toBe(200);
        expect(fake.requests.length - before).toBe(2);
        expect(events.at(-1)?.data).toMatchObject({
          message: { content: "after a retry" },
        });
      });

      it("does not retry other 4xx answers: 502 AI_PROVIDER_ERROR after one call", async () => {
        const conv = await newConversation(app, user.accessToken, projectId);
        const before = fake.requests.length;
        fake.script({ status: 400 });
        const { res } = await send(app, user.accessToken, projectId, conv, {
          content: "hi",
        });
        expectProblem(res, 502, "AI_PROVIDER_ERROR");
        expect(fake.requests.length - before).toBe(1);
      });

      it("reports a provider failure after a tool call as an error event in the stream", async () => {
        const conv = await newConversation(app, user.accessToken, projectId);
        fake.script(
          {
            toolCalls: [
              { name: "validate_qasm", arguments: { source: "qubit q;" } },
            ],
            inputTokens: 1,
            outputTokens: 1,
          },
          { status: 401 },
        );
        const { res, events } = await send(
          app,
          user.accessToken,
          projectId,
          conv,
          {
            content: "hi",
          },
        );
        expect(res.statusCode).toBe(200);
        expect(events.map((e) => e.event)).toEqual([
          "start",
          "tool_call",
          "tool_result",
          "error",
        ]);
        expect(events.at(-1)?.data).toMatchObject({
          code: "AI_PROVIDER_ERROR",
          status: 502,
        });
      });

      it("ends an answer whose stream goes silent with an AI_UNAVAILABLE error event", async () => {
        const conv = await newConversation(app, user.accessToken, projectId);
        fake.script({
          text: "first words, then silence",
          stallMs: 4000,
          inputTokens: 1,
          outputTokens: 1,
        });
        // The provider stalls 4 s after its first words; the 1.5 s idle limit ends the answer
        // with an error event (were it not enforced, the stream would end normally after 4 s).
        const { res, events } = await send(
          app,
          user.accessToken,
          projectId,
          conv,
          {
            content: "hi",
          },
        );
        expect(res.statusCode).toBe(200);
        expect(events.map((e) => e.event)).toEqual(["start", "text", "error"]);
        expect(events.at(-1)?.data).toMatchObject({
          code: "AI_UNAVAILABLE",
          detail: "the AI provider stopped sending for 1500 ms",
        });
      });

      it("stops the provider call when the client goes away, storing no half answer", async () => {
        const base = await app.listen({ port: 0, host: "127.0.0.1" });
        // its own account: the estimated tokens of the cut-off round count against the cap
        const quitter = await signUp(app, "quitter");
        const project = await newProject(app, quitter.accessToken, "Quit");
        const conv = await newConversation(app, quitter.accessToken, project);
        fake.script({ text: "a long answer that never ends", stallMs: 10_000 });
        const abortedBefore = fake.aborted();
        const ac = new AbortController();
        const res = await fetch(
          `${base}/api/v1/projects/${project}/conversations/${conv}/messages`,
          {
            method: "POST",
            headers: {
              ...bearer(quitter.accessToken),
              "content-type": "application/json",
            },
            body: JSON.stringify({ content: "tell me everything" }),
            signal: ac.signal,
          },
        );
        expect(res.status).toBe(200);
        const reader = res.body!.getReader();
        let seen = "";
        while (!seen.includes("event: text")) {
          const { value, done } = await reader.read();
          if (done) break;
          seen += new TextDecoder().decode(value);
        }
        ac.abort();
        const started = Date.now();
        while (fake.aborted() === abortedBefore && Date.now() - started < 5000)
          await new Promise((r) => setTimeout(r, 25));
        expect(fake.aborted()).toBe(abortedBefore + 1);
        await new Promise((r) => setTimeout(r, 200));
        const read = await app.inject({
          url: `/api/v1/projects/${project}/conversations/${conv}`,
          headers: bearer(quitter.accessToken),
        });
        expect(
          (read.json() as { messages: { role: string }[] }).messages.map(
            (m) => m.role,
          ),
        ).toEqual(["user"]);
      });

      it("retries 500s, opens the breaker (503 without calling the provider), and closes it after the half-open delay", async () => {
        const conv = await newConversation(app, user.accessToken, projectId);
        const before = fake.requests.length;
        fake.script({ status: 500 }, { status: 503 }, { status: 500 });
        const first = await send(app, user.accessToken, projectId, conv, {
          content: "one",
        });
        const p1 = expectProblem(first.res, 503, "AI_UNAVAILABLE");
        expect(p1.detail).toMatch(/HTTP 500\) after 3 attempts/);
        expect(fake.requests.length - before).toBe(3);

        const second = await send(app, user.accessToken, projectId, conv, {
          content: "two",
        });
        const p2 = expectProblem(second.res, 503, "AI_UNAVAILABLE");
        expect(p2.detail).toMatch(/paused/);
        expect(second.res.headers["retry-after"]).toBe("1");
        expect(fake.requests.length - before).toBe(3); // the open breaker did not call out

        await new Promise((r) => setTimeout(r, HALF_OPEN_MS + 100));
        fake.script({ text: "back again", inputTokens: 1, outputTokens: 1 });
        const third = await send(app, user.accessToken, projectId, conv, {
          content: "three",
        });
        expect(third.res.statusCode, third.res.body).toBe(200);
        expect(fake.requests.length - before).toBe(4);
        // failed sends stored nothing; the answered one stored its question and answer
        const read = await app.inject({
          url: `/api/v1/projects/${projectId}/conversations/${conv}`,
          headers: bearer(user.accessToken),
        });
        expect(
          (read.json() as { messages: { content: string }[] }).messages.map(
            (m) => m.content,
          ),
        ).toEqual(["three", "back again"]);
      });

      it("answers 429 with the reset date once the monthly token cap is used up", async () => {
        const other = await signUp(app, "capped");
        const project = await newProject(app, other.accessToken, "Capped");
        const conv = await newConversation(app, other.accessToken, project);
        fake.script({ text: "first", inputTokens: 100, outputTokens: 60 });
        const ok = await send(app, other.accessToken, project, conv, {
          content: "a",
        });
        expect(ok.res.statusCode).toBe(200);
        const before = fake.requests.length;
        const capped = await send(app, other.accessToken, project, conv, {
          content: "b",
        });
        const body = expectProblem(capped.res, 429, "AI_USAGE_CAP_EXCEEDED");
        const now = new Date();
        const reset = new Date(
          Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
        );
        expect(body).toMatchObject({
          used: 160,
          cap: 150,
          resetAt: reset.toISOString(),
        });
        expect(body.detail).toContain(reset.toISOString());
        expect(Number(capped.res.headers["retry-after"])).toBeGreaterThan(0);
        expect(fake.requests.length).toBe(before);
        const usage = await app.inject({
          url: `/api/v1/projects/${project}/assistant/usage`,
          headers: bearer(other.accessToken),
        });
        expect(usage.json()).toMatchObject({
          cap: 150,
          resetAt: reset.toISOString(),
          total: { inputTokens: 100, outputTokens: 60 },
        });
        // deleting the project does not give the tokens back
        const del = await app.inject({
          method: "DELETE",
          url: `/api/v1/projects/${project}`,
          headers: bearer(other.accessToken),
        });
        expect(del.statusCode).toBe(204);
        const fresh = await newProject(app, other.accessToken, "Fresh start");
        const freshConv = await newConversation(app, other.accessToken, fresh);
        expectProblem(
          (
            await send(app, other.accessToken, fresh, freshConv, {
              content: "c",
            })
          ).res,
          429,
          "AI_USAGE_CAP_EXCEEDED",
        );
        // the cap is per user: the first user (well under it in this project) is unaffected
        const mine = await newConversation(app, user.accessToken, projectId);
        fake.script({ text: "fine", inputTokens: 1, outputTokens: 1 });
        expect(
          (await send(app, user.accessToken, projectId, mine, { content: "c" }))
            .res.statusCode,
        ).toBe(200);
      });
    },
  );
}
