// @vitest-environment jsdom
import { cleanup, render } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  StepFaultApiError,
  type AssistantEvent,
  type AssistantMessage as Message,
} from "@stepfault/sdk";
import {
  applyEvent,
  EMPTY_CHAT,
  fromHistory,
  refusalText,
  summarizeTool,
  type ChatState,
} from "../src/assistant/chat-state.ts";
import { Markdown } from "../src/assistant/markdown.tsx";

afterEach(cleanup);

const msg = (over: Partial<Message>): Message => ({
  id: 1,
  role: "assistant",
  content: "",
  toolCalls: null,
  toolCallId: null,
  toolName: null,
  blocks: null,
  inputTokens: 0,
  outputTokens: 0,
  createdAt: "2026-01-01T00:00:00Z",
  ...over,
});

function play(events: AssistantEvent[]): ChatState {
  return events.reduce((s, e, i) => applyEvent(s, e, i), EMPTY_CHAT);
}

describe("applyEvent", () => {
  it("grows a draft from deltas and replaces it with the final message and its badges", () => {
    const s = play([
      {
        event: "start",
        data: {
          conversationId: "c",
          message: msg({ id: 1, role: "user", content: "hi" }),
        },
      },
      { event: "text", data: { delta: "Hel" } },
      { event: "text", data: { delta: "lo" } },
    ]);
    expect(s.items.map((i) => i.kind)).toEqual(["user", "assistant"]);
    expect(s.items[1]).toMatchObject({ content: "Hello", draft: true });
    const done = applyEvent(
      s,
      {
        event: "message",
        data: {
          message: msg({
            id: 2,
            content: "Hello",
            blocks: [{ index: 0, status: "invalid", diagnostics: [] }],
          }),
          usage: { inputTokens: 1, outputTokens: 1 },
          proposals: [],
        },
      },
      9,
    );
    expect(done.items).toHaveLength(2);
    expect(done.items[1]).toMatchObject({
      key: "m2",
      draft: false,
      blocks: [{ status: "invalid" }],
    });
  });

  it("shows tool calls as steps and drops a draft the server sent back for repair", () => {
    const s = play([
      { event: "text", data: { delta: "Checking" } },
      {
        event: "tool_call",
        data: { id: "t1", name: "validate_qasm", arguments: {} },
      },
      {
        event: "tool_result",
        data: {
          id: "t1",
          name: "validate_qasm",
          ok: true,
          result: { valid: false, diagnostics: [{}] },
        },
      },
      { event: "text", data: { delta: "```qasm\nbad\n```" } },
      { event: "revision", data: { attempt: 1, blocks: [] } },
      {
        event: "tool_call",
        data: { id: "t2", name: "propose_edit", arguments: {} },
      },
      {
        event: "tool_result",
        data: {
          id: "t2",
          name: "propose_edit",
          ok: true,
          result: { proposed: true, proposalId: "p1" },
        },
      },
      {
        event: "error",
        data: {
          code: "AI_UNAVAILABLE",
          status: 503,
          title: "Down",
          detail: "later",
        },
      },
    ]);
    expect(s.items.map((i) => i.kind)).toEqual([
      "assistant",
      "step",
      "notice",
      "step",
      "proposal",
      "error",
    ]);
    expect(s.items[0]).toMatchObject({ content: "Checking", draft: false });
    expect(s.items[1]).toMatchObject({ status: "ok", summary: "1 problem" });
    expect(s.items[5]).toMatchObject({ text: "Down: later" });
  });
});

describe("fromHistory", () => {
  it("pairs stored tool results with their calls and places proposals after them", () => {
    const s = fromHistory(
      [
        msg({ id: 1, role: "user", content: "go" }),
        msg({
          id: 2,
          toolCalls: [
            { id: "a", name: "propose_edit", arguments: {} },
            { id: "b", name: "get_job", arguments: {} },
          ],
        }),
        msg({
          id: 3,
          role: "tool",
          toolCallId: "a",
          content: '{"proposed":true,"proposalId":"p9"}',
        }),
        msg({
          id: 4,
          role: "tool",
          toolCallId: "b",
          content:
            '{"error":{"code":"JOB_NOT_FOUND","message":"Job not found"}}',
        }),
        msg({ id: 5, content: "done" }),
      ],
      [],
    );
    expect(
      s.items.map((i) => [i.kind, "summary" in i ? i.summary : ""]),
    ).toEqual([
      ["user", ""],
      ["step", "edit proposed"],
      ["proposal", ""],
      ["step", "JOB_NOT_FOUND: Job not found"],
      ["assistant", ""],
    ]);
  });

  it("pairs every result when one message made several calls", () => {
    const s = fromHistory(
      [
        msg({
          id: 2,
          toolCalls: [
            { id: "a", name: "validate_qasm", arguments: {} },
            { id: "b", name: "simulate", arguments: {} },
          ],
        }),
        msg({
          id: 3,
          role: "tool",
          toolCallId: "a",
          content: '{"valid":true,"numQubits":2,"numClbits":2}',
        }),
        msg({
          id: 4,
          role: "tool",
          toolCallId: "b",
          content: '{"status":"queued","result":null}',
        }),
      ],
      [],
    );
    expect(s.items.map((i) => ("summary" in i ? i.summary : i.kind))).toEqual([
      "compiles: 2 qubits, 2 bits",
      "job queued",
    ]);
  });

  it("summarizes simulations with their top counts", () => {
    expect(
      summarizeTool("simulate", true, {
        status: "succeeded",
        result: { counts: { "00": 3, "11": 5 } },
      }),
    ).toBe("job succeeded: 11: 5, 00: 3");
  });
});

describe("refusalText", () => {
  it("explains a conversation busy in another tab and keeps other refusals as the server said them", () => {
    expect(
      refusalText(
        new StepFaultApiError(409, {
          code: "CONVERSATION_BUSY",
          title: "server words",
        }),
      ),
    ).toMatch(
      /still answering another message .*another tab.*Wait for that answer to finish/,
    );
    expect(
      refusalText(
        new StepFaultApiError(429, {
          code: "AI_USAGE_CAP_EXCEEDED",
          title: "Monthly AI token allowance used up",
          detail: "you used 10 of 5",
        }),
      ),
    ).toBe("Monthly AI token allowance used up: you used 10 of 5");
  });

  it("shows a cap reached during an answer as an error after the partial answer", () => {
    const s = play([
      { event: "text", data: { delta: "Checking" } },
      {
        event: "error",
        data: {
          code: "AI_USAGE_CAP_EXCEEDED",
          status: 429,
          title: "Monthly AI token allowance used up",
          detail: "you used 1200 of your 1000 AI tokens this month",
        },
      },
    ]);
    expect(s.items).toMatchObject([
      { kind: "assistant", content: "Checking", draft: false },
      {
        kind: "error",
        text: "Monthly AI token allowance used up: you used 1200 of your 1000 AI tokens this month",
      },
    ]);
  });
});

describe("Markdown", () => {
  it("renders formatting, keeps raw HTML and unsafe links inert, and numbers QASM blocks", () => {
    const seen: [string, number | null][] = [];
    const { container } = render(
      <Markdown
        text={
          "# Title\n**bold** and `code` [ok](https://x.test) [bad](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\n```qasm\nqubit q;\n```\n```python\nx = 1\n```\n```openqasm\nbit b;\n```"
        }
        renderCode={(lang, code, index, key) => {
          seen.push([lang, index]);
          return <pre key={key}>{code}</pre>;
        }}
      />,
    );
    expect(container.querySelector("h3")?.textContent).toBe("Title");
    expect(container.querySelector("strong")?.textContent).toBe("bold");
    expect(container.querySelectorAll("a")).toHaveLength(1);
    expect(container.querySelector("a")?.getAttribute("href")).toBe(
      "https://x.test",
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toContain("<img src=x onerror=alert(1)>");
    expect(seen).toEqual([
      ["qasm", 0],
      ["python", null],
      ["openqasm", 1],
    ]);
  });
});
