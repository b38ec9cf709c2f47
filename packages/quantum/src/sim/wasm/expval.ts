/**
 * WebAssembly SIMD kernels for expectation values of Pauli sums (see observable.ts for the
 * algebra). For a term with masks x, z: with c(i) = conj(a[i ^ x]) a[i] and
 * s(i) = (-1)^popcount(i & z), its value is the sum of s(i) Re c(i) (even number of Ys) or
 * s(i) Im c(i) (odd) over the indices i without the top bit of x, doubled (x != 0); or, the same
 * number, the sum over every i, undoubled ("full" terms: x = 0, where c = |a[i]|^2, and x within
 * one block).
 *
 * `passSums` reads the state in blocks of 2^K amplitudes (K <= 6: 1 KiB in double precision) and,
 * while a block sits in the L1 cache, runs every term of the pass over it: the partner block
 * (block offset XOR x's high bits) is one load per vector, the vector loop is unrolled four times
 * with x's two lowest vector bits as a fixed permutation of the partner's loads (a variant of the
 * loop per permutation, per parity of the Ys and, in single precision, per swap of the two
 * complexes of a vector), and the signs of the block's low bits come from a per-term table
 * (xor), those of its high bits once per block. With relaxed SIMD the product and sum are one
 * fused multiply-add. States larger than the cache are cut into chunks of 2^L amplitudes and each
 * pass visits tiles of 2^m chunks (a coset of a subspace V of the chunk index bits, small enough
 * for the last-level cache), taking the terms whose x's chunk part lies in V: their partner blocks
 * are in the tile. V is grown greedily from the x masks left, so a pass serves many of them and the
 * state is read from memory a few times, not once per x mask.
 *
 * `apply` computes O a (the adjoint gradient's start) block by block likewise. The state lives in
 * the module's memory: `stateBuffer` hands out a state there, other states are copied in. Built at
 * run time (expval-funcs.ts) like the simulator's kernels (simd.ts); undefined without WebAssembly
 * SIMD.
 */
import { parity } from "../../math/bits.ts";
import {
  PAGE,
  type WasmMemory,
  dropGrown,
  moduleBytes,
  wasmApi,
} from "./emit.ts";
import {
  APPLY_TERM,
  DOT_AT,
  MAX_COPY_BYTES,
  MAX_K,
  MAX_TERMS,
  SIGNS_AT,
  SIGN_SLOT,
  STATE_AT,
  TERM,
  TERMS_AT,
  UNROLL,
  applyFunc,
  dotFunc,
  passFunc,
  touchFunc,
} from "./expval-funcs.ts";
import {
  type SimdVariant,
  defaultSimdVariant,
  relaxedSimdAvailable,
} from "./simd.ts";
import type { Amplitudes } from "../kernels/one-qubit.ts";

type ApplyKernel = (
  a: number,
  out: number,
  nBlocks: number,
  k: number,
  nTerms: number,
  table: number,
  firstIndex: number,
) => void;

type PassKernel = (
  state: number,
  blockOffset: number,
  nBlocks: number,
  blockBytes: number,
  nTerms: number,
  table: number,
) => void;

/** One term of a pass: its z mask and whether it has an odd number of Ys. */
export interface PassTerm {
  readonly z: number;
  readonly odd: boolean;
}

/**
 * Tiles of `passSums`: chunks of 2^chunkQubits amplitudes (default 2^13 double, 2^14 single),
 * 2^tileQubits chunks per tile (default 32: 4 MiB tiles).
 */
export interface TileShape {
  readonly chunkQubits?: number;
  readonly tileQubits?: number;
}

/** Chunks of 2^L amplitudes in tiles of 2^m chunks; a state of at most one tile is one chunk. */
function tileLayout(
  n: number,
  single: boolean,
  shape: TileShape,
): { n: number; L: number; m: number; single: boolean } {
  const m = shape.tileQubits ?? 5;
  const L = Math.min(shape.chunkQubits ?? (single ? 14 : 13), n);
  return { n, L: n - L <= m ? n : L, m, single };
}

/** The expectation kernels of this thread over their own WebAssembly memory. */
export class ExpvalKernels {
  constructor(
    private readonly memory: WasmMemory,
    private readonly kernels: {
      readonly d: PassKernel;
      readonly f: PassKernel;
      readonly ad: ApplyKernel;
      readonly af: ApplyKernel;
      readonly touch: (at: number, bytes: number) => void;
      readonly dot: (x: number, y: number, bytes: number) => void;
    },
    /** Relaxed (fused multiply-add) or plain SIMD. */
    readonly variant: SimdVariant,
  ) {}

  /** Bytes of the module's memory (it only grows). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * A zeroed (unless `zero` is false) state of 2^n amplitudes in the module's memory (slot 0:
   * where `resident` copies to; valid until the memory grows), or undefined when it does not fit.
   */
  stateBuffer(
    n: number,
    single: boolean,
    slot = 0,
    zero = true,
  ): Amplitudes | undefined {
    const len = 2 * 2 ** n;
    const bytes = len * (single ? 4 : 8);
    if (!this.reserve(n, single, slot + 1)) return undefined;
    const at = STATE_AT + slot * bytes;
    const out = single
      ? new Float32Array(this.memory.buffer, at, len)
      : new Float64Array(this.memory.buffer, at, len);
    if (zero) out.fill(0);
    return out;
  }

  /**
   * Grows the memory to hold `slots` states of 2^n amplitudes (so `stateBuffer` up to slot
   * slots - 1 will not grow it); false when they do not fit.
   */
  reserve(n: number, single: boolean, slots: number): boolean {
    const bytes = 2 ** n * (single ? 8 : 16);
    if (bytes > MAX_COPY_BYTES) return false;
    const need = STATE_AT + slots * bytes;
    const have = this.memory.buffer.byteLength;
    try {
      if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    } catch {
      return false;
    }
    return true;
  }

  /**
   * The state as a view in the module's memory (a itself when it is one, else a copy, valid until
   * the next call), or undefined when it does not fit.
   */
  resident(a: Amplitudes): Amplitudes | undefined {
    if (a.buffer === this.memory.buffer && a.byteOffset === STATE_AT) return a;
    const n = Math.log2(a.length / 2);
    const single = a instanceof Float32Array;
    const buf = this.stateBuffer(n, single);
    if (!buf) return undefined;
    buf.set(a);
    return buf;
  }

  /**
   * Per group (terms sharing an x mask), per term: the sum of s(i) Re c(i) (even) or s(i) Im c(i)
   * (odd) over the indices i without x's top bit (over all i when x = 0), as in the header, on a
   * state from `resident`. Undefined when the state is too small for the kernel (fewer than 4
   * amplitudes in double precision, 8 in single): the caller runs the scalar loops.
   */
  passSums(
    st: Amplitudes,
    groups: readonly {
      readonly x: number;
      readonly terms: readonly PassTerm[];
    }[],
    shape: TileShape = {},
  ): Float64Array[] | undefined {
    if (st.buffer !== this.memory.buffer || st.byteOffset !== STATE_AT)
      throw new Error("passSums needs a state from resident()");
    const single = st instanceof Float32Array;
    const n = Math.round(Math.log2(st.length / 2));
    const layout = tileLayout(n, single, shape);
    const { L } = layout;
    const K = Math.min(MAX_K, L);
    if (2 ** K < (single ? 2 : 1) * UNROLL) return undefined;
    const shift = single ? 3 : 4;
    const blockBytes = 2 ** K * 2 ** shift;
    const chunkBytes = 2 ** L * 2 ** shift;
    const perBlock = single ? 2 ** (K - 1) : 2 ** K;
    const lowK = 2 ** K - 1;
    const buf = this.memory.buffer;
    const words = new Int32Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 4);
    const sums = new Float64Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 8);
    const signs32 = new Uint32Array(buf, SIGNS_AT, (MAX_TERMS * SIGN_SLOT) / 4);
    const kernel = single ? this.kernels.f : this.kernels.d;
    const out = groups.map((g) => new Float64Array(g.terms.length));
    const entries = groups.flatMap((g, gi) =>
      g.terms.map((t, j) => ({ g: gi, j, t, x: g.x })),
    );
    this.tilePasses(
      STATE_AT,
      entries.map((e) => e.x),
      layout,
      MAX_TERMS,
      (pass) => {
        pass.forEach((ei, e) => {
          const { t, x } = entries[ei];
          const top = x === 0 ? -1 : 31 - Math.clz32(x);
          const xv = (x & lowK) >>> (single ? 1 : 0);
          const at = (TERM / 4) * e;
          words[at] = t.z | 0;
          words[at + 1] =
            (xv & (UNROLL - 1)) |
            (t.odd ? UNROLL : 0) |
            (single && x & 1 ? 2 * UNROLL : 0);
          words[at + 2] = SIGNS_AT + SIGN_SLOT * e;
          words[at + 3] = ((x - (x & lowK)) * 2 ** shift) | 0;
          words[at + 4] = (xv & ~(UNROLL - 1)) * 16;
          words[at + 5] = top < K ? 0 : 2 ** top;
          sums[(TERM / 8) * e + 4] = 0;
          sums[(TERM / 8) * e + 5] = 0;
          writePassSigns(
            signs32,
            (SIGN_SLOT / 16) * e,
            perBlock,
            t.z & lowK,
            single,
          );
        });
        return (c) =>
          kernel(
            STATE_AT,
            c * chunkBytes,
            2 ** (L - K),
            blockBytes,
            pass.length,
            TERMS_AT,
          );
      },
      (pass) =>
        pass.forEach((ei, e) => {
          const { g, j, t, x } = entries[ei];
          const r = sums[(TERM / 8) * e + 4],
            i = sums[(TERM / 8) * e + 5];
          const v = t.odd ? i - r : r + i;
          // A full term with x != 0 summed every pair twice.
          const full = x !== 0 && 31 - Math.clz32(x) < K;
          out[g][j] = full ? v / 2 : v;
        }),
    );
    return out;
  }

  /**
   * Re <x|y> for two double-precision states in this module's memory (from `stateBuffer` or
   * `apply`), or undefined for others (the caller sums them itself).
   */
  realInner(x: Amplitudes, y: Amplitudes): number | undefined {
    if (
      !(x instanceof Float64Array && y instanceof Float64Array) ||
      x.buffer !== this.memory.buffer ||
      y.buffer !== this.memory.buffer ||
      x.length !== y.length ||
      x.length < 4
    )
      return undefined;
    this.kernels.dot(x.byteOffset, y.byteOffset, x.byteLength);
    const sum = new Float64Array(this.memory.buffer, DOT_AT, 2);
    return sum[0] + sum[1];
  }

  /**
   * The passes of a tiled walk (see the header) over a state at byte `base` of 2^n amplitudes in
   * chunks of 2^L, for entries with x masks `xs`: per pass, `begin` gets the indices of its
   * entries (at most `cap`) and returns the work on one chunk, run on every chunk of every tile
   * after the tile was read in address order; `end` gets the indices when the pass is done.
   */
  private tilePasses(
    base: number,
    xs: readonly number[],
    layout: {
      readonly n: number;
      readonly L: number;
      readonly m: number;
      readonly single: boolean;
    },
    cap: number,
    begin: (pass: number[]) => (chunk: number) => void,
    end: (pass: number[]) => void,
  ): void {
    const { n, L, m, single } = layout;
    const H = n - L;
    const chunkBytes = 2 ** L * (single ? 8 : 16);
    const xh = xs.map((x) => x >>> L);
    let left = xs.map((_, i) => i);
    while (left.length > 0) {
      // V: the span of up to m chunk parts of the x masks left, each chosen to cover the most.
      const weight = new Map<number, number>();
      for (const e of left) weight.set(xh[e], (weight.get(xh[e]) ?? 0) + 1);
      const inSpan = new Uint8Array(2 ** H);
      inSpan[0] = 1;
      let span = [0];
      for (let d = 0; d < m; d++) {
        let best = -1;
        let bestGain = -1;
        for (const h of weight.keys()) {
          if (inSpan[h]) continue;
          let gain = 0;
          for (const v of span) gain += weight.get(v ^ h) ?? 0;
          if (gain > bestGain) [best, bestGain] = [h, gain];
        }
        if (best < 0) break;
        span = [...span, ...span.map((v) => v ^ best)];
        for (const v of span) inSpan[v] = 1;
      }
      // The pass: entries whose chunk part is in V, at most cap.
      const pass: number[] = [];
      const rest: number[] = [];
      for (const e of left)
        (inSpan[xh[e]] && pass.length < cap ? pass : rest).push(e);
      left = rest;
      const work = begin(pass);
      // Tiles: cosets of V among the 2^H chunks (each visited from its smallest member).
      for (let c0 = 0; c0 < 2 ** H; c0++) {
        if (span.some((v) => (c0 ^ v) < c0)) continue;
        // Read the tile in address order first: the partner blocks come in XOR-permuted order,
        // which the hardware prefetchers do not follow from memory.
        if (H > 0)
          for (const v of span)
            this.kernels.touch(base + (c0 ^ v) * chunkBytes, chunkBytes);
        for (const v of span) work(c0 ^ v);
      }
      end(pass);
    }
  }

  /**
   * O a for a Pauli sum given as (x, z, ny, coef) terms, in slot 1 of the module's memory (valid
   * until the memory grows), or undefined when the states do not fit (the scalar code runs).
   */
  apply(
    a: Amplitudes,
    terms: readonly {
      readonly x: number;
      readonly z: number;
      readonly ny: number;
      readonly coef: number;
    }[],
    shape: TileShape = {},
  ): Amplitudes | undefined {
    const single = a instanceof Float32Array;
    const dim = a.length / 2;
    const n = Math.round(Math.log2(dim));
    if (n < 1) return undefined;
    const out = this.stateBuffer(n, single, 1);
    if (!out) return undefined;
    const st = this.resident(a);
    if (!st) return undefined;
    const buf = this.memory.buffer;
    // In tiles like `passSums`: an output block takes its terms' partner blocks from the tile.
    const layout = tileLayout(n, single, shape);
    const { L } = layout;
    const k = Math.min(MAX_K, L);
    const per = single ? 2 ** (k - 1) : 2 ** k;
    if (per < UNROLL) return undefined;
    const low = (1 << k) - 1;
    const words = new Int32Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 4);
    const f64 = new Float64Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 8);
    const f32 = new Float32Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 4);
    const signs32 = new Uint32Array(buf, SIGNS_AT, (MAX_TERMS * SIGN_SLOT) / 4);
    const kernel = single ? this.kernels.af : this.kernels.ad;
    const live = terms.filter((t) => t.coef !== 0);
    this.tilePasses(
      st.byteOffset,
      live.map((t) => t.x),
      layout,
      Math.floor((MAX_TERMS * TERM) / APPLY_TERM),
      (pass) => {
        pass.forEach((ti, j) => {
          const t = live[ti];
          const at = (APPLY_TERM / 4) * j;
          const odd = (t.ny & 1) === 1;
          const xv = (t.x & low) >>> (single ? 1 : 0);
          words[at] = t.z | 0;
          words[at + 1] =
            (xv & (UNROLL - 1)) |
            (odd ? UNROLL : 0) |
            (single && t.x & 1 ? 2 * UNROLL : 0);
          words[at + 2] = SIGNS_AT + SIGN_SLOT * j;
          words[at + 3] = t.x & ~low;
          words[at + 4] = (xv & ~(UNROLL - 1)) * 16;
          // c i^ny: real (even ny) or imaginary (odd) part r, as the coefficient vector and its negative.
          const ph = t.ny & 3;
          const r = ph === 0 || ph === 1 ? t.coef : -t.coef;
          for (const [off, sgn] of [
            [32, 1],
            [48, -1],
          ]) {
            if (single)
              for (let l = 0; l < 4; l++)
                f32[(j * APPLY_TERM + off) / 4 + l] =
                  sgn * (odd && l % 2 === 0 ? -r : r);
            else
              for (let l = 0; l < 2; l++)
                f64[(j * APPLY_TERM + off) / 8 + l] =
                  sgn * (odd && l === 0 ? -r : r);
          }
          writePassSigns(signs32, (SIGN_SLOT / 16) * j, per, t.z & low, single);
        });
        return (c) =>
          kernel(
            st.byteOffset,
            out.byteOffset,
            2 ** (L - k),
            k,
            pass.length,
            TERMS_AT,
            c * 2 ** L,
          );
      },
      () => undefined,
    );
    return out;
  }
}

/** A float lane's sign bit: set where a Z-parity makes a term negative. */
const SIGN_BIT = 0x80000000;

/** Writes the sign masks of the block's low bits (per vector lane: float sign bits) for z. */
function writeSigns(
  signs32: Uint32Array,
  at: number,
  per: number,
  zl: number,
  single: boolean,
): void {
  for (let e = 0; e < per; e++) {
    const w = 4 * (at + e);
    if (single) {
      const s0 = SIGN_BIT * parity((2 * e) & zl),
        s1 = SIGN_BIT * parity((2 * e + 1) & zl);
      signs32[w] = signs32[w + 1] = s0;
      signs32[w + 2] = signs32[w + 3] = s1;
    } else {
      const s = SIGN_BIT * parity(e & zl);
      signs32[w] = signs32[w + 2] = 0;
      signs32[w + 1] = signs32[w + 3] = s;
    }
  }
}

/**
 * A pass term's sign table for z's bits zl within a block of `per` vectors: UNROLL entries with
 * the lane signs of the d-th vector of an iteration (the bits of i below the iteration), then
 * one per iteration of the unrolled loop with the sign of its own bits (on every lane's number).
 */
function writePassSigns(
  signs32: Uint32Array,
  at: number,
  per: number,
  zl: number,
  single: boolean,
): void {
  writeSigns(signs32, at, UNROLL, zl, single);
  const amps = single ? 2 * UNROLL : UNROLL;
  for (let j = 0; j < per / UNROLL; j++) {
    const w = 4 * (at + UNROLL + j);
    const s = SIGN_BIT * parity((amps * j) & zl);
    if (single) signs32.fill(s, w, w + 4);
    else {
      signs32[w] = signs32[w + 2] = 0;
      signs32[w + 1] = signs32[w + 3] = s;
    }
  }
}

const instances = new Map<SimdVariant, ExpvalKernels | null>();

/**
 * Drops this thread's expectation kernels whose memory has grown to at least `minBytes` (a
 * WebAssembly memory never shrinks: a thread that ran one large estimate would hold its states
 * for good); the next `expvalKernels()` builds a fresh module. Views of the old memory stay
 * valid for whoever holds them. True when one was dropped (a GC then frees it).
 */
export function releaseExpvalKernels(minBytes: number): boolean {
  return dropGrown(instances, minBytes);
}

/**
 * This thread's expectation kernels (relaxed SIMD where the simulator uses it, see
 * `defaultSimdVariant`), or undefined without WebAssembly SIMD.
 */
export function expvalKernels(
  variant: SimdVariant = defaultSimdVariant(),
): ExpvalKernels | undefined {
  const known = instances.get(variant);
  if (known !== undefined) return known ?? undefined;
  let made: ExpvalKernels | null = null;
  try {
    const wasm = wasmApi();
    const fma = variant === "relaxed";
    if (wasm && (!fma || relaxedSimdAvailable())) {
      const funcs = [
        passFunc("d", false, fma),
        passFunc("f", true, fma),
        applyFunc("ad", false, fma),
        applyFunc("af", true, fma),
        touchFunc("touch"),
        dotFunc("dot"),
      ];
      const ex = new wasm.Instance(
        new wasm.Module(moduleBytes(STATE_AT / PAGE, funcs)),
      ).exports;
      made = new ExpvalKernels(
        ex.m as WasmMemory,
        {
          d: ex.d as PassKernel,
          f: ex.f as PassKernel,
          ad: ex.ad as ApplyKernel,
          af: ex.af as ApplyKernel,
          touch: ex.touch as (at: number, bytes: number) => void,
          dot: ex.dot as (x: number, y: number, bytes: number) => void,
        },
        variant,
      );
    }
  } catch {
    made = null;
  }
  instances.set(variant, made);
  return made ?? undefined;
}
