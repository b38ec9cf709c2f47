/**
 * Observables: real linear combinations of Pauli strings, parsed from Qiskit's label form
 * (`"0.5*ZZ - 0.25*XX + YI"`, rightmost character = qubit 0) or the sparse form
 * (`"Z0 Z1"`, `"0.5*X3 Y0"`), and their exact action on a statevector.
 *
 * A Pauli string is stored as bit masks: x (X or Y on the qubit), z (Z or Y), and the number of
 * Ys. On a basis state, P|i> = i^nY (-1)^popcount(i & z) |i ^ x>. Terms with the same x mask share
 * one pass over the state (`expectationValues`).
 */
import { parity } from "../math/bits.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { type TileShape, expvalKernels } from "./wasm/expval.ts";

/** One term c * P. */
export interface PauliTerm {
  readonly coef: number;
  /** Bit q set: X or Y on qubit q. */
  readonly x: number;
  /** Bit q set: Z or Y on qubit q. */
  readonly z: number;
  /** Number of Y factors. */
  readonly ny: number;
}

/** A Pauli sum on `numQubits` qubits. */
export interface Observable {
  readonly numQubits: number;
  readonly terms: readonly PauliTerm[];
  /** The text it was parsed from. */
  readonly text: string;
}

/** `parseObservable` outcome; `error` names the offending term. */
export type ObservableResult =
  | { readonly ok: true; readonly observable: Observable }
  | { readonly ok: false; readonly error: string };

const COEF = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** Splits at top-level + and - (not an exponent's sign, not right after `*`). */
function splitTerms(text: string): { sign: number; body: string }[] {
  const out: { sign: number; body: string }[] = [];
  let sign = 1;
  let cur = "";
  for (const ch of text) {
    const t = cur.trim();
    if ((ch === "+" || ch === "-") && !/\d[eE]$/.test(t) && !t.endsWith("*")) {
      if (t !== "") {
        out.push({ sign, body: t });
        sign = 1;
      }
      if (ch === "-") sign = -sign;
      cur = "";
    } else cur += ch;
  }
  out.push({ sign, body: cur.trim() });
  return out;
}

/**
 * Parses a Pauli sum for a circuit of `numQubits` qubits. Coefficients are optional and real.
 * A term that is a bare number is that multiple of the identity.
 */
export function parseObservable(
  text: string,
  numQubits: number,
): ObservableResult {
  if (numQubits > 31)
    return { ok: false, error: "observables support at most 31 qubits" };
  if (text.trim() === "")
    return { ok: false, error: "the observable is empty" };
  const terms: PauliTerm[] = [];
  for (const { sign, body } of splitTerms(text)) {
    const shown = `term "${sign < 0 ? "-" : ""}${body}"`;
    if (body === "") return { ok: false, error: `empty term in "${text}"` };
    let coef = sign;
    let rest = body;
    const m = COEF.exec(rest);
    if (m) {
      coef *= Number(m[0]);
      rest = rest.slice(m[0].length).trim();
      if (rest.startsWith("*")) rest = rest.slice(1).trim();
      else if (rest !== "" && !/^\s/.test(body.slice(m[0].length)))
        return {
          ok: false,
          error: `${shown}: expected '*' between the coefficient and the Pauli string`,
        };
    }
    if (rest === "") {
      if (!m) return { ok: false, error: `${shown} has no Pauli string` };
      terms.push({ coef, x: 0, z: 0, ny: 0 });
      continue;
    }
    const parsed = /^[IXYZ]+$/.test(rest)
      ? denseLabel(rest, numQubits, shown)
      : sparseLabel(rest, numQubits, shown);
    if (typeof parsed === "string") return { ok: false, error: parsed };
    terms.push({ coef, ...parsed });
  }
  return { ok: true, observable: { numQubits, terms, text } };
}

type Masks = { x: number; z: number; ny: number };

function addPauli(acc: Masks, p: string, q: number): void {
  const bit = 2 ** q;
  if (p === "X" || p === "Y") acc.x = (acc.x | bit) >>> 0;
  if (p === "Z" || p === "Y") acc.z = (acc.z | bit) >>> 0;
  if (p === "Y") acc.ny++;
}

function denseLabel(label: string, n: number, shown: string): Masks | string {
  if (label.length !== n)
    return `${shown}: the label has ${label.length} character(s) but the circuit has ${n} qubit(s) (rightmost character = qubit 0)`;
  const acc = { x: 0, z: 0, ny: 0 };
  for (let q = 0; q < n; q++) addPauli(acc, label[n - 1 - q], q);
  return acc;
}

function sparseLabel(text: string, n: number, shown: string): Masks | string {
  const acc = { x: 0, z: 0, ny: 0 };
  const seen = new Set<number>();
  for (const f of text.split(/[\s*]+/).filter((s) => s !== "")) {
    const m = /^([IXYZ])(\d+)$/.exec(f);
    if (!m)
      return `${shown}: '${f}' is not a Pauli factor (a dense label of I, X, Y, Z with ${n} character(s), or factors like X0 Z3)`;
    const q = Number(m[2]);
    if (q >= n)
      return `${shown}: qubit ${q} is out of range (the circuit has ${n} qubit(s))`;
    if (seen.has(q)) return `${shown}: qubit ${q} appears twice`;
    seen.add(q);
    addPauli(acc, m[1], q);
  }
  return acc;
}

/** Number of terms over all observables (for limits). */
export function countTerms(observables: readonly Observable[]): number {
  return observables.reduce((acc, o) => acc + o.terms.length, 0);
}

/**
 * <a|O_k|a> for every observable (a normalised state of O_k.numQubits qubits). Terms of all
 * observables with the same x mask share one pass over the state. Diagonal terms (x = 0) read
 * the probabilities; for x != 0 the pass visits each pair (i, i ^ x) once (i without the highest
 * bit of x): with c = conj(a[i ^ x]) a[i], the pair contributes s_i (c + (-1)^ny conj(c)), a real
 * or an imaginary number, so each term needs one signed sum of Re c or Im c over half the state.
 */
export function expectationValues(
  a: Amplitudes,
  observables: readonly Observable[],
  options: { readonly simd?: boolean; readonly tiles?: TileShape } = {},
): number[] {
  const out = observables.map(() => 0);
  const groups = new Map<number, { k: number; t: PauliTerm }[]>();
  observables.forEach((o, k) => {
    for (const t of o.terms) {
      if (t.coef === 0) continue;
      const g = groups.get(t.x);
      if (g) g.push({ k, t });
      else groups.set(t.x, [{ k, t }]);
    }
  });
  const dim = a.length / 2;
  // The WebAssembly SIMD passes (wasm/expval.ts) on the state in its memory, where it fits.
  const kernels = options.simd === false ? undefined : expvalKernels();
  const resident = kernels?.resident(a);
  const simd =
    resident &&
    kernels!.passSums(
      resident,
      [...groups].map(([x, members]) => ({
        x,
        terms: members.map((m) => ({ z: m.t.z, odd: (m.t.ny & 1) === 1 })),
      })),
      options.tiles,
    );
  let g = 0;
  for (const [x, members] of groups) {
    const nt = members.length;
    const pass = simd?.[g++];
    if (pass) {
      members.forEach((m, t) => {
        const ph = m.t.ny & 3;
        const sign = x === 0 ? 1 : ph === 1 || ph === 2 ? -2 : 2;
        out[m.k] += m.t.coef * sign * pass[t];
      });
      continue;
    }
    const zs = Int32Array.from(members, (m) => m.t.z | 0);
    const sums = new Float64Array(nt);
    if (x === 0) {
      for (let i = 0; i < dim; i++) {
        const p = a[2 * i] * a[2 * i] + a[2 * i + 1] * a[2 * i + 1];
        if (p === 0) continue;
        for (let t = 0; t < nt; t++) sums[t] += parity(i & zs[t]) ? -p : p;
      }
      members.forEach((m, t) => {
        out[m.k] += m.t.coef * sums[t];
      });
      continue;
    }
    // Odd ny: the pair gives 2i s_i Im c; even: 2 s_i Re c.
    const odd = Uint8Array.from(members, (m) => m.t.ny & 1);
    const top = 2 ** Math.floor(Math.log2(x));
    for (let base = 0; base < dim; base += 2 * top)
      for (let i = base; i < base + top; i++) {
        const j = (i ^ x) >>> 0;
        const ar = a[2 * i],
          ai = a[2 * i + 1],
          br = a[2 * j],
          bi = a[2 * j + 1];
        // c = conj(b) * a
        const pr = br * ar + bi * ai;
        const pi = br * ai - bi * ar;
        if (nt === 1) {
          const v = odd[0] ? pi : pr;
          sums[0] += parity(i & zs[0]) ? -v : v;
          continue;
        }
        for (let t = 0; t < nt; t++) {
          const v = odd[t] ? pi : pr;
          sums[t] += parity(i & zs[t]) ? -v : v;
        }
      }
    members.forEach((m, t) => {
      // Re(i^ny * S): ny = 0 -> 2 sum, 1 -> -2 sum (i * 2i), 2 -> -2 sum, 3 -> 2 sum.
      const ph = m.t.ny & 3;
      const sign = ph === 1 || ph === 2 ? -1 : 1;
      out[m.k] += m.t.coef * sign * 2 * sums[t];
    });
  }
  return out;
}

/**
 * out = O a (out zeroed first; same precision as a); returns <a|O|a> = Re <a|out>. `out` may be
 * the kernels' second state (`ExpvalKernels.stateBuffer(n, single, 1)`): then O a is not copied.
 */
export function applyObservable(
  a: Amplitudes,
  o: Observable,
  out: Amplitudes,
  options: { readonly simd?: boolean; readonly tiles?: TileShape } = {},
): number {
  // The WebAssembly SIMD passes (wasm/expval.ts), where the states fit its memory.
  const kernels = options.simd === false ? undefined : expvalKernels();
  const done = kernels?.apply(a, o.terms, options.tiles);
  if (done) {
    const value = kernels!.realInner(kernels!.resident(a)!, done);
    if (done.buffer !== out.buffer || done.byteOffset !== out.byteOffset)
      out.set(done);
    return value ?? realInner(a, out);
  }
  out.fill(0);
  const dim = a.length / 2;
  for (const t of o.terms) {
    if (t.coef === 0) continue;
    // c * i^ny as (cr, ci)
    const ph = t.ny & 3;
    const cr = ph === 0 ? t.coef : ph === 2 ? -t.coef : 0;
    const ci = ph === 1 ? t.coef : ph === 3 ? -t.coef : 0;
    const x = t.x,
      z = t.z | 0;
    for (let i = 0; i < dim; i++) {
      const s = parity(i & z) ? -1 : 1;
      const ar = s * a[2 * i],
        ai = s * a[2 * i + 1];
      const j = (i ^ x) >>> 0;
      out[2 * j] += cr * ar - ci * ai;
      out[2 * j + 1] += cr * ai + ci * ar;
    }
  }
  return realInner(a, out);
}

/** Re <a|b> (accumulated in double precision). */
export function realInner(a: Amplitudes, b: Amplitudes): number {
  let s = 0;
  for (let p = 0; p < a.length; p++) s += a[p] * b[p];
  return s;
}

/** The qubit-wise commuting groups (greedy, first fit) of a list of non-identity terms. */
export function qubitWiseGroups(
  terms: readonly { readonly x: number; readonly z: number }[],
): { x: number; z: number; members: number[] }[] {
  const groups: { x: number; z: number; members: number[] }[] = [];
  terms.forEach((t, idx) => {
    const support = (t.x | t.z) >>> 0;
    for (const g of groups) {
      const gs = (g.x | g.z) >>> 0;
      const both = (support & gs) >>> 0;
      if (((t.x ^ g.x) & both) === 0 && ((t.z ^ g.z) & both) === 0) {
        g.x = (g.x | t.x) >>> 0;
        g.z = (g.z | t.z) >>> 0;
        g.members.push(idx);
        return;
      }
    }
    groups.push({ x: t.x, z: t.z, members: [idx] });
  });
  return groups;
}
