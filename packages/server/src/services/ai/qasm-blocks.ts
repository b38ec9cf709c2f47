import type { BlockBadge } from "@stepfault/contract";
import type { SimPool } from "../../jobs/sim-pool.ts";
import {
  diagnosticsView,
  type CircuitCompiler,
} from "../core/circuits.service.ts";

/** A fenced ```qasm / ```openqasm block found in an answer. */
export interface QasmBlock {
  readonly index: number;
  readonly source: string;
}

/** The badge shown on one QASM block of a final answer. */
export type { BlockBadge };

const FENCE = /```[ \t]*(qasm|openqasm)[^\n]*\n([\s\S]*?)```/gi;

/** The QASM blocks of a Markdown answer, in order. */
export function findQasmBlocks(markdown: string): QasmBlock[] {
  const out: QasmBlock[] = [];
  for (const m of markdown.matchAll(FENCE))
    out.push({ index: out.length, source: m[2] });
  return out;
}

/** Keeps the `n` most frequent outcomes (ties by key) and counts the rest. */
export function topCounts(
  counts: Record<string, number>,
  n: number,
): { counts: Record<string, number>; otherOutcomes: number } {
  const entries = Object.entries(counts).sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1),
  );
  return {
    counts: Object.fromEntries(entries.slice(0, n)),
    otherOutcomes: Math.max(0, entries.length - n),
  };
}

/** Settings for checking blocks. */
export interface BlockCheckSettings {
  readonly maxSimQubits: number;
  readonly shots: number;
  readonly seed: number;
  readonly memoryLimitBytes: number;
}

/** Compiles every block and simulates the small valid ones in the pool; returns one badge per block. */
export async function checkQasmBlocks(
  blocks: readonly QasmBlock[],
  compile: CircuitCompiler,
  pool: () => SimPool,
  s: BlockCheckSettings,
): Promise<BlockBadge[]> {
  const badges: BlockBadge[] = [];
  for (const b of blocks) {
    const r = compile(b.source, { fileName: `block-${b.index + 1}.qasm` });
    if (!r.ok) {
      badges.push({
        index: b.index,
        status: "invalid",
        diagnostics: diagnosticsView(r),
      });
      continue;
    }
    const { numQubits, numClbits } = r.circuit;
    if (numQubits > s.maxSimQubits) {
      badges.push({
        index: b.index,
        status: "valid",
        numQubits,
        numClbits,
        simulated: null,
        note: `not simulated: ${numQubits} qubits (the assistant simulates up to ${s.maxSimQubits})`,
      });
      continue;
    }
    const outcome = await pool().run({
      source: b.source,
      inputs: undefined,
      shots: s.shots,
      seed: s.seed,
      precision: "double",
      statevectorMaxQubits: 0,
      memoryLimitBytes: s.memoryLimitBytes,
    }).outcome;
    badges.push(
      outcome.ok
        ? {
            index: b.index,
            status: "valid",
            numQubits,
            numClbits,
            simulated: {
              shots: s.shots,
              seed: s.seed,
              ...topCounts(outcome.result.counts, 8),
            },
          }
        : {
            index: b.index,
            status: "valid",
            numQubits,
            numClbits,
            simulated: null,
            note: `not simulated: ${outcome.error.message}`,
          },
    );
  }
  return badges;
}

/** The repair request sent back to the model for blocks that do not compile. */
export function repairPrompt(badges: readonly BlockBadge[]): string {
  const lines = [
    "Your answer contains OpenQASM that does not compile, so the user has not seen it yet.",
  ];
  for (const b of badges) {
    if (b.status !== "invalid") continue;
    lines.push(`Block ${b.index + 1}:`);
    for (const d of b.diagnostics.slice(0, 10))
      lines.push(
        `  line ${d.line}, column ${d.column}: ${d.severity} ${d.code}: ${d.message}`,
      );
  }
  lines.push(
    "Fix the code and give your whole answer again, with every circuit in a ```qasm block.",
  );
  return lines.join("\n");
}
