import { describe, expect, it } from "vitest";
import { ThreadPool } from "../../src/threads/pool.ts";
import { simulate, simulateOn } from "../../src/sim/simulate.ts";
import { compileProgram } from "../../src/sim/program.ts";
import type { KernelInstr } from "../../src/sim/instructions.ts";
import type { BlockingOptions } from "../../src/sim/blocking.ts";
import {
  applyMatrix,
  basisState,
  denseUnitary,
  fidelity,
  seededRng,
} from "../helpers/dense.ts";
import { circuit, measure, randomCircuit, std } from "./build.ts";
import { useSimdVariant } from "../../src/sim/wasm/simd.ts";

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// Small chunks so that stages with high qubits (gather/scatter) and several chunks occur at n <= 8.
// Each with the WebAssembly SIMD kernels and with TypeScript only.
const SHAPES: BlockingOptions[] = [
  { chunkQubits: 3, highQubits: 1 },
  { chunkQubits: 4, highQubits: 2 },
  { chunkQubits: 5, highQubits: 5 },
  { chunkQubits: 4, highQubits: 0 },
].flatMap((o) => [o, { ...o, simd: false }]);

function kinds(instrs: readonly KernelInstr[]): string[] {
  return instrs.map((i) => i.kind);
}

describe("cache blocking", () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    "random circuit %i agrees with the dense reference for every chunk shape, double and single, plain and relaxed SIMD",
    (seed) => {
      const n = 4 + (seed % 5);
      const c = randomCircuit(n, 25 + 5 * n, seededRng(seed * 7919));
      const want = applyMatrix(denseUnitary(c), basisState(n, 0));
      for (const [variant, blocking] of (["plain", "relaxed"] as const).flatMap(
        (v) => SHAPES.map((b) => [v, b] as const),
      )) {
        useSimdVariant(variant);
        const dbl = simulate(c, { shots: 0, statevector: true, blocking });
        if (!dbl.ok) throw new Error(dbl.error.message);
        expect(
          maxDiff(dbl.result.statevector!, want),
          `${variant} ${JSON.stringify(blocking)}`,
        ).toBeLessThan(1e-10);
        const sgl = simulate(c, {
          shots: 0,
          statevector: true,
          blocking,
          precision: "single",
        });
        if (!sgl.ok) throw new Error(sgl.error.message);
        expect(fidelity(sgl.result.statevector!, want)).toBeGreaterThan(
          1 - 1e-5,
        );
      }
      useSimdVariant(undefined);
    },
  );

  it("makes stages with high qubits, fewer sweeps than gates", () => {
    const c = randomCircuit(8, 80, seededRng(5), [
      "rx",
      "ry",
      "rz",
      "cx",
      "cz",
    ]);
    const prog = compileProgram(c, {
      blocking: { chunkQubits: 5, highQubits: 2 },
    });
    const blocks = prog.steps.flatMap((s) =>
      s.kind === "kernel" && s.instr.kind === "block" ? [s.instr] : [],
    );
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.some((b) => b.high.length > 0)).toBe(true);
    for (const b of blocks) {
      expect(b.low + b.high.length).toBeLessThanOrEqual(5);
      expect(b.high.every((q) => q >= b.low)).toBe(true);
    }
    expect(prog.steps.length).toBeLessThan(prog.sourceGates / 2);
    const plain = compileProgram(c, { blocking: false });
    expect(plain.steps.length).toBeGreaterThan(prog.steps.length);
  });

  it("runs blocked stages on 2 and 3 threads like the dense reference", async () => {
    for (const threads of [2, 3]) {
      const pool = await ThreadPool.start(threads);
      try {
        for (let seed = 1; seed <= 4; seed++) {
          const n = 6 + (seed % 3);
          const c = randomCircuit(n, 60, seededRng(seed * 131));
          const want = applyMatrix(denseUnitary(c), basisState(n, 0));
          for (const precision of ["double", "single"] as const) {
            const out = simulateOn(
              c,
              {
                shots: 0,
                statevector: true,
                precision,
                blocking: {
                  chunkQubits: 4,
                  highQubits: 2,
                  simd: seed % 2 === 0,
                },
              },
              pool.engine(),
            );
            pool.reset();
            if (!out.ok) throw new Error(out.error.message);
            expect(fidelity(out.result.statevector!, want)).toBeGreaterThan(
              precision === "double" ? 1 - 1e-10 : 1 - 1e-5,
            );
          }
        }
      } finally {
        await pool.close();
      }
    }
  });

  it("never moves gates across a measurement, reset, barrier or classical condition", () => {
    const cond = { clbits: [0], op: "==" as const, value: 1 };
    const c = circuit(
      3,
      [
        ...std("h", [0]),
        ...std("h", [1]),
        measure(0, 0),
        ...std("cx", [1, 2]),
        ...std("x", [2]).map((o) => ({ ...o, condition: cond })),
        ...std("h", [2]),
        { kind: "reset", qubit: 1 },
        ...std("h", [1]),
        { kind: "barrier", qubits: [0, 1, 2] },
        ...std("ry", [2], [0.3]),
      ],
      [1],
    );
    const shapeOf = (simd: boolean): string[] =>
      compileProgram(c, {
        blocking: { chunkQubits: 2, highQubits: 1, simd },
      }).steps.map((s) =>
        s.kind === "kernel"
          ? s.condition
            ? "cond"
            : s.instr.kind === "block"
              ? `block(${kinds(s.instr.subs).join(",")})`
              : s.instr.kind
          : s.kind,
      );
    expect(shapeOf(false)).toEqual([
      "block(mat1r,mat1r)",
      "measure",
      "swap",
      "cond",
      "mat1r",
      "reset",
      "mat1r",
      "mat1r",
    ]);
    // With the SIMD kernels, a lone unconditioned gate is a one-gate stage (it runs in wasm): same
    // order. The cx here needs both chunk qubits as high qubits, so it stays a plain sweep.
    expect(shapeOf(true)).toEqual([
      "block(mat1r,mat1r)",
      "measure",
      "swap",
      "cond",
      "block(mat1r)",
      "reset",
      "block(mat1r)",
      "block(mat1r)",
    ]);
  });

  it("runs a gate too wide for a stage as a stage of its own (more high qubits, smaller low part), like the reference", () => {
    const c = circuit(8, [
      ...std("h", [6]),
      ...std("h", [0]),
      ...std("ccx", [5, 6, 7]),
      ...std("cp", [4, 7], [0.7]),
    ]);
    const blocking = { chunkQubits: 5, highQubits: 1 };
    const prog = compileProgram(c, { blocking });
    const wide = prog.steps.find(
      (s) =>
        s.kind === "kernel" &&
        s.instr.kind === "block" &&
        s.instr.subs.some((x) => x.kind === "swap"),
    );
    if (wide?.kind !== "kernel" || wide.instr.kind !== "block")
      throw new Error("no stage for the ccx");
    expect(Array.from(wide.instr.high)).toEqual([5, 6, 7]);
    expect(wide.instr.low).toBe(2);
    const want = applyMatrix(denseUnitary(c), basisState(8, 0));
    for (const precision of ["double", "single"] as const) {
      const r = simulate(c, {
        shots: 0,
        statevector: true,
        blocking,
        precision,
      });
      if (!r.ok) throw new Error(r.error.message);
      expect(maxDiff(r.result.statevector!, want)).toBeLessThan(
        precision === "double" ? 1e-12 : 1e-6,
      );
    }
  });

  it("lowers rotations and controlled phases to the cheap kernels, factoring rz's phase out", () => {
    const one = (ops: ReturnType<typeof std>) =>
      compileProgram(circuit(2, ops), { blocking: false });
    const rx = one(std("rx", [0], [0.4])).steps[0];
    const ry = one(std("ry", [1], [0.4])).steps[0];
    const rz = one(std("rz", [1], [0.4]));
    const cz = one(std("cz", [0, 1])).steps[0];
    expect(rx.kind === "kernel" && rx.instr.kind).toBe("mat1x");
    expect(ry.kind === "kernel" && ry.instr.kind).toBe("mat1r");
    expect(rz.steps[0].kind === "kernel" && rz.steps[0].instr.kind).toBe(
      "phase",
    );
    expect(rz.globalPhase).toBeCloseTo(-0.2, 12);
    expect(cz.kind === "kernel" && cz.instr).toMatchObject({
      kind: "phase",
      cmask: 3,
      dr: -1,
      di: 0,
    });
    // rz then cz: one 2-qubit diagonal, applied group by group (entry 0 factored to 1)
    const rzcz = one([...std("rz", [1], [0.4]), ...std("cz", [0, 1])]);
    expect(rzcz.steps.length).toBe(1);
    expect(rzcz.steps[0].kind === "kernel" && rzcz.steps[0].instr.kind).toBe(
      "diagg",
    );
    // rz(t) rz(-t) on one qubit leaves nothing to sweep
    expect(
      one([...std("rz", [0], [0.7]), ...std("rz", [0], [-0.7])]).steps,
    ).toEqual([]);
  });
});
