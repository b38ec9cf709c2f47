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
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { lowerControlled } from "./lower.ts";

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

/**
 * The adjoint sweep. `phi` is the final state (it is run back to |0...0> in place), `lams[k]` =
 * O_k phi (consumed). Returns grads[k][j] over `numParams` circuit parameters.
 */
export function adjointGradients(
  engine: SimEngine,
  circuit: Circuit,
  jac: readonly OpJacobian[],
  phi: Amplitudes,
  lams: readonly Amplitudes[],
  numParams: number,
  shouldStop?: () => boolean,
): Float64Array[] {
  const n = circuit.numQubits;
  const grads = lams.map(() => new Float64Array(numParams));
  let ji = jac.length - 1;
  for (let idx = circuit.ops.length - 1; idx >= 0; idx--) {
    const op = circuit.ops[idx];
    if (op.kind !== "gate") continue;
    if (shouldStop?.()) throw new GradientCancelled();
    applyGateOp(engine, phi, op, n, true);
    if (ji >= 0 && jac[ji].op === idx) {
      const { d } = jac[ji--];
      const targets =
        op.qubits.length > 0
          ? op.qubits
          : [op.controls[op.controls.length - 1]];
      const controls =
        op.qubits.length > 0 ? op.controls : op.controls.slice(0, -1);
      d.forEach((row, r) => {
        if (!row.some((v) => v !== 0)) return;
        if (op.qubits.length === 0 && op.controls.length === 0) return;
        const D = gateDerivative(op, r);
        lams.forEach((lam, k) => {
          const g = 2 * derivativeInner(lam, phi, targets, controls, D);
          for (let j = 0; j < numParams; j++) grads[k][j] += g * row[j];
        });
      });
    }
    for (const lam of lams) applyGateOp(engine, lam, op, n, true);
  }
  return grads;
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
