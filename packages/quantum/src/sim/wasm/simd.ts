/**
 * WebAssembly SIMD kernels for cache-blocked stages: a general 2x2 on one qubit of a chunk held in
 * the module's memory, f64x2 (one complex per vector) for double precision and f32x4 (two
 * neighbouring complexes per vector, so target qubit >= 1) for single. The complex product m * x
 * is splat(re m) * x + (-im m, im m) * swap(x). Built at run time by emit.ts; when WebAssembly or
 * its SIMD is unavailable, `simdKernels()` returns undefined and the TypeScript kernels run.
 */
import { type FuncDef, I32, V128, moduleBytes, op } from "./emit.ts";

/** Byte address of the f64 matrix (8 v128: re/im-splats of m00, m01, m10, m11). */
const MAT64 = 0;
/** Byte address of the f32 matrix (8 v128). */
const MAT32 = 128;
/** Byte address of the chunk data. */
const DATA = 256;
const PAGE = 65536;

// Parameters: 0 base (byte address), 1 t, 2 count (pairs), 3 mptr; locals 4 k, 5 lo, 6 off, 7 pA; 8..15 matrix; 16 x; 17 y.
function mat1Func(name: string, single: boolean): FuncDef {
  const shift = single ? 3 : 4;
  const step = single ? 2 : 1;
  const sw = single
    ? [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11]
    : [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
  const add = single ? op.f32x4Add : op.f64x2Add;
  const mul = single ? op.f32x4Mul : op.f64x2Mul;
  const [K, LO, OFF, PA, X, Y] = [4, 5, 6, 7, 16, 17];
  const row = (r: number, c: number): number => 8 + 2 * (2 * r + c); // splat(re) local; (-im, im) is +1
  const out = (r: number): number[] => [
    ...op.get(row(r, 0)),
    ...op.get(X),
    ...mul,
    ...op.get(row(r, 0) + 1),
    ...op.get(X),
    ...op.get(X),
    ...op.shuffle(sw),
    ...mul,
    ...add,
    ...op.get(row(r, 1)),
    ...op.get(Y),
    ...mul,
    ...add,
    ...op.get(row(r, 1) + 1),
    ...op.get(Y),
    ...op.get(Y),
    ...op.shuffle(sw),
    ...mul,
    ...add,
    ...op.store(),
  ];
  const body = [
    ...op.i32(1),
    ...op.get(1),
    ...op.shl,
    ...op.i32(-1),
    ...op.add,
    ...op.set(LO),
    ...op.i32(1 << shift),
    ...op.get(1),
    ...op.shl,
    ...op.set(OFF),
    ...Array.from({ length: 8 }, (_, j) => [
      ...op.get(3),
      ...op.load(16 * j),
      ...op.set(8 + j),
    ]).flat(),
    ...op.block,
    ...op.loop,
    ...op.get(K),
    ...op.get(2),
    ...op.geU,
    ...op.brIf(1),
    // i = ((k >> t) << (t + 1)) | (k & lo); pA = base + (i << shift)
    ...op.get(K),
    ...op.get(1),
    ...op.shrU,
    ...op.get(1),
    ...op.i32(1),
    ...op.add,
    ...op.shl,
    ...op.get(K),
    ...op.get(LO),
    ...op.and,
    ...op.or,
    ...op.i32(shift),
    ...op.shl,
    ...op.get(0),
    ...op.add,
    ...op.set(PA),
    ...op.get(PA),
    ...op.load(),
    ...op.set(X),
    ...op.get(PA),
    ...op.get(OFF),
    ...op.add,
    ...op.load(),
    ...op.set(Y),
    ...op.get(PA),
    ...out(0),
    ...op.get(PA),
    ...op.get(OFF),
    ...op.add,
    ...out(1),
    ...op.get(K),
    ...op.i32(step),
    ...op.add,
    ...op.set(K),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name,
    params: [I32, I32, I32, I32],
    locals: [
      [4, I32],
      [10, V128],
    ],
    body,
  };
}

type Mat1Fn = (base: number, t: number, count: number, mptr: number) => void;

/** The parts of the WebAssembly API used here (the package is built without DOM or Node types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object) => {
    readonly exports: Record<string, unknown>;
  };
}

/** SIMD kernels over a chunk buffer that lives in WebAssembly memory (one instance per thread). */
export class SimdKernels {
  private f64 = new Float64Array(0);
  private f32 = new Float32Array(0);
  private mat64: Float64Array;
  private mat32: Float32Array;

  constructor(
    private readonly memory: WasmMemory,
    private readonly mat1d: Mat1Fn,
    private readonly mat1f: Mat1Fn,
  ) {
    this.mat64 = new Float64Array(memory.buffer, MAT64, 16);
    this.mat32 = new Float32Array(memory.buffer, MAT32, 32);
  }

  /** A chunk buffer of `len` numbers in the module's memory (grows it when needed). */
  buffer(single: boolean, len: number): Float64Array | Float32Array {
    const bytes = DATA + len * (single ? 4 : 8);
    if (bytes > this.memory.buffer.byteLength) {
      this.memory.grow(
        Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE),
      );
      this.mat64 = new Float64Array(this.memory.buffer, MAT64, 16);
      this.mat32 = new Float32Array(this.memory.buffer, MAT32, 32);
      this.f64 = new Float64Array(0);
      this.f32 = new Float32Array(0);
    }
    if (single) {
      if (this.f32.length !== len)
        this.f32 = new Float32Array(this.memory.buffer, DATA, len);
      return this.f32;
    }
    if (this.f64.length !== len)
      this.f64 = new Float64Array(this.memory.buffer, DATA, len);
    return this.f64;
  }

  /** Whether the 2x2 on qubit t can run here (single precision pairs two complexes per vector: t >= 1). */
  handles(single: boolean, t: number): boolean {
    return !single || t >= 1;
  }

  /** Applies the 2x2 m (interleaved) to qubit t of the chunk buffer over `count` pairs (all of it). */
  mat1(single: boolean, t: number, m: Float64Array, count: number): void {
    if (single) {
      const v = this.mat32;
      for (let e = 0; e < 4; e++) {
        const re = m[2 * e],
          im = m[2 * e + 1];
        for (let l = 0; l < 4; l++) v[8 * e + l] = re;
        v[8 * e + 4] = -im;
        v[8 * e + 5] = im;
        v[8 * e + 6] = -im;
        v[8 * e + 7] = im;
      }
      this.mat1f(DATA, t, count, MAT32);
      return;
    }
    const v = this.mat64;
    for (let e = 0; e < 4; e++) {
      const re = m[2 * e],
        im = m[2 * e + 1];
      v[4 * e] = re;
      v[4 * e + 1] = re;
      v[4 * e + 2] = -im;
      v[4 * e + 3] = im;
    }
    this.mat1d(DATA, t, count, MAT64);
  }
}

let cached: SimdKernels | null | undefined;

/** This thread's SIMD kernels, or undefined when WebAssembly SIMD is not available. */
export function simdKernels(): SimdKernels | undefined {
  if (cached !== undefined) return cached ?? undefined;
  cached = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (!wasm) return undefined;
    const bytes = moduleBytes(1, [
      mat1Func("mat1d", false),
      mat1Func("mat1f", true),
    ]);
    const inst = new wasm.Instance(new wasm.Module(bytes));
    const ex = inst.exports as {
      m: WasmMemory;
      mat1d: Mat1Fn;
      mat1f: Mat1Fn;
    };
    cached = new SimdKernels(ex.m, ex.mat1d, ex.mat1f);
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}
