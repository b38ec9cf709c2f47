import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { expect } from "vitest";
import type { AiConfig } from "../../src/config/ai-config.ts";
import { loadConfig } from "../../src/config/config.ts";
import { bearer } from "./test-app.ts";

/** An AI config with the documented defaults and `overrides` (tests point it at the fake provider). */
export function aiConfig(overrides: Partial<AiConfig> = {}): AiConfig {
  const r = loadConfig({});
  if (!r.ok) throw new Error("invariant: default config invalid");
  return { ...r.config.ai, ...overrides };
}

/** One parsed Server-Sent Event. */
export interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** Parses a complete SSE body (comments and `retry:` lines ignored). */
export function parseSse(body: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of body.split("\n\n")) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length > 0)
      out.push({
        event,
        data: JSON.parse(data.join("\n")) as Record<string, unknown>,
      });
  }
  return out;
}

/** Starts a conversation through the API and returns its id. */
export async function newConversation(
  app: FastifyInstance,
  token: string,
  projectId: string,
): Promise<string> {
  const res = await app.inject({
    method: "POST",
    url: `/api/v1/projects/${projectId}/conversations`,
    headers: bearer(token),
    payload: {},
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Sends a message; returns the raw response and, for a 200, its events. */
export async function send(
  app: FastifyInstance,
  token: string,
  projectId: string,
  conversationId: string,
  payload: Record<string, unknown>,
): Promise<{ res: LightMyRequestResponse; events: SseEvent[] }> {
  const res = await app.inject({
    method: "POST",
    url: `/api/v1/projects/${projectId}/conversations/${conversationId}/messages`,
    headers: bearer(token),
    payload,
  });
  return {
    res,
    events: res.statusCode === 200 ? parseSse(res.body) : [],
  };
}

/** Creates a project and returns its id. */
export async function newProject(
  app: FastifyInstance,
  token: string,
  name: string,
): Promise<string> {
  const res = await app.inject({
    method: "POST",
    url: "/api/v1/projects",
    headers: bearer(token),
    payload: { name },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}

/** Creates a circuit and returns its id. */
export async function newCircuit(
  app: FastifyInstance,
  token: string,
  projectId: string,
  name: string,
  source: string,
): Promise<string> {
  const res = await app.inject({
    method: "POST",
    url: `/api/v1/projects/${projectId}/circuits`,
    headers: bearer(token),
    payload: { name, source },
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
}
