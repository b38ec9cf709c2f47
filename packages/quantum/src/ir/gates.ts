/**
 * The standard gate table: names as written in OpenQASM 2 (qelib1.inc), OpenQASM 3 (stdgates.inc)
 * and Qiskit's extras, lowered to canonical ops (a base gate of gate-matrices.ts plus positive
 * `controls`), with reference matrices, inverses and powers.
 */
import { unitaryPower, dagger } from "../math/matrix.ts";
import { BASE_GATES, type GateKind } from "./gate-matrices.ts";
import type { GateOp } from "./types.ts";

/** What the front end needs to know about a standard gate name as written in source. */
export interface GateSignature {
  /** The name as written, e.g. "cx", "CX", "u". */
  readonly name: string;
  /** Qubit arguments, controls included. */
  readonly numQubits: number;
  readonly numParams: number;
  /** Defined by OpenQASM 2 `include "qelib1.inc"` (Qiskit's qelib1). */
  readonly qelib1: boolean;
  /** Defined by OpenQASM 3 `include "stdgates.inc"`. */
  readonly stdgates: boolean;
  /** Always defined: `U` and `CX` in OpenQASM 2; `U` and `gphase` in OpenQASM 3 (the front end picks by version). */
  readonly builtin: boolean;
}

/** How a source name lowers: onto `base` with the first `controls` qubit arguments as controls. */
interface Lowering {
  readonly base: string;
  readonly controls: number;
  /** Maps the written parameters to the base gate's (default: unchanged). */
  readonly params?: (p: readonly number[]) => number[];
}

interface Entry {
  readonly sig: GateSignature;
  readonly lower: Lowering | "cu";
}

const entries = new Map<string, Entry>();
const Q2 = 1; // qelib1.inc
const Q3 = 2; // stdgates.inc
const BI = 4; // builtin
function add(
  name: string,
  flags: number,
  lower: Lowering | "cu",
  numParams?: number,
): void {
  const numQubits =
    lower === "cu" ? 2 : BASE_GATES.get(lower.base)!.numQubits + lower.controls;
  const np =
    numParams ?? (lower === "cu" ? 4 : BASE_GATES.get(lower.base)!.numParams);
  const sig = {
    name,
    numQubits,
    numParams: np,
    qelib1: (flags & Q2) !== 0,
    stdgates: (flags & Q3) !== 0,
    builtin: (flags & BI) !== 0,
  };
  entries.set(name, { sig, lower });
}
const base = (b: string, controls = 0): Lowering => ({ base: b, controls });

for (const n of [
  "x",
  "y",
  "z",
  "h",
  "s",
  "sdg",
  "t",
  "tdg",
  "sx",
  "rx",
  "ry",
  "rz",
  "p",
  "u2",
  "u3",
  "swap",
])
  add(n, Q2 | Q3, base(n));
for (const n of ["sxdg", "rxx", "rzz", "rccx", "rc3x"]) add(n, Q2, base(n));
for (const n of ["ryy", "rzx", "ecr", "dcx", "iswap", "r"]) add(n, 0, base(n));
add("id", Q2 | Q3, base("id"));
add("u0", Q2, { base: "id", controls: 0, params: () => [] }, 1);
add("u1", Q2 | Q3, base("p"));
add("phase", Q3, base("p"));
add("u", Q2, base("u3"));
add("U", BI, base("u3"));
add("gphase", BI, base("gphase"));
add("cx", Q2 | Q3, base("x", 1));
add("CX", Q3 | BI, base("x", 1));
add("ccx", Q2 | Q3, base("x", 2));
add("c3x", Q2, base("x", 3));
add("c4x", Q2, base("x", 4));
add("cy", Q2 | Q3, base("y", 1));
add("cz", Q2 | Q3, base("z", 1));
add("ch", Q2 | Q3, base("h", 1));
add("csx", Q2, base("sx", 1));
add("c3sqrtx", Q2, base("sx", 3));
add("crx", Q2 | Q3, base("rx", 1));
add("cry", Q2 | Q3, base("ry", 1));
add("crz", Q2 | Q3, base("rz", 1));
add("cp", Q2 | Q3, base("p", 1));
add("cu1", Q2, base("p", 1));
add("cphase", Q3, base("p", 1));
add("cu3", Q2, base("u3", 1));
add("cu", Q2 | Q3, "cu");
add("cswap", Q2 | Q3, base("swap", 1));

/**
 * OpenQASM 3 global phases: the built-in `U(θ,φ,λ)` is e^{iθ/2} times Qiskit's U matrix, and
 * `stdgates.inc` defines `u2(φ,λ) = gphase(-(φ+λ+π/2)/2); U(π/2,φ,λ)` and
 * `u3(θ,φ,λ) = gphase(-(φ+λ+θ)/2); U(θ,φ,λ)`, i.e. e^{-i(φ+λ)/2} times Qiskit's matrix. Every
 * other stdgates.inc gate equals its canonical op's matrix exactly (x = e^{-iπ/2} U(π,0,π),
 * rz(λ) = e^{-iλ/2} U(0,0,λ), cu = p(γ-θ/2) on the control then ctrl @ U, ...), and `CX` is the
 * standard library's "alias for cx". The angle here is what OpenQASM 3 adds to `standardGateOps`.
 */
const OPENQASM3_PHASE: Record<string, (p: readonly number[]) => number> = {
  U: (p) => p[0] / 2,
  u3: (p) => -(p[1] + p[2]) / 2,
  u2: (p) => -(p[0] + p[1]) / 2,
};

/** The global phase (radians) by which a standard gate's OpenQASM 3 definition differs from `standardGateOps` (0 for most). */
export function openqasm3Phase(
  name: string,
  params: readonly number[],
): number {
  const f = OPENQASM3_PHASE[name];
  return f ? f(params) : 0;
}

/** Returns the signature of a standard gate name as written, or undefined for other names. */
export function lookupGate(name: string): GateSignature | undefined {
  return entries.get(name)?.sig;
}

/** All standard gate names (for editor autocompletion and tests). */
export const STANDARD_GATE_NAMES: readonly string[] = [...entries.keys()];

/** Canonical base gate names (what `GateOp.name` may hold, besides "unitary"). */
export const BASE_GATE_NAMES: readonly string[] = [...BASE_GATES.keys()];

function gate(
  name: string,
  qubits: readonly number[],
  params: readonly number[],
  controls: readonly number[],
): GateOp {
  return {
    kind: "gate",
    name,
    qubits: [...qubits],
    params: [...params],
    controls: [...controls],
  };
}

/** Lowers an application of a standard gate (name as written) to canonical ops (usually one; `cu` gives two). */
export function standardGateOps(
  name: string,
  params: readonly number[],
  qubits: readonly number[],
): GateOp[] {
  const entry = entries.get(name);
  if (!entry)
    throw new Error(`standardGateOps: "${name}" is not a standard gate`);
  const { sig, lower } = entry;
  if (params.length !== sig.numParams || qubits.length !== sig.numQubits) {
    throw new Error(
      `standardGateOps: ${name} takes ${sig.numParams} parameter(s) and ${sig.numQubits} qubit(s), got ${params.length} and ${qubits.length}`,
    );
  }
  if (lower === "cu") {
    const [t, p, l, g] = params;
    return [
      gate("u3", [qubits[1]], [t, p, l], [qubits[0]]),
      gate("p", [qubits[0]], [g], []),
    ];
  }
  const ps = lower.params ? lower.params(params) : params;
  return [
    gate(
      lower.base,
      qubits.slice(lower.controls),
      ps,
      qubits.slice(0, lower.controls),
    ),
  ];
}

/** The reference matrix of a canonical op's base gate (controls excluded): interleaved complex, row-major, 2^k x 2^k for k = op.qubits.length. */
export function gateMatrix(
  op: Pick<GateOp, "name" | "params" | "matrix">,
): Float64Array {
  if (op.name === "unitary") {
    if (!op.matrix)
      throw new Error('gateMatrix: a "unitary" op needs a matrix');
    return op.matrix;
  }
  const g = BASE_GATES.get(op.name);
  if (!g) throw new Error(`gateMatrix: unknown canonical gate "${op.name}"`);
  if (op.params.length !== g.numParams)
    throw new Error(
      `gateMatrix: ${op.name} takes ${g.numParams} parameter(s), got ${op.params.length}`,
    );
  return g.matrix(op.params);
}

/** Structural flags of a base gate for the simulator's fast paths ("permutation": one non-zero per column, phases allowed). */
export function gateKind(name: string): GateKind {
  return BASE_GATES.get(name)?.kind ?? "dense";
}

const SELF_INVERSE = new Set(["id", "x", "y", "z", "h", "swap", "ecr"]);
const DAGGER_PAIRS: Record<string, string> = {
  s: "sdg",
  sdg: "s",
  t: "tdg",
  tdg: "t",
  sx: "sxdg",
  sxdg: "sx",
};
const NEGATE_FIRST = new Set([
  "rx",
  "ry",
  "rz",
  "p",
  "gphase",
  "rxx",
  "ryy",
  "rzz",
  "rzx",
  "r",
]);
const PI = Math.PI;

// qelib1 bodies of the relative-phase Toffolis, over local qubit indices (target last); their
// inverse is the reversed body with each step inverted, which keeps it exportable.
type Step = readonly [string, readonly number[], number?];
const RCCX_BODY: Step[] = [
  ["h", [2]],
  ["t", [2]],
  ["x", [2], 1],
  ["tdg", [2]],
  ["x", [2], 0],
  ["t", [2]],
  ["x", [2], 1],
  ["tdg", [2]],
  ["h", [2]],
];
const RC3X_BODY: Step[] = (
  [
    ["h"],
    ["t"],
    ["x", 2],
    ["tdg"],
    ["h"],
    ["x", 0],
    ["t"],
    ["x", 1],
    ["tdg"],
    ["x", 0],
    ["t"],
    ["x", 1],
    ["tdg"],
    ["h"],
    ["t"],
    ["x", 2],
    ["tdg"],
    ["h"],
  ] as const
).map(([n, c]): Step => [n, [3], c]);

function withoutMatrix(op: GateOp): GateOp {
  const { matrix: _matrix, ...rest } = op;
  return rest;
}

function bodyOps(body: readonly Step[], op: GateOp): GateOp[] {
  return body.map(([n, q, c]) => {
    const controls =
      c === undefined ? op.controls : [...op.controls, op.qubits[c]];
    return {
      ...withoutMatrix(op),
      name: n,
      params: [],
      qubits: q.map((i) => op.qubits[i]),
      controls: [...controls],
    };
  });
}

/** The inverse of a canonical op as canonical op(s), same qubits and controls (e.g. s -> sdg, rx(t) -> rx(-t), u3(t,p,l) -> u3(-t,-l,-p), unitary -> conjugate transpose). */
export function inverseGateOps(op: GateOp): GateOp[] {
  const n = op.name;
  const p = op.params;
  if (SELF_INVERSE.has(n)) return [op];
  if (Object.hasOwn(DAGGER_PAIRS, n)) return [{ ...op, name: DAGGER_PAIRS[n] }];
  if (NEGATE_FIRST.has(n)) return [{ ...op, params: [-p[0], ...p.slice(1)] }];
  switch (n) {
    case "u3":
      return [{ ...op, params: [-p[0], -p[2], -p[1]] }];
    case "u2":
      return [{ ...op, params: [-p[1] - PI, -p[0] + PI] }];
    case "dcx":
      return [{ ...op, qubits: [op.qubits[1], op.qubits[0]] }];
    case "rccx":
    case "rc3x":
      return bodyOps(n === "rccx" ? RCCX_BODY : RC3X_BODY, op)
        .reverse()
        .flatMap((o) => inverseGateOps(o));
    default:
      return [
        { ...op, name: "unitary", params: [], matrix: dagger(gateMatrix(op)) },
      ];
  }
}

const SCALE_FIRST = new Set([
  "rx",
  "ry",
  "rz",
  "p",
  "gphase",
  "rxx",
  "ryy",
  "rzz",
  "rzx",
  "r",
]);
const PHASE_ANGLE: Record<string, number> = {
  z: PI,
  s: PI / 2,
  sdg: -PI / 2,
  t: PI / 4,
  tdg: -PI / 4,
};

/**
 * Is the principal power of this rotation the rotation by k times its angle? Integer powers always
 * are (one-parameter groups); for other k only while every eigenphase of the gate lies inside
 * (-π, π]: rotations e^{-iθP/2} for |θ| < 2π, phases e^{iλ} for -π < λ ≤ π. Outside that range
 * (rx(7), p(4)) the spec's pow(k) @ is the matrix's principal power, which differs (by a phase
 * that ctrl @ makes visible, or relatively for p).
 */
function principalScales(op: GateOp): boolean {
  const a = op.params[0];
  if (op.name === "p" || op.name === "gphase") return a > -PI && a <= PI;
  return Math.abs(a) < 2 * PI;
}

/** op^k for real k: angle scaling for rotation/phase families, repetition for integer k, otherwise a "unitary" op with the matrix power (principal branch). */
export function powerGateOps(op: GateOp, k: number): GateOp[] {
  if (k === 1) return [op];
  if (k === 0) return [];
  const n = op.name;
  if (n === "id") return [op];
  if (SCALE_FIRST.has(n) && (Number.isInteger(k) || principalScales(op)))
    return [{ ...op, params: [op.params[0] * k, ...op.params.slice(1)] }];
  if (Number.isInteger(k)) {
    if (SELF_INVERSE.has(n)) return Math.abs(k) % 2 === 1 ? [op] : [];
    const step = k > 0 ? [op] : inverseGateOps(op);
    if (Math.abs(k) <= 8)
      return Array.from({ length: Math.abs(k) }, () => step).flat();
  } else if (Object.hasOwn(PHASE_ANGLE, n)) {
    return [{ ...op, name: "p", params: [PHASE_ANGLE[n] * k] }];
  } else if (n === "x" && Math.abs(k) === 0.5) {
    return [{ ...op, name: k > 0 ? "sx" : "sxdg" }];
  }
  return [
    {
      ...op,
      name: "unitary",
      params: [],
      matrix: unitaryPower(gateMatrix(op), k),
    },
  ];
}

/** How a standard gate name lowers: the base gate and how many of its qubit arguments are controls. */
export interface GateLowering {
  readonly signature: GateSignature;
  /** The base gate (a key of the base-gate table), or "cu" (a controlled u3 plus a phase on the control). */
  readonly base: string;
  readonly controls: number;
}

/** The lowering of a standard gate name as written, or undefined for other names. */
export function gateLowering(name: string): GateLowering | undefined {
  const e = entries.get(name);
  if (!e) return undefined;
  return e.lower === "cu"
    ? { signature: e.sig, base: "cu", controls: 1 }
    : { signature: e.sig, base: e.lower.base, controls: e.lower.controls };
}
