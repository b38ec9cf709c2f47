/**
 * Places the flat operations of a circuit into drawing columns (as soon as possible, in list
 * order). An operation blocks every wire between its lowest and highest qubit (the vertical line
 * of a controlled gate crosses them) and the classical bits it writes or reads.
 */
import type { Circuit, Operation } from "@stepfault/quantum";

/** The wires an operation is drawn across: qubit span and classical bits used. */
export interface OpFootprint {
  readonly minQubit: number;
  readonly maxQubit: number;
  readonly qubits: readonly number[];
  readonly clbits: readonly number[];
}

/** Qubits an operation touches, controls first. */
export function opQubits(op: Operation): readonly number[] {
  switch (op.kind) {
    case "gate":
      return [...op.controls, ...op.qubits];
    case "measure":
    case "reset":
      return [op.qubit];
    case "classical":
    case "label":
    case "jump":
      return [];
    default:
      return op.qubits;
  }
}

/** The footprint of `op` (see OpFootprint). */
export function footprint(op: Operation, numQubits: number): OpFootprint {
  let qubits = opQubits(op);
  if (qubits.length === 0)
    qubits = Array.from({ length: numQubits }, (_, i) => i);
  const clbits: number[] = [];
  if (op.kind === "measure") clbits.push(op.clbit);
  if (
    op.kind !== "barrier" &&
    op.kind !== "label" &&
    op.kind !== "noise" &&
    op.condition
  )
    clbits.push(...op.condition.clbits);
  // Measurements and conditioned ops are drawn with a line down to the classical wire below
  // every qubit wire, so they block the wires underneath them.
  const maxQubit =
    op.kind === "measure" || clbits.length > 0
      ? Math.max(numQubits - 1, ...qubits)
      : Math.max(...qubits);
  return { minQubit: Math.min(...qubits), maxQubit, qubits, clbits };
}

/** Whether two footprints share a wire (so their order matters and they cannot share a column). */
export function overlaps(a: OpFootprint, b: OpFootprint): boolean {
  return (
    (a.minQubit <= b.maxQubit && b.minQubit <= a.maxQubit) ||
    a.clbits.some((c) => b.clbits.includes(c))
  );
}

/** Column of each op (same order as `circuit.ops`) and the number of columns. */
export interface Layout {
  readonly columns: readonly number[];
  readonly width: number;
}

/** Computes the as-soon-as-possible column of every operation; O(ops x span). */
export function layoutCircuit(
  circuit: Pick<Circuit, "ops" | "numQubits" | "numClbits">,
): Layout {
  const qubitFree = new Array<number>(Math.max(circuit.numQubits, 1)).fill(0);
  const clbitFree = new Map<number, number>();
  const columns: number[] = [];
  let width = 0;
  for (const op of circuit.ops) {
    const f = footprint(op, circuit.numQubits);
    let col = 0;
    for (let q = f.minQubit; q <= f.maxQubit; q++)
      col = Math.max(col, qubitFree[q] ?? 0);
    for (const c of f.clbits) col = Math.max(col, clbitFree.get(c) ?? 0);
    for (let q = f.minQubit; q <= f.maxQubit; q++) qubitFree[q] = col + 1;
    for (const c of f.clbits) clbitFree.set(c, col + 1);
    columns.push(col);
    width = Math.max(width, col + 1);
  }
  return { columns, width };
}
