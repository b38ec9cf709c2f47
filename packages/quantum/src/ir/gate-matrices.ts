/**
 * Base gates of the IR: each canonical gate name with its arity, parameter count, structure and
 * reference matrix (Qiskit's conventions: `qubits[0]` is the least-significant bit of the matrix
 * index). Controlled forms are not listed here: the IR stores them as a base gate plus `controls`.
 */
import { matrixFromRows } from "../math/matrix.ts";

/** Structure of a base gate's matrix: diagonal, one non-zero per column (a permutation with phases), or dense. */
export type GateKind = "diagonal" | "permutation" | "dense";

/** A canonical (base) gate: its shape and its reference matrix as a function of its parameters. */
export interface BaseGate {
  readonly name: string;
  readonly numQubits: number;
  readonly numParams: number;
  readonly kind: GateKind;
  readonly matrix: (params: readonly number[]) => Float64Array;
}

type C = number | readonly [number, number];
const e = (t: number): readonly [number, number] => [Math.cos(t), Math.sin(t)];
const m = (rows: C[][]): Float64Array => matrixFromRows(rows);
const R = Math.SQRT1_2;
const I: C = [0, 1];
const NI: C = [0, -1];

/** Qiskit's U(theta, phi, lambda). */
function u3(t: number, p: number, l: number): Float64Array {
  const c = Math.cos(t / 2);
  const s = Math.sin(t / 2);
  const el = e(l);
  const ep = e(p);
  const epl = e(p + l);
  return m([
    [c, [-el[0] * s, -el[1] * s]],
    [
      [ep[0] * s, ep[1] * s],
      [epl[0] * c, epl[1] * c],
    ],
  ]);
}

/** A monomial matrix from [column, row, phase angle] triples (all other columns map to themselves). */
function monomial(
  dim: number,
  moves: readonly (readonly [number, number, number])[],
): Float64Array {
  const out = new Float64Array(2 * dim * dim);
  const done = new Set<number>();
  for (const [col, row, ang] of moves) {
    out[2 * (row * dim + col)] = Math.cos(ang);
    out[2 * (row * dim + col) + 1] = Math.sin(ang);
    done.add(col);
  }
  for (let i = 0; i < dim; i++) if (!done.has(i)) out[2 * (i * dim + i)] = 1;
  return out;
}

const PI = Math.PI;
const list: BaseGate[] = [];
function def(
  name: string,
  numQubits: number,
  numParams: number,
  kind: GateKind,
  matrix: (p: readonly number[]) => Float64Array,
): void {
  list.push({ name, numQubits, numParams, kind, matrix });
}

def("gphase", 0, 1, "diagonal", ([t]) =>
  Float64Array.of(Math.cos(t), Math.sin(t)),
);
def("id", 1, 0, "diagonal", () =>
  m([
    [1, 0],
    [0, 1],
  ]),
);
def("x", 1, 0, "permutation", () =>
  m([
    [0, 1],
    [1, 0],
  ]),
);
def("y", 1, 0, "permutation", () =>
  m([
    [0, NI],
    [I, 0],
  ]),
);
def("z", 1, 0, "diagonal", () =>
  m([
    [1, 0],
    [0, -1],
  ]),
);
def("h", 1, 0, "dense", () =>
  m([
    [R, R],
    [R, -R],
  ]),
);
def("s", 1, 0, "diagonal", () =>
  m([
    [1, 0],
    [0, I],
  ]),
);
def("sdg", 1, 0, "diagonal", () =>
  m([
    [1, 0],
    [0, NI],
  ]),
);
def("t", 1, 0, "diagonal", () =>
  m([
    [1, 0],
    [0, e(PI / 4)],
  ]),
);
def("tdg", 1, 0, "diagonal", () =>
  m([
    [1, 0],
    [0, e(-PI / 4)],
  ]),
);
def("sx", 1, 0, "dense", () =>
  m([
    [
      [0.5, 0.5],
      [0.5, -0.5],
    ],
    [
      [0.5, -0.5],
      [0.5, 0.5],
    ],
  ]),
);
def("sxdg", 1, 0, "dense", () =>
  m([
    [
      [0.5, -0.5],
      [0.5, 0.5],
    ],
    [
      [0.5, 0.5],
      [0.5, -0.5],
    ],
  ]),
);
def("rx", 1, 1, "dense", ([t]) => {
  const c = Math.cos(t / 2);
  const s = Math.sin(t / 2);
  return m([
    [c, [0, -s]],
    [[0, -s], c],
  ]);
});
def("ry", 1, 1, "dense", ([t]) => {
  const c = Math.cos(t / 2);
  const s = Math.sin(t / 2);
  return m([
    [c, -s],
    [s, c],
  ]);
});
def("rz", 1, 1, "diagonal", ([t]) =>
  m([
    [e(-t / 2), 0],
    [0, e(t / 2)],
  ]),
);
def("p", 1, 1, "diagonal", ([l]) =>
  m([
    [1, 0],
    [0, e(l)],
  ]),
);
def("u2", 1, 2, "dense", ([p, l]) => u3(PI / 2, p, l));
def("u3", 1, 3, "dense", ([t, p, l]) => u3(t, p, l));
def("r", 1, 2, "dense", ([t, p]) => {
  // Qiskit RGate: [[cos, -i e^{-i phi} sin], [-i e^{i phi} sin, cos]]
  const c = Math.cos(t / 2);
  const s = Math.sin(t / 2);
  return m([
    [c, [-Math.sin(p) * s, -Math.cos(p) * s]],
    [[Math.sin(p) * s, -Math.cos(p) * s], c],
  ]);
});
def("swap", 2, 0, "permutation", () =>
  monomial(4, [
    [1, 2, 0],
    [2, 1, 0],
  ]),
);
def("iswap", 2, 0, "permutation", () =>
  monomial(4, [
    [1, 2, PI / 2],
    [2, 1, PI / 2],
  ]),
);
def("dcx", 2, 0, "permutation", () =>
  monomial(4, [
    [1, 2, 0],
    [2, 3, 0],
    [3, 1, 0],
  ]),
);
def("ecr", 2, 0, "dense", () =>
  m([
    [0, R, 0, [0, R]],
    [R, 0, [0, -R], 0],
    [0, [0, R], 0, R],
    [[0, -R], 0, R, 0],
  ]),
);
def("rxx", 2, 1, "dense", ([t]) => {
  const c = Math.cos(t / 2);
  const s: C = [0, -Math.sin(t / 2)];
  return m([
    [c, 0, 0, s],
    [0, c, s, 0],
    [0, s, c, 0],
    [s, 0, 0, c],
  ]);
});
def("ryy", 2, 1, "dense", ([t]) => {
  const c = Math.cos(t / 2);
  const s: C = [0, -Math.sin(t / 2)];
  const sp: C = [0, Math.sin(t / 2)];
  return m([
    [c, 0, 0, sp],
    [0, c, s, 0],
    [0, s, c, 0],
    [sp, 0, 0, c],
  ]);
});
def("rzz", 2, 1, "diagonal", ([t]) =>
  m([
    [e(-t / 2), 0, 0, 0],
    [0, e(t / 2), 0, 0],
    [0, 0, e(t / 2), 0],
    [0, 0, 0, e(-t / 2)],
  ]),
);
def("rzx", 2, 1, "dense", ([t]) => {
  const c = Math.cos(t / 2);
  const s: C = [0, -Math.sin(t / 2)];
  const sp: C = [0, Math.sin(t / 2)];
  return m([
    [c, 0, s, 0],
    [0, c, 0, sp],
    [s, 0, c, 0],
    [0, sp, 0, c],
  ]);
});
// Relative-phase Toffoli gates (Qiskit RCCXGate / RC3XGate), qubits[last] is the target.
def("rccx", 3, 0, "permutation", () =>
  monomial(8, [
    [3, 7, PI / 2],
    [7, 3, -PI / 2],
    [5, 5, PI],
  ]),
);
def("rc3x", 4, 0, "permutation", () =>
  monomial(16, [
    [3, 3, PI / 2],
    [7, 15, PI],
    [11, 11, -PI / 2],
    [15, 7, 0],
  ]),
);

/** Every base gate by canonical name. */
export const BASE_GATES: ReadonlyMap<string, BaseGate> = new Map(
  list.map((g) => [g.name, g]),
);
