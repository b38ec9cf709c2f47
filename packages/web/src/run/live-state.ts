/**
 * The live view's numbers, Quirk style: per-qubit marginal probability of |1⟩ and Bloch vector,
 * and the amplitudes, of the state the circuit prepares before its final measurements. Computed
 * from the library's statevector (`simulate` with `statevector: true`, no shots) in the run
 * worker; circuits above the live limit are left to Run.
 */
import { isDynamic, simulate, type Circuit } from "@stepfault/quantum";
import { compileSource } from "../qasm/quantum-api.ts";

/** Widest circuit shown live (2^12 amplitudes). */
export const LIVE_MAX_QUBITS = 12;
/** Most amplitude updates (2^n x gates) shown live: keeps the worker well under 50 ms. */
export const LIVE_MAX_WORK = 4_000_000;
/** The time a live update should stay under; slower ones say so and offer Run. */
export const LIVE_BUDGET_MS = 50;

/** One qubit's live numbers: P(1) and the Bloch vector (x, y, z) of its reduced state. */
export interface QubitState {
  readonly p1: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** What the worker answers for a live request. */
export type LiveOutcome =
  | {
      readonly ok: true;
      readonly qubits: readonly QubitState[];
      /** [re, im] per basis state (little-endian). */
      readonly amplitudes: readonly (readonly [number, number])[];
      readonly ms: number;
    }
  | { readonly ok: false; readonly reason: string; readonly ms?: number };

/** A live request to the run worker. */
export interface LiveRequest {
  readonly type: "live";
  readonly id: number;
  readonly source: string;
}

/** The worker's answer to a live request. */
export interface LiveReply {
  readonly type: "live";
  readonly id: number;
  readonly outcome: LiveOutcome;
}

/** Marginals and Bloch vectors of every qubit of an interleaved [re, im, ...] statevector. */
export function qubitStates(state: ArrayLike<number>): QubitState[] {
  const dim = state.length / 2;
  const n = Math.round(Math.log2(dim));
  const out: QubitState[] = [];
  for (let k = 0; k < n; k++) {
    const bit = 1 << k;
    let p0 = 0;
    let p1 = 0;
    let re01 = 0;
    let im01 = 0;
    for (let i = 0; i < dim; i++) {
      if (i & bit) continue;
      const ar = state[2 * i];
      const ai = state[2 * i + 1];
      const br = state[2 * (i | bit)];
      const bi = state[2 * (i | bit) + 1];
      p0 += ar * ar + ai * ai;
      p1 += br * br + bi * bi;
      // ρ01 = Σ a_i0 · conj(a_i1)
      re01 += ar * br + ai * bi;
      im01 += ai * br - ar * bi;
    }
    out.push({ p1, x: 2 * re01, y: 0 - 2 * im01, z: p0 - p1 }); // 0 - v: no -0
  }
  return out;
}

/** Why `circuit` is not shown live, or null when it is. */
export function liveRefusal(circuit: Circuit): string | null {
  if (isDynamic(circuit))
    return "the circuit measures in the middle or branches on results: press Run to see its outcomes";
  if (circuit.numQubits > LIVE_MAX_QUBITS)
    return `${circuit.numQubits} qubits is above the live view's ${LIVE_MAX_QUBITS}: press Run`;
  if (circuit.ops.length * 2 ** circuit.numQubits > LIVE_MAX_WORK)
    return `${circuit.ops.length} operations on ${circuit.numQubits} qubits would take over ${LIVE_BUDGET_MS} ms to update live: press Run`;
  if (circuit.ops.some((o) => o.kind === "noise" || o.kind === "opaque"))
    return "the circuit has noise or opaque gates: press Run";
  return null;
}

/** Computes the live view of `source` (compiles it; never throws). */
export function liveState(source: string): LiveOutcome {
  const t0 = performance.now();
  const compiled = compileSource(source);
  if (!compiled.ok) return { ok: false, reason: "the text has errors" };
  const c = compiled.circuit;
  const refusal = liveRefusal(c);
  if (refusal) return { ok: false, reason: refusal };
  // The state before the final measurements (a circuit that is not dynamic only measures at the end).
  const unitary = { ...c, ops: c.ops.filter((o) => o.kind !== "measure") };
  const out = simulate(unitary, { shots: 0, statevector: true, seed: 1 });
  if (!out.ok || !out.result.statevector)
    return {
      ok: false,
      reason: out.ok ? "no statevector" : out.error.message,
    };
  const sv = out.result.statevector;
  const amplitudes: [number, number][] = [];
  for (let i = 0; i < sv.length; i += 2) amplitudes.push([sv[i], sv[i + 1]]);
  const ms = performance.now() - t0;
  return { ok: true, qubits: qubitStates(sv), amplitudes, ms };
}
