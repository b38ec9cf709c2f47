/**
 * Gradients of expectation values with respect to circuit parameters.
 *
 * Adjoint method (as PennyLane Lightning): after the forward run, lambda_k = O_k psi; then for the
 * ops in reverse, phi <- U^dagger phi, every parameter r of the op contributes
 * 2 Re <lambda_k| dU/dtheta_r |phi>, and lambda_k <- U^dagger lambda_k. The op-parameter gradient
 * is carried to the circuit parameters by the Jacobian of ir/parametric.ts (chain rule through
 * expressions, gate definitions and modifiers). dU/dtheta comes from a five-point stencil on the
 * gate's reference matrix (error about 1e-13), so every parametrised gate is covered.
 *
 * Parameter shift: dE/dtheta from expectations at shifted op parameters (two terms for gates
 * exp(-i theta G / 2) with G of eigenvalues +-1, four terms for their controlled forms).
 */
import type { Circuit, GateOp } from "../ir/types.ts";
import { gateMatrix } from "../ir/gates.ts";
import type { OpJacobian } from "../ir/parametric.ts";
import { dagger } from "../math/matrix.ts";
import type { SimEngine } from "./engine.ts";
import { type BlockingOptions, relabel } from "./blocking.ts";
import { applyInstr, makeScratch } from "./execute.ts";
import { type KernelInstr, outerSize } from "./instructions.ts";
import { insertZeroBits } from "./kernels/controlled.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { lowerControlled } from "./lower.ts";
import { type Plan, simdKernels } from "./wasm/simd.ts";
import { planStage } from "./wasm/stage.ts";

/** Applies one gate op (or its inverse) to a. Ops without targets (global phase) are skipped. */
export function applyGateOp(
  engine: SimEngine,
  a: Amplitudes,
  op: GateOp,
  n: number,
  inverse: boolean,
): void {
  let targets = op.qubits;
  let controls = op.controls;
  let m = gateMatrix(op);
  if (targets.length === 0) {
    if (controls.length === 0) return;
    // A controlled global phase is a phase gate on the last control.
    targets = [controls[controls.length - 1]];
    controls = controls.slice(0, -1);
    m = gateMatrix({ name: "p", params: op.params });
  }
  if (inverse) m = dagger(m);
  engine.sweep(a, lowerControlled(targets, controls, m), n);
}

const H = 1e-3;

/** dU/dtheta_r of a gate op's reference matrix (five-point stencil). */
export function gateDerivative(op: GateOp, r: number): Float64Array {
  const at = (dt: number) => {
    const params = op.params.slice();
    params[r] += dt;
    const name =
      op.qubits.length === 0 && op.controls.length > 0 ? "p" : op.name;
    return gateMatrix({ name, params });
  };
  const p2 = at(2 * H),
    p1 = at(H),
    m1 = at(-H),
    m2 = at(-2 * H);
  const out = new Float64Array(p1.length);
  for (let i = 0; i < out.length; i++)
    out[i] = (-p2[i] + 8 * p1[i] - 8 * m1[i] + m2[i]) / (12 * H);
  return out;
}

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
  /** Per moving op parameter: its derivative matrix and its row of the Jacobian. */
  readonly derivs: { readonly D: Float64Array; readonly row: Float64Array }[];
  /** Every qubit the step touches. */
  readonly qubits: readonly number[];
}

function backSteps(
  circuit: Circuit,
  jac: readonly OpJacobian[],
  numParams: number,
): BackStep[] {
  const rows = new Map(jac.map((j) => [j.op, j.d]));
  const out: BackStep[] = [];
  for (let idx = circuit.ops.length - 1; idx >= 0; idx--) {
    const op = circuit.ops[idx];
    if (op.kind !== "gate") continue;
    // A global phase changes no expectation value, nor its derivative.
    if (op.qubits.length === 0 && op.controls.length === 0) continue;
    const phaseOnly = op.qubits.length === 0;
    const targets = phaseOnly
      ? [op.controls[op.controls.length - 1]]
      : op.qubits;
    const controls = phaseOnly ? op.controls.slice(0, -1) : op.controls;
    const m = phaseOnly
      ? gateMatrix({ name: "p", params: op.params })
      : gateMatrix(op);
    const udag = dagger(m);
    const derivs: BackStep["derivs"] = [];
    rows.get(idx)?.forEach((row, r) => {
      if (row.some((v) => v !== 0))
        derivs.push({
          D: gateDerivative(op, r),
          row: Float64Array.from({ length: numParams }, (_, j) => row[j]),
        });
    });
    out.push({
      idx,
      targets,
      controls,
      udag,
      instr: lowerControlled(targets, controls, udag),
      derivs,
      qubits: [...targets, ...controls],
    });
  }
  return out;
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
function localStep(
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
 * The adjoint sweep. `phi` is the final state (it is run back to |0...0> in place), `lams[k]` =
 * O_k phi (consumed). Returns grads[k][j] over `numParams` circuit parameters.
 *
 * The backward sweep is cache-blocked like the forward simulator (blocking.ts): the
 * steps are cut into stages touching at most `highQubits` qubits at or above the chunk, and each
 * stage runs chunk by chunk on phi and every lam together, each one-qubit step as one fused loop
 * (apply U^dagger to phi, accumulate <lam|dU|phi>, apply U^dagger to lam). So a stage costs one pass
 * over memory, not three per gate. On the thread pool the chunks of a stage are shared out among
 * the threads (`SimEngine.backwardStage`); the sums come out the same as on one thread.
 */
export function adjointGradients(
  engine: SimEngine,
  circuit: Circuit,
  jac: readonly OpJacobian[],
  phi: Amplitudes,
  lams: readonly Amplitudes[],
  numParams: number,
  shouldStop?: () => boolean,
  blocking?: BlockingOptions,
): Float64Array[] {
  const n = circuit.numQubits;
  const K = lams.length;
  const grads = lams.map(() => new Float64Array(numParams));
  const steps = backSteps(circuit, jac, numParams);
  const accs = steps.map((s) => new Float64Array(s.derivs.length * K));
  blockedBackward(engine, steps, accs, n, phi, lams, shouldStop, blocking);
  steps.forEach((s, i) =>
    s.derivs.forEach(({ row }, r) => {
      for (let k = 0; k < K; k++) {
        const g = 2 * accs[i][r * K + k];
        if (g !== 0)
          for (let j = 0; j < numParams; j++) grads[k][j] += g * row[j];
      }
    }),
  );
  return grads;
}

/** One action of a stage: steps without a derivative planned together, a fused step, or a step. */
type StageAction =
  | { readonly plans: readonly (Plan | KernelInstr)[] }
  | { readonly fused: number; readonly t: number }
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
        const st = steps[act.fused];
        bufLams.forEach((lam, k) => {
          acc[accAt[act.fused] + k] += simd!.fusedGradStep(
            bufPhi as Float64Array,
            lam as Float64Array,
            local,
            act.t,
            st.udag,
            st.derivs[0].D,
            k === 0,
          );
        });
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

function blockedBackward(
  engine: SimEngine,
  steps: readonly BackStep[],
  accs: readonly Float64Array[],
  n: number,
  phi: Amplitudes,
  lams: readonly Amplitudes[],
  shouldStop: (() => boolean) | undefined,
  blocking: BlockingOptions | undefined,
): void {
  const scratch = makeScratch();
  // phi and every lam share the cache: a chunk of each must fit together.
  const arrays = 1 + lams.length;
  const chunk = Math.max(
    4,
    (blocking?.chunkQubits ?? 16) - Math.ceil(Math.log2(arrays)),
  );
  if (blocking === undefined || n <= chunk) {
    steps.forEach((s, i) => {
      if (shouldStop?.()) throw new GradientCancelled();
      localStep(s, (q) => q, phi, lams, accs[i], scratch, true);
    });
    return;
  }
  const maxHigh = Math.min(blocking.highQubits, chunk - 1);
  const low = chunk - maxHigh;
  const single = phi instanceof Float32Array;
  // With WebAssembly SIMD, the chunks of phi and the lams sit in its memory and the steps without
  // a derivative run as its kernels (planned once per stage); the fused steps stay in TypeScript.
  const simd = blocking.simd === false ? undefined : simdKernels();
  // Stages as the forward scheduler cuts them (blocking.ts): a step may move ahead of steps on
  // other qubits (they commute); each stage touches at most maxHigh qubits at or above low.
  const queues: number[][] = Array.from({ length: n }, () => []);
  steps.forEach((st, g) => {
    for (const q of st.qubits) queues[q].push(g);
  });
  const head = new Int32Array(n);
  const done = new Uint8Array(steps.length);
  const ready = (g: number): boolean =>
    steps[g].qubits.every((q) => queues[q][head[q]] === g);
  const take = (g: number): void => {
    done[g] = 1;
    for (const q of steps[g].qubits) head[q]++;
  };
  let first = 0;
  while (first < steps.length) {
    if (shouldStop?.()) throw new GradientCancelled();
    const high = new Set<number>();
    const group: number[] = [];
    for (let progress = true; progress;) {
      progress = false;
      for (let q = 0; q < n; q++) {
        const g = queues[q][head[q]];
        if (g === undefined || !ready(g)) continue;
        const extra = steps[g].qubits.filter((x) => x >= low && !high.has(x));
        if (high.size + extra.length > maxHigh) continue;
        for (const x of extra) high.add(x);
        take(g);
        group.push(g);
        progress = true;
      }
    }
    if (group.length === 0) {
      // The earliest remaining step is always ready; too wide for a stage: over the whole states.
      take(first);
      localStep(steps[first], (q) => q, phi, lams, accs[first], scratch, true);
      while (first < steps.length && done[first]) first++;
      continue;
    }
    const hs = [...high].sort((x, y) => x - y);
    const local = low + hs.length;
    const map = (q: number): number => (q < low ? q : low + hs.indexOf(q));
    // With SIMD, the stage is a list of actions: runs of steps without a derivative planned
    // together (planStage merges them where it saves passes), fused steps in WebAssembly
    // (double, one target, no controls, one derivative), the others in TypeScript.
    const actions: StageAction[] = [];
    if (simd) {
      let pending: KernelInstr[] = [];
      const flush = (): void => {
        if (pending.length > 0)
          actions.push({ plans: planStage(pending, single, local) });
        pending = [];
      };
      group.forEach((i, j) => {
        const st = steps[i];
        if (st.derivs.length === 0) {
          pending.push(relabel(st.instr, map));
          return;
        }
        flush();
        if (
          !single &&
          st.derivs.length === 1 &&
          st.targets.length === 1 &&
          st.controls.length === 0
        )
          actions.push({ fused: j, t: map(st.targets[0]) });
        else actions.push({ step: j });
      });
      flush();
    } else group.forEach((_, j) => actions.push({ step: j }));
    const accAt: number[] = [];
    let accLen = 0;
    for (const i of group) {
      accAt.push(accLen);
      accLen += accs[i].length;
    }
    const stage: BackStage = {
      n,
      low,
      hs,
      single,
      simd: simd !== undefined,
      steps: group.map((i) => steps[i]),
      actions,
      accAt,
      accLen,
    };
    // Per chunk sums, added up in chunk order: the same numbers on one thread or many.
    const chunks = stageChunks(stage);
    const sums = engine.backwardStage
      ? engine.backwardStage(stage, phi, lams)
      : new Float64Array(chunks * accLen);
    if (!engine.backwardStage)
      runStageChunks(stage, 0, chunks, phi, lams, sums, scratch);
    for (let c = 0; c < chunks; c++)
      group.forEach((i, j) => {
        const acc = accs[i];
        for (let q = 0; q < acc.length; q++)
          acc[q] += sums[c * accLen + accAt[j] + q];
      });
    while (first < steps.length && done[first]) first++;
  }
}

/** Thrown when `shouldStop` asks a gradient sweep to end. */
export class GradientCancelled extends Error {}

const SHIFTABLE = new Set([
  "rx",
  "ry",
  "rz",
  "p",
  "u2",
  "u3",
  "rxx",
  "ryy",
  "rzz",
  "rzx",
]);

/** Shifts and weights of the parameter-shift rule for parameter r of op, or undefined when none applies. */
export function shiftRule(
  op: GateOp,
  r: number,
): { shift: number; weight: number }[] | undefined {
  const ok =
    SHIFTABLE.has(op.name) ||
    (op.name === "r" && r === 0) ||
    (op.name === "gphase" && op.controls.length > 0);
  if (!ok) return undefined;
  const h = Math.PI / 2;
  if (op.controls.length === 0 || op.name === "p" || op.name === "gphase")
    return [
      { shift: h, weight: 0.5 },
      { shift: -h, weight: -0.5 },
    ];
  const d1 = (Math.SQRT2 + 1) / (4 * Math.SQRT2);
  const d2 = (Math.SQRT2 - 1) / (4 * Math.SQRT2);
  return [
    { shift: h, weight: d1 },
    { shift: -h, weight: -d1 },
    { shift: 3 * h, weight: -d2 },
    { shift: -3 * h, weight: d2 },
  ];
}
