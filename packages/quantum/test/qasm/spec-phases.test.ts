import { describe, expect, it } from "vitest";
import type { Circuit } from "../../src/ir/types.ts";
import { maxDistance } from "../../src/math/matrix.ts";
import { compileQasm } from "../../src/qasm/compile.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { denseUnitary, fidelity, seededRng } from "../helpers/dense.ts";
import { chiSquareBound } from "../sim/branch-reference.ts";
import {
  SPEC_GATES,
  U,
  applyOn,
  body,
  ctrl,
  gphase,
  inv,
  pow,
  qiskitU,
  qubitsOf,
  type Mat,
} from "./spec-gates.ts";

const H3 = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';
const PI = Math.PI;

function compiled(src: string): Circuit {
  const r = compileQasm(src);
  if (!r.ok)
    throw new Error(
      `${src}\n${r.diagnostics.map((d) => d.message).join("\n")}`,
    );
  return r.circuit;
}

function statevector(src: string): Float64Array {
  const r = simulate(compiled(src), { shots: 0, statevector: true });
  if (!r.ok) throw new Error(r.error.message);
  return r.result.statevector!;
}

/** A modifier chain as written, the control qubits it adds, and its meaning on a matrix. */
interface Mods {
  readonly text: string;
  readonly controls: number;
  readonly apply: (g: Mat) => Mat;
}
const MODS: Mods[] = [
  { text: "", controls: 0, apply: (g) => g },
  { text: "ctrl @ ", controls: 1, apply: (g) => ctrl(g) },
  { text: "negctrl @ ", controls: 1, apply: (g) => ctrl(g, true) },
  { text: "inv @ ", controls: 0, apply: inv },
  { text: "pow(2) @ ", controls: 0, apply: (g) => pow(2, g) },
  { text: "pow(0.5) @ ", controls: 0, apply: (g) => pow(0.5, g) },
  { text: "pow(-1.5) @ ", controls: 0, apply: (g) => pow(-1.5, g) },
  { text: "ctrl(2) @ ", controls: 2, apply: (g) => ctrl(ctrl(g)) },
  { text: "ctrl @ inv @ ", controls: 1, apply: (g) => ctrl(inv(g)) },
  { text: "inv @ ctrl @ ", controls: 1, apply: (g) => inv(ctrl(g)) },
  {
    text: "negctrl @ ctrl @ ",
    controls: 2,
    apply: (g) => ctrl(ctrl(g), true),
  },
  { text: "ctrl @ pow(0.5) @ ", controls: 1, apply: (g) => ctrl(pow(0.5, g)) },
  { text: "pow(0.5) @ ctrl @ ", controls: 1, apply: (g) => pow(0.5, ctrl(g)) },
  {
    text: "inv @ pow(3) @ negctrl @ ",
    controls: 1,
    apply: (g) => inv(pow(3, ctrl(g, true))),
  },
];

const PARAMS = [0.3, -0.7, 1.1, 0.45];

/** The program `mods name(params) q[0], ..., q[n-1];` with its stdgates/definitions prelude. */
function callProgram(
  prelude: string,
  mods: Mods,
  name: string,
  params: readonly number[],
  arity: number,
): string {
  const n = arity + mods.controls;
  const ps = params.length ? `(${params.join(", ")})` : "";
  const args = Array.from({ length: n }, (_, i) => `q[${i}]`).join(", ");
  return `${H3}${prelude}qubit[${n}] q;\n${mods.text}${name}${ps} ${args};\n`;
}

describe("OpenQASM 3 standard gates follow the specification's definitions", () => {
  const cases = Object.entries(SPEC_GATES).flatMap(([name, g]) =>
    MODS.map((m) => [`${m.text}${name}`, name, g, m] as const),
  );
  it.each(cases)(
    "%s equals its stdgates.inc definition built from U and gphase, global phase included",
    (_, name, g, m) => {
      const params = PARAMS.slice(0, g.params);
      const c = compiled(callProgram("", m, name, params, g.qubits));
      const want = m.apply(g.matrix(params));
      expect(qubitsOf(want)).toBe(c.numQubits);
      expect(maxDistance(denseUnitary(c), want)).toBeLessThan(1e-10);
    },
  );

  it("controls gphase into a phase on the control (p(λ) = ctrl @ gphase(λ))", () => {
    const c = compiled(
      `${H3}qubit[2] q;\nctrl @ gphase(0.8) q[1];\nnegctrl @ ctrl @ gphase(-0.3) q[0], q[1];\ngphase(0.25);\n`,
    );
    const want = body(
      2,
      [ctrl(gphase(0.8)), [1]],
      [ctrl(ctrl(gphase(-0.3)), true), [0, 1]],
      [gphase(0.25), []],
    );
    expect(maxDistance(denseUnitary(c), want)).toBeLessThan(1e-12);
  });

  it("reads CX as the standard library's alias for cx, not stdgates.inc's ctrl @ U(π, 0, π) (which differs by a phase i on the control)", () => {
    const c = compiled(`${H3}qubit[2] q;\nCX q[0], q[1];\n`);
    expect(maxDistance(denseUnitary(c), SPEC_GATES.cx.matrix([]))).toBeLessThan(
      1e-12,
    );
    const literal = ctrl(U(PI, 0, PI));
    expect(maxDistance(literal, SPEC_GATES.cx.matrix([]))).toBeGreaterThan(0.5);
  });
});

describe("pow(k) @ is the principal power of the matrix, also where angle scaling would differ", () => {
  // Angles outside (-2π, 2π) for rotations and (-π, π] for phases: there rx(kθ), p(kλ) are not the
  // principal power (rx(7)^0.5 is -rx(3.5); p(4)^0.5 is p(2 - π)), and ctrl @ shows the difference.
  const BIG = [7.0, -4.0, 9.5, 4.2];
  const powMods = MODS.filter((m) => m.text.includes("pow"));
  const cases = Object.entries(SPEC_GATES)
    .filter(([, g]) => g.params > 0)
    .flatMap(([name, g]) =>
      powMods.map((m) => [`${m.text}${name}`, name, g, m] as const),
    );
  it.each(cases)("%s with large angles", (_, name, g, m) => {
    const params = BIG.slice(0, g.params);
    const c = compiled(callProgram("", m, name, params, g.qubits));
    expect(
      maxDistance(denseUnitary(c), m.apply(g.matrix(params))),
    ).toBeLessThan(1e-9);
  });
  it("ctrl @ pow(0.5) @ rx(7) is the controlled principal root, not ctrl @ rx(3.5)", () => {
    const c = compiled(
      `${H3}qubit[2] q;\nctrl @ pow(0.5) @ rx(7) q[0], q[1];\n`,
    );
    const want = ctrl(pow(0.5, SPEC_GATES.rx.matrix([7])));
    expect(maxDistance(denseUnitary(c), want)).toBeLessThan(1e-10);
    expect(
      maxDistance(want, ctrl(SPEC_GATES.rx.matrix([3.5]))),
    ).toBeGreaterThan(0.5);
  });
});

describe("user gates that contain gphase keep their phase under modifiers", () => {
  const prelude =
    "gate gp(a) r { gphase(a); U(a, 0.2, -0.5) r; gphase(-a / 3); }\n" +
    "gate two(b) x, y { ctrl @ gp(b) x, y; gphase(0.1); h y; negctrl @ u2(b, 0.3) y, x; u3(b, -b, 0.9) x; }\n";
  const gp = (a: number): Mat =>
    body(1, [gphase(a), []], [U(a, 0.2, -0.5), [0]], [gphase(-a / 3), []]);
  const two = (b: number): Mat =>
    body(
      2,
      [ctrl(gp(b)), [0, 1]],
      [gphase(0.1), []],
      [SPEC_GATES.h.matrix([]), [1]],
      [ctrl(SPEC_GATES.u2.matrix([b, 0.3]), true), [1, 0]],
      [SPEC_GATES.u3.matrix([b, -b, 0.9]), [0]],
    );
  const cases = MODS.flatMap((m) => [
    [`${m.text}gp(0.7)`, m, "gp", [0.7], 1, gp(0.7)] as const,
    [`${m.text}two(0.4)`, m, "two", [0.4], 2, two(0.4)] as const,
  ]);
  it.each(cases)("%s", (_, m, name, params, arity, g) => {
    const c = compiled(callProgram(prelude, m, name, params, arity));
    expect(maxDistance(denseUnitary(c), m.apply(g))).toBeLessThan(1e-10);
  });
});

describe("the numbers of issue 13", () => {
  /** The final state of `h q[0]; ry(0.7) q[1];` then `g` on `pos`, from the spec's matrices. */
  function reference(n: number, g: Mat, pos: number[]): Float64Array {
    let s: Float64Array = new Float64Array(2 << n);
    s[0] = 1;
    s = applyOn(s, SPEC_GATES.h.matrix([]), [0]);
    s = applyOn(s, SPEC_GATES.ry.matrix([0.7]), [1]);
    return applyOn(s, g, pos);
  }
  const qiskitU2 = (a: number, b: number) => qiskitU(PI / 2, a, b);
  const cases = [
    {
      line: "ctrl @ u2(0.4, 1.3) q[0], q[1];",
      n: 2,
      spec: ctrl(SPEC_GATES.u2.matrix([0.4, 1.3])),
      old: ctrl(qiskitU2(0.4, 1.3)),
      pos: [0, 1],
      oldFidelity: 0.83,
    },
    {
      line: "ctrl @ U(0.9, 0.4, 1.3) q[0], q[1];",
      n: 2,
      spec: ctrl(U(0.9, 0.4, 1.3)),
      old: ctrl(qiskitU(0.9, 0.4, 1.3)),
      pos: [0, 1],
      oldFidelity: 0.95,
    },
    {
      line: "inv @ ctrl @ u3(-3.317, -pi/3, 3.317+pi/3) q[0], q[2];",
      n: 3,
      spec: inv(ctrl(SPEC_GATES.u3.matrix([-3.317, -PI / 3, 3.317 + PI / 3]))),
      old: inv(ctrl(qiskitU(-3.317, -PI / 3, 3.317 + PI / 3))),
      pos: [0, 2],
      oldFidelity: 0.46,
    },
  ];
  it.each(cases)(
    "$line: fidelity 1 with the specification (it was $oldFidelity with Qiskit's matrices)",
    ({ line, n, spec, old, pos, oldFidelity }) => {
      const got = statevector(
        `${H3}qubit[${n}] q;\nh q[0];\nry(0.7) q[1];\n${line}\n`,
      );
      const want = reference(n, spec, pos);
      expect(Math.abs(fidelity(got, want) - 1)).toBeLessThan(1e-12);
      // The statevector carries the specification's global phase too.
      expect(maxDistance(got, want)).toBeLessThan(1e-12);
      expect(fidelity(reference(n, old, pos), want)).toBeCloseTo(
        oldFidelity,
        2,
      );
    },
  );

  it("samples a random 10-qubit program with that line inside a gate definition as the specification's distribution (chi-square)", () => {
    const rng = seededRng(13);
    const n = 10;
    const issueLine = (a: number, b: number, c: number): Mat =>
      inv(ctrl(SPEC_GATES.u3.matrix([a, b, c])));
    const lines = [
      "gate phased a, b, c { inv @ ctrl @ u3(-3.317, -pi/3, 3.317+pi/3) a, c; }",
      `qubit[${n}] q;`,
      `bit[${n}] m;`,
    ];
    let state: Float64Array = new Float64Array(2 << n);
    state[0] = 1;
    let old: Float64Array = state;
    const pick = (): number[] => {
      const qs: number[] = [];
      while (qs.length < 3) {
        const q = Math.floor(rng() * n);
        if (!qs.includes(q)) qs.push(q);
      }
      return qs;
    };
    for (let step = 0; step < 60; step++) {
      const [a, b, c] = pick();
      const th = Number((rng() * 2 * PI - PI).toFixed(4));
      const kind = step % 5;
      let text: string;
      let g: Mat;
      let og: Mat;
      let pos: number[];
      if (kind === 0) {
        text = `phased q[${a}], q[${b}], q[${c}];`;
        g = issueLine(-3.317, -PI / 3, 3.317 + PI / 3);
        og = inv(ctrl(qiskitU(-3.317, -PI / 3, 3.317 + PI / 3)));
        pos = [a, c];
      } else if (kind === 1) {
        text = `h q[${a}];`;
        g = og = SPEC_GATES.h.matrix([]);
        pos = [a];
      } else if (kind === 2) {
        text = `ctrl @ u2(${th}, 0.5) q[${a}], q[${b}];`;
        g = ctrl(SPEC_GATES.u2.matrix([th, 0.5]));
        og = ctrl(qiskitU(PI / 2, th, 0.5));
        pos = [a, b];
      } else if (kind === 3) {
        text = `ry(${th}) q[${a}];`;
        g = og = SPEC_GATES.ry.matrix([th]);
        pos = [a];
      } else {
        text = `cx q[${a}], q[${b}];`;
        g = og = SPEC_GATES.cx.matrix([]);
        pos = [a, b];
      }
      lines.push(text);
      state = applyOn(state, g, pos);
      old = applyOn(old, og, pos);
    }
    lines.push("m = measure q;");
    const shots = 20000;
    const r = simulate(compiled(H3 + lines.join("\n")), { shots, seed: 7 });
    if (!r.ok) throw new Error(r.error.message);
    const probs = (s: Float64Array): Map<string, number> => {
      const out = new Map<string, number>();
      for (let i = 0; i < s.length / 2; i++) {
        const p = s[2 * i] ** 2 + s[2 * i + 1] ** 2;
        if (p > 1e-15) out.set(i.toString(2).padStart(n, "0"), p);
      }
      return out;
    };
    const spec = pooledChiSquare(r.result.counts, probs(state), shots);
    expect(spec.stat).toBeLessThan(chiSquareBound(spec.df));
    // The same test rejects the distribution of Qiskit's matrices (what StepFault gave before).
    const before = pooledChiSquare(r.result.counts, probs(old), shots);
    expect(before.stat).toBeGreaterThan(chiSquareBound(before.df));
  });
});

/** Chi-square over outcomes, pooling those expected fewer than 5 times into one cell. */
function pooledChiSquare(
  counts: Record<string, number>,
  dist: Map<string, number>,
  shots: number,
): { stat: number; df: number } {
  let stat = 0;
  let cells = 0;
  let pooledE = 0;
  let pooledO = 0;
  const seen = new Set<string>();
  for (const [k, p] of dist) {
    const e = shots * p;
    const o = counts[k] ?? 0;
    seen.add(k);
    if (e < 5) {
      pooledE += e;
      pooledO += o;
      continue;
    }
    stat += (o - e) ** 2 / e;
    cells++;
  }
  for (const [k, o] of Object.entries(counts)) if (!seen.has(k)) pooledO += o;
  if (pooledE > 0) {
    stat += (pooledO - pooledE) ** 2 / pooledE;
    cells++;
  } else if (pooledO > 0) stat = Infinity;
  return { stat, df: cells - 1 };
}
