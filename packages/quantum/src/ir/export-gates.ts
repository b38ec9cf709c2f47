/**
 * How canonical gate ops are written back as OpenQASM 2 (qelib1.inc) and OpenQASM 3
 * (stdgates.inc) statements, and the exact `gate` definitions emitted for gates neither library
 * defines. Used by export.ts.
 */
import { u3Angles } from "../math/matrix.ts";
import type { GateOp } from "./types.ts";

/** A written gate call: name (with modifiers), parameters, qubit operands (global indices). */
export interface GateCall {
  readonly name: string;
  readonly params: readonly number[];
  readonly qubits: readonly number[];
}

/**
 * Calls for one op, the definitions they need, or why the op cannot be written. `globalPhase`:
 * what the calls lack, as a global phase, to be exactly the op (OpenQASM 3's U, u2, u3 differ
 * from the IR's matrices by a phase; with controls the calls carry it on the controls instead).
 */
export type GateWriting =
  | { ok: true; calls: GateCall[]; defs: string[]; globalPhase?: number }
  | { ok: false; reason: string };

const PI = Math.PI;

/** Exact definitions (same matrix, same phase) of gates outside the standard libraries, by name. */
export const GATE_DEFINITIONS: Record<
  string,
  { deps: string[]; text: string }
> = {
  r: {
    deps: [],
    // u3 rather than U: with φ + λ = 0, u3 is Qiskit's matrix in both OpenQASM 2 and 3.
    text: "gate r(theta, phi) a { u3(theta, phi - pi/2, -phi + pi/2) a; }",
  },
  rzz: {
    deps: [],
    text: "gate rzz(theta) a, b { cx a, b; rz(theta) b; cx a, b; }",
  },
  rxx: {
    deps: [],
    text: "gate rxx(theta) a, b { h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b; }",
  },
  ryy: {
    deps: [],
    text: "gate ryy(theta) a, b { sdg a; sdg b; h a; h b; cx a, b; rz(theta) b; cx a, b; h a; h b; s a; s b; }",
  },
  rzx: {
    deps: [],
    text: "gate rzx(theta) a, b { h b; cx a, b; rz(theta) b; cx a, b; h b; }",
  },
  dcx: { deps: [], text: "gate dcx a, b { cx a, b; cx b, a; }" },
  iswap: {
    deps: [],
    text: "gate iswap a, b { s a; s b; h a; cx a, b; cx b, a; h b; }",
  },
  ecr: {
    deps: ["rzx"],
    text: "gate ecr a, b { rzx(pi/4) a, b; x a; rzx(-pi/4) a, b; }",
  },
  rccx: {
    deps: [],
    text: "gate rccx a, b, c { h c; t c; cx b, c; tdg c; cx a, c; t c; cx b, c; tdg c; h c; }",
  },
  rc3x: {
    deps: [],
    text: "gate rc3x a, b, c, d { h d; t d; cx c, d; tdg d; h d; cx a, d; t d; cx b, d; tdg d; cx a, d; t d; cx b, d; tdg d; h d; t d; cx c, d; tdg d; h d; }",
  },
};

/** The definitions `name` needs, dependencies first. */
function defsFor(name: string): string[] {
  const d = GATE_DEFINITIONS[name];
  return d ? [...d.deps.flatMap(defsFor), name] : [];
}

const QASM2_SAME = new Set([
  "id",
  "x",
  "y",
  "z",
  "h",
  "s",
  "sdg",
  "t",
  "tdg",
  "sx",
  "sxdg",
  "rx",
  "ry",
  "rz",
  "u2",
  "u3",
  "swap",
  "rxx",
  "rzz",
  "rccx",
  "rc3x",
]);
const QASM2_DEFINED = new Set(["r", "ryy", "rzx", "ecr", "dcx", "iswap"]);
const PHASE_OF: Record<string, number> = {
  z: PI,
  s: PI / 2,
  sdg: -PI / 2,
  t: PI / 4,
  tdg: -PI / 4,
};
const QASM2_ONE_CONTROL: Record<string, string> = {
  x: "cx",
  y: "cy",
  z: "cz",
  h: "ch",
  sx: "csx",
  rx: "crx",
  ry: "cry",
  rz: "crz",
  p: "cu1",
  u3: "cu3",
  swap: "cswap",
};

/** Writes a canonical op for OpenQASM 2 with qelib1.inc. */
export function qasm2Gate(op: GateOp): GateWriting {
  const k = op.controls.length;
  const c = op.controls;
  const t = op.qubits;
  const call = (
    name: string,
    params: readonly number[],
    qubits: readonly number[],
  ): GateCall => ({ name, params, qubits });
  const one = (calls: GateCall[], defs: string[] = []): GateWriting => ({
    ok: true,
    calls,
    defs,
  });
  const n = op.name;
  if (n === "id") return one([call("id", [], t)]);
  if (n === "gphase") {
    if (k === 0) return one([]);
    if (k === 1) return one([call("u1", op.params, c)]);
    if (k === 2) return one([call("cu1", op.params, c)]);
  } else if (n === "unitary") {
    if (t.length !== 1)
      return {
        ok: false,
        reason: `a ${t.length}-qubit unitary has no OpenQASM 2 form`,
      };
    const a = u3Angles(op.matrix!);
    if (k === 0) return one([call("u3", [a.theta, a.phi, a.lambda], t)]);
    if (k === 1)
      return one([
        call("cu3", [a.theta, a.phi, a.lambda], [...c, ...t]),
        call("u1", [a.gamma], c),
      ]);
  } else if (k === 0) {
    if (n === "p") return one([call("u1", op.params, t)]);
    if (QASM2_SAME.has(n)) return one([call(n, op.params, t)]);
    if (QASM2_DEFINED.has(n)) return one([call(n, op.params, t)], defsFor(n));
  } else if (k === 1) {
    if (Object.hasOwn(QASM2_ONE_CONTROL, n))
      return one([call(QASM2_ONE_CONTROL[n], op.params, [...c, ...t])]);
    if (Object.hasOwn(PHASE_OF, n))
      return one([call("cu1", [PHASE_OF[n]], [...c, ...t])]);
    if (n === "u2")
      return one([call("cu3", [PI / 2, ...op.params], [...c, ...t])]);
  } else if (n === "x" && k <= 4) {
    return one([call(["ccx", "c3x", "c4x"][k - 2], [], [...c, ...t])]);
  } else if (n === "z" && k === 2) {
    return one([
      call("h", [], t),
      call("ccx", [], [...c, ...t]),
      call("h", [], t),
    ]);
  } else if (n === "sx" && k === 3) {
    return one([call("c3sqrtx", [], [...c, ...t])]);
  }
  const what = n === "unitary" ? `a ${t.length}-qubit unitary` : n;
  return {
    ok: false,
    reason: `${what} with ${k} control(s) has no OpenQASM 2 form`,
  };
}

const QASM3_SAME = new Set([
  "id",
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
  "swap",
]);
const QASM3_ONE_CONTROL: Record<string, string> = {
  x: "cx",
  y: "cy",
  z: "cz",
  h: "ch",
  rx: "crx",
  ry: "cry",
  rz: "crz",
  p: "cp",
  swap: "cswap",
};

/** Writes a canonical op for OpenQASM 3 with stdgates.inc (`ctrl(k) @` where no name exists). */
export function qasm3Gate(op: GateOp): GateWriting {
  const k = op.controls.length;
  const c = op.controls;
  const t = op.qubits;
  const n = op.name;
  if (k === 1 && Object.hasOwn(QASM3_ONE_CONTROL, n))
    return {
      ok: true,
      calls: [
        { name: QASM3_ONE_CONTROL[n], params: op.params, qubits: [...c, ...t] },
      ],
      defs: [],
    };
  if (k === 2 && n === "x")
    return {
      ok: true,
      calls: [{ name: "ccx", params: [], qubits: [...c, ...t] }],
      defs: [],
    };
  const prefix = k === 0 ? "" : k === 1 ? "ctrl @ " : `ctrl(${k}) @ `;
  const all = [...c, ...t];
  const base = (
    name: string,
    params: readonly number[],
    defs: string[] = [],
  ): GateWriting => ({
    ok: true,
    calls: [{ name: prefix + name, params, qubits: all }],
    defs,
  });
  if (QASM3_SAME.has(n) || n === "gphase") return base(n, op.params);
  if (n === "sxdg") return base("inv @ sx", []);
  // OpenQASM 3's u2/u3 are e^{-i(φ+λ)/2} times the IR's (Qiskit's) matrices, U is e^{iθ/2} times.
  if (n === "u2" || n === "u3") {
    const [p, l] = op.params.slice(-2);
    return withPhase(base(n, op.params), c, (p + l) / 2);
  }
  if (Object.hasOwn(GATE_DEFINITIONS, n)) return base(n, op.params, defsFor(n));
  if (n === "unitary") {
    if (t.length !== 1)
      return {
        ok: false,
        reason: `a ${t.length}-qubit unitary has no OpenQASM 3 form (only 1-qubit unitaries are written, as U and gphase)`,
      };
    const a = u3Angles(op.matrix!);
    return withPhase(
      base("U", [a.theta, a.phi, a.lambda]),
      c,
      a.gamma - a.theta / 2,
    );
  }
  return { ok: false, reason: `unknown gate ${n}` };
}

/** Adds the phase `phase` to a writing: a global phase without controls, else p on the controls. */
function withPhase(
  w: GateWriting,
  controls: readonly number[],
  phase: number,
): GateWriting {
  if (!w.ok || phase === 0) return w;
  const k = controls.length;
  if (k === 0) return { ...w, globalPhase: phase };
  const name = k === 1 ? "p" : k === 2 ? "ctrl @ p" : `ctrl(${k - 1}) @ p`;
  return {
    ...w,
    calls: [...w.calls, { name, params: [phase], qubits: [...controls] }],
  };
}
