/**
 * The OpenQASM 3 standard gates as the SPECIFICATION defines them, built in the test from the
 * built-in `U` (gates.rst: U(θ,φ,λ) = ½[[1+e^{iθ}, -ie^{iλ}(1-e^{iθ})], [ie^{iφ}(1-e^{iθ}),
 * e^{i(φ+λ)}(1+e^{iθ})]]) and `gphase(γ)` = e^{iγ} I, by transcribing stdgates.inc line by line.
 * Nothing here reads the implementation's gate table; only generic matrix algebra is shared.
 *
 * Matrices are interleaved complex, row-major; argument i of a gate is bit i of the basis index
 * (the compiler's order: the first argument is the least-significant bit).
 */
import {
  dagger,
  identity,
  matMul,
  unitaryPower,
} from "../../src/math/matrix.ts";

/** A dense matrix on log2(dim) qubits. */
export type Mat = Float64Array;

const PI = Math.PI;
const dimOf = (m: Mat): number => Math.round(Math.sqrt(m.length / 2));
/** Number of qubits of a matrix. */
export const qubitsOf = (m: Mat): number => Math.round(Math.log2(dimOf(m)));

/** The specification's built-in U(θ, φ, λ). */
export function U(t: number, p: number, l: number): Mat {
  const e = (a: number): [number, number] => [Math.cos(a), Math.sin(a)];
  const mul = (a: [number, number], b: [number, number]): [number, number] => [
    a[0] * b[0] - a[1] * b[1],
    a[0] * b[1] + a[1] * b[0],
  ];
  const et = e(t);
  const onePlus: [number, number] = [1 + et[0], et[1]];
  const oneMinus: [number, number] = [1 - et[0], -et[1]];
  const m00 = onePlus;
  const m01 = mul(mul([0, -1], e(l)), oneMinus);
  const m10 = mul(mul([0, 1], e(p)), oneMinus);
  const m11 = mul(e(p + l), onePlus);
  return Float64Array.of(...m00, ...m01, ...m10, ...m11).map((x) => x / 2);
}

/** Qiskit's U matrix (no e^{iθ/2}), for showing what the old convention gave. */
export function qiskitU(t: number, p: number, l: number): Mat {
  return body(1, [U(t, p, l), [0]], [gphase(-t / 2), []]);
}

/** gphase(γ) as a 0-qubit (1 x 1) matrix. */
export function gphase(g: number): Mat {
  return Float64Array.of(Math.cos(g), Math.sin(g));
}

/** `ctrl @ G` (or `negctrl @ G`): the control is argument 0, G acts on arguments 1.. . */
export function ctrl(g: Mat, negative = false): Mat {
  const d = dimOf(g);
  const dim = 2 * d;
  const out = new Float64Array(2 * dim * dim);
  const on = negative ? 0 : 1;
  for (let r = 0; r < dim; r++)
    for (let c = 0; c < dim; c++) {
      if ((r & 1) !== (c & 1)) continue;
      const k = 2 * (r * dim + c);
      if ((r & 1) === on) {
        const j = 2 * ((r >> 1) * d + (c >> 1));
        out[k] = g[j];
        out[k + 1] = g[j + 1];
      } else if (r === c) out[k] = 1;
    }
  return out;
}

/** `inv @ G`. */
export const inv = (g: Mat): Mat => dagger(g);
/** `pow(k) @ G`: the principal power. */
export const pow = (k: number, g: Mat): Mat => unitaryPower(g, k);

/** G (on qubitsOf(G) qubits) placed on positions `pos` of a k-qubit space. */
export function embed(g: Mat, pos: readonly number[], k: number): Mat {
  const dim = 1 << k;
  const d = dimOf(g);
  let rest = dim - 1;
  for (const p of pos) rest &= ~(1 << p);
  const local = (i: number): number =>
    pos.reduce((acc, p, b) => acc | (((i >> p) & 1) << b), 0);
  const out = new Float64Array(2 * dim * dim);
  for (let r = 0; r < dim; r++)
    for (let c = 0; c < dim; c++) {
      if ((r & rest) !== (c & rest)) continue;
      const j = 2 * (local(r) * d + local(c));
      out[2 * (r * dim + c)] = g[j];
      out[2 * (r * dim + c) + 1] = g[j + 1];
    }
  return out;
}

/** A gate body on k qubits: statements [matrix, argument positions] applied in order. */
export function body(
  k: number,
  ...stmts: readonly (readonly [Mat, readonly number[]])[]
): Mat {
  let m = identity(1 << k);
  for (const [g, pos] of stmts) m = matMul(embed(g, pos, k), m);
  return m;
}

const one = (g: Mat): [Mat, number[]] => [g, [0]];
const ph = (g: number): [Mat, number[]] => [gphase(g), []];

// stdgates.inc, in its order.
const p = (l: number): Mat => ctrl(gphase(l));
const x = (): Mat => body(1, one(U(PI, 0, PI)), ph(-PI / 2));
const y = (): Mat => body(1, one(U(PI, PI / 2, PI / 2)), ph(-PI / 2));
const z = (): Mat => p(PI);
const h = (): Mat => body(1, one(U(PI / 2, 0, PI)), ph(-PI / 4));
const s = (): Mat => pow(0.5, z());
const sdg = (): Mat => inv(pow(0.5, z()));
const t = (): Mat => pow(0.5, s());
const tdg = (): Mat => inv(pow(0.5, s()));
const sx = (): Mat => pow(0.5, x());
const rx = (a: number): Mat => body(1, one(U(a, -PI / 2, PI / 2)), ph(-a / 2));
const ry = (a: number): Mat => body(1, one(U(a, 0, 0)), ph(-a / 2));
const rz = (l: number): Mat => body(1, ph(-l / 2), one(U(0, 0, l)));
const cx = (): Mat => ctrl(x());
const swap = (): Mat => body(2, [cx(), [0, 1]], [cx(), [1, 0]], [cx(), [0, 1]]);
const phase = (l: number): Mat => U(0, 0, l);

/** Every stdgates.inc gate: arity, parameter count and its matrix from U and gphase. */
export const SPEC_GATES: Record<
  string,
  { qubits: number; params: number; matrix: (ps: number[]) => Mat }
> = {
  p: { qubits: 1, params: 1, matrix: ([l]) => p(l) },
  x: { qubits: 1, params: 0, matrix: x },
  y: { qubits: 1, params: 0, matrix: y },
  z: { qubits: 1, params: 0, matrix: z },
  h: { qubits: 1, params: 0, matrix: h },
  s: { qubits: 1, params: 0, matrix: s },
  sdg: { qubits: 1, params: 0, matrix: sdg },
  t: { qubits: 1, params: 0, matrix: t },
  tdg: { qubits: 1, params: 0, matrix: tdg },
  sx: { qubits: 1, params: 0, matrix: sx },
  rx: { qubits: 1, params: 1, matrix: ([a]) => rx(a) },
  ry: { qubits: 1, params: 1, matrix: ([a]) => ry(a) },
  rz: { qubits: 1, params: 1, matrix: ([a]) => rz(a) },
  cx: { qubits: 2, params: 0, matrix: cx },
  cy: { qubits: 2, params: 0, matrix: () => ctrl(y()) },
  cz: { qubits: 2, params: 0, matrix: () => ctrl(z()) },
  cp: { qubits: 2, params: 1, matrix: ([l]) => ctrl(p(l)) },
  crx: { qubits: 2, params: 1, matrix: ([a]) => ctrl(rx(a)) },
  cry: { qubits: 2, params: 1, matrix: ([a]) => ctrl(ry(a)) },
  crz: { qubits: 2, params: 1, matrix: ([a]) => ctrl(rz(a)) },
  ch: { qubits: 2, params: 0, matrix: () => ctrl(h()) },
  swap: { qubits: 2, params: 0, matrix: swap },
  ccx: { qubits: 3, params: 0, matrix: () => ctrl(ctrl(x())) },
  cswap: { qubits: 3, params: 0, matrix: () => ctrl(swap()) },
  cu: {
    qubits: 2,
    params: 4,
    matrix: ([a, b, c, g]) =>
      body(2, [p(g - a / 2), [0]], [ctrl(U(a, b, c)), [0, 1]]),
  },
  // stdgates.inc writes `gate CX a, b { ctrl @ U(π, 0, π) a, b; }`, which with the built-in U
  // is cx times a phase i on the control; standard_library.rst defines CX as "a convenience
  // alias for cx" and requires the mathematical descriptions, so CX is cx (see the test).
  CX: { qubits: 2, params: 0, matrix: cx },
  phase: { qubits: 1, params: 1, matrix: ([l]) => phase(l) },
  cphase: { qubits: 2, params: 1, matrix: ([l]) => ctrl(phase(l)) },
  id: { qubits: 1, params: 0, matrix: () => U(0, 0, 0) },
  u1: { qubits: 1, params: 1, matrix: ([l]) => U(0, 0, l) },
  u2: {
    qubits: 1,
    params: 2,
    matrix: ([a, b]) =>
      body(1, ph(-(a + b + PI / 2) / 2), one(U(PI / 2, a, b))),
  },
  u3: {
    qubits: 1,
    params: 3,
    matrix: ([a, b, c]) => body(1, ph(-(b + c + a) / 2), one(U(a, b, c))),
  },
  U: { qubits: 1, params: 3, matrix: ([a, b, c]) => U(a, b, c) },
};

/** Applies a k-qubit matrix to `pos` of an n-qubit interleaved state (little-endian); returns a new state. */
export function applyOn(
  state: Float64Array,
  g: Mat,
  pos: readonly number[],
): Float64Array {
  const out = new Float64Array(state.length);
  const dim = state.length / 2;
  const d = dimOf(g);
  let mask = 0;
  for (const q of pos) mask |= 1 << q;
  for (let base = 0; base < dim; base++) {
    if ((base & mask) !== 0) continue;
    const idx = Array.from({ length: d }, (_, r) =>
      pos.reduce((acc, q, b) => acc | (((r >> b) & 1) << q), base),
    );
    for (let r = 0; r < d; r++) {
      let re = 0;
      let im = 0;
      for (let c = 0; c < d; c++) {
        const gr = g[2 * (r * d + c)];
        const gi = g[2 * (r * d + c) + 1];
        re += gr * state[2 * idx[c]] - gi * state[2 * idx[c] + 1];
        im += gr * state[2 * idx[c] + 1] + gi * state[2 * idx[c]];
      }
      out[2 * idx[r]] = re;
      out[2 * idx[r] + 1] = im;
    }
  }
  return out;
}
