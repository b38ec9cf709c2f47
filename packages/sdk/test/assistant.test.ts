import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openPglite,
  type Database,
} from "../../server/src/database/database.ts";
import { aiConfig } from "../../server/test/helpers/ai-test.ts";
import {
  startFakeAiProvider,
  type FakeAiProvider,
} from "../../server/test/helpers/fake-ai-provider.ts";
import { buildTestApp } from "../../server/test/helpers/test-app.ts";
import {
  createClient,
  StepFaultApiError,
  type AssistantEvent,
  type StepFaultClient,
} from "../src/index.ts";
import { BELL } from "../../server/test/helpers/circuits.ts";

const GHZ = BELL.replace("qreg q[2]", "qreg q[3]")
  .replace("creg c[2]", "creg c[3]")
  .replace("cx q[0],q[1];", "cx q[0],q[1];\ncx q[1],q[2];");

describe("SDK assistant methods against a real server [pglite]", () => {
  let database: Database;
  let fake: FakeAiProvider;
  let app: FastifyInstance;
  let off: FastifyInstance;
  let client: StepFaultClient;
  let offClient: StepFaultClient;
  let projectId: string;

  beforeAll(async () => {
    fake = await startFakeAiProvider();
    database = await openPglite(undefined);
    await database.migrate();
    const jwtSecret = "s".repeat(40);
    app = await buildTestApp(
      database,
      {
        jwtSecret,
        ai: aiConfig({
          provider: "openai",
          apiKey: "k",
          baseUrl: fake.openaiBaseUrl,
        }),
      },
      { jobs: { runWorker: false } },
    );
    off = await buildTestApp(
      database,
      { jwtSecret },
      { jobs: { runWorker: false } },
    );
    client = createClient({
      baseUrl: await app.listen({ port: 0, host: "127.0.0.1" }),
    });
    offClient = createClient({
      baseUrl: await off.listen({ port: 0, host: "127.0.0.1" }),
    });
    const email = `sdk-ai-${Date.now()}@example.test`;
    await client.auth.register({ email, password: "correct horse battery" });
    const tokens = await client.auth.login({
      email,
      password: "correct horse battery",
    });
    client.setToken(tokens.accessToken);
    offClient.setToken(tokens.accessToken);
    projectId = (await client.projects.create("SDK AI")).id;
  }, 60_000);

  afterAll(async () => {
    await off?.close();
    await app?.close();
    await database?.close();
    await fake?.close();
  });

  it("streams an answer as typed events and reads it back", async () => {
    const circuit = await client.circuits.create(projectId, {
      name: "bell",
      source: BELL,
    });
    const conv = await client.assistant.create(projectId, "SDK chat");
    fake.script(
      {
        toolCalls: [
          {
            name: "propose_edit",
            arguments: { circuitId: circuit.id, source: GHZ, summary: "GHZ" },
          },
        ],
      },
      { text: "Proposed:\n```qasm\n" + GHZ + "```" },
    );
    const events: AssistantEvent[] = [];
    for await (const e of client.assistant.send(projectId, conv.id, {
      content: "make it GHZ",
      circuitId: circuit.id,
    }))
      events.push(e);
    expect(events.map((e) => e.event)).toEqual(
      expect.arrayContaining([
        "start",
        "tool_call",
        "tool_result",
        "text",
        "message",
      ]),
    );
    const last = events.at(-1);
    if (last?.event !== "message") throw new Error("no final message");
    expect(last.data.message.blocks?.[0]).toMatchObject({
      status: "valid",
      numQubits: 3,
    });
    expect(last.data.proposals).toHaveLength(1);

    const accepted = await client.assistant.acceptProposal(
      projectId,
      conv.id,
      last.data.proposals[0].id,
    );
    expect(accepted).toMatchObject({ status: "accepted", resultRevision: 2 });
    expect((await client.circuits.get(projectId, circuit.id)).source).toBe(GHZ);

    const detail = await client.assistant.get(projectId, conv.id);
    expect(detail.title).toBe("SDK chat");
    expect(detail.messages.at(-1)?.role).toBe("assistant");
    expect(detail.proposals[0].status).toBe("accepted");
    expect((await client.assistant.list(projectId)).map((c) => c.id)).toContain(
      conv.id,
    );
    expect(
      (await client.assistant.usage(projectId)).project.inputTokens,
    ).toBeGreaterThan(0);
    await client.assistant.delete(projectId, conv.id);
    await expect(
      client.assistant.get(projectId, conv.id),
    ).rejects.toMatchObject({
      code: "CONVERSATION_NOT_FOUND",
      status: 404,
    });
  });

  it("throws StepFaultApiError with CONVERSATION_BUSY while another message of the conversation is answered", async () => {
    const conv = await client.assistant.create(projectId, "busy");
    fake.script({ text: "a slow answer in two parts", stallMs: 1000 });
    const first = client.assistant.send(projectId, conv.id, {
      content: "first",
    });
    expect((await first.next()).value).toMatchObject({ event: "start" });
    const second = client.assistant.send(projectId, conv.id, {
      content: "second",
    });
    const err = await second.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect(err).toMatchObject({
      status: 409,
      code: "CONVERSATION_BUSY",
      message: expect.stringMatching(/wait for that answer to finish/),
    });
    const rest: AssistantEvent[] = [];
    for await (const e of first) rest.push(e);
    expect(rest.at(-1)?.event).toBe("message");
    expect(
      (await client.assistant.get(projectId, conv.id)).messages.map(
        (m) => m.content,
      ),
    ).toEqual(["first", "a slow answer in two parts"]);
    // free again
    fake.script({ text: "ok" });
    const events: AssistantEvent[] = [];
    for await (const e of client.assistant.send(projectId, conv.id, {
      content: "second",
    }))
      events.push(e);
    expect(events.at(-1)?.event).toBe("message");
  });

  it("throws StepFaultApiError with AI_NOT_CONFIGURED when the server has no provider", async () => {
    // ...which `status()` tells without a refusal.
    await expect(offClient.assistant.status()).resolves.toEqual({
      configured: false,
    });
    await expect(client.assistant.status()).resolves.toEqual({
      configured: true,
    });
    const err = await offClient.assistant
      .create(projectId)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFaultApiError);
    expect(err).toMatchObject({ status: 503, code: "AI_NOT_CONFIGURED" });
    const gen = offClient.assistant.send(
      projectId,
      "00000000-0000-4000-8000-000000000000",
      {
        content: "hi",
      },
    );
    await expect(gen.next()).rejects.toMatchObject({
      status: 503,
      code: "AI_NOT_CONFIGURED",
    });
  });
});
