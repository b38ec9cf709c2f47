import { afterAll, describe, expect, it, vi } from "vitest";
import { compileQasm } from "../../src/qasm/compile.ts";
import { compileParametric } from "../../src/qasm/compile-parametric.ts";
import { bindParameters } from "../../src/ir/parametric.ts";
import type { ParametricCircuit } from "../../src/ir/parametric.ts";
import { type Observable, parseObservable } from "../../src/sim/observable.ts";
import { estimate, type EstimateOptions } from "../../src/sim/estimate.ts";
import {
  closeThreadPool,
  estimateParallel,
  releaseKernelMemory,
} from "../../src/threads/index.ts";
import { opParameterJacobian } from "../../src/ir/parametric.ts";
import { type SimEngine, singleThreadEngine } from "../../src/sim/engine.ts";
import { ThreadPool } from "../../src/threads/pool.ts";
import { compileProgram } from "../../src/sim/program.ts";
import {
  applyObservable,
  expectationValues,
} from "../../src/sim/observable.ts";
import { ExpvalKernels, expvalKernels } from "../../src/sim/wasm/expval.ts";
import {
  relaxedSimdAvailable,
  simdKernels,
  useSimdVariant,
} from "../../src/sim/wasm/simd.ts";
import { runStageChunks, stageChunks } from "../../src/sim/adjoint-steps.ts";
import type { BlockingOptions } from "../../src/sim/blocking.ts";
import { makeScratch } from "../../src/sim/execute.ts";
import { adjointGradients } from "../../src/sim/gradient.ts";
import type { GateOp } from "../../src/ir/types.ts";
import {
  basisState,
  denseApply,
  denseExpectation,
  pauliMatrix,
  seededRng,
} from "../helpers/dense.ts";

function program(src: string): ParametricCircuit {
  const r = compileParametric(src);
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r.program;
}

function obs(text: string, n: number): Observable {
  const r = parseObservable(text, n);
  if (!r.ok) throw new Error(r.error);
  return r.observable;
}

function run(
  p: ParametricCircuit,
  observables: readonly Observable[],
  options: EstimateOptions,
) {
  const r = estimate(p, observables, options);
  if (!r.ok) throw new Error(r.error.message);
  return r.result;
}

const HEADER = 'OPENQASM 3.0;\ninclude "stdgates.inc";\n';

/**
 * The adjoint gradients of p at x on an engine: the final state from the single-threaded kernels
 * (unblocked, unfused), copied into states of `engine`, then the backward sweep.
 */
function adjointOn(
  engine: SimEngine,
  p: ParametricCircuit,
  x: readonly number[],
  observables: readonly Observable[],
  precision: "double" | "single",
  blocking?: BlockingOptions,
) {
  const n = p.circuit.numQubits;
  const bound = bindParameters(p, x);
  const phi = engine.allocate(n, precision);
  phi[0] = 1;
  for (const st of compileProgram(bound, { fusion: false, blocking: false })
    .steps)
    if (st.kind === "kernel") singleThreadEngine().sweep(phi, st.instr, n);
  const lams = observables.map((o) => {
    const lam = engine.allocate(n, precision);
    applyObservable(phi, o, lam);
    return lam;
  });
  const grads = adjointGradients(
    engine,
    bound,
    opParameterJacobian(p, x),
    phi,
    lams,
    p.parameters.length,
    undefined,
    blocking,
  );
  return { phi, grads };
}

/** A random program on n qubits whose gate arguments are expressions of the inputs a, b, c. */
function randomProgram(
  n: number,
  gates: number,
  rng: () => number,
  shiftable = false,
): string {
  const exprs = [
    "a",
    "2*a + b",
    "-c/3",
    "a*b",
    "sin(b)",
    "b**2",
    "0.3 - a",
    "exp(c/2)",
    "c",
  ];
  const e = () => exprs[Math.floor(rng() * exprs.length)];
  const qs = (k: number) => {
    const pool = [...Array(n).keys()];
    const out: number[] = [];
    for (let i = 0; i < k; i++)
      out.push(pool.splice(Math.floor(rng() * pool.length), 1)[0]);
    return out.map((q) => `q[${q}]`).join(", ");
  };
  const menu: (() => string)[] = [
    () => `h ${qs(1)};`,
    () => `sx ${qs(1)};`,
    () => `cx ${qs(2)};`,
    () => `rx(${e()}) ${qs(1)};`,
    () => `ry(${e()}) ${qs(1)};`,
    () => `rz(${e()}) ${qs(1)};`,
    () => `p(${e()}) ${qs(1)};`,
    () => `U(${e()}, ${e()}, ${e()}) ${qs(1)};`,
    () => `zz(${e()}) ${qs(2)};`,
    () => `crx(${e()}) ${qs(2)};`,
    () => `cp(${e()}) ${qs(2)};`,
    () => `ctrl @ ry(${e()}) ${qs(2)};`,
    () => `inv @ u3(${e()}, ${e()}, ${e()}) ${qs(1)};`,
    () => `pow(2) @ rx(${e()}) ${qs(1)};`,
    () => `rot(${e()}, ${e()}) ${qs(1)};`,
    () => `ctrl @ rot(${e()}, ${e()}) ${qs(2)};`,
  ];
  if (!shiftable) {
    menu.push(() => `rg(${e()}, ${e()}) ${qs(1)};`);
    menu.push(() => `cu(${e()}, ${e()}, ${e()}, ${e()}) ${qs(2)};`);
  }
  const lines = [
    HEADER,
    "input float a;",
    "input float b;",
    "input float c;",
    `qubit[${n}] q;`,
    "gate rot(t, s) x { ry(t) x; rz(2*s - t) x; }",
    "gate zz(t) x, y { cx x, y; rz(t) y; cx x, y; }",
    "gate rg(t, s) x { rz(s) x; rx(t) x; rz(-s) x; }",
  ];
  for (let i = 0; i < gates; i++)
    lines.push(menu[Math.floor(rng() * menu.length)]());
  return lines.join("\n");
}

function randomLabel(n: number, rng: () => number): string {
  let s = "";
  for (let q = 0; q < n; q++) s += "IXYZ"[Math.floor(rng() * 4)];
  return s;
}

/** A random Pauli sum, as text in label form and as (coef, label) pairs. */
function randomSum(n: number, terms: number, rng: () => number) {
  const parts: { coef: number; label: string }[] = [];
  for (let t = 0; t < terms; t++)
    parts.push({
      coef: Math.round((rng() * 4 - 2) * 1000) / 1000,
      label: randomLabel(n, rng),
    });
  const text = parts
    .map((p, i) => `${i > 0 && p.coef >= 0 ? "+ " : ""}${p.coef}*${p.label}`)
    .join(" ");
  return { text, parts };
}

/** The exact expectation from explicit matrices: the program compiled with the values, op by op. */
function denseReference(
  src: string,
  point: Record<string, number>,
  parts: { coef: number; label: string }[],
): number {
  const c = compileQasm(src, { inputs: point });
  if (!c.ok) throw new Error(JSON.stringify(c.diagnostics));
  let s = basisState(c.circuit.numQubits, 0);
  for (const op of c.circuit.ops) if (op.kind === "gate") s = denseApply(s, op);
  return parts.reduce(
    (acc, p) => acc + p.coef * denseExpectation(pauliMatrix(p.label), s),
    0,
  );
}

describe("parseObservable", () => {
  it("reads Qiskit labels with the rightmost character as qubit 0", () => {
    const o = obs("0.5*ZZ - 0.25*XX + YI", 2);
    expect(o.terms).toEqual([
      { coef: 0.5, x: 0, z: 3, ny: 0 },
      { coef: -0.25, x: 3, z: 0, ny: 0 },
      { coef: 1, x: 2, z: 2, ny: 1 },
    ]);
    expect(obs("XI", 2).terms[0].x).toBe(2);
  });

  it("reads the sparse form, exponents and identity constants", () => {
    expect(obs("Z0 Z1", 3).terms).toEqual([{ coef: 1, x: 0, z: 3, ny: 0 }]);
    expect(obs("0.5*X3 Y0", 4).terms).toEqual([
      { coef: 0.5, x: 9, z: 1, ny: 1 },
    ]);
    expect(obs("-1.5e-1*Z1 + 2", 2).terms).toEqual([
      { coef: -0.15, x: 0, z: 2, ny: 0 },
      { coef: 2, x: 0, z: 0, ny: 0 },
    ]);
  });

  it.each([
    [
      "ZZZ",
      2,
      'term "ZZZ": the label has 3 character(s) but the circuit has 2',
    ],
    ["ZZ + 0.5*ZQ", 2, `term "0.5*ZQ": 'ZQ' is not a Pauli factor`],
    ["X0 X5", 3, 'term "X0 X5": qubit 5 is out of range'],
    ["Z0 Z0", 3, 'term "Z0 Z0": qubit 0 appears twice'],
    ["ZZ +", 2, "empty term"],
    ["", 2, "the observable is empty"],
  ])("rejects %s naming the term", (text, n, message) => {
    const r = parseObservable(text, n);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(message);
  });
});

describe("expectationValues", () => {
  it.each([1, 2, 3, 7, 11])(
    "gives the same expectations and O a from the WebAssembly passes as from the scalar loops on %i qubits (double and single)",
    (n) => {
      expect(expvalKernels()).toBeDefined();
      const rng = seededRng(40 + n);
      const dim = 2 ** n;
      const parts = [randomSum(n, 40, rng).text];
      // Terms sharing an x mask (one pass for several terms), diagonal ones, and x = 1.
      parts.push(`0.5*${"Z".repeat(n)} - 0.25*${"Y".repeat(n)}`);
      parts.push(`0.3*${"X".repeat(n)} + 0.7*${"Y".repeat(n - 1)}Z`);
      parts.push(`1.5*X0 - 0.5*Y0 + 0.25*${n > 1 ? `X0 Z${n - 1}` : "Z0"} + 2`);
      const o = obs(parts.join(" + ").replace(/\+ -/g, "- "), n);
      for (const [single, variant] of [
        [false, "plain"],
        [false, "relaxed"],
        [true, "plain"],
        [true, "relaxed"],
      ] as const) {
        // Both kernel variants: plain SIMD, and relaxed SIMD's fused multiply-add where it runs.
        useSimdVariant(relaxedSimdAvailable() ? variant : "plain");
        const a = single
          ? new Float32Array(2 * dim)
          : new Float64Array(2 * dim);
        let norm = 0;
        for (let i = 0; i < a.length; i++) norm += (a[i] = rng() - 0.5) ** 2;
        for (let i = 0; i < a.length; i++) a[i] /= Math.sqrt(norm);
        const [simd] = expectationValues(a, [o]);
        const [scalar] = expectationValues(a, [o], { simd: false });
        expect(Math.abs(simd)).toBeGreaterThan(1e-3);
        expect(Math.abs(simd - scalar)).toBeLessThan(single ? 1e-5 : 1e-12);
        // O a, as the adjoint gradient starts from it.
        const applied = a.map(() => 0),
          reference = a.map(() => 0);
        applyObservable(a, o, applied);
        applyObservable(a, o, reference, { simd: false });
        expect(reference.some((v) => Math.abs(v) > 1e-3)).toBe(true);
        reference.forEach((v, i) =>
          expect(Math.abs(applied[i] - v)).toBeLessThan(single ? 1e-5 : 1e-12),
        );
      }
      useSimdVariant(undefined);
    },
  );
});

describe("releaseKernelMemory", () => {
  it("drops the expectation kernels once their memory grew past the threshold, and estimates run on after", () => {
    const before = expvalKernels()!;
    before.stateBuffer(16, false);
    expect(before.memoryBytes).toBeGreaterThanOrEqual(2 ** 20);
    expect(releaseKernelMemory(2 ** 40)).toBe(false);
    expect(expvalKernels()).toBe(before);
    expect(releaseKernelMemory(2 ** 20)).toBe(true);
    const after = expvalKernels()!;
    expect(after).not.toBe(before);
    expect(after.memoryBytes).toBeLessThan(2 ** 20);
    const bell = program(`${HEADER}qubit[2] q; h q[0]; cx q[0], q[1];`);
    const e = run(bell, [obs("ZZ", 2), obs("YY", 2)], {});
    expect(e.expectations[0][0]).toBeCloseTo(1, 12);
    expect(e.expectations[0][1]).toBeCloseTo(-1, 12);
  });
});

describe("expectationValues in tiles", () => {
  it("gives the same values and O a from passes over tiles of chunks as from the scalar loops (double and single)", () => {
    const rng = seededRng(77);
    const n = 11;
    const dim = 2 ** n;
    const parts = [randomSum(n, 60, rng).text];
    parts.push(`0.5*${"Z".repeat(n)} - 0.25*${"Y".repeat(n)}`);
    parts.push(`0.3*${"X".repeat(n)} + 0.7*${"Y".repeat(n - 1)}Z`);
    parts.push(`1.5*X0 - 0.5*Y1 + 0.25*X1 Z${n - 1} + 2`);
    const o = obs(parts.join(" + ").replace(/\+ -/g, "- "), n);
    for (const single of [false, true]) {
      const a = single ? new Float32Array(2 * dim) : new Float64Array(2 * dim);
      let norm = 0;
      for (let i = 0; i < a.length; i++) norm += (a[i] = rng() - 0.5) ** 2;
      for (let i = 0; i < a.length; i++) a[i] /= Math.sqrt(norm);
      const [scalar] = expectationValues(a, [o], { simd: false });
      // Chunks of 2^4 amplitudes in tiles of 2^2 chunks: 7 chunk bits, so many passes.
      for (const tiles of [
        { chunkQubits: 4, tileQubits: 2 },
        { chunkQubits: 5, tileQubits: 3 },
      ]) {
        const spy = vi.spyOn(ExpvalKernels.prototype, "passSums");
        const [tiled] = expectationValues(a, [o], { tiles });
        // The passes served every group of terms sharing an x mask.
        const groups = new Set(o.terms.map((t) => t.x)).size;
        expect(spy.mock.results[0].value).toHaveLength(groups);
        spy.mockRestore();
        expect(Math.abs(scalar)).toBeGreaterThan(1e-3);
        expect(Math.abs(tiled - scalar)).toBeLessThan(single ? 1e-5 : 1e-12);
        // O a in the same tiles.
        const applied = a.map(() => 0),
          reference = a.map(() => 0);
        applyObservable(a, o, applied, { tiles });
        applyObservable(a, o, reference, { simd: false });
        reference.forEach((v, i) =>
          expect(Math.abs(applied[i] - v)).toBeLessThan(single ? 1e-5 : 1e-12),
        );
      }
    }
  });
});

describe("compileParametric", () => {
  it("lists the inputs in declaration order and binds without recompiling", () => {
    const p = program(
      `${HEADER}input float theta; input angle phi; qubit q; rx(2*theta + phi) q;`,
    );
    expect(p.parameters).toEqual(["theta", "phi"]);
    const bound = bindParameters(p, [0.25, 0.5]);
    expect((bound.ops[0] as GateOp).params[0]).toBeCloseTo(1, 15);
  });

  it("refuses a parameter where its value must be known at compile time", () => {
    const r = compileParametric(
      `${HEADER}input int n; qubit[2] q; for int i in [0:n] { h q[0]; }`,
    );
    expect(r.ok).toBe(false);
    expect(r.diagnostics[0]).toMatchObject({
      code: "QASM_PARAMETER_USE",
      span: { line: 3 },
    });
    expect(r.diagnostics[0].message).toContain(
      "input 'n' is a circuit parameter",
    );
  });

  it("binds a fractional power of a non-rotation gate by re-expanding it, and refuses its gradient", () => {
    const src = `${HEADER}input float t; qubit[2] q; h q[0]; pow(0.5) @ u3(t, 0.2, 0.1) q[0]; cx q[0], q[1];`;
    const p = program(src);
    const e = run(p, [obs("ZI + XX", 2)], { points: [{ t: 0.7 }] });
    expect(e.expectations[0][0]).toBeCloseTo(
      denseReference(src, { t: 0.7 }, [
        { coef: 1, label: "ZI" },
        { coef: 1, label: "XX" },
      ]),
      10,
    );
    const g = estimate(p, [obs("ZI", 2)], {
      points: [{ t: 0.7 }],
      gradient: true,
    });
    expect(g.ok).toBe(false);
    if (!g.ok) expect(g.error.code).toBe("SIM_GRADIENT_UNSUPPORTED");
  });
});

describe("estimate", () => {
  afterAll(() => closeThreadPool());

  it("gives the Bell state's known values", () => {
    const p = program(`${HEADER}qubit[2] q; h q[0]; cx q[0], q[1];`);
    const r = run(
      p,
      ["ZZ", "XX", "YY", "ZI", "Z0 Z1"].map((t) => obs(t, 2)),
      {},
    );
    const [zz, xx, yy, zi, sparse] = r.expectations[0];
    expect(zz).toBeCloseTo(1, 12);
    expect(xx).toBeCloseTo(1, 12);
    expect(yy).toBeCloseTo(-1, 12);
    expect(zi).toBeCloseTo(0, 12);
    expect(sparse).toBeCloseTo(1, 12);
    expect(r).toMatchObject({
      points: 1,
      stddev: null,
      gradients: null,
      method: "statevector",
    });
  });

  it("gives <Z> = cos(theta) and d<Z>/dtheta = -sin(theta) for ry(theta)|0> over 256 points", () => {
    const p = program(`${HEADER}input float theta; qubit q; ry(theta) q;`);
    const thetas = Array.from(
      { length: 256 },
      (_, i) => -Math.PI + (2 * Math.PI * i) / 255,
    );
    const r = run(p, [obs("Z", 1)], {
      points: thetas.map((theta) => ({ theta })),
      gradient: true,
    });
    thetas.forEach((t, i) => {
      expect(Math.abs(r.expectations[i][0] - Math.cos(t))).toBeLessThan(1e-12);
      expect(Math.abs(r.gradients![i][0][0] + Math.sin(t))).toBeLessThan(1e-10);
    });
  });

  it.each([2, 5, 8])(
    "matches explicit matrices on random %i-qubit programs and Pauli sums (1e-10 double, 1e-5 single)",
    (n) => {
      const rng = seededRng(100 + n);
      for (let trial = 0; trial < (n < 8 ? 2 : 1); trial++) {
        const src = randomProgram(n, 14 + n, rng);
        const sums = [randomSum(n, 6, rng), randomSum(n, 3, rng)];
        const p = program(src);
        const points = [0, 1].map(() => ({
          a: rng() * 6 - 3,
          b: rng() * 2,
          c: rng() * 4 - 2,
        }));
        const observables = sums.map((s) => obs(s.text, n));
        const double = run(p, observables, { points });
        const single = run(p, observables, { points, precision: "single" });
        points.forEach((pt, i) =>
          sums.forEach((s, k) => {
            const want = denseReference(src, pt, s.parts);
            expect(Math.abs(double.expectations[i][k] - want)).toBeLessThan(
              1e-10,
            );
            expect(Math.abs(single.expectations[i][k] - want)).toBeLessThan(
              1e-5,
            );
          }),
        );
      }
    },
  );

  it("gives adjoint gradients within 1e-8 of central differences, through expressions, definitions and modifiers", () => {
    const rng = seededRng(7);
    for (const n of [3, 6]) {
      const src = randomProgram(n, 24, rng);
      const p = program(src);
      const observables = [
        obs(randomSum(n, 5, rng).text, n),
        obs(randomSum(n, 2, rng).text, n),
      ];
      const x = { a: 0.4, b: 1.1, c: -0.7 };
      const r = run(p, observables, { points: [x], gradient: true });
      expect(r.method).toBe("statevector+adjoint");
      const h = 1e-5;
      (["a", "b", "c"] as const).forEach((name, j) => {
        const fd = run(p, observables, {
          points: [
            { ...x, [name]: x[name] + h },
            { ...x, [name]: x[name] - h },
          ],
        });
        observables.forEach((_, k) => {
          const want =
            (fd.expectations[0][k] - fd.expectations[1][k]) / (2 * h);
          expect(Math.abs(r.gradients![0][k][j] - want)).toBeLessThan(1e-8);
        });
      });
    }
  });

  it("gives parameter-shift gradients equal to the adjoint ones", () => {
    const rng = seededRng(11);
    const n = 4;
    const p = program(randomProgram(n, 24, rng, true));
    const observables = [obs(randomSum(n, 4, rng).text, n)];
    const points = [{ a: 0.3, b: -0.8, c: 1.3 }];
    const adj = run(p, observables, { points, gradient: "adjoint" });
    const ps = run(p, observables, { points, gradient: "parameter-shift" });
    expect(ps.method).toBe("statevector+parameter-shift");
    adj.gradients![0][0].forEach((g, j) =>
      expect(Math.abs(ps.gradients![0][0][j] - g)).toBeLessThan(1e-10),
    );
  });

  it("estimates from shots within 5 standard errors and reports the standard error", () => {
    const rng = seededRng(5);
    const n = 4;
    const p = program(randomProgram(n, 20, rng));
    const texts = [
      "ZIII",
      "0.5*XXYZ - 0.25*ZZII + 1.5",
      randomSum(n, 5, rng).text,
    ];
    const observables = texts.map((t) => obs(t, n));
    const points = [{ a: 0.2, b: 0.9, c: -1.4 }];
    const exact = run(p, observables, { points });
    const shots = 4000;
    const est = run(p, observables, { points, shots, seed: 42 });
    expect(est).toMatchObject({ shots, seed: 42, method: "shots" });
    observables.forEach((_, k) => {
      const sd = est.stddev![0][k];
      expect(sd).toBeGreaterThan(0);
      expect(
        Math.abs(est.expectations[0][k] - exact.expectations[0][k]),
      ).toBeLessThan(5 * sd);
    });
    // One Pauli term: the standard error is sqrt((1 - E^2) / shots).
    const e0 = exact.expectations[0][0];
    expect(est.stddev![0][0]).toBeCloseTo(Math.sqrt((1 - e0 * e0) / shots), 2);
    // Same seed, same estimate.
    expect(
      run(p, observables, { points, shots, seed: 42 }).expectations,
    ).toEqual(est.expectations);
  });

  it("rejects a point with an unknown or missing input, naming it", () => {
    const p = program(`${HEADER}input float theta; qubit q; ry(theta) q;`);
    const bad = estimate(p, [obs("Z", 1)], { points: [{ theta: 1, phi: 2 }] });
    expect(bad).toMatchObject({ ok: false, error: { code: "SIM_BAD_POINT" } });
    if (!bad.ok) expect(bad.error.message).toContain("'phi' is not an input");
    const missing = estimate(p, [obs("Z", 1)], { points: [{}] });
    if (!missing.ok) expect(missing.error.message).toContain("input 'theta'");
    expect(missing.ok).toBe(false);
  });

  it("gives the same adjoint gradients with the backward sweep cache-blocked in small chunks", () => {
    const rng = seededRng(11);
    const n = 9;
    const p = program(randomProgram(n, 60, rng));
    const observables = [
      obs(randomSum(n, 5, rng).text, n),
      obs(randomSum(n, 3, rng).text, n),
    ];
    const x = [0.4, -0.7, 1.1];
    const engine = singleThreadEngine();
    const gradients = (blocking?: {
      chunkQubits: number;
      highQubits: number;
    }) => {
      const { phi, grads } = adjointOn(
        engine,
        p,
        x,
        observables,
        "double",
        blocking,
      );
      // The backward sweep runs phi back to |0...0>.
      expect(Math.abs(phi[0] - 1)).toBeLessThan(1e-10);
      return grads;
    };
    const whole = gradients();
    // Chunks of 2^3 amplitudes, at most 2 qubits above the lowest one: many stages and wide steps alone.
    const blocked = gradients({ chunkQubits: 5, highQubits: 2 });
    expect(
      whole.flatMap((g) => Array.from(g)).some((v) => Math.abs(v) > 1e-3),
    ).toBe(true);
    whole.forEach((g, k) =>
      g.forEach((v, j) =>
        expect(Math.abs(blocked[k][j] - v)).toBeLessThan(1e-12),
      ),
    );
  });

  it.each(["relaxed", "plain"] as const)(
    "fuses consecutive one-qubit parametrised steps on a qubit (and a cx on it before them) into one pass, with the same gradients (%s SIMD)",
    (variant) => {
      if (variant === "relaxed" && !relaxedSimdAvailable()) return;
      useSimdVariant(variant);
      try {
        const rng = seededRng(17);
        const n = 9;
        const body: string[] = [];
        for (let layer = 0; layer < 2; layer++) {
          for (let q = 0; q < n; q++) {
            // Pairs of each shape: ry then rz (real, diagonal), rx then p (complex), U with one moving
            // parameter (general) then ry; a U with three moving parameters is not fused.
            const gates = [
              `ry(a + ${q}) q[${q}]; rz(2*b) q[${q}];`,
              `rx(c*a) q[${q}]; p(b - ${q / 3}) q[${q}];`,
              `U(a, 0.3, ${q / 5}) q[${q}]; ry(exp(c/2)) q[${q}];`,
              `U(a, b, c) q[${q}];`,
            ];
            body.push(gates[Math.floor(rng() * gates.length)]);
          }
          for (let q = 0; q + 1 < n; q++) body.push(`cx q[${q}], q[${q + 1}];`);
        }
        const p = program(
          `${HEADER}input float a; input float b; input float c; qubit[${n}] q;\n${body.join("\n")}`,
        );
        const observables = [
          obs(randomSum(n, 5, rng).text, n),
          obs(randomSum(n, 3, rng).text, n),
        ];
        const x = [0.4, -0.7, 1.1];
        const base = singleThreadEngine();
        let pairs = 0,
          exchanges = 0;
        const engine: SimEngine = {
          ...base,
          backwardStage: (stage, phi, lams) => {
            for (const act of stage.actions)
              if ("fused" in act) {
                if (act.fused.length === 2) pairs++;
                if (act.control !== undefined) exchanges++;
              }
            const out = new Float64Array(stageChunks(stage) * stage.accLen);
            runStageChunks(
              stage,
              0,
              stageChunks(stage),
              phi,
              lams,
              out,
              makeScratch(),
            );
            return out;
          },
        };
        const blocking = { chunkQubits: 7, highQubits: 2 };
        const whole = adjointOn(base, p, x, observables, "double").grads;
        const fused = adjointOn(
          engine,
          p,
          x,
          observables,
          "double",
          blocking,
        ).grads;
        const scalar = adjointOn(base, p, x, observables, "double", {
          ...blocking,
          simd: false,
        }).grads;
        if (simdKernels()) {
          expect(pairs).toBeGreaterThan(5);
          expect(exchanges).toBeGreaterThan(3);
        }
        expect(
          whole.flatMap((g) => Array.from(g)).some((v) => Math.abs(v) > 1e-2),
        ).toBe(true);
        whole.forEach((g, k) =>
          g.forEach((v, j) => {
            expect(Math.abs(fused[k][j] - v)).toBeLessThan(1e-12);
            expect(Math.abs(scalar[k][j] - v)).toBeLessThan(1e-12);
          }),
        );
      } finally {
        useSimdVariant(undefined);
      }
    },
  );

  it.each(["double", "single"] as const)(
    "runs the backward stages' chunks on the thread pool with the same sums as on one thread (%s)",
    async (precision) => {
      const rng = seededRng(5);
      const n = 12;
      const p = program(randomProgram(n, 40, rng));
      const observables = [
        obs(randomSum(n, 6, rng).text, n),
        obs(randomSum(n, 4, rng).text, n),
      ];
      const x = [0.3, -1.2, 0.8];
      const blocking = { chunkQubits: 9, highQubits: 3 };
      const gradients = (engine: SimEngine) =>
        adjointOn(engine, p, x, observables, precision, blocking).grads;
      const one = gradients(singleThreadEngine());
      const pool = await ThreadPool.start(2);
      try {
        const engine = pool.engine();
        let stages = 0;
        const many = gradients({
          ...engine,
          backwardStage: (stage, phi, lams) => {
            stages++;
            return engine.backwardStage!(stage, phi, lams);
          },
        });
        expect(stages).toBeGreaterThan(3);
        expect(one.flatMap((g) => Array.from(g)).some((v) => v !== 0)).toBe(
          true,
        );
        expect(many).toEqual(one);
      } finally {
        await pool.close();
      }
    },
  );

  it.each([
    ["double", 1e-12],
    ["single", 1e-5],
  ] as const)(
    "agrees on the thread pool with one thread (%s precision)",
    async (precision, tol) => {
      const rng = seededRng(3);
      const n = 14;
      const src = randomProgram(n, 16, rng);
      const p = program(src);
      const observables = [obs(randomSum(n, 6, rng).text, n)];
      const points = [{ a: 0.1, b: 0.2, c: 0.3 }];
      const one = run(p, observables, { points, gradient: true, precision });
      const many = await estimateParallel(p, observables, {
        points,
        gradient: true,
        precision,
        threads: 2,
      });
      if (!many.ok) throw new Error(many.error.message);
      expect(
        Math.abs(many.result.expectations[0][0] - one.expectations[0][0]),
      ).toBeLessThan(tol);
      many.result.gradients![0][0].forEach((g, j) =>
        expect(Math.abs(g - one.gradients![0][0][j])).toBeLessThan(tol),
      );
    },
  );
});
