/** The composer palette: which gates it offers, their colours and how a dropped gate is built. */
import {
  lookupGate,
  standardGateOps,
  type Operation,
} from "@stepfault/quantum";

/** A palette entry: a QASM gate name, or "measure", "reset", "barrier". */
export interface PaletteItem {
  readonly id: string;
  readonly label: string;
  readonly group: "single" | "rotation" | "controlled" | "other";
  readonly title: string;
}

const item = (
  id: string,
  label: string,
  group: PaletteItem["group"],
  title: string,
): PaletteItem => ({ id, label, group, title });

/** Palette entries in display order. */
export const PALETTE: readonly PaletteItem[] = [
  item("h", "H", "single", "Hadamard"),
  item("x", "X", "single", "Pauli X (NOT)"),
  item("y", "Y", "single", "Pauli Y"),
  item("z", "Z", "single", "Pauli Z"),
  item("s", "S", "single", "S (phase π/2)"),
  item("sdg", "S†", "single", "S dagger"),
  item("t", "T", "single", "T (phase π/4)"),
  item("tdg", "T†", "single", "T dagger"),
  item("sx", "√X", "single", "Square root of X"),
  item("rx", "RX", "rotation", "Rotation about X by θ"),
  item("ry", "RY", "rotation", "Rotation about Y by θ"),
  item("rz", "RZ", "rotation", "Rotation about Z by θ"),
  item("p", "P", "rotation", "Phase θ"),
  item("U", "U", "rotation", "General single-qubit gate U(θ, φ, λ)"),
  item("cx", "CX", "controlled", "Controlled NOT"),
  item("cz", "CZ", "controlled", "Controlled Z"),
  item("cy", "CY", "controlled", "Controlled Y"),
  item("ch", "CH", "controlled", "Controlled Hadamard"),
  item("crx", "CRX", "controlled", "Controlled RX(θ)"),
  item("cry", "CRY", "controlled", "Controlled RY(θ)"),
  item("crz", "CRZ", "controlled", "Controlled RZ(θ)"),
  item("cp", "CP", "controlled", "Controlled phase θ"),
  item("swap", "SWAP", "controlled", "Swap two qubits"),
  item("rzz", "RZZ", "controlled", "ZZ interaction exp(-iθ Z⊗Z/2)"),
  item("ccx", "CCX", "controlled", "Toffoli (two controls)"),
  item("cswap", "CSWAP", "controlled", "Fredkin (controlled swap)"),
  item(
    "measure",
    "Measure",
    "other",
    "Measure into the classical bit of the same index",
  ),
  item("reset", "|0⟩", "other", "Reset to |0⟩"),
  item("barrier", "Barrier", "other", "Barrier"),
];

/** Number of wires a palette item needs. */
export function wiresNeeded(id: string): number {
  return lookupGate(id)?.numQubits ?? 1;
}

/** Builds the operation for palette item `id` on `wires` (controls first), with rotation angle `angle`. */
export function buildOp(
  id: string,
  wires: readonly number[],
  angle: number,
): Operation | null {
  const w = wires[0];
  if (id === "measure") return { kind: "measure", qubit: w, clbit: w };
  if (id === "reset") return { kind: "reset", qubit: w };
  if (id === "barrier") return { kind: "barrier", qubits: [...wires] };
  const g = lookupGate(id);
  if (
    !g ||
    wires.length !== g.numQubits ||
    new Set(wires).size !== wires.length
  )
    return null;
  const ops = standardGateOps(
    id,
    Array.from({ length: g.numParams }, () => angle),
    wires,
  );
  return ops.length === 1 ? ops[0] : null;
}

/** Default wires for a multi-wire gate dropped on `wire`: the next wires down (or up at the bottom). */
export function defaultWires(
  id: string,
  wire: number,
  numQubits: number,
): number[] | null {
  const n = wiresNeeded(id);
  if (n > numQubits) return null;
  const start = Math.min(wire, numQubits - n);
  const wires = Array.from({ length: n }, (_, k) => start + k);
  // Keep the dropped wire first (it becomes the first control, or the target of 1-wire gates).
  return [wire, ...wires.filter((q) => q !== wire)].slice(0, n);
}

/** Fill colour family of a gate for drawing (IBM-Composer-like colour groups). */
export function colorClass(op: Operation): string {
  if (op.kind === "measure") return "g-measure";
  if (op.kind === "reset") return "g-reset";
  if (op.kind === "barrier") return "g-barrier";
  if (op.kind !== "gate") return "g-other";
  const n = op.name;
  if (n === "h") return "g-h";
  if (n === "x" || n === "y" || n === "swap" || n === "id") return "g-pauli";
  if (["z", "s", "sdg", "t", "tdg", "p", "u1", "rz"].includes(n))
    return "g-phase";
  return "g-rotation";
}
