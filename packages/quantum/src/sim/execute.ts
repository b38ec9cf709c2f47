/** Dispatches kernel instructions to their kernels over a slice of the outer index. */
import type { KernelInstr } from "./instructions.ts";
import type { Amplitudes } from "./kernels/one-qubit.ts";
import { BASE_KERNELS, singlePrecisionKernels } from "./kernels/specialise.ts";

const F64 = BASE_KERNELS;
const F32 = singlePrecisionKernels();

/** Scratch for the dense-k kernel (2 * 2^k doubles, k <= 10); one per thread. */
export function makeScratch(): Float64Array {
  return new Float64Array(2 * 1024);
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
