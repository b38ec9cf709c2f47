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
import { dagger, matMul, maxDistance } from "../math/matrix.ts";
import type { SimEngine } from "./engine.ts";
import { type BlockingOptions, relabel } from "./blocking.ts";
import { makeScratch } from "./execute.ts";
import type { KernelInstr } from "./instructions.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { lowerControlled } from "./lower.ts";
import {
  MAX_GRAD_STEPS,
  MIN_EXCHANGE_BLOCK_QUBITS,
  simdKernels,
} from "./wasm/simd.ts";
import { planStage } from "./wasm/stage.ts";
import {
  type BackStage,
  type BackStep,
  type StageAction,
  localStep,
  runStageChunks,
  stageChunks,
} from "./adjoint-steps.ts";

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

/** dU/dtheta U^dagger of rx, ry, rz and p: -i/2 times their Pauli generator, diag(0, i) for p. */
const GENERATOR_FORMS: Readonly<Record<string, Float64Array>> = {
  rx: Float64Array.of(0, 0, 0, -0.5, 0, -0.5, 0, 0),
  ry: Float64Array.of(0, 0, -0.5, 0, 0.5, 0, 0, 0),
  rz: Float64Array.of(0, -0.5, 0, 0, 0, 0, 0, 0.5),
  p: Float64Array.of(0, 0, 0, 0, 0, 0, 0, 1),
};

/**
 * E = D U^dagger of a one-qubit gate (D = dU/dtheta_r): Re <lam|E|phi> before a backward step is
 * Re <lam'|D|phi'> after it. For rx, ry, rz and p the exact form (its zeros are exact, so the fused
 * kernel leaves them out; the stencil's product is off by about 1e-13).
 */
function derivativeForm(
  op: GateOp,
  r: number,
  D: Float64Array,
  udag: Float64Array,
): Float64Array {
  const e = matMul(D, udag);
  const exact =
    r === 0 && op.params.length === 1 ? GENERATOR_FORMS[op.name] : undefined;
  return exact && maxDistance(exact, e) < 1e-9 ? exact : e;
}

const X = [0, 0, 1, 0, 1, 0, 0, 0];

/** Whether a backward step is cx (one control, X on one target). */
function isCx(st: BackStep): boolean {
  return (
    st.derivs.length === 0 &&
    st.targets.length === 1 &&
    st.controls.length === 1 &&
    st.udag.every((v, i) => v === X[i])
  );
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
      if (row.some((v) => v !== 0)) {
        const D = gateDerivative(op, r);
        derivs.push({
          D,
          E:
            targets.length === 1 && controls.length === 0
              ? derivativeForm(op, r, D, udag)
              : undefined,
          row: Float64Array.from({ length: numParams }, (_, j) => row[j]),
        });
      }
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
 * The backward sweep's blocking from the simulator's: every stage copies phi and every lam into the
 * chunk buffers and back, so stages take more high qubits (up to 7, keeping runs of at least 2^8
 * amplitudes with one lam): n = 20, a 4-layer hardware-efficient ansatz, 4 stages instead of 9.
 */
export function backwardBlocking(blocking: BlockingOptions): BlockingOptions {
  return {
    ...blocking,
    highQubits: Math.max(
      blocking.highQubits,
      Math.min(7, blocking.chunkQubits - 9),
    ),
  };
}

/**
 * The adjoint sweep. `phi` is the final state (it is run back to |0...0> in place), `lams[k]` =
 * O_k phi (consumed). Returns grads[k][j] over `numParams` circuit parameters.
 *
 * The backward sweep is cache-blocked like the forward simulator (blocking.ts): the
 * steps are cut into stages touching at most `highQubits` qubits at or above the chunk, and each
 * stage runs chunk by chunk on phi and every lam together, each one-qubit step as one fused loop
 * (apply U^dagger to phi, accumulate <lam|dU|phi>, apply U^dagger to lam), and with WebAssembly
 * SIMD consecutive such steps on one qubit (ry then rz) as one loop. So a stage costs one pass
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
      // The group's indices of the pending steps.
      let pendingAt: number[] = [];
      const flush = (): void => {
        if (pending.length > 0)
          actions.push({ plans: planStage(pending, single, local) });
        pending = [];
        pendingAt = [];
      };
      const fusable = (st: BackStep): boolean =>
        !single && st.derivs.length === 1 && st.derivs[0].E !== undefined;
      // Steps of the group taken early into a fused pass of an earlier step on the same qubit.
      const taken = new Set<number>();
      group.forEach((i, j) => {
        if (taken.has(j)) return;
        const st = steps[i];
        if (st.derivs.length === 0) {
          pending.push(relabel(st.instr, map));
          pendingAt.push(j);
          return;
        }
        if (!fusable(st)) {
          flush();
          actions.push({ step: j });
          return;
        }
        // The next steps on this qubit join the pass while they are fusable too: the steps in
        // between act on other qubits, so they commute with them.
        const t = st.targets[0];
        // The last pending step on t, when it is a cx with target t and no later pending step acts
        // on its control (so it commutes past them), goes into the pass: it exchanges the pairs
        // read where its control is 1.
        let control: number | undefined;
        let at = pendingAt.length - 1;
        while (at >= 0 && !steps[group[pendingAt[at]]].qubits.includes(t)) at--;
        const before = at >= 0 ? steps[group[pendingAt[at]]] : undefined;
        if (
          before &&
          isCx(before) &&
          before.targets[0] === t &&
          Math.min(map(before.controls[0]), map(t)) >=
            MIN_EXCHANGE_BLOCK_QUBITS &&
          pendingAt
            .slice(at + 1)
            .every((k) => !steps[group[k]].qubits.includes(before.controls[0]))
        ) {
          control = map(before.controls[0]);
          pending.splice(at, 1);
          pendingAt.splice(at, 1);
        }
        flush();
        const fused = [j];
        for (let k = j + 1; k < group.length; k++) {
          if (fused.length === MAX_GRAD_STEPS) break;
          const next = steps[group[k]];
          if (!next.qubits.includes(t)) continue;
          if (!fusable(next)) break;
          fused.push(k);
          taken.add(k);
        }
        actions.push({ fused, t: map(t), control });
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
