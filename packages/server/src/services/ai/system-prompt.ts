/** The assistant's system prompt: fixed instructions plus project context within a token budget. */

/** Estimated tokens of a text (about 4 characters per token). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** What the prompt may mention about the project. */
export interface PromptContext {
  readonly projectName: string;
  readonly projectId: string;
  readonly circuits: readonly {
    id: string;
    name: string;
    numQubits: number;
  }[];
  readonly openCircuit?: {
    readonly id: string | null;
    readonly name: string;
    readonly source: string;
    /** "editor" when the source is the unsaved editor text. */
    readonly origin: "saved" | "editor";
    readonly diagnostics: readonly string[];
  };
  readonly lastJob?: {
    readonly id: string;
    readonly status: string;
    readonly summary: string;
  };
}

const INSTRUCTIONS = `You are the StepFault assistant, an expert in quantum computing and OpenQASM 2/3.
You work inside the user's project and can call tools: list_circuits, read_circuit, validate_qasm,
simulate (small circuits, runs a real job), estimate, get_job, propose_edit (the user must accept
it), run_vqe (ground state of a Hamiltonian given as a Pauli sum) and run_qaoa (max-cut of a graph).
Rules:
- Put every circuit in a fenced \`\`\`qasm block. Every block is compiled (and small ones simulated)
  before the user sees your answer; a block that does not compile is sent back to you.
- Never claim a circuit ran unless a simulate or get_job result says so; quote its counts.
- To change a saved circuit, call propose_edit; never say it was saved.
- After run_vqe or run_qaoa, explain the result: the energy against the exact one (or the cut
  against the maximum and the approximation ratio), whether it converged, and give its page link.
- Tools act with the user's permissions; an error result means the user may not do that.
- Be concise.`;

function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const cut = text.slice(0, Math.max(0, maxChars));
  const nl = cut.lastIndexOf("\n");
  const kept = nl > maxChars / 2 ? cut.slice(0, nl) : cut;
  return `${kept}\n[... truncated, ${text.length - kept.length} more characters]`;
}

/**
 * Builds the system prompt. Context sections are added in a fixed priority order (open circuit and
 * its diagnostics, last job, circuit list); the first that does not fit the remaining budget is cut
 * at a line boundary and the rest are left out, so the same inputs always give the same prompt.
 */
export function buildSystemPrompt(
  ctx: PromptContext,
  budgetTokens: number,
): string {
  const sections: string[] = [];
  if (ctx.openCircuit) {
    const o = ctx.openCircuit;
    sections.push(
      `## Open circuit: ${o.name}${o.id ? ` (id ${o.id})` : ""}${o.origin === "editor" ? ", unsaved editor text" : ""}\n` +
        (o.diagnostics.length > 0
          ? `Diagnostics:\n${o.diagnostics.map((d) => `- ${d}`).join("\n")}\n`
          : "Diagnostics: none, it compiles.\n") +
        "```qasm\n" +
        o.source +
        "\n```",
    );
  }
  if (ctx.lastJob)
    sections.push(
      `## Last job ${ctx.lastJob.id}: ${ctx.lastJob.status}\n${ctx.lastJob.summary}`,
    );
  sections.push(
    `## Circuits in the project (${ctx.circuits.length})\n` +
      (ctx.circuits.length === 0
        ? "none yet"
        : ctx.circuits
            .map((c) => `- ${c.name} (id ${c.id}, ${c.numQubits} qubits)`)
            .join("\n")),
  );
  let out = `${INSTRUCTIONS}\n\n# Project "${ctx.projectName}" (id ${ctx.projectId})`;
  let left = budgetTokens * 4;
  for (const s of sections) {
    if (left <= 0) break;
    const piece = s.length + 2 <= left ? s : truncate(s, left - 60);
    out += `\n\n${piece}`;
    left -= piece.length + 2;
    if (piece !== s) break;
  }
  return out;
}

/**
 * The most recent part of a conversation that fits `budgetTokens` (estimated), starting at a user
 * message so that no tool result loses the call it answers. Older messages are left out.
 */
export function trimHistory<
  M extends { role: string; content: string; toolCalls?: unknown },
>(messages: readonly M[], budgetTokens: number): M[] {
  let used = 0;
  let start = messages.length;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    used += estimateTokens(
      m.content + (m.toolCalls ? JSON.stringify(m.toolCalls) : ""),
    );
    if (used > budgetTokens) break;
    start = i;
  }
  while (start < messages.length && messages[start].role !== "user") start++;
  return messages.slice(start);
}
