/**
 * Turns a composer edit (the drawn circuit before and after) into text changes at the places of
 * the source it touches, so comments, formatting, gate definitions, loops and register-wide
 * statements such as `measure q -> c;` stay as the person wrote them.
 *
 * The drawn circuit's ops carry the spans of their statements (see source-map.ts). Ops the edit
 * kept are the same objects in `after`; the others were deleted, added, or moved. A deleted op's
 * statement is removed; a changed op (new angle, new wire) is rewritten in place; an added or
 * moved op becomes a new line placed after every statement it must follow and before every one
 * it must precede (on shared wires). When one statement stands for several ops (a loop body, a
 * register-wide measure) and only some of them change, that statement must be rewritten as one
 * line per op: the plan then says so and asks. Every plan is checked by compiling the new text:
 * it must draw exactly `after`, or the plan falls back to asking for a rewrite of the whole text.
 */
import type { Circuit, Operation, Register } from "@stepfault/quantum";
import {
  circuitToQasm,
  compileSource,
  sourceVersion,
} from "../qasm/quantum-api.ts";
import { canonicalOrder, sameCircuit } from "./actions.ts";
import { angleExpression } from "./angle.ts";
import { footprint, overlaps } from "./layout.ts";
import {
  callBox,
  endOffset,
  foldCalls,
  indexSource,
  startOffset,
  statementAt,
  type SourceIndex,
} from "./source-map.ts";

/** One replacement in the text: characters [from, to) become `insert`. */
export interface TextChange {
  readonly from: number;
  readonly to: number;
  readonly insert: string;
}

/** What a composer edit does to the text. */
export type SourceEdit =
  /** Nothing to change (the text already draws `after`). */
  | { readonly kind: "none" }
  /** Local changes that keep everything else as written. */
  | {
      readonly kind: "edit";
      readonly changes: readonly TextChange[];
      readonly text: string;
      /** The drawn circuit of the new text (with its spans). */
      readonly drawn: Circuit;
    }
  /** The edit needs restructuring (`reason` says what); apply `changes` only if the person agrees. */
  | {
      readonly kind: "ask";
      readonly reason: string;
      readonly changes: readonly TextChange[];
      readonly text: string;
      readonly drawn: Circuit | null;
    }
  /** The edit cannot be written in this text's OpenQASM version at all. */
  | { readonly kind: "refuse"; readonly reason: string };

/** Whether the circuit has run-time classical code (then op order is program order, kept as is). */
function hasRuntimeCode(c: Circuit): boolean {
  return c.ops.some(
    (o) => o.kind === "classical" || o.kind === "label" || o.kind === "jump",
  );
}

/** The circuit the composer draws for compiled `circuit` of `index`'s text: calls folded, canonical order. */
export function drawnCircuit(circuit: Circuit, index: SourceIndex): Circuit {
  const folded = foldCalls(circuit, index);
  return hasRuntimeCode(folded) ? folded : canonicalOrder(folded);
}

/** Compiles `text` and returns its drawn circuit, or null when it does not compile. */
export function drawText(text: string): Circuit | null {
  const r = compileSource(text);
  return r.ok ? drawnCircuit(r.circuit, indexSource(text)) : null;
}

// Statement kinds that stand for exactly the ops they make, and can be deleted or rewritten alone.
const PLAIN = new Set(["gateCall", "measure", "reset", "barrier"]);

const qubitName = (regs: readonly Register[], q: number) => {
  const r = regs.find((x) => q >= x.offset && q < x.offset + x.size);
  return r ? `${r.name}[${q - r.offset}]` : `q[${q}]`;
};

interface Printed {
  readonly lines: readonly string[];
  /** Gate definitions the lines need (as printed by the exporter). */
  readonly defs: readonly { name: string; text: string }[];
}

/**
 * The parameter texts of statement `s` as written (`theta`, `2*pi/7 + 0.1`), when it is a plain
 * gate call; else undefined.
 */
function writtenParams(
  index: SourceIndex,
  s: number | undefined,
): readonly string[] | undefined {
  const at = s !== undefined && s >= 0 ? index.statements[s] : undefined;
  if (!at || at.stmt.kind !== "gateCall" || !at.stmt.params) return undefined;
  return at.stmt.params.map((sp) =>
    index.text.slice(startOffset(index, sp), endOffset(index, sp)),
  );
}

/**
 * `line` (one printed gate call of `op`) with each parameter that `op` kept from `was` written as
 * the person wrote it (`written`), and only changed ones as the exporter printed them.
 */
function keepWrittenParams(
  line: string,
  op: Operation,
  was: Operation | undefined,
  written: readonly string[] | undefined,
): string {
  if (op.kind !== "gate" || was?.kind !== "gate" || !written) return line;
  if (
    written.length !== op.params.length ||
    was.params.length !== op.params.length
  )
    return line;
  const m = new RegExp(`^${op.name}\\((.*)\\)( .*;)$`).exec(line);
  if (!m) return line;
  const printed = m[1].split(",").map((t) => t.trim());
  if (printed.length !== op.params.length) return line;
  const texts = op.params.map((p, i) =>
    Math.abs(p - was.params[i]) <= 1e-12 ? written[i] : printed[i],
  );
  return `${op.name}(${texts.join(", ")})${m[2]}`;
}

/** The OpenQASM lines of `op` in the registers of `circuit`, or the exporter's reason it cannot. */
function printOp(
  op: Operation,
  circuit: Circuit,
  version: "2.0" | "3.0",
  was: Operation | undefined,
  written?: readonly string[],
): Printed | string {
  if (op.kind === "opaque") {
    const box = callBox(op) ?? (was ? callBox(was) : undefined);
    const params = box
      ? box.paramTexts
      : op.params.map((p) => angleExpression(p));
    const args = op.qubits.map((q) => qubitName(circuit.qregs, q)).join(", ");
    return {
      lines: [
        `${op.name}${params.length ? `(${params.join(", ")})` : ""} ${args};`,
      ],
      defs: [],
    };
  }
  const printed = circuitToQasm(
    { ...circuit, ops: [op], globalPhase: 0, sourceVersion: version },
    version,
  );
  if (!printed.ok) return printed.message;
  const lines = printed.text.replace(/\n$/, "").split("\n");
  let last = -1;
  lines.forEach((l, i) => {
    if (/^(qreg|creg) |^(qubit|bit)\[/.test(l)) last = i;
  });
  const defs: { name: string; text: string }[] = [];
  for (const l of lines.slice(0, Math.max(last, 0))) {
    const m = /^gate\s+([A-Za-z_]\w*)/.exec(l);
    if (m) defs.push({ name: m[1], text: l });
  }
  const body = lines.slice(last + 1);
  return {
    lines:
      body.length === 1 ? [keepWrittenParams(body[0], op, was, written)] : body,
    defs,
  };
}

/** Leading whitespace of the line containing `offset`. */
function indentAt(text: string, offset: number): string {
  const start = text.lastIndexOf("\n", offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? "";
}

function lineEndAt(text: string, offset: number): number {
  const i = text.indexOf("\n", offset);
  return i < 0 ? text.length : i;
}

/** The change that deletes statement [from, to): its whole line when nothing else is on it. */
function deleteStatement(text: string, from: number, to: number): TextChange {
  const lineStart = text.lastIndexOf("\n", from - 1) + 1;
  const lineEnd = lineEndAt(text, to);
  const before = text.slice(lineStart, from);
  const after = text.slice(to, lineEnd);
  if (/^\s*$/.test(before) && /^\s*(\/\/.*)?$/.test(after))
    return {
      from: lineStart,
      to: Math.min(lineEnd + 1, text.length),
      insert: "",
    };
  const spaces = /^[ \t]*/.exec(after)?.[0].length ?? 0;
  return { from, to: to + spaces, insert: "" };
}

/** Applies non-overlapping changes (sorted by position, ties in the given order). */
export function applyChanges(
  text: string,
  changes: readonly TextChange[],
): string | null {
  const sorted = changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.from - b.c.from || a.i - b.i)
    .map((x) => x.c);
  let out = "";
  let at = 0;
  for (const c of sorted) {
    if (c.from < at) return null;
    out += text.slice(at, c.from) + c.insert;
    at = c.to;
  }
  return out + text.slice(at);
}

/** Sorts changes for a CodeMirror transaction (positions in the original document). */
export function sortedChanges(changes: readonly TextChange[]): TextChange[] {
  return changes
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.from - b.c.from || a.i - b.i)
    .map((x) => x.c);
}

/** Why a local plan failed (becomes part of the question to the person). */
class Unplannable extends Error {}

interface Plan {
  readonly changes: TextChange[];
  /** Restructuring the person must agree to, if any. */
  readonly asks: string[];
}

function lineOf(index: SourceIndex, offset: number): number {
  let lo = 0;
  let hi = index.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (index.lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function localPlan(
  index: SourceIndex,
  version: "2.0" | "3.0",
  before: Circuit,
  after: Circuit,
  inPlace: boolean,
): Plan {
  const { text } = index;
  const changes: TextChange[] = [];
  const asks: string[] = [];
  const n = after.numQubits;
  const inAfter = new Set(after.ops);
  const inBefore = new Set(before.ops);
  const stmtOf = new Map<Operation, number>();
  for (const op of before.ops) stmtOf.set(op, statementAt(index, op.span));

  // Kept ops whose order changed against a kept op on a shared wire were moved.
  const kept = before.ops.filter((o) => inAfter.has(o));
  const posA = new Map(after.ops.map((o, i) => [o, i] as const));
  const moved = new Set<Operation>();
  if (kept.length <= 4000) {
    const fps = kept.map((o) => footprint(o, n));
    let pairs: [number, number][] = [];
    for (let i = 0; i < kept.length; i++)
      for (let j = i + 1; j < kept.length; j++)
        if (
          (posA.get(kept[i]) ?? 0) > (posA.get(kept[j]) ?? 0) &&
          overlaps(fps[i], fps[j])
        )
          pairs.push([i, j]);
    while (pairs.length) {
      const count = new Map<number, number>();
      for (const [i, j] of pairs) {
        count.set(i, (count.get(i) ?? 0) + 1);
        count.set(j, (count.get(j) ?? 0) + 1);
      }
      let best = -1;
      let most = 0;
      for (const [k, c] of count)
        if (c > most || (c === most && k > best)) [best, most] = [k, c];
      moved.add(kept[best]);
      pairs = pairs.filter(([i, j]) => i !== best && j !== best);
    }
  }
  const deleted = before.ops.filter((o) => !inAfter.has(o));
  const added = after.ops.filter((o) => !inBefore.has(o));
  // One op out and one op in: the same op changed (angle, wires, place).
  const pairedFrom = new Map<Operation, Operation>();
  if (deleted.length === 1 && added.length === 1)
    pairedFrom.set(added[0], deleted[0]);

  if (before.ops.some((o) => (stmtOf.get(o) ?? -1) < 0 && !inAfter.has(o)))
    throw new Unplannable("an operation has no place in the text");

  // Statements that lose ops.
  const opsOf = new Map<number, Operation[]>();
  for (const op of before.ops) {
    const s = stmtOf.get(op) ?? -1;
    if (s < 0) continue;
    const list = opsOf.get(s) ?? [];
    list.push(op);
    opsOf.set(s, list);
  }
  /** Where an op that stays sits: its statement's range. */
  const anchor = new Map<Operation, { from: number; to: number }>();
  const placed = new Set<Operation>();
  for (const [s, ops] of opsOf) {
    const { stmt, from, to } = index.statements[s];
    const removed = ops.filter((o) => !inAfter.has(o) || moved.has(o));
    if (removed.length === 0) {
      for (const o of ops) anchor.set(o, { from, to });
      continue;
    }
    const single = ops.length === 1 && PLAIN.has(stmt.kind);
    if (single) {
      const op = ops[0];
      const replacement = [...pairedFrom].find(([, d]) => d === op)?.[0];
      if (replacement && inPlace) {
        const p = printOp(
          replacement,
          after,
          version,
          op,
          writtenParams(index, s),
        );
        if (typeof p === "string") throw new Unplannable(p);
        changes.push({
          from,
          to,
          insert: p.lines.join(`\n${indentAt(text, from)}`),
        });
        addDefs(index, p, changes);
        anchor.set(replacement, { from, to });
        placed.add(replacement);
      } else changes.push(deleteStatement(text, from, to));
      continue;
    }
    // Several ops from one statement (a loop, a register-wide call) and only some change.
    const line = lineOf(index, from);
    const quote = text.slice(from, Math.min(to, lineEndAt(text, from)));
    const rest = after.ops.filter(
      (o) => ops.includes(o) && !moved.has(o) && inAfter.has(o),
    );
    asks.push(
      `line ${line} (\`${quote.length > 60 ? quote.slice(0, 57) + "…" : quote}\`) stands for ${ops.length} operations; this edit rewrites it as ${rest.length === 0 ? "nothing (it is deleted)" : `${rest.length} separate line${rest.length > 1 ? "s" : ""}`}`,
    );
    if (rest.length === 0) {
      changes.push(deleteStatement(text, from, to));
      continue;
    }
    const lines: string[] = [];
    for (const o of rest) {
      const p = printOp(o, after, version, undefined);
      if (typeof p === "string") throw new Unplannable(p);
      lines.push(...p.lines);
      addDefs(index, p, changes);
      anchor.set(o, { from, to });
    }
    changes.push({ from, to, insert: lines.join(`\n${indentAt(text, from)}`) });
  }

  // New and moved ops: after every statement they follow, before every one they precede.
  const fpA = after.ops.map((o) => footprint(o, n));
  const pending: { op: Operation; at: number }[] = [];
  const inserts = new Map<
    string,
    { at: number; after: boolean; lines: string[] }
  >();
  after.ops.forEach((op, k) => {
    if (anchor.has(op) && !moved.has(op)) return;
    if (placed.has(op)) return;
    let low = -1;
    let high = Number.POSITIVE_INFINITY;
    let nearBefore = -1;
    let nearAfter = Number.POSITIVE_INFINITY;
    after.ops.forEach((o, j) => {
      const a = anchor.get(o);
      if (!a || moved.has(o) || j === k) return;
      const shared = overlaps(fpA[k], fpA[j]);
      if (j < k) {
        nearBefore = Math.max(nearBefore, a.to);
        if (shared) low = Math.max(low, a.to);
      } else {
        nearAfter = Math.min(nearAfter, a.from);
        if (shared) high = Math.min(high, a.from);
      }
    });
    for (const p of pending)
      if (overlaps(footprint(p.op, n), fpA[k])) low = Math.max(low, p.at);
    if (low > high)
      throw new Unplannable(
        "the new place of the gate lies inside a statement that stands for several operations",
      );
    let at: number;
    let afterMode: boolean;
    if (low >= 0) [at, afterMode] = [low, true];
    else if (Number.isFinite(high)) [at, afterMode] = [high, false];
    else if (nearBefore >= 0) [at, afterMode] = [nearBefore, true];
    else if (Number.isFinite(nearAfter)) [at, afterMode] = [nearAfter, false];
    else {
      const last = index.statements[index.statements.length - 1];
      [at, afterMode] = [last ? last.to : text.length, true];
    }
    const was = pairedFrom.get(op);
    let lines: readonly string[];
    const s = moved.has(op) ? (stmtOf.get(op) ?? -1) : -1;
    if (s >= 0) {
      const st = index.statements[s];
      lines = [text.slice(st.from, st.to)];
    } else {
      const p = printOp(
        op,
        after,
        version,
        was,
        was ? writtenParams(index, stmtOf.get(was)) : undefined,
      );
      if (typeof p === "string") throw new Unplannable(p);
      addDefs(index, p, changes);
      lines = p.lines;
    }
    // After a statement: on a new line below it unless something that must follow shares its line.
    let point: number;
    let mode: boolean;
    if (afterMode) {
      const end = lineEndAt(text, at);
      if (high >= end) [point, mode] = [end, true];
      else [point, mode] = [at, true];
    } else {
      const lineStart = text.lastIndexOf("\n", at - 1) + 1;
      if (/^[ \t]*$/.test(text.slice(lineStart, at)))
        [point, mode] = [lineStart, false];
      else [point, mode] = [at, false];
    }
    const key = `${point}:${mode}`;
    const group = inserts.get(key) ?? { at: point, after: mode, lines: [] };
    group.lines.push(...lines);
    inserts.set(key, group);
    pending.push({ op, at: point });
  });
  for (const g of inserts.values()) {
    const lineStart = text.lastIndexOf("\n", g.at - 1) + 1;
    const wholeLine = g.after
      ? g.at === lineEndAt(text, g.at)
      : /^[ \t]*$/.test(text.slice(lineStart, g.at));
    const indent = indentAt(text, g.after ? Math.max(g.at - 1, 0) : g.at);
    if (g.after)
      changes.push({
        from: g.at,
        to: g.at,
        insert: wholeLine
          ? g.lines.map((l) => `\n${indent}${l}`).join("")
          : ` ${g.lines.join(" ")}`,
      });
    else
      changes.push({
        from: g.at,
        to: g.at,
        insert: wholeLine
          ? g.lines.map((l) => `${indent}${l}\n`).join("")
          : `${g.lines.join(" ")} `,
      });
  }
  registerChanges(index, version, before, after, changes);
  return { changes, asks };
}

/** Adds gate definitions the printed lines need and the text lacks, after the include line. */
function addDefs(index: SourceIndex, p: Printed, changes: TextChange[]): void {
  for (const d of p.defs) {
    if (index.gates.has(d.name)) continue;
    if (changes.some((c) => c.insert.includes(d.text))) continue;
    const inc = index.statements.find(
      (s) => s.stmt.kind === "include" || s.stmt.kind === "version",
    );
    const at = inc ? lineEndAt(index.text, inc.to) : 0;
    changes.push({
      from: at,
      to: at,
      insert: inc ? `\n${d.text}` : `${d.text}\n`,
    });
  }
}

/** Changes to register declarations when the edit resized one or added the classical bits. */
function registerChanges(
  index: SourceIndex,
  version: "2.0" | "3.0",
  before: Circuit,
  after: Circuit,
  changes: TextChange[],
): void {
  const diff = (
    kind: "qreg" | "creg",
    a: readonly Register[],
    b: readonly Register[],
  ) => {
    for (const r of b)
      if (!a.some((x) => x.name === r.name))
        throw new Unplannable(`register ${r.name} was removed`);
    for (const r of a) {
      const old = b.find((x) => x.name === r.name);
      if (old && old.size === r.size && old.offset === r.offset) continue;
      if (old) {
        const st = index.statements.find(
          (s) => s.stmt.kind === kind && s.stmt.name === r.name,
        );
        if (!st?.stmt.sizeSpan)
          throw new Unplannable(
            `the size of register ${r.name} is not a number in the text`,
          );
        const sp = st.stmt.sizeSpan;
        changes.push({
          from: startOffset(index, sp),
          to: endOffset(index, sp),
          insert: String(r.size),
        });
        continue;
      }
      if (kind !== "creg" || b.length > 0)
        throw new Unplannable(`a new register ${r.name} would be needed`);
      const decls = index.statements.filter((s) => s.stmt.kind === "qreg");
      const lastDecl = decls[decls.length - 1];
      if (!lastDecl) throw new Unplannable("the text declares no qubits");
      const at = lineEndAt(index.text, lastDecl.to);
      const decl =
        version === "2.0"
          ? `creg ${r.name}[${r.size}];`
          : `bit[${r.size}] ${r.name};`;
      changes.push({
        from: at,
        to: at,
        insert: `\n${indentAt(index.text, lastDecl.from)}${decl}`,
      });
    }
  };
  diff("qreg", after.qregs, before.qregs);
  diff("creg", after.cregs, before.cregs);
}

/** Replaces every folded call box by the ops it stands for (moved boxes: on their new wires). */
function unfold(after: Circuit, before: Circuit): Circuit {
  const deleted = before.ops.filter((o) => !after.ops.includes(o));
  const ops: Operation[] = [];
  for (const op of after.ops) {
    if (op.kind !== "opaque") {
      ops.push(op);
      continue;
    }
    const own = callBox(op);
    if (own) {
      ops.push(...own.ops);
      continue;
    }
    const was = deleted.find(
      (d) => d.kind === "opaque" && callBox(d)?.gate.name === op.name,
    );
    const box = was ? callBox(was) : undefined;
    if (!was || !box || was.kind !== "opaque") {
      ops.push(op);
      continue;
    }
    const map = new Map(was.qubits.map((q, i) => [q, op.qubits[i]] as const));
    const to = (q: number) => map.get(q) ?? q;
    for (const o of box.ops)
      ops.push(
        o.kind === "gate"
          ? { ...o, qubits: o.qubits.map(to), controls: o.controls.map(to) }
          : o.kind === "measure" || o.kind === "reset"
            ? { ...o, qubit: to(o.qubit) }
            : "qubits" in o
              ? { ...o, qubits: o.qubits.map(to) }
              : o,
      );
  }
  return { ...after, ops };
}

/**
 * Plans the text change for a composer edit from `before` (the drawn circuit of `text`, with
 * spans) to `after`. Never throws.
 */
export function planSourceEdit(
  text: string,
  before: Circuit,
  after: Circuit,
): SourceEdit {
  if (sameCircuit(before, after)) return { kind: "none" };
  const index = indexSource(text);
  const version = sourceVersion(text);
  const target = hasRuntimeCode(after) ? after : canonicalOrder(after);
  let why = "";
  for (const inPlace of [true, false]) {
    try {
      const plan = localPlan(index, version, before, after, inPlace);
      const next = applyChanges(text, plan.changes);
      if (next === null) {
        why = "two changes would overlap";
        continue;
      }
      const drawn = drawText(next);
      if (drawn && sameCircuit(drawn, target)) {
        const changes = sortedChanges(plan.changes);
        return plan.asks.length
          ? {
              kind: "ask",
              reason: `${plan.asks.join("; ")}. Comments and everything else stay as they are.`,
              changes,
              text: next,
              drawn,
            }
          : { kind: "edit", changes, text: next, drawn };
      }
      why = drawn
        ? "the changed lines would not draw this circuit"
        : "the changed text would not compile";
    } catch (e) {
      if (!(e instanceof Unplannable)) throw e;
      why = e.message;
    }
  }
  // Last resort, only with consent: the whole program printed from the drawing.
  const flat = unfold(after, before);
  const printed = circuitToQasm({ ...flat, sourceVersion: version }, version);
  if (!printed.ok) return { kind: "refuse", reason: printed.message };
  return {
    kind: "ask",
    reason: `this edit cannot be made by changing only the lines it touches (${why}). Rewriting the whole program from the drawing replaces comments, gate definitions and loops with flat OpenQASM ${version}.`,
    changes: [{ from: 0, to: text.length, insert: printed.text }],
    text: printed.text,
    drawn: drawText(printed.text),
  };
}
