/**
 * The assistant panel's chat state as pure functions: items from a stored conversation, and the
 * next state after each streamed event (text deltas, tool steps, revisions, the final message).
 */
import type {
  AssistantEvent,
  AssistantMessage as Message,
  BlockBadge,
  Proposal,
  StepFaultApiError,
} from "@stepfault/sdk";
import { errorText } from "../api/errors.ts";

/** One row of the chat. */
export type ChatItem =
  | { readonly kind: "user"; readonly key: string; readonly content: string }
  | {
      readonly kind: "assistant";
      readonly key: string;
      readonly content: string;
      readonly blocks: readonly BlockBadge[] | null;
      /** Still streaming (badges not known yet). */
      readonly draft: boolean;
    }
  | {
      readonly kind: "step";
      readonly key: string;
      readonly name: string;
      readonly status: "running" | "ok" | "error";
      readonly summary: string;
    }
  | { readonly kind: "notice"; readonly key: string; readonly text: string }
  /** Where an edit proposal was made (its card shows there). */
  | { readonly kind: "proposal"; readonly key: string; readonly id: string }
  | { readonly kind: "error"; readonly key: string; readonly text: string };

/** The chat: items and proposals. */
export interface ChatState {
  readonly items: readonly ChatItem[];
  readonly proposals: readonly Proposal[];
}

/** An empty chat. */
export const EMPTY_CHAT: ChatState = { items: [], proposals: [] };

function str(v: unknown): string {
  return typeof v === "string" ? v : "";
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** The proposal id in a propose_edit result, if one was stored. */
function proposalIdOf(name: string, result: unknown): string | undefined {
  if (name !== "propose_edit") return undefined;
  const id = (result as { proposalId?: unknown } | null)?.proposalId;
  return typeof id === "string" ? id : undefined;
}

function topCounts(counts: Readonly<Record<string, number>>, n: number) {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k || "∅"}: ${v}`)
    .join(", ");
}

/** A one-line summary of a tool result for the compact step list. */
export function summarizeTool(
  name: string,
  ok: boolean,
  result: unknown,
): string {
  const r = (result ?? {}) as Record<string, unknown>;
  const err = r.error as { code?: string; message?: string } | undefined;
  if (!ok || err) return `${err?.code ?? "error"}: ${err?.message ?? "failed"}`;
  switch (name) {
    case "list_circuits":
      return plural(
        (r.circuits as unknown[] | undefined)?.length ?? 0,
        "circuit",
      );
    case "read_circuit":
      return `read ${str(r.name)} (revision ${String(r.revision ?? "?")})`;
    case "validate_qasm":
      return r.valid
        ? `compiles: ${String(r.numQubits)} qubits, ${String(r.numClbits)} bits`
        : plural(
            (r.diagnostics as unknown[] | undefined)?.length ?? 0,
            "problem",
          );
    case "simulate":
    case "get_job": {
      if (r.valid === false) return "does not compile";
      const res = r.result as { counts?: Record<string, number> } | null;
      return `job ${str(r.status)}${res?.counts ? `: ${topCounts(res.counts, 3)}` : ""}`;
    }
    case "propose_edit":
      return r.proposed ? "edit proposed" : str(r.reason) || "not proposed";
    default:
      return "done";
  }
}

/** Chat items of a stored conversation. */
export function fromHistory(
  messages: readonly Message[],
  proposals: readonly Proposal[],
): ChatState {
  const items: ChatItem[] = [];
  const stepIndex = new Map<string, number>();
  for (const m of messages) {
    if (m.role === "user")
      items.push({ kind: "user", key: `m${m.id}`, content: m.content });
    else if (m.role === "assistant") {
      if (m.content !== "" || !m.toolCalls?.length)
        items.push({
          kind: "assistant",
          key: `m${m.id}`,
          content: m.content,
          blocks: m.blocks,
          draft: false,
        });
      for (const c of m.toolCalls ?? []) {
        stepIndex.set(c.id, items.length);
        items.push({
          kind: "step",
          key: `s${m.id}-${c.id}`,
          name: c.name,
          status: "running",
          summary: "no result",
        });
      }
    } else {
      const i = stepIndex.get(m.toolCallId ?? "");
      if (i === undefined) continue;
      let result: unknown = null;
      try {
        result = JSON.parse(m.content);
      } catch {
        // keep null
      }
      const failed =
        (result as { error?: unknown } | null)?.error !== undefined;
      const step = items[i];
      if (step.kind === "step") {
        items[i] = {
          ...step,
          status: failed ? "error" : "ok",
          summary: summarizeTool(step.name, !failed, result),
        };
        const pid = proposalIdOf(step.name, result);
        if (pid) {
          items.splice(i + 1, 0, { kind: "proposal", key: `p${pid}`, id: pid });
          // later steps of the same message moved one down
          for (const [k, v] of stepIndex) if (v > i) stepIndex.set(k, v + 1);
        }
      }
    }
  }
  return { items, proposals };
}

function mergeProposals(
  old: readonly Proposal[],
  next: readonly Proposal[],
): Proposal[] {
  const byId = new Map(old.map((p) => [p.id, p]));
  for (const p of next) byId.set(p.id, p);
  return [...byId.values()];
}

/** The chat after one streamed event; `seq` makes keys unique within a send. */
export function applyEvent(
  state: ChatState,
  e: AssistantEvent,
  seq: number,
): ChatState {
  const items = [...state.items];
  const last = items[items.length - 1];
  const draftIndex =
    last?.kind === "assistant" && last.draft ? items.length - 1 : -1;
  switch (e.event) {
    case "start":
      items.push({
        kind: "user",
        key: `m${e.data.message.id}`,
        content: e.data.message.content,
      });
      break;
    case "text":
      if (draftIndex >= 0 && last?.kind === "assistant")
        items[draftIndex] = { ...last, content: last.content + e.data.delta };
      else
        items.push({
          kind: "assistant",
          key: `d${seq}`,
          content: e.data.delta,
          blocks: null,
          draft: true,
        });
      break;
    case "tool_call":
      if (draftIndex >= 0 && last?.kind === "assistant")
        items[draftIndex] = { ...last, draft: false };
      items.push({
        kind: "step",
        key: `t${e.data.id}`,
        name: e.data.name,
        status: "running",
        summary: "running…",
      });
      break;
    case "tool_result": {
      const i = items.findIndex((x) => x.key === `t${e.data.id}`);
      const step = items[i];
      if (step?.kind === "step")
        items[i] = {
          ...step,
          status: e.data.ok ? "ok" : "error",
          summary: summarizeTool(e.data.name, e.data.ok, e.data.result),
        };
      const pid = proposalIdOf(e.data.name, e.data.result);
      if (pid) items.push({ kind: "proposal", key: `p${pid}`, id: pid });
      break;
    }
    case "revision":
      if (draftIndex >= 0) items.splice(draftIndex, 1);
      items.push({
        kind: "notice",
        key: `r${seq}`,
        text: `A circuit in the answer did not compile; asking for a fix (attempt ${e.data.attempt}).`,
      });
      break;
    case "message": {
      const final: ChatItem = {
        kind: "assistant",
        key: `m${e.data.message.id}`,
        content: e.data.message.content,
        blocks: e.data.message.blocks,
        draft: false,
      };
      if (draftIndex >= 0) items[draftIndex] = final;
      else items.push(final);
      return {
        items,
        proposals: mergeProposals(state.proposals, e.data.proposals),
      };
    }
    case "error":
      if (draftIndex >= 0 && last?.kind === "assistant")
        items[draftIndex] = { ...last, draft: false };
      items.push({
        kind: "error",
        key: `e${seq}`,
        text: `${e.data.title}: ${e.data.detail}`,
      });
      break;
  }
  return { ...state, items };
}

/**
 * What the chat says when a message was refused before its answer started (the input keeps the
 * text). A conversation answers one message at a time: another tab, window or client may be
 * waiting for an answer in it.
 */
export function refusalText(err: StepFaultApiError): string {
  if (err.code === "CONVERSATION_BUSY")
    return "This conversation is still answering another message (sent from another tab or window). Wait for that answer to finish, then send yours again: it is still in the box.";
  return errorText(err);
}

/** Replaces one proposal (after accept or reject). */
export function withProposal(state: ChatState, p: Proposal): ChatState {
  return { ...state, proposals: mergeProposals(state.proposals, [p]) };
}
