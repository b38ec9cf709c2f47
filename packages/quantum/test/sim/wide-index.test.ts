/**
 * 31 qubits in single precision is a 16 GiB Float32Array of 2^32 elements: amplitude indices still
 * fit in 31 bits, but element offsets reach 2^31 and overflow 32-bit shifts (`2 << 30` is negative).
 * These tests run every kernel kind on a gate that touches qubit 30 of a real 2^32-element array,
 * over a few outer indices only: Linux maps the untouched pages lazily, so the test uses a few
 * pages of memory, not 16 GiB. Each result is checked against the gate's dense matrix applied to
 * the same groups of amplitudes. Where the address space cannot be reserved, the tests skip.
 */
import { describe, expect, it } from "vitest";
import type { Operation } from "../../src/ir/types.ts";
import { applyInstr, makeScratch } from "../../src/sim/execute.ts";
import { type KernelInstr, outerSize } from "../../src/sim/instructions.ts";
import { type ProgramOptions, compileProgram } from "../../src/sim/program.ts";
import { MAX_SIM_QUBITS } from "../../src/sim/simulate.ts";
import { denseUnitary } from "../helpers/dense.ts";
import { circuit, std } from "./build.ts";

const N = 31;

function reserve(): Float32Array | undefined {
  try {
    return new Float32Array(2 ** (N + 1));
  } catch {
    return undefined;
  }
}

const big = reserve();
if (!big)
  console.warn(
    "wide-index tests skipped: this machine cannot reserve a 16 GiB array (address space or overcommit limit)",
  );

/** Qubits of the ops, sorted. */
function qubitsOf(ops: readonly Operation[]): number[] {
  const qs = new Set<number>();
  for (const op of ops)
    if (op.kind === "gate")
      for (const q of [...op.qubits, ...op.controls]) qs.add(q);
  return [...qs].sort((x, y) => x - y);
}

/** The ops' unitary over their own qubits (qs[b] is bit b). */
function localUnitary(
  ops: readonly Operation[],
  qs: readonly number[],
): Float64Array {
  const map = (q: number): number => qs.indexOf(q);
  return denseUnitary({
    numQubits: qs.length,
    globalPhase: 0,
    ops: ops.map((op) =>
      op.kind === "gate"
        ? { ...op, qubits: op.qubits.map(map), controls: op.controls.map(map) }
        : op,
    ),
  });
}

/** Element offset of group member j (bit b of j set: qubit qs[b] is 1). */
function memberOffset(j: number, qs: readonly number[]): number {
  let o = 0;
  qs.forEach((q, b) => {
    if ((j >> b) & 1) o += 2 * 2 ** q;
  });
  return o;
}

/**
 * Fills the groups over `qs` with the given bases with distinct values, runs `apply`, checks each
 * group against u times its old values (within single-precision rounding), then clears them.
 */
function checkGroups(
  a: Float32Array,
  qs: readonly number[],
  bases: readonly number[],
  u: Float64Array,
  apply: () => void,
): void {
  const d = 1 << qs.length;
  const at = (k: number, j: number): number => 2 * k + memberOffset(j, qs);
  const before = bases.map((k) =>
    Array.from({ length: d }, (_, j) => {
      a[at(k, j)] = Math.fround(Math.sin(1 + k + 7 * j));
      a[at(k, j) + 1] = Math.fround(Math.cos(2 + 3 * k + j));
      return [a[at(k, j)], a[at(k, j) + 1]];
    }),
  );
  apply();
  let worst = 0;
  bases.forEach((k, g) => {
    for (let r = 0; r < d; r++) {
      let re = 0,
        im = 0;
      for (let c = 0; c < d; c++) {
        const [xr, xi] = before[g][c];
        const ur = u[2 * (r * d + c)],
          ui = u[2 * (r * d + c) + 1];
        re += ur * xr - ui * xi;
        im += ur * xi + ui * xr;
      }
      worst = Math.max(
        worst,
        Math.abs(a[at(k, r)] - re),
        Math.abs(a[at(k, r) + 1] - im),
      );
    }
    for (let j = 0; j < d; j++) a.fill(0, at(k, j), at(k, j) + 2);
  });
  expect(worst).toBeLessThan(1e-5);
}

/** The one kernel instruction the ops compile to. */
function onlyInstr(ops: Operation[], options: ProgramOptions): KernelInstr {
  const steps = compileProgram(circuit(N, ops), options).steps;
  expect(steps).toHaveLength(1);
  const step = steps[0];
  if (step.kind !== "kernel") throw new Error("expected a kernel step");
  return step.instr;
}

const cases: [string, Operation[], string][] = [
  ["u3 on 30", std("u3", [30], [0.1, 0.2, 0.3]), "mat1"],
  ["ry on 30", std("ry", [30], [0.3]), "mat1r"],
  ["rx on 30", std("rx", [30], [0.4]), "mat1x"],
  ["x on 30", std("x", [30]), "swap"],
  ["cx 29 -> 30", std("cx", [29, 30]), "swap"],
  ["cx 30 -> 28", std("cx", [30, 28]), "swap"],
  ["swap 28, 30", std("swap", [28, 30]), "swap"],
  ["ccx 28, 29 -> 30", std("ccx", [28, 29, 30]), "swap"],
  ["crx 29 -> 30", std("crx", [29, 30], [0.5]), "mat1c"],
  ["rz on 30", std("rz", [30], [0.7]), "diag"],
  ["cp 29, 30", std("cp", [29, 30], [0.3]), "phase"],
  ["rzz 29, 30", std("rzz", [29, 30], [0.3]), "diag"],
  ["rxx 29, 30", std("rxx", [29, 30], [0.3]), "mat2"],
  [
    "fused 3-qubit block on 28..30",
    [
      ...std("ry", [28], [0.2]),
      ...std("rxx", [29, 30], [0.4]),
      ...std("crx", [28, 30], [0.6]),
      ...std("cry", [30, 29], [0.8]),
    ],
    "matk",
  ],
];

describe.skipIf(!big)(
  "kernels on qubit 30 of a 31-qubit single-precision state",
  () => {
    it("supports 31 qubits", () => {
      expect(MAX_SIM_QUBITS).toBeGreaterThanOrEqual(31);
    });

    it.each(cases)("%s", (_name, ops, kind) => {
      const a = big!;
      const instr = onlyInstr(ops, {
        blocking: false,
        ...(kind === "matk" ? { maxDense: 3 } : { fusion: false }),
      });
      expect(instr.kind).toBe(kind);
      const qs = qubitsOf(ops);
      const u = localUnitary(ops, qs);
      const scratch = makeScratch();
      const bases = 4;
      checkGroups(a, qs, [0, 1, 2, 3], u, () => {
        if (outerSize(instr, N) === 2 ** N)
          // Diagonals sweep amplitude indices: run each group member's range.
          for (let j = 0; j < 1 << qs.length; j++) {
            const start = memberOffset(j, qs) / 2;
            applyInstr(a, instr, start, start + bases, scratch);
          }
        else applyInstr(a, instr, 0, bases, scratch);
      });
    });

    it.each([
      ["WebAssembly SIMD", true],
      ["TypeScript", false],
    ])(
      "a cache-blocked stage with high qubits 29 and 30 (%s kernels)",
      (_name, simd) => {
        const a = big!;
        const ops = [
          ...std("ry", [30], [0.3]),
          ...std("cx", [29, 30]),
          ...std("p", [29], [0.9]),
          ...std("h", [2]),
        ];
        const instr = onlyInstr(ops, {
          blocking: { chunkQubits: 8, highQubits: 2, simd },
        });
        expect(instr.kind).toBe("block");
        if (instr.kind !== "block") return;
        expect(Array.from(instr.high)).toEqual([29, 30]);
        // Chunk 0 holds every amplitude whose bits 6..28 are 0: the groups over {2, 29, 30} with
        // bases below 2^6 that have bit 2 clear.
        const qs = [2, 29, 30];
        const u = localUnitary(ops, qs);
        const bases: number[] = [];
        for (let k = 0; k < 64; k++) if (!((k >> 2) & 1)) bases.push(k);
        checkGroups(a, qs, bases, u, () =>
          applyInstr(a, instr, 0, 1, makeScratch()),
        );
      },
    );
  },
);
