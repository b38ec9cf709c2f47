/**
 * Ties drawn operations to the source text they came from. Every compiled op carries the span
 * of the statement that made it (ops unrolled from a loop point at the statement in the loop
 * body); here each op is mapped to the TOP-LEVEL statement that contains it, with character
 * offsets, so composer edits can be applied as text changes at exactly those places.
 *
 * Calls of the user's own `gate` definitions are folded into one box per call (an `opaque`-kind
 * op named after the gate) for the drawing; `callBox` gives the ops the box stands for and the
 * definition's text.
 */
import {
  outlineQasm,
  type Circuit,
  type Operation,
  type OutlineGate,
  type OutlineStatement,
  type Span,
} from "@stepfault/quantum";
import { parseAngle } from "./angle.ts";
import { opQubits } from "./layout.ts";

/** A top-level statement with offsets into the text ([from, to), `to` after its `;` or `}`). */
export interface IndexedStatement {
  readonly stmt: OutlineStatement;
  readonly from: number;
  readonly to: number;
}

/** A source text with its top-level statements and gate definitions located. */
export interface SourceIndex {
  readonly text: string;
  readonly statements: readonly IndexedStatement[];
  readonly gates: ReadonlyMap<string, OutlineGate>;
  readonly lineStarts: readonly number[];
}

/** Outlines and indexes `text` (parsing only). */
export function indexSource(text: string): SourceIndex {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++)
    if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const outline = outlineQasm(text);
  const partial = { text, lineStarts };
  return {
    ...partial,
    statements: outline.statements.map((stmt) => ({
      stmt,
      from: startOffset(partial, stmt.span),
      to: endOffset(partial, stmt.span),
    })),
    gates: new Map(outline.gates.map((g) => [g.name, g])),
  };
}

type Lines = Pick<SourceIndex, "text" | "lineStarts">;

/** Offset of a 1-based line/column, clamped into the text. */
export function offsetAt(index: Lines, line: number, col: number): number {
  const l = Math.min(Math.max(line, 1), index.lineStarts.length);
  const start = index.lineStarts[l - 1];
  const end =
    l < index.lineStarts.length ? index.lineStarts[l] - 1 : index.text.length;
  return Math.min(start + Math.max(col - 1, 0), end);
}

/** Offset where a span starts. */
export function startOffset(index: Lines, span: Span): number {
  return offsetAt(index, span.line, span.col);
}

/** Offset just after a span (exclusive end). */
export function endOffset(index: Lines, span: Span): number {
  return offsetAt(index, span.endLine, span.endCol);
}

/** Index of the top-level statement containing `span`, or -1. */
export function statementAt(
  index: SourceIndex,
  span: Span | undefined,
): number {
  if (!span) return -1;
  const at = startOffset(index, span);
  const list = index.statements;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].to <= at) lo = mid + 1;
    else if (list[mid].from > at) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** What a drawn box of a user-defined gate call stands for. */
export interface CallBox {
  /** The definition called. */
  readonly gate: OutlineGate;
  /** The definition's source text (`gate name(a) x, y { ... }`). */
  readonly definition: string;
  /** The call's parameter texts as written (e.g. `pi/2`, `theta`). */
  readonly paramTexts: readonly string[];
  /** The flat operations of this call. */
  readonly ops: readonly Operation[];
}

const boxes = new WeakMap<Operation, CallBox>();

/** The call a folded box stands for, if `op` is such a box. */
export function callBox(op: Operation): CallBox | undefined {
  return boxes.get(op);
}

function sameSpan(a: Span, b: Span): boolean {
  return (
    a.line === b.line &&
    a.col === b.col &&
    a.endLine === b.endLine &&
    a.endCol === b.endCol
  );
}

/** Flat qubit indices an argument text names (`q[1]`, `q`), or null when it is not that simple. */
function resolveArg(circuit: Circuit, text: string): number[] | null {
  const m = /^\s*([A-Za-z_]\w*)\s*(?:\[\s*(\d+)\s*\])?\s*$/.exec(text);
  if (!m) return null;
  const reg = circuit.qregs.find((r) => r.name === m[1]);
  if (!reg) return null;
  if (m[2] === undefined)
    return Array.from({ length: reg.size }, (_, i) => reg.offset + i);
  const i = Number(m[2]);
  return i < reg.size ? [reg.offset + i] : null;
}

/**
 * The circuit with each top-level call of a user `gate` folded into one box. Calls inside loops,
 * conditions or with modifiers stay expanded (their ops are drawn one by one).
 */
export function foldCalls(circuit: Circuit, index: SourceIndex): Circuit {
  if (index.gates.size === 0) return circuit;
  const groups = new Map<number, Operation[]>();
  for (const op of circuit.ops) {
    const s = statementAt(index, op.span);
    if (s < 0 || !op.span) continue;
    const { stmt } = index.statements[s];
    if (
      stmt.kind !== "gateCall" ||
      !stmt.args ||
      !stmt.name ||
      !index.gates.has(stmt.name) ||
      !sameSpan(op.span, stmt.span)
    )
      continue;
    const list = groups.get(s) ?? [];
    list.push(op);
    groups.set(s, list);
  }
  if (groups.size === 0) return circuit;
  const ops: Operation[] = [];
  const done = new Set<number>();
  for (const op of circuit.ops) {
    const s = statementAt(index, op.span);
    const group = s >= 0 ? groups.get(s) : undefined;
    if (!group) {
      ops.push(op);
      continue;
    }
    if (done.has(s)) continue;
    done.add(s);
    ops.push(makeBox(circuit, index, index.statements[s], group));
  }
  return { ...circuit, ops };
}

function makeBox(
  circuit: Circuit,
  index: SourceIndex,
  at: IndexedStatement,
  group: readonly Operation[],
): Operation {
  const { stmt } = at;
  const gate = index.gates.get(stmt.name ?? "") as OutlineGate;
  const slice = (sp: Span) =>
    index.text.slice(startOffset(index, sp), endOffset(index, sp));
  const paramTexts = (stmt.params ?? []).map(slice);
  const resolved = (stmt.args ?? []).map((a) => resolveArg(circuit, slice(a)));
  let qubits: number[];
  if (resolved.every((r) => r !== null && r.length === 1))
    qubits = resolved.map((r) => (r as number[])[0]);
  else {
    const seen = new Set<number>();
    for (const op of group)
      for (const q of opQubits(op)) if (!seen.has(q)) seen.add(q);
    qubits = [...seen];
  }
  const params = paramTexts.map((t) => parseAngle(t));
  const box: Operation = {
    kind: "opaque",
    name: gate.name,
    qubits,
    params: params.every((p) => p !== null) ? (params as number[]) : [],
    span: stmt.span,
  };
  boxes.set(box, {
    gate,
    definition: slice(gate.span),
    paramTexts,
    ops: group,
  });
  return box;
}
