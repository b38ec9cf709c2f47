/**
 * Per-precision kernel copies. A kernel called with both Float64Array and Float32Array states
 * becomes polymorphic in V8 and slows down by about a third, so single precision gets its own
 * function instances, rebuilt from the kernels' source text (the same code, new feedback). Each copy
 * runs once on a small Float32Array; if the engine forbids `new Function` or the source is not
 * self-contained (instrumented builds), the originals are used unchanged. Browsers never try: a
 * Content-Security-Policy without 'unsafe-eval' reports every attempt as a violation (and a page
 * cannot ask its policy first without that report), so there single precision shares the originals.
 */
import { applyMat1, applyMat1Low } from "./one-qubit.ts";
import { applyMat2 } from "./two-qubit.ts";
import { applyMat1Controlled } from "./controlled.ts";
import { applyMatK } from "./dense-k.ts";
import { applyDiag, applyDiag1, applyDiagScalar } from "./diagonal.ts";
import { applySwapPairs, applySwapPairs2 } from "./permutation.ts";
import {
  applyDiagGroups,
  applyDiagGroups2,
  applyMat1Real,
  applyMat1Rx,
  applyPhaseMask,
} from "./cheap.ts";

/** The kernels one precision dispatches to. */
export interface KernelSet {
  readonly applyMat1: typeof applyMat1;
  readonly applyMat2: typeof applyMat2;
  readonly applyMat1Controlled: typeof applyMat1Controlled;
  readonly applyMatK: typeof applyMatK;
  readonly applyDiag: typeof applyDiag;
  readonly applySwapPairs: typeof applySwapPairs;
  readonly applyMat1Real: typeof applyMat1Real;
  readonly applyMat1Rx: typeof applyMat1Rx;
  readonly applyPhaseMask: typeof applyPhaseMask;
  readonly applyDiagGroups: typeof applyDiagGroups;
}

/** The kernels as written (used for Float64Array states). */
export const BASE_KERNELS: KernelSet = {
  applyMat1,
  applyMat2,
  applyMat1Controlled,
  applyMatK,
  applyDiag,
  applySwapPairs,
  applyMat1Real,
  applyMat1Rx,
  applyPhaseMask,
  applyDiagGroups,
};

type Fn = (...args: never[]) => unknown;

function rebuild<T extends Fn>(f: T, deps: Record<string, Fn> = {}): T {
  const names = Object.keys(deps);
  const make = new Function(
    ...names,
    `"use strict"; return (${f.toString()});`,
  ) as (...d: Fn[]) => T;
  return make(...names.map((n) => deps[n]));
}

/**
 * Runs every kernel of a set once on a small Float32Array (so only that type is ever seen by the
 * copies) and checks the result against a direct computation of the first step; throws on failure.
 */
function selfCheck(k: KernelSet): boolean {
  const s = Float32Array.from({ length: 64 }, (_, i) => Math.sin(i + 1));
  const m2 = Float64Array.from({ length: 8 }, (_, i) => Math.cos(i));
  const want0 = m2[0] * s[0] - m2[1] * s[1] + m2[2] * s[2] - m2[3] * s[3];
  const m4 = Float64Array.from({ length: 32 }, (_, i) => Math.cos(i));
  const bits = Int32Array.of(1, 3);
  k.applyMat1(s, 0, m2, 0, 16);
  const ok = Math.abs(s[0] - want0) < 1e-5;
  k.applyMat1(s, 2, m2, 0, 16);
  k.applyMat2(s, 1, 4, m4, 0, 8);
  k.applyMat1Controlled(s, 1, bits, 8, m2, 0, 8);
  k.applyMatK(
    s,
    Float64Array.of(0, 2, 8, 10),
    bits,
    0,
    m4,
    new Float64Array(8),
    0,
    8,
  );
  k.applyDiag(
    s,
    Int32Array.of(0),
    Float64Array.of(1, 0, 0, 1),
    new Int32Array(0),
    0,
    32,
  );
  k.applyDiag(
    s,
    new Int32Array(0),
    Float64Array.of(0, 1),
    new Int32Array(0),
    0,
    32,
  );
  k.applySwapPairs(s, bits, 0, 4, 16, 0, 8);
  k.applySwapPairs(s, Int32Array.of(2), 0, 0, 8, 0, 16);
  k.applyMat1Real(s, 0, m2, 0, 16);
  k.applyMat1Real(s, 3, m2, 0, 16);
  k.applyMat1Rx(s, 0, m2, 0, 16);
  k.applyMat1Rx(s, 2, m2, 0, 16);
  k.applyPhaseMask(s, Int32Array.of(1), 2, 0, 1, 0, 16);
  k.applyPhaseMask(s, bits, 10, 0, -1, 0, 8);
  k.applyPhaseMask(s, Int32Array.of(0, 1, 2), 7, 0, 1, 0, 4);
  k.applyDiagGroups(
    s,
    bits,
    Float64Array.of(0, 16, 4, 20),
    Float64Array.of(1, 0, 0, 1, -1, 0, 0, -1),
    0,
    8,
  );
  return ok && s.every((v) => Number.isFinite(v));
}

/**
 * True where kernels may be rebuilt with `new Function`: Node-like runtimes (Node, Deno, Bun), where
 * no Content-Security-Policy applies. False in browser windows and workers, which have no
 * `process.versions.node`.
 */
export function canRebuildKernels(): boolean {
  const g = globalThis as { process?: { versions?: { node?: unknown } } };
  return typeof g.process?.versions?.node === "string";
}

/**
 * Fresh kernel instances for single precision, or the originals when they cannot be made or
 * `rebuildAllowed` is false (by default, outside Node-like runtimes: then `new Function` is never called).
 */
export function singlePrecisionKernels(
  rebuildAllowed = canRebuildKernels(),
): KernelSet {
  if (!rebuildAllowed) return BASE_KERNELS;
  try {
    const copy: KernelSet = {
      applyMat1: rebuild(applyMat1, { applyMat1Low: rebuild(applyMat1Low) }),
      applyMat2: rebuild(applyMat2),
      applyMat1Controlled: rebuild(applyMat1Controlled),
      applyMatK: rebuild(applyMatK),
      applyDiag: rebuild(applyDiag, {
        applyDiag1: rebuild(applyDiag1),
        applyDiagScalar: rebuild(applyDiagScalar),
      }),
      applySwapPairs: rebuild(applySwapPairs, {
        applySwapPairs2: rebuild(applySwapPairs2),
      }),
      applyMat1Real: rebuild(applyMat1Real),
      applyMat1Rx: rebuild(applyMat1Rx),
      applyPhaseMask: rebuild(applyPhaseMask),
      applyDiagGroups: rebuild(applyDiagGroups, {
        applyDiagGroups2: rebuild(applyDiagGroups2),
      }),
    };
    return selfCheck(copy) ? copy : BASE_KERNELS;
  } catch {
    return BASE_KERNELS;
  }
}
