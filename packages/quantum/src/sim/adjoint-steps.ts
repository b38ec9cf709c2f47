/**
 * The work of the adjoint gradient's backward sweep (gradient.ts) on states or on chunks of them:
 * one step (U^dagger on phi and the lambdas, <lambda|dU|phi>), fused into one loop for one-qubit
 * steps, and a cache-blocked stage as plain data whose chunks any thread can run
 * (`SimEngine.backwardStage`: the thread pool shares them out).
 */
import { relabel } from "./blocking.ts";
import { applyInstr } from "./execute.ts";
import { type KernelInstr, outerSize } from "./instructions.ts";
import { insertZeroBits } from "./kernels/controlled.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { type GradPass, type Plan, simdKernels } from "./wasm/simd.ts";

/**
 * Re <lam| C(D) |phi>, where D acts on `targets` (qubits[0] = matrix LSB) and C(D) is D on the
 * subspace where all `controls` are 1 and zero elsewhere (the derivative of a controlled gate).
 */
export function derivativeInner(
  lam: Amplitudes,
  phi: Amplitudes,
  targets: readonly number[],
  controls: readonly number[],
  D: Float64Array,
): number {
  const k = targets.length;
  const d = 1 << k;
  const off = new Int32Array(d);
  for (let j = 0; j < d; j++)
    for (let b = 0; b < k; b++) if ((j >> b) & 1) off[j] += 1 << targets[b];
  const tmask = targets.reduce((acc, t) => acc | (1 << t), 0);
  const cmask = controls.reduce((acc, c) => acc | (1 << c), 0);
  const dim = phi.length / 2;
  const vr = new Float64Array(d),
    vi = new Float64Array(d);
  let acc = 0;
  for (let i = 0; i < dim; i++) {
    if ((i & tmask) !== 0 || (i & cmask) !== cmask) continue;
    for (let c = 0; c < d; c++) {
      vr[c] = phi[2 * (i + off[c])];
      vi[c] = phi[2 * (i + off[c]) + 1];
    }
    for (let r = 0; r < d; r++) {
      let wr = 0,
        wi = 0;
      for (let c = 0; c < d; c++) {
        const mr = D[2 * (r * d + c)],
          mi = D[2 * (r * d + c) + 1];
        wr += mr * vr[c] - mi * vi[c];
        wi += mr * vi[c] + mi * vr[c];
      }
      const p = 2 * (i + off[r]);
      acc += lam[p] * wr + lam[p + 1] * wi;
    }
  }
  return acc;
}

/** One op of the backward sweep: U^dagger lowered, and dU/dtheta_r per parameter that moves. */
export interface BackStep {
  readonly idx: number;
  /** Targets (qubits[0] = matrix LSB) and controls as the derivative sees them. */
  readonly targets: readonly number[];
  readonly controls: readonly number[];
  /** U^dagger on the targets (2^k x 2^k, interleaved). */
  readonly udag: Float64Array;
  readonly instr: KernelInstr;
  /**
   * Per moving op parameter: its derivative matrix D, for a one-qubit step without controls also
   * E = D U^dagger (the fused kernel's form), and its row of the Jacobian.
   */
  readonly derivs: {
    readonly D: Float64Array;
    readonly E: Float64Array | undefined;
    readonly row: Float64Array;
  }[];
  /** Every qubit the step touches. */
  readonly qubits: readonly number[];
}

/**
 * One backward step on one target qubit, fused: for every amplitude pair of t (where all bits of
 * cmask are set) phi <- U^dagger phi, acc[r * K + k] += Re <lam_k| D_r |phi>, lam_k <- U^dagger lam_k,
 * in a single pass over phi and the lams. Pairs outside the controls are left alone (U is the
 * identity there and D is zero).
 */
function fusedStep1(
  phi: Amplitudes,
  lams: readonly Amplitudes[],
  t: number,
  cmask: number,
  u: Float64Array,
  Ds: readonly Float64Array[],
  acc: Float64Array,
): void {
  const K = lams.length;
  const dim = phi.length / 2;
  const st = 1 << t;
  const u00r = u[0],
    u00i = u[1],
    u01r = u[2],
    u01i = u[3],
    u10r = u[4],
    u10i = u[5],
    u11r = u[6],
    u11i = u[7];
  const R = Ds.length;
  const D = Ds[0];
  const d0r = D[0],
    d0i = D[1],
    d1r = D[2],
    d1i = D[3],
    d2r = D[4],
    d2i = D[5],
    d3r = D[6],
    d3i = D[7];
  for (let k = 0; k < K; k++) {
    const lam = lams[k];
    const first = k === 0;
    const sums = new Float64Array(R);
    let sum0 = 0;
    for (let base = 0; base < dim; base += 2 * st)
      for (let i0 = base; i0 < base + st; i0++) {
        if ((i0 & cmask) !== cmask) continue;
        const p0 = 2 * i0,
          p1 = 2 * (i0 + st);
        let a0r = phi[p0],
          a0i = phi[p0 + 1],
          a1r = phi[p1],
          a1i = phi[p1 + 1];
        if (first) {
          const b0r = u00r * a0r - u00i * a0i + u01r * a1r - u01i * a1i;
          const b0i = u00r * a0i + u00i * a0r + u01r * a1i + u01i * a1r;
          const b1r = u10r * a0r - u10i * a0i + u11r * a1r - u11i * a1i;
          const b1i = u10r * a0i + u10i * a0r + u11r * a1i + u11i * a1r;
          phi[p0] = a0r = b0r;
          phi[p0 + 1] = a0i = b0i;
          phi[p1] = a1r = b1r;
          phi[p1 + 1] = a1i = b1i;
        }
        const l0r = lam[p0],
          l0i = lam[p0 + 1],
          l1r = lam[p1],
          l1i = lam[p1 + 1];
        // The first derivative with its entries in locals (one moving parameter is the common case).
        sum0 +=
          l0r * (d0r * a0r - d0i * a0i + d1r * a1r - d1i * a1i) +
          l0i * (d0r * a0i + d0i * a0r + d1r * a1i + d1i * a1r) +
          l1r * (d2r * a0r - d2i * a0i + d3r * a1r - d3i * a1i) +
          l1i * (d2r * a0i + d2i * a0r + d3r * a1i + d3i * a1r);
        for (let r = 1; r < R; r++) {
          const D = Ds[r];
          const w0r = D[0] * a0r - D[1] * a0i + D[2] * a1r - D[3] * a1i;
          const w0i = D[0] * a0i + D[1] * a0r + D[2] * a1i + D[3] * a1r;
          const w1r = D[4] * a0r - D[5] * a0i + D[6] * a1r - D[7] * a1i;
          const w1i = D[4] * a0i + D[5] * a0r + D[6] * a1i + D[7] * a1r;
          sums[r] += l0r * w0r + l0i * w0i + l1r * w1r + l1i * w1i;
        }
        lam[p0] = u00r * l0r - u00i * l0i + u01r * l1r - u01i * l1i;
        lam[p0 + 1] = u00r * l0i + u00i * l0r + u01r * l1i + u01i * l1r;
        lam[p1] = u10r * l0r - u10i * l0i + u11r * l1r - u11i * l1i;
        lam[p1 + 1] = u10r * l0i + u10i * l0r + u11r * l1i + u11i * l1r;
      }
    acc[k] += sum0;
    for (let r = 1; r < R; r++) acc[r * K + k] += sums[r];
  }
}

/** One backward step on (a chunk of) the states, with the step's qubits mapped to local ones. */
export function localStep(
  s: BackStep,
  map: (q: number) => number,
  phi: Amplitudes,
  lams: readonly Amplitudes[],
  acc: Float64Array,
  scratch: Float64Array,
  identity: boolean,
): void {
  const K = lams.length;
  const targets = identity ? s.targets : s.targets.map(map);
  const controls = identity ? s.controls : s.controls.map(map);
  if (targets.length === 1 && s.derivs.length > 0) {
    const cmask = controls.reduce((m, c) => m | (1 << c), 0);
    fusedStep1(
      phi,
      lams,
      targets[0],
      cmask,
      s.udag,
      s.derivs.map((d) => d.D),
      acc,
    );
    return;
  }
  const instr = identity ? s.instr : relabel(s.instr, map);
  const local = Math.log2(phi.length / 2);
  applyInstr(phi, instr, 0, outerSize(instr, local), scratch);
  s.derivs.forEach(({ D }, r) => {
    for (let k = 0; k < K; k++)
      acc[r * K + k] += derivativeInner(lams[k], phi, targets, controls, D);
  });
  for (const lam of lams)
    applyInstr(lam, instr, 0, outerSize(instr, local), scratch);
}

/**
 * One action of a stage: steps without a derivative planned together, fused steps on local
 * target t (in order, one pass; after cx(control, t) when `control`, a local qubit, is set), or a
 * step.
 */
export type StageAction =
  | { readonly plans: readonly (Plan | KernelInstr)[] }
  | {
      readonly fused: readonly number[];
      readonly t: number;
      readonly control: number | undefined;
    }
  | { readonly step: number };

/**
 * A cache-blocked stage of the backward sweep as plain data, so that the pool's workers can run
 * its chunks too (`SimEngine.backwardStage`): chunk c holds the 2^low amplitudes from bit 0 and
 * every value of the high qubits `hs` (2^local amplitudes), for each value of the other bits.
 */
export interface BackStage {
  readonly n: number;
  readonly low: number;
  readonly hs: readonly number[];
  readonly single: boolean;
  /** Whether the WebAssembly SIMD kernels run the actions (planned for them). */
  readonly simd: boolean;
  /** The stage's steps; actions refer to them by index. */
  readonly steps: readonly BackStep[];
  readonly actions: readonly StageAction[];
  /** Where each step's accumulators (derivatives x lams) start in a chunk's vector of accLen. */
  readonly accAt: readonly number[];
  readonly accLen: number;
}

/** Chunks of a stage. */
export function stageChunks(stage: BackStage): number {
  return 2 ** (stage.n - stage.low - stage.hs.length);
}

/**
 * Runs chunks [begin, end) of a stage on phi and the lams (gather, the actions, scatter), writing
 * chunk c's sums <lam|dU|phi> to out[c * accLen + accAt[step] + r * K + k] (added to zero, so a
 * chunk's sums do not depend on which thread ran it).
 */
export function runStageChunks(
  stage: BackStage,
  begin: number,
  end: number,
  phi: Amplitudes,
  lams: readonly Amplitudes[],
  out: Float64Array,
  scratch: Float64Array,
): void {
  const { low, hs, single, steps, actions, accAt, accLen } = stage;
  const local = low + hs.length;
  const len = 2 * 2 ** local;
  const simd = stage.simd ? simdKernels() : undefined;
  if (stage.simd && !simd)
    throw new Error("invariant: a SIMD stage on a thread without SIMD");
  const alloc = (): Amplitudes =>
    single ? new Float32Array(len) : new Float64Array(len);
  const bufs = simd?.buffers(single, len, 1 + lams.length);
  const bufPhi = bufs ? bufs[0] : alloc();
  const bufLams = bufs ? bufs.slice(1) : lams.map(alloc);
  const hoff = new Float64Array(1 << hs.length);
  for (let j = 0; j < hoff.length; j++)
    for (let b = 0; b < hs.length; b++)
      if ((j >> b) & 1) hoff[j] += 2 * 2 ** hs[b];
  const highBits = Int32Array.from(hs);
  const map = (q: number): number => (q < low ? q : low + hs.indexOf(q));
  const run = 2 * 2 ** low;
  const gather = (src: Amplitudes, buf: Amplitudes, base: number) => {
    for (let j = 0; j < hoff.length; j++) {
      const p0 = base + hoff[j];
      buf.set(src.subarray(p0, p0 + run), j * run);
    }
  };
  const scatter = (buf: Amplitudes, dst: Amplitudes, base: number) => {
    for (let j = 0; j < hoff.length; j++)
      dst.set(buf.subarray(j * run, (j + 1) * run), base + hoff[j]);
  };
  // The fused passes prepared once for all the chunks: without (for the lams but the first) and
  // with the store of phi.
  const passes = new Map<StageAction, [GradPass | undefined, GradPass]>();
  for (const act of actions)
    if ("fused" in act) {
      const us = act.fused.map((j) => steps[j].udag);
      const es = act.fused.map((j) => steps[j].derivs[0].E!);
      passes.set(act, [
        lams.length > 1
          ? simd!.fusedGradSteps(us, es, false, act.control)
          : undefined,
        simd!.fusedGradSteps(us, es, true, act.control),
      ]);
    }
  for (let c = begin; c < end; c++) {
    const acc = out.subarray(c * accLen, (c + 1) * accLen);
    acc.fill(0);
    const base = 2 * insertZeroBits(c * 2 ** low, highBits);
    gather(phi, bufPhi, base);
    lams.forEach((lam, k) => gather(lam, bufLams[k], base));
    for (const act of actions) {
      if ("plans" in act)
        for (const b of [bufPhi, ...bufLams])
          for (const pl of act.plans)
            if ("kind" in pl)
              applyInstr(b, pl, 0, outerSize(pl, local), scratch);
            else simd!.run(pl, b.byteOffset);
      else if ("fused" in act) {
        const [pass, last] = passes.get(act)!;
        // Every lam but the first reads phi as it was; the first one's pass writes phi back.
        for (let k = bufLams.length - 1; k >= 0; k--) {
          const sums = (k === 0 ? last : pass!)(
            bufPhi as Float64Array,
            bufLams[k] as Float64Array,
            local,
            act.t,
          );
          act.fused.forEach((j, s) => (acc[accAt[j] + k] += sums[s]));
        }
      } else {
        const st = steps[act.step];
        const at = accAt[act.step];
        localStep(
          st,
          map,
          bufPhi,
          bufLams,
          acc.subarray(at, at + st.derivs.length * lams.length),
          scratch,
          false,
        );
      }
    }
    scatter(bufPhi, phi, base);
    lams.forEach((lam, k) => scatter(bufLams[k], lam, base));
  }
}
