/**
 * QAOA problems (Farhi, Goldstone and Gutmann 2014): MaxCut on a weighted graph and Ising models
 * become a diagonal cost Hamiltonian (a Pauli sum of Z and ZZ terms), the p-layer QAOA circuit as
 * OpenQASM 3 with `input` angles, and exact optima by brute force for reference.
 *
 * Conventions: qubit i is node i; in a measured bitstring (Qiskit order, qubit 0 rightmost) a 1
 * puts the node on the other side of the cut. MaxCut minimises H = sum_w w/2 (Z_i Z_j - 1), so
 * <H> = -expected cut. Ising minimises H = sum_i h_i Z_i + sum J_ij Z_i Z_j with spin
 * s_i = +1 for bit 0 and -1 for bit 1.
 */
import { pauliLabel, simplify, type PauliTerm } from "./pauli.ts";

/** A MaxCut instance: edges `[i, j]` (weight 1) or `[i, j, weight]`. */
export interface MaxCutProblem {
  readonly type: "maxcut";
  readonly nodes: number;
  readonly edges: readonly (readonly number[])[];
}

/** An Ising instance: fields h by node (object keys are node numbers) and couplings [i, j, J]. */
export interface IsingProblem {
  readonly type: "ising";
  readonly h: Readonly<Record<string, number>>;
  readonly J: readonly (readonly number[])[];
  /** Number of spins; default 1 + the largest node named. */
  readonly nodes?: number;
}

/** A QAOA problem. */
export type QaoaProblem = MaxCutProblem | IsingProblem;

/** Largest problem the brute-force optimum is computed for. */
export const BRUTE_FORCE_MAX_NODES = 24;

/** A problem field that is wrong, with its JSON path from the problem (`edges/3/1`). */
export interface ProblemIssue {
  readonly path: string;
  readonly message: string;
}

/** Checks a problem; an empty list means it is usable. */
export function checkProblem(p: QaoaProblem, maxNodes: number): ProblemIssue[] {
  const issues: ProblemIssue[] = [];
  const n = nodeCount(p);
  if (!Number.isInteger(n) || n < 1)
    issues.push({ path: "nodes", message: "must be a positive integer" });
  else if (n > maxNodes)
    issues.push({
      path: "nodes",
      message: `${n} nodes; this server allows ${maxNodes}`,
    });
  const node = (v: unknown, path: string) => {
    if (!Number.isInteger(v) || (v as number) < 0 || (v as number) >= n)
      issues.push({
        path,
        message: `node ${String(v)} is out of range 0..${n - 1}`,
      });
  };
  if (p.type === "maxcut") {
    p.edges.forEach((e, k) => {
      if (e.length < 2 || e.length > 3)
        issues.push({
          path: `edges/${k}`,
          message: "an edge is [i, j] or [i, j, weight]",
        });
      node(e[0], `edges/${k}/0`);
      node(e[1], `edges/${k}/1`);
      if (e[0] === e[1])
        issues.push({
          path: `edges/${k}`,
          message: "an edge joins two different nodes",
        });
      if (e.length === 3 && !Number.isFinite(e[2]))
        issues.push({
          path: `edges/${k}/2`,
          message: "weight must be a finite number",
        });
    });
  } else {
    for (const [k, v] of Object.entries(p.h)) {
      node(Number(k), `h/${k}`);
      if (!Number.isFinite(v))
        issues.push({ path: `h/${k}`, message: "must be a finite number" });
    }
    p.J.forEach((e, k) => {
      if (e.length !== 3)
        issues.push({ path: `J/${k}`, message: "a coupling is [i, j, Jij]" });
      node(e[0], `J/${k}/0`);
      node(e[1], `J/${k}/1`);
      if (e[0] === e[1])
        issues.push({
          path: `J/${k}`,
          message: "a coupling joins two different spins",
        });
      if (!Number.isFinite(e[2]))
        issues.push({ path: `J/${k}/2`, message: "must be a finite number" });
    });
  }
  return issues;
}

/** Number of qubits (nodes or spins). */
export function nodeCount(p: QaoaProblem): number {
  if (p.type === "maxcut") return p.nodes;
  if (p.nodes !== undefined) return p.nodes;
  let m = -1;
  for (const k of Object.keys(p.h)) m = Math.max(m, Number(k));
  for (const e of p.J) m = Math.max(m, e[0], e[1]);
  return m + 1;
}

/** The cost as linear (Z) and quadratic (ZZ) coefficients plus a constant. */
interface IsingForm {
  readonly n: number;
  readonly constant: number;
  readonly z: number[];
  readonly zz: { i: number; j: number; c: number }[];
}

function isingForm(p: QaoaProblem): IsingForm {
  const n = nodeCount(p);
  const z = new Array<number>(n).fill(0);
  const zz: { i: number; j: number; c: number }[] = [];
  let constant = 0;
  if (p.type === "maxcut") {
    for (const e of p.edges) {
      const w = e.length === 3 ? e[2] : 1;
      zz.push({ i: e[0], j: e[1], c: w / 2 });
      constant -= w / 2;
    }
  } else {
    for (const [k, v] of Object.entries(p.h)) z[Number(k)] += v;
    for (const e of p.J) zz.push({ i: e[0], j: e[1], c: e[2] });
  }
  return { n, constant, z, zz };
}

/** The cost Hamiltonian as a Pauli sum (Z, ZZ and the identity constant). */
export function costHamiltonian(p: QaoaProblem): PauliTerm[] {
  const f = isingForm(p);
  const terms: PauliTerm[] = [];
  if (f.constant !== 0)
    terms.push({ pauli: pauliLabel(f.n, {}), coefficient: f.constant });
  f.z.forEach((c, i) => {
    if (c !== 0)
      terms.push({ pauli: pauliLabel(f.n, { [i]: "Z" }), coefficient: c });
  });
  for (const { i, j, c } of f.zz)
    terms.push({
      pauli: pauliLabel(f.n, { [i]: "Z", [j]: "Z" }),
      coefficient: c,
    });
  return simplify(terms);
}

/** The cost of one bitstring (Qiskit order) under H. */
export function costOf(p: QaoaProblem, bitstring: string): number {
  const f = isingForm(p);
  const spin = (i: number) =>
    bitstring[bitstring.length - 1 - i] === "1" ? -1 : 1;
  let e = f.constant;
  f.z.forEach((c, i) => (e += c * spin(i)));
  for (const { i, j, c } of f.zz) e += c * spin(i) * spin(j);
  return e;
}

/** The cut value of a bitstring (MaxCut: -cost). */
export function cutOf(p: MaxCutProblem, bitstring: string): number {
  return -costOf(p, bitstring);
}

/** Names of the QAOA angles, in parameter order: gamma_0, beta_0, gamma_1, beta_1, ... */
export function qaoaParameterNames(layers: number): string[] {
  const names: string[] = [];
  for (let l = 0; l < layers; l++) names.push(`gamma_${l}`, `beta_${l}`);
  return names;
}

/**
 * The QAOA circuit as OpenQASM 3: |+>^n, then p layers of exp(-i gamma H) (rz / rzz with angles
 * 2 gamma c; ZZ as cx rz cx, stdgates.inc has no rzz) and exp(-i beta sum X) (rx(2 beta)), then measurement of every qubit. The angles are
 * `input float[64]` parameters named by `qaoaParameterNames`.
 */
export function qaoaCircuit(p: QaoaProblem, layers: number): string {
  const f = isingForm(p);
  const lines = ["OPENQASM 3.0;", 'include "stdgates.inc";'];
  for (const name of qaoaParameterNames(layers))
    lines.push(`input float[64] ${name};`);
  lines.push(`qubit[${f.n}] q;`, `bit[${f.n}] c;`, "h q;");
  for (let l = 0; l < layers; l++) {
    const g = `gamma_${l}`;
    f.z.forEach((c, i) => {
      if (c !== 0) lines.push(`rz(${2 * c} * ${g}) q[${i}];`);
    });
    for (const { i, j, c } of f.zz)
      if (c !== 0)
        lines.push(
          `cx q[${i}], q[${j}];`,
          `rz(${2 * c} * ${g}) q[${j}];`,
          `cx q[${i}], q[${j}];`,
        );
    lines.push(`rx(2 * beta_${l}) q;`);
  }
  lines.push("c = measure q;");
  return lines.join("\n") + "\n";
}

/**
 * The exact optimum by enumerating all 2^n assignments (n <= BRUTE_FORCE_MAX_NODES), in Gray code
 * order so each step flips one spin and updates the cost in O(degree). Node n-1 is fixed to 0
 * when the cost is symmetric under a global flip (no fields), halving the work.
 * Returns the lowest cost and one bitstring reaching it; undefined when too wide.
 */
export function bruteForce(
  p: QaoaProblem,
): { cost: number; bitstring: string } | undefined {
  const f = isingForm(p);
  const n = f.n;
  if (n > BRUTE_FORCE_MAX_NODES) return undefined;
  const symmetric = f.z.every((c) => c === 0);
  const free = symmetric ? n - 1 : n;
  const nbr: { j: number; c: number }[][] = Array.from({ length: n }, () => []);
  for (const { i, j, c } of f.zz) {
    nbr[i].push({ j, c });
    nbr[j].push({ j: i, c });
  }
  const spins = new Int8Array(n).fill(1);
  let e = f.constant;
  f.z.forEach((c) => (e += c));
  for (const { c } of f.zz) e += c;
  let best = e;
  let bestCode = 0;
  let code = 0;
  const total = 2 ** free;
  for (let k = 1; k < total; k++) {
    // the bit that changes between gray(k - 1) and gray(k) is the lowest set bit of k
    const i = 31 - Math.clz32(k & -k);
    // flipping s_i changes each term containing it by -2 * term
    let delta = -2 * f.z[i] * spins[i];
    for (const { j, c } of nbr[i]) delta -= 2 * c * spins[i] * spins[j];
    spins[i] = -spins[i];
    e += delta;
    code ^= 1 << i;
    if (e < best - 1e-12) {
      best = e;
      bestCode = code;
    }
  }
  let bitstring = "";
  for (let q = n - 1; q >= 0; q--)
    bitstring += (bestCode >>> q) & 1 ? "1" : "0";
  return { cost: best, bitstring };
}
