/** Dispatches kernel instructions to their kernels over a slice of the outer index. */
import type { KernelInstr } from "./instructions.ts";
import { applyMat1, type Amplitudes } from "./kernels/one-qubit.ts";
import { applyMat2 } from "./kernels/two-qubit.ts";
import { applyMat1Controlled } from "./kernels/controlled.ts";
import { applyMatK } from "./kernels/dense-k.ts";
import { applyDiag } from "./kernels/diagonal.ts";
import { applySwapPairs } from "./kernels/permutation.ts";

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
  switch (instr.kind) {
    case "mat1":
      applyMat1(a, instr.t, instr.m, begin, end);
      return;
    case "mat2":
      applyMat2(a, instr.q0, instr.q1, instr.m, begin, end);
      return;
    case "mat1c":
      applyMat1Controlled(
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
      applyMatK(
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
      applyDiag(a, instr.qs, instr.d, instr.gather, begin, end);
      return;
    case "swap":
      applySwapPairs(
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
