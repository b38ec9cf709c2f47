/**
 * Small immutable helpers over the circuit IR: building circuits, replacing or appending
 * operations, counting operations and measuring depth. Every edit returns a new circuit.
 */
import type { Circuit, Operation, Register } from "./types.ts";

/** Options of `createCircuit`; registers default to one `q` and one `c` covering every bit. */
export interface CreateCircuitOptions {
  readonly numClbits?: number;
  readonly qregs?: readonly Register[];
  readonly cregs?: readonly Register[];
  readonly ops?: readonly Operation[];
  readonly globalPhase?: number;
  readonly inputs?: Circuit["inputs"];
  readonly sourceVersion?: Circuit["sourceVersion"];
}

/** Creates a circuit of `numQubits` qubits (an empty one unless `options.ops` is given). */
export function createCircuit(
  numQubits: number,
  options: CreateCircuitOptions = {},
): Circuit {
  const numClbits = options.numClbits ?? 0;
  const circuit: Circuit = {
    numQubits,
    numClbits,
    qregs:
      options.qregs ??
      (numQubits > 0 ? [{ name: "q", size: numQubits, offset: 0 }] : []),
    cregs:
      options.cregs ??
      (numClbits > 0 ? [{ name: "c", size: numClbits, offset: 0 }] : []),
    ops: options.ops ?? [],
    globalPhase: options.globalPhase ?? 0,
    inputs: options.inputs ?? [],
  };
  return options.sourceVersion
    ? { ...circuit, sourceVersion: options.sourceVersion }
    : circuit;
}

/** A copy of `circuit` with its operations replaced by `ops`. */
export function withOps(circuit: Circuit, ops: readonly Operation[]): Circuit {
  return { ...circuit, ops: [...ops] };
}

/** A copy of `circuit` with `ops` appended. */
export function appendOps(
  circuit: Circuit,
  ops: readonly Operation[],
): Circuit {
  return { ...circuit, ops: [...circuit.ops, ...ops] };
}

/** A copy of `circuit` with `phase` radians added to its global phase. */
export function withGlobalPhase(circuit: Circuit, phase: number): Circuit {
  return { ...circuit, globalPhase: circuit.globalPhase + phase };
}

/**
 * The name an operation is counted under: "measure", "reset", "barrier", an opaque gate's name, or
 * for gates the canonical name prefixed by one "c" per control ("x" with 2 controls is "ccx").
 */
export function opLabel(op: Operation): string {
  if (op.kind === "gate") return "c".repeat(op.controls.length) + op.name;
  if (op.kind === "opaque") return op.name;
  return op.kind;
}

/** Number of operations by label (see `opLabel`), like Qiskit's `count_ops`. */
export function countOps(circuit: Circuit): Record<string, number> {
  const out: Record<string, number> = {};
  for (const op of circuit.ops) {
    const k = opLabel(op);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** The qubits and classical bits an operation occupies (conditions included). */
export function opWires(op: Operation): { qubits: number[]; clbits: number[] } {
  const clbits =
    "condition" in op && op.condition ? [...op.condition.clbits] : [];
  switch (op.kind) {
    case "gate":
      return { qubits: [...op.controls, ...op.qubits], clbits };
    case "measure":
      return { qubits: [op.qubit], clbits: [...clbits, op.clbit] };
    case "reset":
      return { qubits: [op.qubit], clbits };
    case "opaque":
      return { qubits: [...op.qubits], clbits };
    case "barrier":
    case "noise":
      return { qubits: [...op.qubits], clbits: [] };
    case "classical":
      return { qubits: [], clbits: [...clbits, ...op.clbits] };
    case "label":
    case "jump":
      return { qubits: [], clbits };
  }
}

/**
 * Circuit depth as Qiskit counts it: the longest path of operations sharing a qubit or classical
 * bit; barriers and wire-less operations (an uncontrolled gphase) do not count.
 */
export function circuitDepth(circuit: Circuit): number {
  const q = new Array<number>(circuit.numQubits).fill(0);
  const c = new Array<number>(circuit.numClbits).fill(0);
  let depth = 0;
  for (const op of circuit.ops) {
    if (op.kind === "barrier") continue;
    const w = opWires(op);
    if (w.qubits.length + w.clbits.length === 0) continue;
    let level = 0;
    for (const i of w.qubits) level = Math.max(level, q[i] ?? 0);
    for (const i of w.clbits) level = Math.max(level, c[i] ?? 0);
    level += 1;
    for (const i of w.qubits) q[i] = level;
    for (const i of w.clbits) c[i] = level;
    depth = Math.max(depth, level);
  }
  return depth;
}

/** Whether the circuit has mid-circuit measurement, reset or classically conditioned operations. */
export function isDynamic(circuit: Circuit): boolean {
  const measured = new Set<number>();
  for (const op of circuit.ops) {
    if (
      op.kind === "reset" ||
      op.kind === "classical" ||
      op.kind === "jump" ||
      ("condition" in op && op.condition)
    )
      return true;
    if (op.kind === "measure") measured.add(op.qubit);
    else if (
      op.kind !== "barrier" &&
      opWires(op).qubits.some((x) => measured.has(x))
    )
      return true;
  }
  return false;
}
