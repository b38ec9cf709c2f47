/** Test helpers: small IR circuits built directly, and random circuits over all standard gates. */
import {
  STANDARD_GATE_NAMES,
  lookupGate,
  standardGateOps,
} from "../../src/ir/gates.ts";
import type {
  Circuit,
  Condition,
  GateOp,
  Operation,
  Register,
} from "../../src/ir/types.ts";

/** A standard gate as written (e.g. "cx", [0, 1]) lowered to canonical ops. */
export function std(
  name: string,
  qubits: number[],
  params: number[] = [],
): GateOp[] {
  return standardGateOps(name, params, qubits);
}

/** A measurement op. */
export function measure(
  qubit: number,
  clbit: number,
  condition?: Condition,
): Operation {
  return condition
    ? { kind: "measure", qubit, clbit, condition }
    : { kind: "measure", qubit, clbit };
}

/** A circuit of n qubits with the given ops and classical registers (sizes, in declaration order). */
export function circuit(
  n: number,
  ops: Operation[],
  cregSizes: number[] = [],
  globalPhase = 0,
): Circuit {
  const cregs: Register[] = [];
  let off = 0;
  cregSizes.forEach((size, i) => {
    cregs.push({ name: `c${i}`, size, offset: off });
    off += size;
  });
  return {
    numQubits: n,
    numClbits: off,
    qregs: [{ name: "q", size: n, offset: 0 }],
    cregs,
    ops,
    globalPhase,
    inputs: [],
  };
}

/** Standard gate names a random circuit on n qubits may use (no gphase: it takes no qubits). */
export function usableGates(n: number): string[] {
  return STANDARD_GATE_NAMES.filter((g) => {
    const sig = lookupGate(g)!;
    return sig.numQubits >= 1 && sig.numQubits <= n && g !== "gphase";
  });
}

/** A random unitary circuit: `count` standard gates on random distinct qubits with random angles. */
export function randomCircuit(
  n: number,
  count: number,
  rng: () => number,
  gates = usableGates(n),
): Circuit {
  const ops: Operation[] = [];
  for (let i = 0; i < count; i++) {
    const name = gates[Math.floor(rng() * gates.length)];
    const sig = lookupGate(name)!;
    const pool = Array.from({ length: n }, (_, q) => q);
    const qs: number[] = [];
    for (let k = 0; k < sig.numQubits; k++)
      qs.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
    const params = Array.from(
      { length: sig.numParams },
      () => (rng() - 0.5) * 4 * Math.PI,
    );
    ops.push(...std(name, qs, params));
    if (rng() < 0.05) ops.push({ kind: "barrier", qubits: qs });
  }
  return circuit(n, ops);
}
