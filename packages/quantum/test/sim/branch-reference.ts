/**
 * Exact outcome distributions of small dynamic circuits for tests: every measurement and reset
 * branch is enumerated with the dense reference (no sampling), and a chi-square check of counts.
 * Run-time classical code (classical ops, jumps) is followed branch by branch; loops end when a
 * branch's probability falls below 1e-15.
 */
import type { Circuit, Condition, Operation } from "../../src/ir/types.ts";
import { basisKey, countsKey } from "../../src/sim/counts.ts";
import { evalClassical, storeBits } from "../../src/ir/classical.ts";
import { basisState, denseApply } from "../helpers/dense.ts";
import { std } from "./build.ts";

function holds(c: Condition, bits: readonly number[]): boolean {
  let v = 0;
  for (let i = 0; i < c.clbits.length; i++) v += bits[c.clbits[i]] * 2 ** i;
  const ops = {
    "==": v === c.value,
    "!=": v !== c.value,
    "<": v < c.value,
    "<=": v <= c.value,
    ">": v > c.value,
    ">=": v >= c.value,
  };
  return ops[c.op];
}

/** Probability of reading 1 on qubit q, and the two projected, renormalised states. */
function split(
  s: Float64Array,
  q: number,
): { p1: number; states: [Float64Array, Float64Array] } {
  const zero = new Float64Array(s.length),
    one = new Float64Array(s.length);
  let p1 = 0;
  for (let i = 0; i < s.length / 2; i++) {
    const target = (i >> q) & 1 ? one : zero;
    target[2 * i] = s[2 * i];
    target[2 * i + 1] = s[2 * i + 1];
    if ((i >> q) & 1) p1 += s[2 * i] ** 2 + s[2 * i + 1] ** 2;
  }
  const scale = (a: Float64Array, p: number): Float64Array =>
    p > 0 ? a.map((x) => x / Math.sqrt(p)) : a;
  return { p1, states: [scale(zero, 1 - p1), scale(one, p1)] };
}

/** The exact distribution of count keys of a dynamic circuit (n <= 8), by branch enumeration. */
export function exactDistribution(c: Circuit): Map<string, number> {
  const out = new Map<string, number>();
  const labels = new Map<number, number>();
  c.ops.forEach((op, i) => {
    if (op.kind === "label") labels.set(op.id, i);
  });
  const walk = (
    i: number,
    s: Float64Array,
    p: number,
    bits: number[],
  ): void => {
    if (p < 1e-15) return;
    if (i === c.ops.length) {
      if (c.numClbits > 0) {
        const key = countsKey(Uint8Array.from(bits), c.cregs);
        out.set(key, (out.get(key) ?? 0) + p);
      } else
        for (let b = 0; b < s.length / 2; b++) {
          const w = s[2 * b] ** 2 + s[2 * b + 1] ** 2;
          const key = basisKey(b, c.numQubits);
          if (w > 1e-15) out.set(key, (out.get(key) ?? 0) + p * w);
        }
      return;
    }
    const op: Operation = c.ops[i];
    if (op.kind === "barrier" || op.kind === "opaque" || op.kind === "label")
      return walk(i + 1, s, p, bits);
    if (op.kind === "noise")
      throw new Error("the branch reference does not take noise");
    if (op.condition && !holds(op.condition, bits))
      return walk(i + 1, s, p, bits);
    if (op.kind === "jump") return walk(labels.get(op.to)!, s, p, bits);
    if (op.kind === "classical") {
      const next = Uint8Array.from(bits);
      storeBits(op.clbits, evalClassical(op.value, next), next);
      return walk(i + 1, s, p, [...next]);
    }
    if (op.kind === "gate") return walk(i + 1, denseApply(s, op), p, bits);
    const { p1, states } = split(s, op.qubit);
    for (const bit of [0, 1]) {
      const pb = bit ? p1 : 1 - p1;
      const next = [...bits];
      let st = states[bit];
      if (op.kind === "measure") next[op.clbit] = bit;
      else if (bit === 1) st = denseApply(st, std("x", [op.qubit])[0]);
      walk(i + 1, st, p * pb, next);
    }
  };
  walk(
    0,
    basisState(c.numQubits, 0),
    1,
    new Array<number>(c.numClbits).fill(0),
  );
  return out;
}

/** Chi-square statistic of counts against a distribution; keys with probability 0 make it Infinity. */
export function chiSquare(
  counts: Record<string, number>,
  dist: Map<string, number>,
): { stat: number; df: number } {
  const shots = Object.values(counts).reduce((a, b) => a + b, 0);
  for (const k of Object.keys(counts))
    if (!dist.has(k)) return { stat: Infinity, df: dist.size - 1 };
  let stat = 0;
  for (const [k, p] of dist) {
    const e = shots * p;
    stat += ((counts[k] ?? 0) - e) ** 2 / e;
  }
  return { stat, df: dist.size - 1 };
}

/** Upper chi-square quantile at about p = 1e-4 (Wilson-Hilferty), a bound a correct sampler passes. */
export function chiSquareBound(df: number): number {
  const d = Math.max(1, df);
  const z = 3.72;
  return d * (1 - 2 / (9 * d) + z * Math.sqrt(2 / (9 * d))) ** 3;
}
