import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BASE_KERNELS,
  canRebuildKernels,
  singlePrecisionKernels,
} from "../../src/sim/kernels/specialise.ts";

/** Replaces the global Function constructor with one that counts `new Function(...)` calls. */
function countFunctionCalls(): { readonly calls: number } {
  const seen = { calls: 0 };
  const counting = new Proxy(Function, {
    construct(target, args: string[]) {
      seen.calls++;
      return Reflect.construct(target, args) as object;
    },
    apply(target, self, args: string[]) {
      seen.calls++;
      return Reflect.apply(target, self, args) as unknown;
    },
  });
  vi.stubGlobal("Function", counting);
  return seen;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("singlePrecisionKernels", () => {
  it("rebuilds the kernels with new Function in Node (fresh instances for Float32Array states)", () => {
    expect(canRebuildKernels()).toBe(true);
    const seen = countFunctionCalls();
    const k = singlePrecisionKernels();
    expect(seen.calls).toBeGreaterThan(0);
    expect(k.applyMat1).not.toBe(BASE_KERNELS.applyMat1);
    expect(k.applyDiag).not.toBe(BASE_KERNELS.applyDiag);
  });

  it("never calls new Function when rebuilding is not allowed, and uses the kernels as written", () => {
    const seen = countFunctionCalls();
    expect(singlePrecisionKernels(false)).toBe(BASE_KERNELS);
    expect(seen.calls).toBe(0);
  });

  it("does not try in a browser-like runtime (no process.versions.node), so a CSP has nothing to report", () => {
    vi.stubGlobal("process", undefined);
    expect(canRebuildKernels()).toBe(false);
    const seen = countFunctionCalls();
    expect(singlePrecisionKernels()).toBe(BASE_KERNELS);
    expect(seen.calls).toBe(0);
  });
});
