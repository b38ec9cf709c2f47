/** Seeded random circuits over every canonical gate, for round-trip and simulator tests. */
import { BASE_GATE_NAMES, gateMatrix } from "../../src/ir/gates.ts";
import { BASE_GATES } from "../../src/ir/gate-matrices.ts";
import type { Circuit, GateOp } from "../../src/ir/types.ts";
import { matMul } from "../../src/math/matrix.ts";

/** Options of `randomCircuit`. */
export interface RandomCircuitOptions {
  readonly numQubits: number;
  readonly numOps: number;
  readonly maxControls?: number;
  /** Also emit 1-qubit "unitary" ops. */
  readonly unitaries?: boolean;
  /** Keep only ops accepted by this predicate. */
  readonly accept?: (op: GateOp) => boolean;
}

/** Picks distinct qubits from 0..n-1. */
function pick(rng: () => number, n: number, k: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < k; i++)
    out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
  return out;
}

/** A random unitary-only circuit (gates, with controls and phases) drawn from `rng`. */
export function randomCircuit(
  rng: () => number,
  o: RandomCircuitOptions,
): Circuit {
  const names = BASE_GATE_NAMES.filter(
    (n) => BASE_GATES.get(n)!.numQubits <= o.numQubits,
  );
  const ops: GateOp[] = [];
  let guard = 0;
  while (ops.length < o.numOps && guard++ < o.numOps * 50) {
    const name =
      o.unitaries && rng() < 0.1
        ? "unitary"
        : names[Math.floor(rng() * names.length)];
    const k = name === "unitary" ? 1 : BASE_GATES.get(name)!.numQubits;
    const maxC = Math.min(o.maxControls ?? 2, o.numQubits - k);
    const nc = rng() < 0.5 ? 0 : Math.floor(rng() * (maxC + 1));
    const qs = pick(rng, o.numQubits, k + nc);
    const params = Array.from(
      { length: name === "unitary" ? 0 : BASE_GATES.get(name)!.numParams },
      () => (rng() * 2 - 1) * 4,
    );
    let op: GateOp = {
      kind: "gate",
      name,
      qubits: qs.slice(nc),
      params,
      controls: qs.slice(0, nc),
    };
    if (name === "unitary") {
      const a = () => (rng() * 2 - 1) * 4;
      const m = matMul(
        gateMatrix({ name: "u3", params: [a(), a(), a()] }),
        scalePhase(a()),
      );
      op = { ...op, matrix: m };
    }
    if (!o.accept || o.accept(op)) ops.push(op);
  }
  return {
    numQubits: o.numQubits,
    numClbits: 0,
    qregs: [{ name: "q", size: o.numQubits, offset: 0 }],
    cregs: [],
    ops,
    globalPhase: 0,
    inputs: [],
  };
}

/** e^{ig} I (2x2). */
function scalePhase(g: number): Float64Array {
  return Float64Array.of(
    Math.cos(g),
    Math.sin(g),
    0,
    0,
    0,
    0,
    Math.cos(g),
    Math.sin(g),
  );
}
