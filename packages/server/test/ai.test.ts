import { randomBytes } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type TestDatabase } from "./helpers/engines.ts";
import {
  aiConfig,
  newCircuit,
  newConversation,
  newProject,
  send,
  type SseEvent,
} from "./helpers/ai-test.ts";
import {
  startFakeAiProvider,
  toolResults,
  type FakeAiProvider,
} from "./helpers/fake-ai-provider.ts";
import {
  bearer,
  buildTestApp,
  expectProblem,
  signUp,
  type TestUser,
} from "./helpers/test-app.ts";
import { BELL } from "./helpers/circuits.ts";
import { H2, pauliSumText } from "./helpers/variational.ts";

const GHZ =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[3];\ncreg c[3];\nh q[0];\ncx q[0],q[1];\ncx q[1],q[2];\nmeasure q -> c;\n';
const BROKEN =
  'OPENQASM 2.0;\ninclude "qelib1.inc";\nqreg q[2];\nh q[0]\ncx q[0],q[5];\n';

function texts(events: SseEvent[]): string {
  return events
    .filter((e) => e.event === "text")
    .map((e) => String(e.data.delta))
    .join("");
}

function final(events: SseEvent[]) {
  const m = events.find((e) => e.event === "message");
  expect(m, JSON.stringify(events)).toBeDefined();
  return m?.data as {
    message: {
      id: number;
      role: string;
      content: string;
      blocks: {
        status: string;
        diagnostics?: { line: number; column: number; message: string }[];
        simulated?: { counts: Record<string, number>; shots: number } | null;
      }[];
      inputTokens: number;
      outputTokens: number;
    };
    usage: { inputTokens: number; outputTokens: number };
    proposals: { id: string; status: string; circuitId: string }[];
  };
}

function toolResultEvents(events: SseEvent[]) {
  return events
    .filter((e) => e.event === "tool_result")
    .map((e) => e.data as { name: string; ok: boolean; result: unknown });
}

for (const engine of ENGINES) {
  describe.skipIf(engine.skipReason !== undefined)(
    `AI assistant [${engine.name}]`,
    () => {
      let database: TestDatabase | undefined;
      let fake: FakeAiProvider;
      let app: FastifyInstance;
      let claude: FastifyInstance;
      let owner: TestUser;
      let viewer: TestUser;
      let stranger: TestUser;
      let projectId: string;
      let bellId: string;
      let strangerProject: string;
      let strangerCircuit: string;

      beforeAll(async () => {
        fake = await startFakeAiProvider();
        database = await engine.open();
        await database.migrate();
        const jwtSecret = randomBytes(32).toString("hex");
        app = await buildTestApp(database, {
          jwtSecret,
          ai: aiConfig({
            provider: "openai",
            baseUrl: fake.openaiBaseUrl,
            apiKey: "sk-test-openai",
            model: "gpt-test",
          }),
        });
        claude = await buildTestApp(
          database,
          {
            jwtSecret,
            ai: aiConfig({
              provider: "anthropic",
              baseUrl: fake.url,
              apiKey: "sk-ant-test",
              model: "claude-test",
            }),
          },
          { jobs: { runWorker: false } },
        );
        owner = await signUp(app, "owner");
        viewer = await signUp(app, "viewer");
        stranger = await signUp(app, "stranger");
        projectId = await newProject(app, owner.accessToken, "Entangle");
        const m = await app.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/members`,
          headers: bearer(owner.accessToken),
          payload: { email: viewer.email, role: "viewer" },
        });
        expect(m.statusCode).toBe(201);
        bellId = await newCircuit(
          app,
          owner.accessToken,
          projectId,
          "bell",
          BELL,
        );
        strangerProject = await newProject(
          app,
          stranger.accessToken,
          "STRANGER-PROJECT",
        );
        strangerCircuit = await newCircuit(
          app,
          stranger.accessToken,
          strangerProject,
          "STRANGER-SECRET-CIRCUIT",
          GHZ,
        );
      }, 60_000);

      afterAll(async () => {
        await claude?.close();
        await app?.close();
        await database?.dispose();
        await fake?.close();
      });

      it("streams an answer and stores both messages with the token usage", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        const before = fake.requests.length;
        fake.script({
          text: "Hello! A **Bell pair** needs two qubits.",
          inputTokens: 321,
          outputTokens: 45,
        });
        const { res, events } = await send(
          app,
          owner.accessToken,
          projectId,
          conv,
          {
            content: "What does my circuit do?",
            circuitId: bellId,
            editorSource: BROKEN,
          },
        );
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
        expect(events[0].event).toBe("start");
        expect(events.filter((e) => e.event === "text").length).toBeGreaterThan(
          1,
        );
        expect(texts(events)).toBe("Hello! A **Bell pair** needs two qubits.");
        const f = final(events);
        expect(f.message.content).toBe(texts(events));
        expect(f.usage).toEqual({ inputTokens: 321, outputTokens: 45 });

        // what the provider saw: key, model, tools, system prompt with the project context
        const req = fake.requests[before];
        expect(req.protocol).toBe("openai");
        expect(req.headers.authorization).toBe("Bearer sk-test-openai");
        expect(req.body.model).toBe("gpt-test");
        expect(req.body.stream).toBe(true);
        const tools = (req.body.tools as { function: { name: string } }[]).map(
          (t) => t.function.name,
        );
        expect(tools).toEqual([
          "list_circuits",
          "read_circuit",
          "validate_qasm",
          "simulate",
          "estimate",
          "get_job",
          "run_vqe",
          "run_qaoa",
          "propose_edit",
        ]);
        const msgs = req.body.messages as { role: string; content: string }[];
        expect(msgs[0].role).toBe("system");
        expect(msgs[0].content).toContain('Project "Entangle"');
        expect(msgs[0].content).toContain(`bell (id ${bellId}, 2 qubits)`);
        expect(msgs[0].content).toContain("unsaved editor text");
        expect(msgs[0].content).toMatch(/Diagnostics:\n- 4:\d+: error/);
        expect(msgs.at(-1)).toEqual({
          role: "user",
          content: "What does my circuit do?",
        });

        const read = await app.inject({
          url: `/api/v1/projects/${projectId}/conversations/${conv}`,
          headers: bearer(owner.accessToken),
        });
        expect(read.statusCode, read.body).toBe(200);
        const body = read.json() as {
          title: string;
          messages: {
            role: string;
            content: string;
            inputTokens: number;
            outputTokens: number;
          }[];
        };
        expect(body.title).toBe("What does my circuit do?");
        expect(body.messages.map((m) => [m.role, m.content])).toEqual([
          ["user", "What does my circuit do?"],
          ["assistant", "Hello! A **Bell pair** needs two qubits."],
        ]);
        expect(body.messages[1].inputTokens).toBe(321);

        const usage = await app.inject({
          url: `/api/v1/projects/${projectId}/assistant/usage`,
          headers: bearer(owner.accessToken),
        });
        expect(usage.json()).toMatchObject({
          cap: 0,
          project: { inputTokens: 321, outputTokens: 45 },
        });

        // the next message replays the stored history
        fake.script({ text: "Again." });
        const again = await send(app, owner.accessToken, projectId, conv, {
          content: "And now?",
        });
        expect(again.res.statusCode).toBe(200);
        const replay = fake.requests.at(-1)?.body.messages as {
          role: string;
          content: string;
        }[];
        expect(replay.slice(1).map((m) => m.content)).toEqual([
          "What does my circuit do?",
          "Hello! A **Bell pair** needs two qubits.",
          "And now?",
        ]);
      });

      it("runs an estimate tool call as an estimate job over a sweep", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        const RY = `OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float theta;\nqubit q;\nry(theta) q;\n`;
        fake.script(
          {
            toolCalls: [
              {
                name: "estimate",
                arguments: {
                  source: RY,
                  observables: ["Z", "X"],
                  sweep: { theta: [0, Math.PI / 2] },
                  gradient: true,
                },
              },
            ],
          },
          { text: "<Z> goes from 1 to 0." },
        );
        const { res, events } = await send(
          app,
          owner.accessToken,
          projectId,
          conv,
          { content: "Sweep theta and give me <Z> and <X>" },
        );
        expect(res.statusCode, res.body).toBe(200);
        const [est] = toolResultEvents(events);
        expect(est.name).toBe("estimate");
        const out = est.result as {
          status: string;
          result: {
            parameters: string[];
            expectations: number[][];
            gradients: number[][][];
          };
        };
        expect(out.status).toBe("succeeded");
        expect(out.result.parameters).toEqual(["theta"]);
        expect(out.result.expectations[0][0]).toBeCloseTo(1, 10);
        expect(out.result.expectations[1][1]).toBeCloseTo(1, 10);
        expect(out.result.gradients[1][0][0]).toBeCloseTo(-1, 8);
      });

      it("sets up, launches and reads back a VQE and a QAOA job from a description, naming a bad field", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        fake.script(
          {
            toolCalls: [
              {
                name: "run_vqe",
                arguments: {
                  template: "ucc",
                  observable: pauliSumText(H2),
                  optimizer: { name: "cobyla", maxIterations: 60 },
                },
              },
              {
                name: "run_qaoa",
                arguments: {
                  problem: {
                    type: "maxcut",
                    nodes: 4,
                    edges: [
                      [0, 1],
                      [1, 2],
                      [2, 3],
                      [3, 0],
                    ],
                  },
                  layers: 1,
                  seed: 5,
                },
              },
              {
                name: "run_qaoa",
                arguments: {
                  problem: { type: "maxcut", nodes: 3, edges: [[0, 7]] },
                },
              },
            ],
          },
          (req) => {
            const [vqe] = toolResults(req) as { id: string }[];
            return {
              toolCalls: [{ name: "get_job", arguments: { jobId: vqe.id } }],
            };
          },
          { text: "The energy matches the exact ground state; the cut is 4." },
        );
        const { res, events } = await send(
          app,
          owner.accessToken,
          projectId,
          conv,
          {
            content:
              "Find the ground state of this H2 Hamiltonian, and the max-cut of a 4-ring",
          },
        );
        expect(res.statusCode, res.body).toBe(200);
        const [vqe, qaoa, bad, read] = toolResultEvents(events);
        expect(vqe.name).toBe("run_vqe");
        const v = vqe.result as {
          id: string;
          kind: string;
          status: string;
          page: string;
          exactEnergy: number;
          result: {
            energy: number;
            converged: boolean;
            convergence: { iteration: number; energy: number }[];
          };
        };
        expect(v.kind).toBe("vqe");
        expect(v.status).toBe("succeeded");
        expect(v.page).toBe(`/projects/${projectId}/variational?job=${v.id}`);
        expect(Math.abs(v.result.energy - v.exactEnergy)).toBeLessThan(1.6e-3);
        expect(v.result.convergence[0].iteration).toBe(0);
        const q = qaoa.result as {
          status: string;
          result: { bestCut: number; maxCut: number };
        };
        expect(q.status).toBe("succeeded");
        expect(q.result).toMatchObject({ bestCut: 4, maxCut: 4 });
        expect(bad.ok).toBe(false);
        expect(bad.result).toMatchObject({
          error: { code: "JOB_INPUT_INVALID", field: "problem/edges/0/1" },
        });
        // get_job explains a variational job with its energy, not with counts.
        expect(read.name).toBe("get_job");
        expect(read.result).toMatchObject({
          id: v.id,
          kind: "vqe",
          result: { energy: v.result.energy },
        });
        // They are ordinary jobs of the project, visible to the API.
        const job = await app.inject({
          url: `/api/v1/jobs/${v.id}`,
          headers: bearer(owner.accessToken),
        });
        expect(job.json()).toMatchObject({ kind: "vqe", projectId });
      });

      it("does not let a viewer launch a VQE or QAOA job through the assistant", async () => {
        const jobsOf = async () =>
          (
            (
              await app.inject({
                url: `/api/v1/projects/${projectId}/jobs?limit=100`,
                headers: bearer(owner.accessToken),
              })
            ).json() as { items: unknown[] }
          ).items.length;
        const before = await jobsOf();
        const conv = await newConversation(app, viewer.accessToken, projectId);
        fake.script(
          {
            toolCalls: [
              {
                name: "run_vqe",
                arguments: {
                  template: "ucc",
                  observable: pauliSumText(H2),
                },
              },
              {
                name: "run_qaoa",
                arguments: {
                  problem: { type: "maxcut", nodes: 2, edges: [[0, 1]] },
                },
              },
            ],
          },
          { text: "You cannot launch jobs here." },
        );
        const { res, events } = await send(
          app,
          viewer.accessToken,
          projectId,
          conv,
          { content: "Find the ground state of H2" },
        );
        expect(res.statusCode, res.body).toBe(200);
        const r = toolResultEvents(events);
        expect(r.map((x) => x.name)).toEqual(["run_vqe", "run_qaoa"]);
        for (const x of r) {
          expect(x.ok).toBe(false);
          expect(x.result).toMatchObject({ error: { code: "FORBIDDEN" } });
        }
        expect(await jobsOf()).toBe(before);
        // Conversations are per person: leave the viewer's list as the later tests expect it.
        const gone = await app.inject({
          method: "DELETE",
          url: `/api/v1/projects/${projectId}/conversations/${conv}`,
          headers: bearer(viewer.accessToken),
        });
        expect(gone.statusCode).toBe(204);
      });

      it("runs a tool round trip: validate, simulate as a job, read the job", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        const start = fake.requests.length;
        fake.script(
          {
            toolCalls: [
              { name: "validate_qasm", arguments: { source: BROKEN } },
            ],
          },
          {
            text: "Fixed it; running it.",
            toolCalls: [
              { name: "simulate", arguments: { source: BELL, shots: 256 } },
            ],
          },
          (req) => {
            const results = toolResults(req) as { id?: string }[];
            return {
              toolCalls: [
                {
                  name: "get_job",
                  arguments: { jobId: results.at(-1)?.id ?? "" },
                },
              ],
            };
          },
          { text: "The Bell state gives 00 and 11 about equally." },
        );
        const { res, events } = await send(
          app,
          owner.accessToken,
          projectId,
          conv,
          {
            content: "Check and run a Bell circuit",
          },
        );
        expect(res.statusCode, res.body).toBe(200);
        const results = toolResultEvents(events);
        expect(results.map((r) => r.name)).toEqual([
          "validate_qasm",
          "simulate",
          "get_job",
        ]);
        const validated = results[0].result as {
          valid: boolean;
          diagnostics: { line: number; column: number; message: string }[];
        };
        expect(validated.valid).toBe(false);
        expect(validated.diagnostics[0].line).toBe(4);
        expect(validated.diagnostics[0].column).toBeGreaterThan(0);
        const sim = results[1].result as {
          id: string;
          status: string;
          shots: number;
          result: { counts: Record<string, number> };
        };
        expect(sim.status).toBe("succeeded");
        expect(Object.keys(sim.result.counts).sort()).toEqual(["00", "11"]);
        expect(sim.result.counts["00"] + sim.result.counts["11"]).toBe(256);
        const job = results[2].result as { id: string; status: string };
        expect(job).toMatchObject({ id: sim.id, status: "succeeded" });
        // the job is a real job of the project, visible through the jobs API
        const viaApi = await app.inject({
          url: `/api/v1/jobs/${sim.id}`,
          headers: bearer(owner.accessToken),
        });
        expect(viaApi.json()).toMatchObject({ projectId, shots: 256 });
        expect(fake.requests.length - start).toBe(4);
        // the provider got each tool result paired with its call id
        const second = fake.requests[start + 1].body.messages as {
          role: string;
          tool_call_id?: string;
        }[];
        const callMsg = second.find(
          (m) => m.role === "assistant",
        ) as unknown as {
          tool_calls: { id: string }[];
        };
        expect(second.at(-1)?.tool_call_id).toBe(callMsg.tool_calls[0].id);
        // stored: user, assistant(call), tool, assistant(call), tool, assistant(call), tool, final
        const read = await app.inject({
          url: `/api/v1/projects/${projectId}/conversations/${conv}`,
          headers: bearer(owner.accessToken),
        });
        const roles = (
          read.json() as { messages: { role: string }[] }
        ).messages.map((m) => m.role);
        expect(roles).toEqual([
          "user",
          "assistant",
          "tool",
          "assistant",
          "tool",
          "assistant",
          "tool",
          "assistant",
        ]);
      });

      it("compiles and simulates a QASM block of the answer, repairing one that does not compile", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        const start = fake.requests.length;
        fake.script(
          { text: "Here:\n```qasm\n" + BROKEN + "```\n" },
          { text: "Fixed:\n```openqasm\n" + BELL + "```\n" },
        );
        const { events } = await send(app, owner.accessToken, projectId, conv, {
          content: "Write a Bell circuit",
        });
        const rev = events.filter((e) => e.event === "revision");
        expect(rev).toHaveLength(1);
        const repair = fake.requests[start + 1].body.messages as {
          role: string;
          content: string;
        }[];
        expect(repair.at(-1)?.role).toBe("user");
        expect(repair.at(-1)?.content).toMatch(
          /Block 1:\n {2}line 4, column \d+: error/,
        );
        const f = final(events);
        expect(f.message.content).toContain("Fixed:");
        expect(f.message.blocks).toHaveLength(1);
        const badge = f.message.blocks[0];
        expect(badge.status).toBe("valid");
        expect(Object.keys(badge.simulated?.counts ?? {}).sort()).toEqual([
          "00",
          "11",
        ]);
        expect(badge.simulated?.shots).toBe(1024);
      });

      it("reports a block that stays invalid after the bounded retries", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        const start = fake.requests.length;
        const bad = { text: "```qasm\n" + BROKEN + "```" };
        fake.script(bad, bad, bad, { text: "never asked" });
        const { events } = await send(app, owner.accessToken, projectId, conv, {
          content: "Write a broken circuit",
        });
        expect(fake.requests.length - start).toBe(3); // first answer + 2 repairs
        expect(events.filter((e) => e.event === "revision")).toHaveLength(2);
        const f = final(events);
        expect(f.message.blocks[0].status).toBe("invalid");
        expect(f.message.blocks[0].diagnostics?.[0].line).toBe(4);
        // the fourth scripted turn was never requested; use it up so later tests start clean
        expect(fake.remaining()).toBe(1);
        await send(app, owner.accessToken, projectId, conv, { content: "ok" });
        const read = await app.inject({
          url: `/api/v1/projects/${projectId}/conversations/${conv}`,
          headers: bearer(owner.accessToken),
        });
        const stored = (
          read.json() as {
            messages: { role: string; blocks: { status: string }[] | null }[];
          }
        ).messages;
        expect(stored[1].blocks?.[0].status).toBe("invalid");
      });

      it("refuses tool calls that reach another user's project, circuit or job", async () => {
        const job = await app.inject({
          method: "POST",
          url: `/api/v1/projects/${strangerProject}/jobs`,
          headers: bearer(stranger.accessToken),
          payload: { circuitId: strangerCircuit, shots: 10 },
        });
        expect(job.statusCode, job.body).toBe(201);
        const jobId = (job.json() as { id: string }).id;
        const conv = await newConversation(app, owner.accessToken, projectId);
        const start = fake.requests.length;
        fake.script(
          {
            toolCalls: [
              {
                name: "list_circuits",
                arguments: { projectId: strangerProject },
              },
              {
                name: "read_circuit",
                arguments: { circuitId: strangerCircuit },
              },
              {
                name: "read_circuit",
                arguments: {
                  projectId: strangerProject,
                  circuitId: strangerCircuit,
                },
              },
              { name: "get_job", arguments: { jobId } },
              { name: "simulate", arguments: { circuitId: strangerCircuit } },
              {
                name: "propose_edit",
                arguments: {
                  circuitId: strangerCircuit,
                  source: BELL,
                  summary: "x",
                },
              },
            ],
          },
          { text: "I cannot see those." },
        );
        const { events } = await send(app, owner.accessToken, projectId, conv, {
          content: "Show me the other project",
        });
        const codes = toolResultEvents(events).map((r) => [
          r.ok,
          (r.result as { error?: { code: string } }).error?.code,
        ]);
        expect(codes).toEqual([
          [false, "PROJECT_NOT_FOUND"],
          [false, "CIRCUIT_NOT_FOUND"],
          [false, "PROJECT_NOT_FOUND"],
          [false, "JOB_NOT_FOUND"],
          [false, "CIRCUIT_NOT_FOUND"],
          [false, "CIRCUIT_NOT_FOUND"],
        ]);
        const leaked =
          JSON.stringify(fake.requests.slice(start)) + JSON.stringify(events);
        expect(leaked).not.toContain("STRANGER-SECRET-CIRCUIT");
        expect(leaked).not.toContain("STRANGER-PROJECT");
      });

      it("stores an edit proposal that changes nothing until the owner accepts it", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        fake.script(
          {
            toolCalls: [
              {
                name: "propose_edit",
                arguments: {
                  circuitId: bellId,
                  source: GHZ,
                  summary: "make it GHZ",
                },
              },
              {
                name: "propose_edit",
                arguments: {
                  circuitId: bellId,
                  source: BROKEN,
                  summary: "broken",
                },
              },
            ],
          },
          { text: "Proposed a GHZ version." },
        );
        const { events } = await send(app, owner.accessToken, projectId, conv, {
          content: "Make it GHZ",
        });
        const results = toolResultEvents(events);
        expect(results[0].result).toMatchObject({ proposed: true });
        expect(results[1].result).toMatchObject({ proposed: false });
        const f = final(events);
        expect(f.proposals).toHaveLength(1);
        const proposalId = f.proposals[0].id;
        const circuit = () =>
          app
            .inject({
              url: `/api/v1/projects/${projectId}/circuits/${bellId}`,
              headers: bearer(owner.accessToken),
            })
            .then((r) => r.json() as { revision: number; source: string });
        const before = await circuit();
        expect(before.source).toBe(BELL);
        const url = (action: string) =>
          `/api/v1/projects/${projectId}/conversations/${conv}/proposals/${proposalId}/${action}`;
        // another member cannot touch the owner's conversation
        expectProblem(
          await app.inject({
            method: "POST",
            url: url("accept"),
            headers: bearer(viewer.accessToken),
          }),
          404,
          "CONVERSATION_NOT_FOUND",
        );
        const ok = await app.inject({
          method: "POST",
          url: url("accept"),
          headers: bearer(owner.accessToken),
        });
        expect(ok.statusCode, ok.body).toBe(200);
        expect(ok.json()).toMatchObject({
          status: "accepted",
          resultRevision: before.revision + 1,
        });
        const after = await circuit();
        expect(after).toMatchObject({
          revision: before.revision + 1,
          source: GHZ,
        });
        expectProblem(
          await app.inject({
            method: "POST",
            url: url("reject"),
            headers: bearer(owner.accessToken),
          }),
          409,
          "PROPOSAL_RESOLVED",
        );
        // put the Bell source back for the other tests
        await app.inject({
          method: "PATCH",
          url: `/api/v1/projects/${projectId}/circuits/${bellId}`,
          headers: bearer(owner.accessToken),
          payload: { source: BELL },
        });
      });

      it("refuses a proposal whose circuit changed since it was made (409 PROPOSAL_STALE)", async () => {
        const conv = await newConversation(app, owner.accessToken, projectId);
        fake.script(
          {
            toolCalls: [
              {
                name: "propose_edit",
                arguments: {
                  circuitId: bellId,
                  source: GHZ,
                  summary: "make it GHZ",
                },
              },
            ],
          },
          { text: "Proposed a GHZ version." },
        );
        const { events } = await send(app, owner.accessToken, projectId, conv, {
          content: "Make it GHZ",
        });
        const proposalId = final(events).proposals[0].id;
        const edited = `${BELL}// edited by hand\n`;
        const saved = await app.inject({
          method: "PATCH",
          url: `/api/v1/projects/${projectId}/circuits/${bellId}`,
          headers: bearer(owner.accessToken),
          payload: { source: edited },
        });
        expect(saved.statusCode, saved.body).toBe(200);
        const accept = await app.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/conversations/${conv}/proposals/${proposalId}/accept`,
          headers: bearer(owner.accessToken),
        });
        expectProblem(accept, 409, "PROPOSAL_STALE");
        const after = await app.inject({
          url: `/api/v1/projects/${projectId}/circuits/${bellId}`,
          headers: bearer(owner.accessToken),
        });
        expect(after.json()).toMatchObject({
          source: edited,
          revision: (saved.json() as { revision: number }).revision,
        });
        await app.inject({
          method: "PATCH",
          url: `/api/v1/projects/${projectId}/circuits/${bellId}`,
          headers: bearer(owner.accessToken),
          payload: { source: BELL },
        });
      });

      it("applies a proposal once under concurrent accepts, and not after the editor became a viewer", async () => {
        const editor = await signUp(app, "editor");
        const add = await app.inject({
          method: "POST",
          url: `/api/v1/projects/${projectId}/members`,
          headers: bearer(owner.accessToken),
          payload: { email: editor.email, role: "editor" },
        });
        expect(add.statusCode).toBe(201);
        const setRole = (role: string) =>
          app.inject({
            method: "PATCH",
            url: `/api/v1/projects/${projectId}/members/${editor.id}`,
            headers: bearer(owner.accessToken),
            payload: { role },
          });
        const propose = async (source: string) => {
          const conv = await newConversation(
            app,
            editor.accessToken,
            projectId,
          );
          fake.script(
            {
              toolCalls: [
                {
                  name: "propose_edit",
                  arguments: { circuitId: bellId, source, summary: "edit" },
                },
              ],
            },
            { text: "ok" },
          );
          const { events } = await send(
            app,
            editor.accessToken,
            projectId,
            conv,
            {
              content: "edit it",
            },
          );
          return { conv, id: final(events).proposals[0].id };
        };
        const accept = (conv: string, id: string) =>
          app.inject({
            method: "POST",
            url: `/api/v1/projects/${projectId}/conversations/${conv}/proposals/${id}/accept`,
            headers: bearer(editor.accessToken),
          });
        const revision = async () =>
          (
            (
              await app.inject({
                url: `/api/v1/projects/${projectId}/circuits/${bellId}`,
                headers: bearer(owner.accessToken),
              })
            ).json() as { revision: number }
          ).revision;

        const a = await propose(GHZ);
        const before = await revision();
        const results = await Promise.all([
          accept(a.conv, a.id),
          accept(a.conv, a.id),
        ]);
        expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
        expect(await revision()).toBe(before + 1);

        const b = await propose(BELL);
        expect((await setRole("viewer")).statusCode).toBe(200);
        expectProblem(await accept(b.conv, b.id), 403, "FORBIDDEN");
        expect(await revision()).toBe(before + 1);
        expect((await setRole("editor")).statusCode).toBe(200);
        const ok = await accept(b.conv, b.id);
        expect(ok.statusCode, ok.body).toBe(200);
        expect(await revision()).toBe(before + 2);
      });

      it("lets a viewer chat but not simulate, propose or accept edits", async () => {
        const conv = await newConversation(app, viewer.accessToken, projectId);
        fake.script(
          {
            toolCalls: [
              { name: "list_circuits", arguments: {} },
              { name: "simulate", arguments: { source: BELL } },
              {
                name: "propose_edit",
                arguments: { circuitId: bellId, source: GHZ, summary: "x" },
              },
            ],
          },
          { text: "Done." },
        );
        const { events } = await send(
          app,
          viewer.accessToken,
          projectId,
          conv,
          {
            content: "Run it",
          },
        );
        const r = toolResultEvents(events);
        expect(r[0].ok).toBe(true);
        expect(
          (r[0].result as { circuits: { name: string }[] }).circuits.map(
            (c) => c.name,
          ),
        ).toContain("bell");
        expect(r[1].result).toMatchObject({ error: { code: "FORBIDDEN" } });
        expect(r[2].result).toMatchObject({ error: { code: "FORBIDDEN" } });
        // the owner cannot read the viewer's conversation either: conversations are private
        expectProblem(
          await app.inject({
            url: `/api/v1/projects/${projectId}/conversations/${conv}`,
            headers: bearer(owner.accessToken),
          }),
          404,
          "CONVERSATION_NOT_FOUND",
        );
        const mine = await app.inject({
          url: `/api/v1/projects/${projectId}/conversations`,
          headers: bearer(viewer.accessToken),
        });
        expect((mine.json() as { id: string }[]).map((c) => c.id)).toEqual([
          conv,
        ]);
      });

      it("gives the same flow through the Anthropic SDK: text, tool_use and tool_result blocks", async () => {
        const conv = await newConversation(
          claude,
          owner.accessToken,
          projectId,
        );
        const start = fake.requests.length;
        fake.script(
          {
            text: "Let me check.",
            toolCalls: [{ name: "validate_qasm", arguments: { source: BELL } }],
            inputTokens: 50,
            outputTokens: 10,
          },
          {
            text: "It compiles:\n```qasm\n" + BELL + "```",
            inputTokens: 70,
            outputTokens: 30,
          },
        );
        const { res, events } = await send(
          claude,
          owner.accessToken,
          projectId,
          conv,
          {
            content: "Is bell valid?",
          },
        );
        expect(res.statusCode, res.body).toBe(200);
        const first = fake.requests[start];
        expect(first.protocol).toBe("anthropic");
        // this SDK version sends the key as a bearer token; older ones used x-api-key
        expect(
          first.headers["x-api-key"] ?? first.headers.authorization,
        ).toMatch(/^(Bearer )?sk-ant-test$/);
        expect(first.headers["anthropic-version"]).toBeDefined();
        expect(first.body.model).toBe("claude-test");
        expect(typeof first.body.system).toBe("string");
        const tools = first.body.tools as {
          name: string;
          input_schema: { type: string };
        }[];
        expect(tools[2]).toMatchObject({
          name: "validate_qasm",
          input_schema: { type: "object" },
        });
        const results = toolResultEvents(events);
        expect(results[0]).toMatchObject({
          name: "validate_qasm",
          ok: true,
          result: { valid: true, numQubits: 2, numClbits: 2 },
        });
        const second = fake.requests[start + 1].body.messages as {
          role: string;
          content: { type: string; id?: string; tool_use_id?: string }[];
        }[];
        const use = second.at(-2)?.content.find((b) => b.type === "tool_use");
        const result = second.at(-1)?.content[0];
        expect(result?.type).toBe("tool_result");
        expect(result?.tool_use_id).toBe(use?.id);
        const f = final(events);
        expect(f.usage).toEqual({ inputTokens: 120, outputTokens: 40 });
        expect(f.message.blocks[0].status).toBe("valid");
        expect(texts(events)).toBe(
          "Let me check.It compiles:\n```qasm\n" + BELL + "```",
        );
      });

      describe("access to the conversation routes", () => {
        let conv: string;
        beforeAll(async () => {
          conv = await newConversation(app, owner.accessToken, projectId);
        });

        const routes = () => {
          const P = `/api/v1/projects/${projectId}`;
          const C = `${P}/conversations/${conv}`;
          const fakeId = "00000000-0000-4000-8000-000000000000";
          return [
            { method: "POST", url: `${P}/conversations`, payload: {} },
            { method: "GET", url: `${P}/conversations` },
            { method: "GET", url: C },
            { method: "DELETE", url: C },
            { method: "GET", url: `${P}/assistant/usage` },
            {
              method: "POST",
              url: `${C}/messages`,
              payload: { content: "hi" },
            },
            { method: "POST", url: `${C}/proposals/${fakeId}/accept` },
            { method: "POST", url: `${C}/proposals/${fakeId}/reject` },
          ] as const;
        };

        it("answers 401 to anonymous callers on every route", async () => {
          for (const r of routes()) {
            const res = await app.inject({
              method: r.method,
              url: r.url,
              ...("payload" in r ? { payload: r.payload } : {}),
            });
            expectProblem(res, 401, "UNAUTHENTICATED");
          }
        });

        it("answers 404 to a non-member on every route, without leaking the project", async () => {
          for (const r of routes()) {
            const res = await app.inject({
              method: r.method,
              url: r.url,
              headers: bearer(stranger.accessToken),
              ...("payload" in r ? { payload: r.payload } : {}),
            });
            expectProblem(res, 404, "PROJECT_NOT_FOUND");
            expect(res.body).not.toContain("Entangle");
          }
        });

        it("answers 404 to another member for the owner's conversation", async () => {
          for (const r of routes().slice(2)) {
            if (r.url.endsWith("/usage")) continue;
            const res = await app.inject({
              method: r.method,
              url: r.url,
              headers: bearer(viewer.accessToken),
              ...("payload" in r ? { payload: r.payload } : {}),
            });
            expectProblem(res, 404, "CONVERSATION_NOT_FOUND");
          }
        });

        it("validates ids and bodies", async () => {
          const P = `/api/v1/projects/${projectId}`;
          const bad = [
            { method: "GET", url: `${P}/conversations/not-a-uuid` },
            {
              method: "POST",
              url: `${P}/conversations`,
              payload: { title: "x".repeat(201) },
            },
            {
              method: "POST",
              url: `${P}/conversations/${conv}/messages`,
              payload: { content: "" },
            },
            {
              method: "POST",
              url: `${P}/conversations/${conv}/messages`,
              payload: { content: "x", extra: 1 },
            },
            {
              method: "POST",
              url: `${P}/conversations/${conv}/messages`,
              payload: { content: "x", circuitId: "nope" },
            },
          ] as const;
          for (const r of bad) {
            const res = await app.inject({
              method: r.method,
              url: r.url,
              headers: bearer(owner.accessToken),
              ...("payload" in r ? { payload: r.payload } : {}),
            });
            expectProblem(res, 400, "VALIDATION_FAILED");
          }
          // an open circuit from another project is not found, and nothing is sent to the model
          const before = fake.requests.length;
          expectProblem(
            (
              await send(app, owner.accessToken, projectId, conv, {
                content: "x",
                circuitId: strangerCircuit,
              })
            ).res,
            404,
            "CIRCUIT_NOT_FOUND",
          );
          expect(fake.requests.length).toBe(before);
        });

        it("deletes the owner's conversation", async () => {
          const url = `/api/v1/projects/${projectId}/conversations/${conv}`;
          const del = await app.inject({
            method: "DELETE",
            url,
            headers: bearer(owner.accessToken),
          });
          expect(del.statusCode).toBe(204);
          expectProblem(
            await app.inject({ url, headers: bearer(owner.accessToken) }),
            404,
            "CONVERSATION_NOT_FOUND",
          );
        });
      });
    },
  );
}
