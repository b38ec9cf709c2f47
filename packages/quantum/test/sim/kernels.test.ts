import { describe, expect, it } from "vitest";
import { BASE_GATE_NAMES } from "../../src/ir/gates.ts";
import { BASE_GATES } from "../../src/ir/gate-matrices.ts";
import type { GateOp } from "../../src/ir/types.ts";
import { applyInstr, makeScratch } from "../../src/sim/execute.ts";
import { outerSize } from "../../src/sim/instructions.ts";
import { lowerControlled, lowerUnit } from "../../src/sim/lower.ts";
import { gateUnit } from "../../src/sim/fusion.ts";
import {
  denseApply,
  fidelity,
  randomState,
  seededRng,
} from "../helpers/dense.ts";

const N = 5;
const allGates = BASE_GATE_NAMES.filter((g) => g !== "gphase");

/** Every way to place `count` distinct qubits out of N, in order, capped for speed. */
function placements(
  count: number,
  rng: () => number,
  limit: number,
): number[][] {
  const out: number[][] = [];
  const rec = (cur: number[]): void => {
    if (cur.length === count) {
      out.push(cur);
      return;
    }
    for (let q = 0; q < N; q++) if (!cur.includes(q)) rec([...cur, q]);
  };
  rec([]);
  // keep all single-target placements; sample the rest deterministically
  while (out.length > limit) out.splice(Math.floor(rng() * out.length), 1);
  return out;
}

function maxDiff(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function runKernel(
  state: Float64Array,
  op: GateOp,
  fused: boolean,
  single: boolean,
): Float64Array {
  const instr = fused
    ? lowerUnit(gateUnit(op))
    : lowerControlled(op.qubits, op.controls, gateMatrixOf(op));
  const a = single ? Float32Array.from(state) : Float64Array.from(state);
  applyInstr(a, instr, 0, outerSize(instr, N), makeScratch());
  return Float64Array.from(a);
}

function gateMatrixOf(op: GateOp): Float64Array {
  return BASE_GATES.get(op.name)!.matrix(op.params);
}

describe("kernels", () => {
  it.each(allGates)("%s kernel matches its matrix", (name) => {
    const g = BASE_GATES.get(name)!;
    const rng = seededRng(name.length * 7919 + name.charCodeAt(0));
    let cases = 0;
    for (let controls = 0; controls <= 2; controls++) {
      for (const qs of placements(
        g.numQubits + controls,
        rng,
        g.numQubits === 1 && controls === 0 ? 99 : 12,
      )) {
        const params = Array.from(
          { length: g.numParams },
          () => (rng() - 0.5) * 4 * Math.PI,
        );
        const op: GateOp = {
          kind: "gate",
          name,
          qubits: qs.slice(0, g.numQubits),
          controls: qs.slice(g.numQubits),
          params,
        };
        const state = randomState(N, rng);
        const want = denseApply(state, op);
        for (const fused of [false, true]) {
          expect(
            maxDiff(runKernel(state, op, fused, false), want),
            `${name} ${qs} fused=${fused}`,
          ).toBeLessThan(1e-12);
          expect(
            maxDiff(runKernel(state, op, fused, true), want),
            `${name} ${qs} single`,
          ).toBeLessThan(1e-5);
        }
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(3);
  });

  it("controlled gphase multiplies only the all-controls-set subspace", () => {
    const rng = seededRng(5);
    const op: GateOp = {
      kind: "gate",
      name: "gphase",
      qubits: [],
      controls: [1, 3],
      params: [0.7],
    };
    const state = randomState(N, rng);
    const got = runKernel(state, op, false, false);
    expect(fidelity(got, denseApply(state, op))).toBeGreaterThan(1 - 1e-12);
    expect(maxDiff(got, denseApply(state, op))).toBeLessThan(1e-12);
  });
});
