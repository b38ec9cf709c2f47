/**
 * Composer state and its edits. Every edit is a small named, pure action that returns a new
 * state and records an undo entry (Excalidraw style); the circuit itself is never mutated.
 * Operations are kept in drawing order (by column, then top wire), which is equivalent to the
 * program order because operations that share a wire keep their relative order.
 */
import type { Circuit, Operation, Register } from "@stepfault/quantum";
import { footprint, layoutCircuit, opQubits, overlaps } from "./layout.ts";
import { channelCallText } from "@stepfault/quantum";

/** One undoable step: the circuit before and after a named action. */
export interface UndoRecord {
  readonly label: string;
  readonly before: Circuit;
  readonly after: Circuit;
}

/** Everything the composer edits: the circuit, the selection and the undo history. */
export interface ComposerState {
  readonly circuit: Circuit;
  /** Index into `circuit.ops` of the selected operation, or null. */
  readonly selected: number | null;
  readonly past: readonly UndoRecord[];
  readonly future: readonly UndoRecord[];
}

const HISTORY_LIMIT = 200;

/** An empty circuit with `numQubits` qubits in `q` and as many classical bits in `c`. */
export function emptyCircuit(numQubits: number): Circuit {
  return {
    numQubits,
    numClbits: numQubits,
    qregs: [{ name: "q", size: numQubits, offset: 0 }],
    cregs: [{ name: "c", size: numQubits, offset: 0 }],
    ops: [],
    globalPhase: 0,
    inputs: [],
  };
}

/** A fresh state for `circuit`, with no history. */
export function initialState(circuit: Circuit): ComposerState {
  return { circuit, selected: null, past: [], future: [] };
}

/** Sorts ops into drawing order (column, then top wire); a stable, meaning-preserving reorder. */
export function canonicalOrder(circuit: Circuit): Circuit {
  const { columns } = layoutCircuit(circuit);
  const order = circuit.ops.map((op, i) => ({
    op,
    i,
    col: columns[i],
    top: footprint(op, circuit.numQubits).minQubit,
  }));
  order.sort((a, b) => a.col - b.col || a.top - b.top || a.i - b.i);
  return { ...circuit, ops: order.map((o) => o.op) };
}

/** Applies a named edit: records undo, clears redo, keeps `keep` selected (by identity). */
function commit(
  state: ComposerState,
  label: string,
  next: Circuit,
  keep: Operation | null,
): ComposerState {
  const circuit = canonicalOrder(next);
  const selected = keep ? circuit.ops.indexOf(keep) : -1;
  const record: UndoRecord = { label, before: state.circuit, after: circuit };
  return {
    circuit,
    selected: selected >= 0 ? selected : null,
    past: [...state.past, record].slice(-HISTORY_LIMIT),
    future: [],
  };
}

/** Index at which an op placed "at column `column`" goes: after every op drawn left of it. */
function insertionIndex(circuit: Circuit, column: number): number {
  const { columns } = layoutCircuit(circuit);
  let index = 0;
  for (let i = 0; i < columns.length; i++)
    if (columns[i] < column) index = i + 1;
  return index;
}

/** Grows the classical bits so that bit `clbit` exists (extends the last register, or adds `c`). */
function withClbit(circuit: Circuit, clbit: number): Circuit {
  if (clbit < circuit.numClbits) return circuit;
  const cregs: Register[] = [...circuit.cregs];
  const last = cregs[cregs.length - 1];
  if (last)
    cregs[cregs.length - 1] = { ...last, size: clbit + 1 - last.offset };
  else cregs.push({ name: "c", size: clbit + 1, offset: 0 });
  return { ...circuit, cregs, numClbits: clbit + 1 };
}

/** Adds `op` so that it is drawn at `column` (or at the end), shifting later ops right. */
export function addOp(
  state: ComposerState,
  op: Operation,
  column = Number.POSITIVE_INFINITY,
): ComposerState {
  const qubits = opQubits(op);
  if (qubits.some((q) => q < 0 || q >= state.circuit.numQubits)) return state;
  const base =
    op.kind === "measure" ? withClbit(state.circuit, op.clbit) : state.circuit;
  const ops = [...base.ops];
  ops.splice(insertionIndex(base, column), 0, op);
  return commit(state, `add ${describe(op)}`, { ...base, ops }, op);
}

/** Deletes the op at `index`. */
export function deleteOp(state: ComposerState, index: number): ComposerState {
  const op = state.circuit.ops[index];
  if (!op) return state;
  const ops = state.circuit.ops.filter((_, i) => i !== index);
  return commit(
    state,
    `delete ${describe(op)}`,
    { ...state.circuit, ops },
    null,
  );
}

/** Replaces the op at `index` (e.g. new angle or new wires) keeping its place in the order. */
export function replaceOp(
  state: ComposerState,
  index: number,
  op: Operation,
  label = "edit",
): ComposerState {
  if (!state.circuit.ops[index]) return state;
  if (opQubits(op).some((q) => q < 0 || q >= state.circuit.numQubits))
    return state;
  if (new Set(opQubits(op)).size !== opQubits(op).length) return state;
  const ops = state.circuit.ops.map((o, i) => (i === index ? op : o));
  return commit(
    state,
    `${label} ${describe(op)}`,
    { ...state.circuit, ops },
    op,
  );
}

/** Moves the op at `index` so that its first wire is `wire` and it is drawn at `column`. */
export function moveOp(
  state: ComposerState,
  index: number,
  wire: number,
  column: number,
): ComposerState {
  const op = state.circuit.ops[index];
  if (!op) return state;
  const shift = wire - Math.min(...opQubits(op));
  const moved = shiftOp(op, shift);
  if (opQubits(moved).some((q) => q < 0 || q >= state.circuit.numQubits))
    return state;
  const rest = {
    ...state.circuit,
    ops: state.circuit.ops.filter((_, i) => i !== index),
  };
  const ops = [...rest.ops];
  ops.splice(insertionIndex(rest, column), 0, moved);
  return commit(state, `move ${describe(op)}`, { ...rest, ops }, moved);
}

/** Moves the op at `index` past its neighbour on a shared wire: earlier (-1) or later (+1). */
export function stepOp(
  state: ComposerState,
  index: number,
  direction: -1 | 1,
): ComposerState {
  const ops = state.circuit.ops;
  const op = ops[index];
  if (!op) return state;
  const f = footprint(op, state.circuit.numQubits);
  let j = index + direction;
  while (
    j >= 0 &&
    j < ops.length &&
    !overlaps(f, footprint(ops[j], state.circuit.numQubits))
  )
    j += direction;
  if (j < 0 || j >= ops.length) return state;
  const next = ops.filter((_, i) => i !== index);
  const at = direction === 1 ? next.indexOf(ops[j]) + 1 : next.indexOf(ops[j]);
  next.splice(at, 0, op);
  return commit(
    state,
    `move ${describe(op)}`,
    { ...state.circuit, ops: next },
    op,
  );
}

/** Shifts every wire of the op at `index` by `delta` (arrow up/down); no-op at the edges. */
export function shiftWires(
  state: ComposerState,
  index: number,
  delta: number,
): ComposerState {
  const op = state.circuit.ops[index];
  if (!op) return state;
  return replaceOp(state, index, shiftOp(op, delta), "move");
}

/** Sets how many qubits the circuit has (adds to or trims the last register; trims only unused wires). */
export function setQubitCount(
  state: ComposerState,
  count: number,
): ComposerState {
  const c = state.circuit;
  if (count < 1 || count === c.numQubits) return state;
  if (
    count < c.numQubits &&
    c.ops.some((op) => opQubits(op).some((q) => q >= count))
  )
    return state;
  const qregs = [...c.qregs];
  const last = qregs[qregs.length - 1];
  if (!last) qregs.push({ name: "q", size: count, offset: 0 });
  else if (count - last.offset < 1) return state;
  else qregs[qregs.length - 1] = { ...last, size: count - last.offset };
  return commit(
    state,
    count > c.numQubits ? "add qubit" : "remove qubit",
    { ...c, qregs, numQubits: count },
    null,
  );
}

/** Selects the op at `index` (or nothing); not an undoable edit. */
export function select(
  state: ComposerState,
  index: number | null,
): ComposerState {
  return {
    ...state,
    selected: index !== null && state.circuit.ops[index] ? index : null,
  };
}

/** Takes a circuit compiled from the text; recorded as one undo step when it changed the ops. */
export function replaceFromText(
  state: ComposerState,
  circuit: Circuit,
): ComposerState {
  if (sameCircuit(state.circuit, circuit)) return state;
  // Keep the selection only when the same operation is still at that place.
  const i = state.selected;
  const keep =
    i !== null &&
    i < circuit.ops.length &&
    opKey(state.circuit.ops[i]) === opKey(circuit.ops[i])
      ? i
      : null;
  const record: UndoRecord = {
    label: "edit text",
    before: state.circuit,
    after: circuit,
  };
  return {
    circuit,
    selected: keep,
    past: [...state.past, record].slice(-HISTORY_LIMIT),
    future: [],
  };
}

/** Undoes the last action, if any. */
export function undo(state: ComposerState): ComposerState {
  const record = state.past[state.past.length - 1];
  if (!record) return state;
  return {
    circuit: record.before,
    selected: null,
    past: state.past.slice(0, -1),
    future: [record, ...state.future],
  };
}

/** Redoes the last undone action, if any. */
export function redo(state: ComposerState): ComposerState {
  const record = state.future[0];
  if (!record) return state;
  return {
    circuit: record.after,
    selected: null,
    past: [...state.past, record],
    future: state.future.slice(1),
  };
}

/** A short human name of an operation, e.g. "cx" or "measure". */
export function describe(op: Operation): string {
  if (op.kind !== "gate") return op.kind === "opaque" ? op.name : op.kind;
  return "c".repeat(op.controls.length) + op.name;
}

function shiftOp(op: Operation, d: number): Operation {
  switch (op.kind) {
    case "gate":
      return {
        ...op,
        qubits: op.qubits.map((q) => q + d),
        controls: op.controls.map((q) => q + d),
        span: undefined,
      };
    case "measure":
    case "reset":
      return { ...op, qubit: op.qubit + d, span: undefined };
    case "classical":
    case "label":
    case "jump":
      return op;
    default:
      return { ...op, qubits: op.qubits.map((q) => q + d), span: undefined };
  }
}

/** Whether two circuits have the same registers and operations (spans ignored). */
export function sameCircuit(a: Circuit, b: Circuit): boolean {
  if (
    a.numQubits !== b.numQubits ||
    a.numClbits !== b.numClbits ||
    a.ops.length !== b.ops.length
  )
    return false;
  const regs = (r: readonly Register[]) =>
    r.map((x) => `${x.name}:${x.size}:${x.offset}`).join(",");
  if (regs(a.qregs) !== regs(b.qregs) || regs(a.cregs) !== regs(b.cregs))
    return false;
  return a.ops.every((op, i) => opKey(op) === opKey(b.ops[i]));
}

/** A string that is equal for equal operations (spans ignored, numbers to 10 digits). */
export function opKey(op: Operation): string {
  const n = (v: number) => Number(v.toPrecision(10));
  const cond =
    "condition" in op && op.condition
      ? `if ${op.condition.clbits}${op.condition.op}${op.condition.value}`
      : "";
  switch (op.kind) {
    case "gate":
      return `g ${op.name} ${op.controls} ${op.qubits} ${op.params.map(n)} ${op.matrix ? [...op.matrix].map(n) : ""} ${cond}`;
    case "opaque":
      return `o ${op.name} ${op.qubits} ${op.params.map(n)} ${cond}`;
    case "classical":
    case "label":
    case "jump":
      return JSON.stringify({ ...op, span: undefined });
    case "measure":
      return `m ${op.qubit} ${op.clbit} ${cond}`;
    case "reset":
      return `r ${op.qubit} ${cond}`;
    case "barrier":
      return `b ${op.qubits}`;
    case "noise":
      return `n ${channelCallText(op.channel)} ${op.qubits}`;
  }
}
