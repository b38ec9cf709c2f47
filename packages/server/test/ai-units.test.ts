import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/config.ts";
import {
  findQasmBlocks,
  repairPrompt,
  topCounts,
} from "../src/services/ai/qasm-blocks.ts";
import { isTransient } from "../src/services/ai/resilience.ts";
import {
  buildSystemPrompt,
  estimateTokens,
  trimHistory,
} from "../src/services/ai/system-prompt.ts";
import { nextMonthStart } from "../src/services/ai/usage-cap.ts";

function errorsFor(env: Record<string, string>): string[] {
  const r = loadConfig(env);
  return r.ok ? [] : r.errors.map((e) => e.variable);
}

describe("AI configuration", () => {
  it("is off by default with documented defaults", () => {
    const r = loadConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.ai).toMatchObject({
      provider: undefined,
      monthlyTokenCap: 0,
      maxRetries: 2,
      qasmRetries: 2,
      conversationLeaseMs: 60_000,
    });
  });

  it("accepts each provider with what it needs", () => {
    expect(errorsFor({ AI_PROVIDER: "openai", AI_API_KEY: "k" })).toEqual([]);
    expect(errorsFor({ AI_PROVIDER: "anthropic", AI_API_KEY: "k" })).toEqual(
      [],
    );
    expect(
      errorsFor({
        AI_PROVIDER: "openai-compatible",
        AI_BASE_URL: "http://127.0.0.1:11434/v1",
        AI_MODEL: "llama3.2",
      }),
    ).toEqual([]);
  });

  it("names the variable of each bad value", () => {
    expect(errorsFor({ AI_PROVIDER: "gemini" })).toEqual(["AI_PROVIDER"]);
    expect(errorsFor({ AI_PROVIDER: "openai" })).toEqual(["AI_API_KEY"]);
    expect(
      errorsFor({ AI_PROVIDER: "openai-compatible", AI_MODEL: "m" }),
    ).toEqual(["AI_BASE_URL"]);
    expect(
      errorsFor({
        AI_PROVIDER: "openai-compatible",
        AI_BASE_URL: "http://x/v1",
      }),
    ).toEqual(["AI_MODEL"]);
    expect(errorsFor({ AI_BASE_URL: "ftp://x" })).toEqual(["AI_BASE_URL"]);
    expect(errorsFor({ AI_MONTHLY_TOKEN_CAP: "-1" })).toEqual([
      "AI_MONTHLY_TOKEN_CAP",
    ]);
    expect(errorsFor({ AI_TIMEOUT_MS: "soon" })).toEqual(["AI_TIMEOUT_MS"]);
    expect(errorsFor({ AI_BREAKER_THRESHOLD: "0" })).toEqual([
      "AI_BREAKER_THRESHOLD",
    ]);
    // a lease shorter than a second would be taken over between renewals under load
    expect(errorsFor({ AI_CONVERSATION_LEASE_MS: "500" })).toEqual([
      "AI_CONVERSATION_LEASE_MS",
    ]);
  });
});

describe("buildSystemPrompt", () => {
  const circuits = Array.from({ length: 400 }, (_, i) => ({
    id: `id-${i}`,
    name: `circuit-${String(i).padStart(3, "0")}`,
    numQubits: i % 7,
  }));
  const ctx = {
    projectId: "p1",
    projectName: "Big",
    circuits,
    openCircuit: {
      id: "c1",
      name: "main",
      source: "OPENQASM 3.0;\nqubit q;\nh q\n",
      origin: "editor" as const,
      diagnostics: ["3:4: error QASM_MISSING_SEMI: expected ';'"],
    },
    lastJob: { id: "j1", status: "succeeded", summary: 'counts: {"0":5}' },
  };

  it("keeps the context within the budget and cuts deterministically", () => {
    const a = buildSystemPrompt(ctx, 300);
    const b = buildSystemPrompt(ctx, 300);
    expect(a).toBe(b);
    const instructionsEnd = a.indexOf('# Project "Big"');
    expect(estimateTokens(a.slice(instructionsEnd))).toBeLessThanOrEqual(330);
    // priority: open circuit and its diagnostics, then the last job, then the circuit list (cut)
    expect(a).toContain("expected ';'");
    expect(a).toContain("Last job j1: succeeded");
    expect(a).toContain("circuit-000");
    expect(a).not.toContain("circuit-399");
    expect(a).toMatch(/truncated, \d+ more characters/);
  });

  it("includes everything when the budget allows", () => {
    const full = buildSystemPrompt(ctx, 100_000);
    expect(full).toContain("circuit-399 (id id-399, 0 qubits)");
    expect(full).not.toContain("truncated");
  });
});

describe("trimHistory", () => {
  const m = (role: string, n: number) => ({ role, content: "x".repeat(n) });
  it("keeps the newest messages within the budget, starting at a user message", () => {
    const history = [
      m("user", 400),
      m("assistant", 400),
      m("user", 40),
      m("assistant", 40),
      m("tool", 40),
      m("assistant", 40),
    ];
    // 10 tokens per short message: 50 fit the last four (from a user message); 35 fit only three,
    // which start with an assistant message, so nothing is kept
    expect(trimHistory(history, 50)).toEqual(history.slice(2));
    expect(trimHistory(history, 35)).toEqual([]);
    expect(trimHistory(history, 1000)).toEqual(history);
  });
});

describe("QASM blocks", () => {
  it("finds qasm and openqasm fences only", () => {
    const md =
      "a\n```qasm\nqubit q;\n```\n```python\nx=1\n```\n```OpenQASM 3\nbit b;\n```";
    expect(findQasmBlocks(md)).toEqual([
      { index: 0, source: "qubit q;\n" },
      { index: 1, source: "bit b;\n" },
    ]);
  });

  it("keeps the top outcomes by count", () => {
    expect(topCounts({ a: 1, b: 5, c: 5, d: 2 }, 2)).toEqual({
      counts: { b: 5, c: 5 },
      otherOutcomes: 2,
    });
  });

  it("writes a repair request with line and column of each error", () => {
    const text = repairPrompt([
      {
        index: 1,
        status: "invalid",
        diagnostics: [
          {
            code: "E",
            severity: "error",
            message: "boom",
            line: 3,
            column: 9,
            endLine: 3,
            endColumn: 10,
          },
        ],
      },
    ]);
    expect(text).toContain("Block 2:\n  line 3, column 9: error E: boom");
  });
});

describe("resilience", () => {
  it("retries 429, 5xx and connection errors, not other 4xx", () => {
    expect(isTransient({ status: 429 })).toBe(true);
    expect(isTransient({ status: 503 })).toBe(true);
    expect(isTransient(new Error("ECONNRESET"))).toBe(true);
    expect(isTransient({ status: 400 })).toBe(false);
    expect(isTransient({ status: 401 })).toBe(false);
    expect(isTransient({ name: "AbortError" })).toBe(false);
  });

  it("resets the usage cap at the start of the next UTC month", () => {
    expect(nextMonthStart(new Date("2026-12-31T23:59:59Z")).toISOString()).toBe(
      "2027-01-01T00:00:00.000Z",
    );
  });
});
