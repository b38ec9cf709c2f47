/** Dispatches kernel instructions to their kernels over a slice of the outer index. */
import {
  type BlockInstr,
  type KernelInstr,
  outerSize,
} from "./instructions.ts";
import { insertZeroBits } from "./kernels/controlled.ts";
import { type SimdKernels, simdKernels } from "./wasm/simd.ts";
import { planStage } from "./wasm/stage.ts";
import { type StageStep, windowSetting, windowStage } from "./wasm/window.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { BASE_KERNELS, singlePrecisionKernels } from "./kernels/specialise.ts";

const F64 = BASE_KERNELS;
const F32 = singlePrecisionKernels();

/** Scratch for the dense-k kernel (2 * 2^k doubles, k <= 10); one per thread. */
export function makeScratch(): Float64Array {
  return new Float64Array(2 * 1024);
}

// Per-thread chunk buffers of cache-blocked stages (each worker has its own module instance).
let chunk64 = new Float64Array(0);
let chunk32 = new Float32Array(0);

// SIMD steps of the stages seen by this thread, per precision, with the kernels and window
// size they were made for (compiled windows belong to one module instance).
const stagePlans = [
  new WeakMap<BlockInstr, StagePlan>(),
  new WeakMap<BlockInstr, StagePlan>(),
];

interface StagePlan {
  readonly steps: StageStep[];
  readonly simd: SimdKernels;
  readonly window: number;
}

/** The stage's SIMD steps: register windows on states of at least the setting's size, else planned pair ops. */
function stageSteps(
  b: BlockInstr,
  simd: SimdKernels,
  single: boolean,
  local: number,
  stateQubits: number,
): StageStep[] {
  const cache = stagePlans[single ? 1 : 0];
  const setting = windowSetting();
  const window = stateQubits >= setting.minStateQubits ? setting.qubits : 0;
  const known = cache.get(b);
  if (known && known.simd === simd && known.window === window)
    return known.steps;
  const steps =
    (window > 0
      ? windowStage(simd, b.subs, single, local, window)
      : undefined) ?? planStage(b.subs, single, local);
  cache.set(b, { steps, simd, window });
  return steps;
}

/** Applies a cache-blocked stage to chunks [begin, end). */
function applyBlock(
  a: Amplitudes,
  b: BlockInstr,
  begin: number,
  end: number,
  scratch: Float64Array,
): void {
  const low = b.low;
  const subs = b.subs;
  const simd = b.simd ? simdKernels() : undefined;
  if (b.high.length === 0 && !simd) {
    for (let c = begin; c < end; c++)
      for (const sub of subs) {
        const os = outerSize(sub, low);
        applyInstr(a, sub, c * os, (c + 1) * os, scratch);
      }
    return;
  }
  const local = low + b.high.length;
  const len = 2 * 2 ** local;
  const single = a instanceof Float32Array;
  let buf: Amplitudes;
  if (simd) buf = simd.buffer(single, len);
  else if (single) {
    if (chunk32.length < len) chunk32 = new Float32Array(len);
    buf = chunk32.length === len ? chunk32 : chunk32.subarray(0, len);
  } else {
    if (chunk64.length < len) chunk64 = new Float64Array(len);
    buf = chunk64.length === len ? chunk64 : chunk64.subarray(0, len);
  }
  const steps = simd
    ? stageSteps(b, simd, single, local, Math.log2(a.length) - 1)
    : undefined;
  const run = 2 * 2 ** low;
  const hoff = b.hoff;
  for (let c = begin; c < end; c++) {
    const base = 2 * insertZeroBits(c * 2 ** low, b.high);
    // Runs are copied with TypedArray.set (a memcpy when both sides have the same element type).
    for (let j = 0; j < hoff.length; j++) {
      const p0 = base + hoff[j];
      buf.set(a.subarray(p0, p0 + run), j * run);
    }
    if (steps)
      for (const st of steps) {
        if ("kind" in st) applyInstr(buf, st, 0, outerSize(st, local), scratch);
        else if ("window" in st) st.window();
        else simd!.run(st);
      }
    else
      for (const sub of subs)
        applyInstr(buf, sub, 0, outerSize(sub, local), scratch);
    for (let j = 0; j < hoff.length; j++)
      a.set(buf.subarray(j * run, (j + 1) * run), base + hoff[j]);
  }
}

/** Applies one kernel instruction to a over outer indices [begin, end). */
export function applyInstr(
  a: Amplitudes,
  instr: KernelInstr,
  begin: number,
  end: number,
  scratch: Float64Array,
): void {
  const k = a instanceof Float32Array ? F32 : F64;
  switch (instr.kind) {
    case "mat1":
      k.applyMat1(a, instr.t, instr.m, begin, end);
      return;
    case "mat2":
      k.applyMat2(a, instr.q0, instr.q1, instr.m, begin, end);
      return;
    case "mat1c":
      k.applyMat1Controlled(
        a,
        instr.t,
        instr.bits,
        instr.cmask,
        instr.m,
        begin,
        end,
      );
      return;
    case "matk":
      k.applyMatK(
        a,
        instr.offs,
        instr.bits,
        instr.cmask,
        instr.m,
        scratch,
        begin,
        end,
      );
      return;
    case "diag":
      k.applyDiag(a, instr.qs, instr.d, instr.gather, begin, end);
      return;
    case "mat1r":
      k.applyMat1Real(a, instr.t, instr.m, begin, end);
      return;
    case "mat1x":
      k.applyMat1Rx(a, instr.t, instr.m, begin, end);
      return;
    case "phase":
      k.applyPhaseMask(
        a,
        instr.bits,
        instr.cmask,
        instr.dr,
        instr.di,
        begin,
        end,
      );
      return;
    case "diagg":
      k.applyDiagGroups(a, instr.bits, instr.offs, instr.d, begin, end);
      return;
    case "block":
      applyBlock(a, instr, begin, end, scratch);
      return;
    case "swap":
      k.applySwapPairs(
        a,
        instr.bits,
        instr.cmask,
        instr.oa,
        instr.ob,
        begin,
        end,
      );
      return;
  }
}
