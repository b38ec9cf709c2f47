/**
 * One message at a time per conversation (a lease on the conversation row, shared by every API
 * process on the database) and the monthly token cap between model turns, against the loopback
 * fake provider on PGlite and PostgreSQL; on PostgreSQL also a real API process SIGKILLed while
 * it answers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { eq, sql } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { aiConversations } from "../src/database/schema.ts";
import type { AiConfig } from "../src/config/ai-config.ts";
import { openPostgres, type Database } from "../src/database/database.ts";
import {
  createPostgresDatabase,
  ENGINES,
  type TestDatabase,
} from "./helpers/engines.ts";
import {
  aiConfig,
  newConversation,
  newProject,
  send,
  type SseEvent,
} from "./helpers/ai-test.ts";
import {
  startFakeAiProvider,
  type FakeAiProvider,
  type FakeTurn,
} from "./helpers/fake-ai-provider.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";

const CAP = 1000;
const SHORT_LEASE_MS = 2000;
const VALID =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[1];\ncreg c[1];\nh q[0];\nmeasure q -> c;\n';
const BROKEN =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0],q[5];\n';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A turn of one token each way: the lock tests stay far below the cap. */
const cheap = (turn: FakeTurn): FakeTurn => ({
  inputTokens: 1,
  outputTokens: 1,
  ...turn,
});

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `AI assistant: one message at a time per conversation, and the cap between turns [${engine.name}]`,
    () => {
      let database: TestDatabase | undefined;
      let fake: FakeAiProvider;
      /** Two API processes on one database (separate pools on PostgreSQL). */
      let appA: FastifyInstance;
      let appB: FastifyInstance;
      /** A third one with a short lease, for renewal and takeover after the lease time. */
      let short: FastifyInstance;
      let urlA: string;
      let urlShort: string;
      let user: TestUser;
      let projectId: string;

      const config = (over: Partial<AiConfig>) =>
        aiConfig({
          provider: "openai-compatible",
          baseUrl: fake.openaiBaseUrl,
          apiKey: undefined,
          model: "local-model",
          maxRetries: 0,
          monthlyTokenCap: CAP,
          conversationLeaseMs: 30_000,
          ...over,
        });

      beforeAll(async () => {
        fake = await startFakeAiProvider();
        database = await engine.open();
        await database.migrate();
        const jwtSecret = randomBytes(32).toString("hex");
        const noWorker = { jobs: { runWorker: false } };
        appA = await buildTestApp(database, { jwtSecret, ai: config({}) });
        appB = await buildTestApp(
          database,
          { jwtSecret, ai: config({}) },
          noWorker,
        );
        short = await buildTestApp(
          database,
          { jwtSecret, ai: config({ conversationLeaseMs: SHORT_LEASE_MS }) },
          noWorker,
        );
        urlA = await appA.listen({ port: 0, host: "127.0.0.1" });
        urlShort = await short.listen({ port: 0, host: "127.0.0.1" });
        user = await signUp(appA, "locked");
        projectId = await newProject(appA, user.accessToken, "Lock");
      }, 60_000);

      afterAll(async () => {
        await short?.close();
        await appB?.close();
        await appA?.close();
        await database?.dispose();
        await fake?.close();
      });

      // a failed test leaves no scripted turn behind for the next one
      afterEach(() => void fake.clear());

      const lease = async (conv: string) => {
        const [row] = await database!.db
          .select({
            busySince: aiConversations.busySince,
            busyToken: aiConversations.busyToken,
          })
          .from(aiConversations)
          .where(eq(aiConversations.id, conv));
        return row;
      };

      const history = async (conv: string) => {
        const res = await appA.inject({
          url: `/api/v1/projects/${projectId}/conversations/${conv}`,
          headers: bearer(user.accessToken),
        });
        expect(res.statusCode, res.body).toBe(200);
        return (
          res.json() as { messages: { role: string; content: string }[] }
        ).messages.map((m) => `${m.role}: ${m.content}`);
      };

      /** Opens a streamed answer over real HTTP and reads until its first text delta. */
      const openStream = async (
        base: string,
        conv: string,
        content: string,
        signal?: AbortSignal,
      ) => {
        const res = await fetch(
          `${base}/api/v1/projects/${projectId}/conversations/${conv}/messages`,
          {
            method: "POST",
            headers: {
              ...bearer(user.accessToken),
              "content-type": "application/json",
            },
            body: JSON.stringify({ content }),
            ...(signal ? { signal } : {}),
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
        expect(seen).toContain("event: text");
        return {
          /** Reads the rest of the stream. */
          async rest(): Promise<string> {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) return seen;
              seen += new TextDecoder().decode(value);
            }
          },
        };
      };

      it("streams one of two concurrent messages and refuses the other with 409 CONVERSATION_BUSY, keeping the history in order", async () => {
        const conv = await newConversation(appA, user.accessToken, projectId);
        const before = fake.requests.length;
        // the first message to take the conversation holds it for a while
        fake.script(cheap({ text: "the one answer", delayMs: 1500 }));
        const [a, b] = await Promise.all([
          send(appA, user.accessToken, projectId, conv, { content: "from A" }),
          send(appB, user.accessToken, projectId, conv, { content: "from B" }),
        ]);
        const statuses = [a.res.statusCode, b.res.statusCode].sort();
        expect(statuses, `${a.res.body}\n${b.res.body}`).toEqual([200, 409]);
        const [won, lost] = a.res.statusCode === 200 ? [a, b] : [b, a];
        const problem = expectProblem(lost.res, 409, "CONVERSATION_BUSY");
        expect(problem.title).toBe(
          "The conversation is still answering another message",
        );
        expect(problem.detail).toMatch(
          /wait for that answer to finish, then send again/,
        );
        expect(won.events.map((e) => e.event)).toEqual([
          "start",
          "text",
          "text",
          "message",
        ]);
        // only the winner reached the provider; the loser stored nothing
        expect(fake.requests.length - before).toBe(1);
        const winner = a.res.statusCode === 200 ? "from A" : "from B";
        expect(await history(conv)).toEqual([
          `user: ${winner}`,
          "assistant: the one answer",
        ]);
        // the model saw one user message, not both
        const seen = fake.requests[before].body.messages as {
          role: string;
          content: string;
        }[];
        expect(seen.filter((m) => m.role === "user")).toEqual([
          { role: "user", content: winner },
        ]);
        expect(await lease(conv)).toEqual({ busySince: null, busyToken: null });

        // free again once the answer ended, on either process
        fake.script(cheap({ text: "second answer" }));
        const next = await send(appB, user.accessToken, projectId, conv, {
          content: "again",
        });
        expect(next.res.statusCode, next.res.body).toBe(200);
        expect(await history(conv)).toEqual([
          `user: ${winner}`,
          "assistant: the one answer",
          "user: again",
          "assistant: second answer",
        ]);
      });

      it("refuses a message while an answer streams on another process, and not after it ended", async () => {
        const conv = await newConversation(appA, user.accessToken, projectId);
        fake.script(
          cheap({ text: "slow answer, then the rest", stallMs: 1500 }),
        );
        const stream = await openStream(urlA, conv, "long question");
        const busy = await send(appB, user.accessToken, projectId, conv, {
          content: "impatient",
        });
        expectProblem(busy.res, 409, "CONVERSATION_BUSY");
        // a refused request changes nothing, and the answer in progress completes
        const body = await stream.rest();
        expect(body).toContain("event: message");
        expect(await history(conv)).toEqual([
          "user: long question",
          "assistant: slow answer, then the rest",
        ]);
        fake.script(cheap({ text: "now it is your turn" }));
        const ok = await send(appB, user.accessToken, projectId, conv, {
          content: "patient",
        });
        expect(ok.res.statusCode, ok.res.body).toBe(200);
      });

      it("releases the conversation when the client disconnects mid-stream", async () => {
        const conv = await newConversation(appA, user.accessToken, projectId);
        fake.script(
          cheap({ text: "a long answer that never ends", stallMs: 20_000 }),
        );
        const abortedBefore = fake.aborted();
        const ac = new AbortController();
        await openStream(urlA, conv, "tell me everything", ac.signal);
        expect((await lease(conv)).busyToken).not.toBeNull();
        ac.abort();
        const started = Date.now();
        while (
          (fake.aborted() === abortedBefore ||
            (await lease(conv)).busyToken !== null) &&
          Date.now() - started < 5000
        )
          await sleep(25);
        expect(fake.aborted()).toBe(abortedBefore + 1);
        // cleared by the process that held it, well before the 30 s lease could go stale
        expect(await lease(conv)).toEqual({ busySince: null, busyToken: null });
        fake.script(cheap({ text: "fresh start" }));
        const next = await send(appB, user.accessToken, projectId, conv, {
          content: "still there?",
        });
        expect(next.res.statusCode, next.res.body).toBe(200);
        expect(await history(conv)).toEqual([
          "user: tell me everything",
          "user: still there?",
          "assistant: fresh start",
        ]);
      });

      it("releases the conversation when the answer ends with an error event", async () => {
        const conv = await newConversation(appA, user.accessToken, projectId);
        fake.script(
          {
            toolCalls: [
              { name: "validate_qasm", arguments: { source: VALID } },
            ],
            inputTokens: 1,
            outputTokens: 1,
          },
          cheap({ status: 400 }),
        );
        const failed = await send(appA, user.accessToken, projectId, conv, {
          content: "fail after a tool",
        });
        expect(failed.events.at(-1)).toMatchObject({
          event: "error",
          data: { code: "AI_PROVIDER_ERROR" },
        });
        expect(await lease(conv)).toEqual({ busySince: null, busyToken: null });
        // and when the first call is refused before the stream (502 problem)
        fake.script(cheap({ status: 400 }));
        expectProblem(
          (
            await send(appA, user.accessToken, projectId, conv, {
              content: "refused",
            })
          ).res,
          502,
          "AI_PROVIDER_ERROR",
        );
        expect(await lease(conv)).toEqual({ busySince: null, busyToken: null });
      });

      it("keeps renewing the lease while a long answer runs", async () => {
        const conv = await newConversation(appA, user.accessToken, projectId);
        // silent for three lease lengths after the first words
        fake.script(
          cheap({
            text: "thinking hard ... done",
            stallMs: SHORT_LEASE_MS * 3,
          }),
        );
        const stream = await openStream(urlShort, conv, "hard question");
        await sleep(SHORT_LEASE_MS * 2);
        expectProblem(
          (
            await send(short, user.accessToken, projectId, conv, {
              content: "meanwhile",
            })
          ).res,
          409,
          "CONVERSATION_BUSY",
        );
        expect(await stream.rest()).toContain("event: message");
        expect(await history(conv)).toEqual([
          "user: hard question",
          "assistant: thinking hard ... done",
        ]);
      });

      it("takes over a lease its holder stopped renewing (a crashed process), only once it is stale", async () => {
        const conv = await newConversation(appA, user.accessToken, projectId);
        // a process took the conversation and died: nobody renews or clears its lease
        const crashed = randomUUID();
        await database!.db
          .update(aiConversations)
          .set({ busySince: sql`now()`, busyToken: crashed })
          .where(eq(aiConversations.id, conv));
        const before = fake.requests.length;
        expectProblem(
          (
            await send(short, user.accessToken, projectId, conv, {
              content: "too early",
            })
          ).res,
          409,
          "CONVERSATION_BUSY",
        );
        await sleep(SHORT_LEASE_MS + 300);
        fake.script(cheap({ text: "taken over" }));
        const ok = await send(short, user.accessToken, projectId, conv, {
          content: "after the lease",
        });
        expect(ok.res.statusCode, ok.res.body).toBe(200);
        expect(fake.requests.length - before).toBe(1);
        expect(await lease(conv)).toEqual({ busySince: null, busyToken: null });
        expect(await history(conv)).toEqual([
          "user: after the lease",
          "assistant: taken over",
        ]);

        // an hour-old lease is stale for the 30 s processes too; a fresh one is not
        await database!.db
          .update(aiConversations)
          .set({
            busySince: sql`now() - interval '1 hour'`,
            busyToken: crashed,
          })
          .where(eq(aiConversations.id, conv));
        fake.script(cheap({ text: "long dead" }));
        expect(
          (
            await send(appA, user.accessToken, projectId, conv, {
              content: "an hour later",
            })
          ).res.statusCode,
        ).toBe(200);
        await database!.db
          .update(aiConversations)
          .set({
            busySince: sql`now() - interval '5 seconds'`,
            busyToken: crashed,
          })
          .where(eq(aiConversations.id, conv));
        expectProblem(
          (
            await send(appA, user.accessToken, projectId, conv, {
              content: "five seconds later",
            })
          ).res,
          409,
          "CONVERSATION_BUSY",
        );
      });

      describe("the monthly token cap between model turns", () => {
        const capErrorOf = (events: SseEvent[]) => {
          const last = events.at(-1);
          expect(last?.event, JSON.stringify(events)).toBe("error");
          return last!.data;
        };
        const resetAt = () => {
          const now = new Date();
          return new Date(
            Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
          ).toISOString();
        };

        it("stops a tool loop at the cap with the 429 problem as an error event, keeps the turns, and refuses the next message", async () => {
          const capped = await signUp(appA, "looper");
          const project = await newProject(appA, capped.accessToken, "Loop");
          const conv = await newConversation(appA, capped.accessToken, project);
          const before = fake.requests.length;
          // a model that never stops calling tools: 400 tokens a turn against a 1000 cap
          const turn = (n: number) => ({
            text: `step ${n}`,
            toolCalls: [
              {
                id: `call_${n}`,
                name: "validate_qasm",
                arguments: { source: VALID },
              },
            ],
            inputTokens: 300,
            outputTokens: 100,
          });
          fake.script(turn(1), turn(2), turn(3), turn(4), turn(5));
          const { res, events } = await send(
            appA,
            capped.accessToken,
            project,
            conv,
            { content: "loop forever" },
          );
          expect(res.statusCode, res.body).toBe(200);
          // three turns: 400, 800 (under the cap, go on), 1200 (at it: stop)
          expect(fake.requests.length - before).toBe(3);
          expect(events.map((e) => e.event)).toEqual([
            "start",
            ...["text", "tool_call", "tool_result"],
            ...["text", "tool_call", "tool_result"],
            ...["text", "tool_call", "tool_result"],
            "error",
          ]);
          const err = capErrorOf(events);
          expect(err).toMatchObject({
            code: "AI_USAGE_CAP_EXCEEDED",
            status: 429,
            title: "Monthly AI token allowance used up",
            used: 1200,
            cap: CAP,
            resetAt: resetAt(),
          });
          expect(err.detail).toContain(resetAt());

          // the partial answer is in the history, every call with its result, in order
          const read = await appA.inject({
            url: `/api/v1/projects/${project}/conversations/${conv}`,
            headers: bearer(capped.accessToken),
          });
          const messages = (
            read.json() as {
              messages: {
                role: string;
                content: string;
                toolCallId: string | null;
                toolCalls: { id: string }[] | null;
                inputTokens: number;
                outputTokens: number;
              }[];
            }
          ).messages;
          expect(
            messages.map(
              (m) =>
                `${m.role}:${m.content.startsWith("{") ? "result" : m.content}:${m.toolCalls?.[0]?.id ?? m.toolCallId ?? ""}`,
            ),
          ).toEqual([
            "user:loop forever:",
            "assistant:step 1:call_1",
            "tool:result:call_1",
            "assistant:step 2:call_2",
            "tool:result:call_2",
            "assistant:step 3:call_3",
            "tool:result:call_3",
          ]);
          expect(
            messages.reduce((n, m) => n + m.inputTokens + m.outputTokens, 0),
          ).toBe(1200);

          // the next message is refused before the provider is called
          const next = await send(appB, capped.accessToken, project, conv, {
            content: "one more",
          });
          const problem = expectProblem(next.res, 429, "AI_USAGE_CAP_EXCEEDED");
          expect(problem).toMatchObject({
            used: 1200,
            cap: CAP,
            resetAt: resetAt(),
          });
          expect(fake.requests.length - before).toBe(3);
          expect(fake.clear()).toBe(2); // turns 4 and 5 were never asked for
          const usage = await appA.inject({
            url: `/api/v1/projects/${project}/assistant/usage`,
            headers: bearer(capped.accessToken),
          });
          expect(usage.json()).toMatchObject({
            total: { inputTokens: 900, outputTokens: 300 },
          });
          // and the conversation was released
          expect(await lease(conv)).toEqual({
            busySince: null,
            busyToken: null,
          });
        });

        it("asks for no QASM repair past the cap: the draft is kept and the stream ends with the cap error", async () => {
          const capped = await signUp(appA, "repairer");
          const project = await newProject(appA, capped.accessToken, "Fix");
          const conv = await newConversation(appA, capped.accessToken, project);
          const before = fake.requests.length;
          fake.script({
            text: "Try:\n```qasm\n" + BROKEN + "```",
            inputTokens: 900,
            outputTokens: 200,
          });
          const { res, events } = await send(
            appA,
            capped.accessToken,
            project,
            conv,
            { content: "write a circuit" },
          );
          expect(res.statusCode, res.body).toBe(200);
          expect(fake.requests.length - before).toBe(1);
          expect(events.map((e) => e.event)).not.toContain("revision");
          expect(capErrorOf(events)).toMatchObject({
            code: "AI_USAGE_CAP_EXCEEDED",
            status: 429,
            used: 1100,
            cap: CAP,
          });
          const read = await appA.inject({
            url: `/api/v1/projects/${project}/conversations/${conv}`,
            headers: bearer(capped.accessToken),
          });
          const messages = (
            read.json() as {
              messages: {
                role: string;
                content: string;
                blocks: { status: string }[] | null;
              }[];
            }
          ).messages;
          expect(messages.map((m) => m.role)).toEqual(["user", "assistant"]);
          expect(messages[1].content).toContain(BROKEN);
          expect(messages[1].blocks).toEqual([
            expect.objectContaining({ status: "invalid" }),
          ]);
        });
      });
    },
  );
}

const pgUrl = process.env.TEST_DATABASE_URL;
const here = dirname(fileURLToPath(import.meta.url));
const RUN_TS = resolve(here, "../../cli/bin/run-ts.mjs");
const API = resolve(here, "helpers/api-process.ts");

describe.skipIf(!pgUrl)(
  "AI assistant: an API process killed mid-answer [postgres]",
  () => {
    let created: { url: string; drop: () => Promise<void> };
    let database: Database;
    let fake: FakeAiProvider;
    let app: FastifyInstance;
    let child: ChildProcess | undefined;
    let childUrl = "";
    const jwtSecret = randomBytes(32).toString("hex");

    beforeAll(async () => {
      fake = await startFakeAiProvider();
      created = await createPostgresDatabase(pgUrl ?? "");
      database = await openPostgres(created.url, 4);
      await database.migrate();
      const ai = aiConfig({
        provider: "openai-compatible",
        baseUrl: fake.openaiBaseUrl,
        apiKey: undefined,
        model: "local-model",
        conversationLeaseMs: SHORT_LEASE_MS,
      });
      app = await buildTestApp(
        database,
        { jwtSecret, ai },
        { jobs: { runWorker: false } },
      );
      child = spawn(process.execPath, [RUN_TS, API], {
        env: {
          ...process.env,
          DATABASE_URL: created.url,
          JWT_SECRET: jwtSecret,
          LOG_LEVEL: "error",
          AI_PROVIDER: "openai-compatible",
          AI_BASE_URL: fake.openaiBaseUrl,
          AI_MODEL: "local-model",
          AI_CONVERSATION_LEASE_MS: String(SHORT_LEASE_MS),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      childUrl = await new Promise<string>((ready, reject) => {
        let out = "";
        const onData = (d: Buffer) => {
          out += d.toString();
          const m = /listening (\S+)/.exec(out);
          if (m) ready(m[1]);
        };
        child?.stdout?.on("data", onData);
        child?.stderr?.on("data", onData);
        child?.once("exit", (code) =>
          reject(new Error(`API process exited ${code}: ${out}`)),
        );
      });
    }, 120_000);

    afterAll(async () => {
      if (child && child.exitCode === null && child.signalCode === null)
        child.kill("SIGKILL");
      await app?.close();
      await database?.close();
      await created?.drop();
      await fake?.close();
    });

    it("leaves a lease nobody renews, refused until it is stale, then taken over", async () => {
      const user = await signUp(app, "crash");
      const projectId = await newProject(app, user.accessToken, "Crash");
      const conv = await newConversation(app, user.accessToken, projectId);
      fake.script(cheap({ text: "an answer cut short", stallMs: 60_000 }));
      const res = await fetch(
        `${childUrl}/api/v1/projects/${projectId}/conversations/${conv}/messages`,
        {
          method: "POST",
          headers: {
            ...bearer(user.accessToken),
            "content-type": "application/json",
          },
          body: JSON.stringify({ content: "question to a doomed process" }),
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
      expect(seen).toContain("event: text");
      const gone = new Promise((r) => child?.once("exit", r));
      child?.kill("SIGKILL");
      await gone;
      await reader.cancel().catch(() => undefined);

      const [row] = await database.db
        .select({ busyToken: aiConversations.busyToken })
        .from(aiConversations)
        .where(eq(aiConversations.id, conv));
      expect(row.busyToken).not.toBeNull();
      expectProblem(
        (
          await send(app, user.accessToken, projectId, conv, {
            content: "too soon",
          })
        ).res,
        409,
        "CONVERSATION_BUSY",
      );
      await sleep(SHORT_LEASE_MS + 500);
      fake.script(cheap({ text: "answered by the survivor" }));
      const ok = await send(app, user.accessToken, projectId, conv, {
        content: "after the crash",
      });
      expect(ok.res.statusCode, ok.res.body).toBe(200);
      const read = await app.inject({
        url: `/api/v1/projects/${projectId}/conversations/${conv}`,
        headers: bearer(user.accessToken),
      });
      expect(
        (read.json() as { messages: { content: string }[] }).messages.map(
          (m) => m.content,
        ),
      ).toEqual([
        "question to a doomed process",
        "after the crash",
        "answered by the survivor",
      ]);
    });
  },
);
