/**
 * Classical readout errors and turning sampled basis indices into counts: each measured bit is
 * read wrong with the probabilities of its qubit's readout matrix (Qiskit's ReadoutError
 * convention: row = prepared state, column = recorded outcome,
 * `[[P(0|0), P(1|0)], [P(0|1), P(1|1)]]`).
 */
import type { Register } from "../ir/types.ts";
import type { Rng } from "../math/rng.ts";
import { basisKey, countsKey } from "./counts.ts";

/** One qubit's readout error: P(read 1 | prepared 0) and P(read 0 | prepared 1). */
export interface ReadoutError {
  readonly p1given0: number;
  readonly p0given1: number;
}

/** Readout errors by qubit index (qubits without an entry read perfectly). */
export type ReadoutErrors = ReadonlyMap<number, ReadoutError>;

/** How sampled basis indices become count keys. */
export interface CountsLayout {
  readonly numQubits: number;
  readonly numClbits: number;
  readonly cregs: readonly Register[];
  /** Terminal measurements (qubit -> clbit) in source order; unused when numClbits is 0. */
  readonly finalMeasures: readonly {
    readonly qubit: number;
    readonly clbit: number;
  }[];
}

function readBit(bit: number, e: ReadoutError | undefined, rng: Rng): number {
  if (!e) return bit;
  const flip = bit ? e.p0given1 : e.p1given0;
  return flip > 0 && rng.nextDouble() < flip ? 1 - bit : bit;
}

/**
 * Adds `samples` (basis index -> shots) to `counts`, with readout errors drawn per shot when any
 * measured qubit has one. `bits` holds the classical bits set before the terminal measurements.
 */
export function addSampledCounts(
  counts: Record<string, number>,
  samples: ReadonlyMap<number, number>,
  layout: CountsLayout,
  readout: ReadoutErrors | undefined,
  rng: Rng,
  bits: Uint8Array = new Uint8Array(layout.numClbits),
): void {
  const add = (key: string, c: number): void => {
    counts[key] = (counts[key] ?? 0) + c;
  };
  const noisy =
    readout !== undefined &&
    readout.size > 0 &&
    (layout.numClbits === 0 ||
      layout.finalMeasures.some((m) => readout.has(m.qubit)));
  for (const [index, c] of samples) {
    const shots = noisy ? c : 1;
    const weight = noisy ? 1 : c;
    for (let s = 0; s < shots; s++) {
      if (layout.numClbits === 0) {
        let idx = index;
        if (noisy)
          for (let q = 0; q < layout.numQubits; q++) {
            const b = Math.floor(index / 2 ** q) % 2;
            const r = readBit(b, readout.get(q), rng);
            if (r !== b) idx += r ? 2 ** q : -(2 ** q);
          }
        add(basisKey(idx, layout.numQubits), weight);
        continue;
      }
      for (const m of layout.finalMeasures) {
        const b = Math.floor(index / 2 ** m.qubit) % 2;
        bits[m.clbit] = noisy ? readBit(b, readout.get(m.qubit), rng) : b;
      }
      add(countsKey(bits, layout.cregs), weight);
    }
  }
}
