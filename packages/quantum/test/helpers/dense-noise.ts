/**
 * Test-only dense references for noise: the density matrix of a noisy circuit by explicit Kraus
 * sums (rho -> sum_k K_k rho K_k^dagger with every K_k expanded to the full 2^n x 2^n matrix), and
 * random noisy circuits over every channel.
 */
import {
  CHANNEL_NAMES,
  type Channel,
  krausChannel,
  namedChannel,
} from "../../src/ir/channels.ts";
import { dagger, matMul } from "../../src/math/matrix.ts";
import type { Circuit, GateOp, Operation } from "../../src/ir/types.ts";
import { opUnitary } from "./dense.ts";
import { randomCircuit } from "../sim/build.ts";

/** The full matrix of a (possibly non-unitary) k-qubit matrix m on `qubits` of n qubits. */
export function embed(
  m: Float64Array,
  qubits: readonly number[],
  n: number,
): Float64Array {
  const op: GateOp = {
    kind: "gate",
    name: "unitary",
    qubits,
    params: [],
    controls: [],
    matrix: m,
  };
  return opUnitary(op, n);
}

const RESET_KRAUS = [
  Float64Array.of(1, 0, 0, 0, 0, 0, 0, 0),
  Float64Array.of(0, 0, 1, 0, 0, 0, 0, 0),
];

function krausSum(
  rho: Float64Array,
  kraus: readonly Float64Array[],
): Float64Array {
  const out = new Float64Array(rho.length);
  for (const k of kraus) {
    const t = matMul(matMul(k, rho), dagger(k));
    for (let i = 0; i < out.length; i++) out[i] += t[i];
  }
  return out;
}

/** The final density matrix (row-major, interleaved) of a circuit of gates, noise, resets and terminal measurements. */
export function denseDensityMatrix(c: Circuit): Float64Array {
  const n = c.numQubits;
  const dim = 1 << n;
  let rho: Float64Array = new Float64Array(2 * dim * dim);
  rho[0] = 1;
  for (const op of c.ops) {
    if (op.kind === "gate") rho = krausSum(rho, [opUnitary(op, n)]);
    else if (op.kind === "noise")
      rho = krausSum(
        rho,
        op.channel.kraus.map((k) => embed(k, op.qubits, n)),
      );
    else if (op.kind === "reset")
      rho = krausSum(
        rho,
        RESET_KRAUS.map((k) => embed(k, [op.qubit], n)),
      );
  }
  return rho;
}

/** A random CPTP Kraus set on k qubits: K_j = A_j (sum A^dagger A)^(-1/2), built by a Gram-Schmidt of a random isometry. */
export function randomKraus(
  k: number,
  count: number,
  rng: () => number,
): Float64Array[] {
  const d = 1 << k;
  // A random d*count x d isometry V (columns orthonormal); K_j = rows j*d..(j+1)*d-1 of V.
  const rows = d * count;
  const cols: Float64Array[] = [];
  for (let c = 0; c < d; c++) {
    const v = new Float64Array(2 * rows);
    for (let i = 0; i < v.length; i++) v[i] = rng() - 0.5;
    for (const u of cols) {
      let pr = 0,
        pi = 0; // <u, v>
      for (let r = 0; r < rows; r++) {
        pr += u[2 * r] * v[2 * r] + u[2 * r + 1] * v[2 * r + 1];
        pi += u[2 * r] * v[2 * r + 1] - u[2 * r + 1] * v[2 * r];
      }
      for (let r = 0; r < rows; r++) {
        v[2 * r] -= pr * u[2 * r] - pi * u[2 * r + 1];
        v[2 * r + 1] -= pr * u[2 * r + 1] + pi * u[2 * r];
      }
    }
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    cols.push(v.map((x) => x / norm));
  }
  const out: Float64Array[] = [];
  for (let j = 0; j < count; j++) {
    const m = new Float64Array(2 * d * d);
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        m[2 * (r * d + c)] = cols[c][2 * (j * d + r)];
        m[2 * (r * d + c) + 1] = cols[c][2 * (j * d + r) + 1];
      }
    out.push(m);
  }
  return out;
}

/** A random channel of every kind in turn (named ones with random parameters, or a random Kraus set). */
export function randomChannel(rng: () => number, maxQubits = 2): Channel {
  const names = Object.keys(CHANNEL_NAMES).filter(
    (x) => CHANNEL_NAMES[x].qubits <= maxQubits,
  );
  const pick = Math.floor(rng() * (names.length + 1));
  if (pick === names.length) {
    const k = maxQubits >= 2 && rng() < 0.5 ? 2 : 1;
    const r = krausChannel(randomKraus(k, 1 + Math.floor(rng() * 3), rng));
    if (!r.ok) throw new Error(r.message);
    return r.channel;
  }
  const name = names[pick];
  const params = CHANNEL_NAMES[name].params.map(() => rng() * 0.3);
  const r = namedChannel(name, params);
  if (!r.ok) throw new Error(r.message);
  return r.channel;
}

/**
 * A random noisy circuit: random standard gates with a random channel after about half of them,
 * some resets, and (with `measureAll`) terminal measurements of every qubit into its clbit.
 */
export function randomNoisyCircuit(
  n: number,
  gates: number,
  rng: () => number,
  measureAll = true,
): Circuit {
  const base = randomCircuit(n, gates, rng);
  const ops: Operation[] = [];
  for (const op of base.ops) {
    ops.push(op);
    if (op.kind !== "gate" || rng() < 0.5) continue;
    const qs = [...op.controls, ...op.qubits];
    const ch = randomChannel(rng, Math.min(2, n));
    const pool = [...qs, ...Array.from({ length: n }, (_, q) => q)];
    const targets = [...new Set(pool)].slice(0, ch.numQubits);
    ops.push({ kind: "noise", channel: ch, qubits: targets });
    if (rng() < 0.05) ops.push({ kind: "reset", qubit: qs[0] });
  }
  if (measureAll)
    for (let q = 0; q < n; q++)
      ops.push({ kind: "measure", qubit: q, clbit: q });
  return {
    ...base,
    numClbits: measureAll ? n : 0,
    cregs: measureAll ? [{ name: "c", size: n, offset: 0 }] : [],
    ops,
  };
}
