/**
 * WebAssembly SIMD kernel for expectation values of Pauli sums (see observable.ts for the
 * algebra). One call makes one pass over the state for one x mask and accumulates every term of
 * that mask: with c = conj(a[i ^ x]) a[i], each term t sums s_t(i) Re c (even number of Ys) or
 * s_t(i) Im c (odd), s_t(i) = (-1)^popcount(i & z_t), over the indices i without the highest bit
 * of x (over all i when x = 0, where c = |a[i]|^2). The pass walks blocks of 2^K consecutive i
 * (K <= 6, below that highest bit): a block's partner run i ^ x is one block too, read at byte
 * offsets o ^ (x's low bits), so per term and per pair the body is two loads, a multiply (and a
 * shuffle for Im), an XOR with the sign of (i & z_t)'s low bits from a per-term table, and an
 * add. The block's high bits give one sign per block and term, applied when the block's sum is
 * added to the term's accumulator (in double precision, also for single-precision states).
 *
 * The state lives in the module's memory: `stateBuffer` hands out a state there (the
 * single-threaded estimator simulates in it), other states are copied in. Built at run time by
 * emit.ts like the simulator's kernels (simd.ts); undefined when WebAssembly SIMD is missing.
 */
import { type FuncDef, I32, V128, moduleBytes, op, uleb } from "./emit.ts";
import type { Amplitudes } from "../kernels/one-qubit.ts";

const PAGE = 65536;
/** Bytes per term entry: z (i32), odd (i32), sign table address (i32), pad, accumulator (f64x2). */
const TERM = 32;
/** Most terms per call. */
const MAX_TERMS = 256;
/** log2 of the most amplitudes per block. */
const MAX_K = 6;
/** Term entries, then the sign tables (16 bytes per table entry, 2^MAX_K entries per term). */
const TERMS_AT = 0;
const SIGNS_AT = TERMS_AT + MAX_TERMS * TERM;
/** Where the state starts (after the sign tables, page aligned). */
const STATE_AT =
  Math.ceil((SIGNS_AT + MAX_TERMS * 16 * 2 ** MAX_K) / PAGE) * PAGE;
/** States above this many bytes are not copied in (the scalar code runs). */
export const MAX_COPY_BYTES = 2 ** 28;

const v = {
  const0: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  xor: [0xfd, 0x51],
  f64x2Sub: [0xfd, ...uleb(0xf1)],
  promoteLow: [0xfd, 0x5f],
};
const i32 = {
  popcnt: [0x69],
  xor: [0x73],
  ne: [0x47],
  eq: [0x46],
  select: [0x1b],
  if: [0x04, 0x40],
  else: [0x05],
  load: (offset: number): number[] => op.i32Load(offset),
};

// Parameters: state base, blocks, K, insertion mask, x high bits, x low bits as a byte XOR,
// terms, term table.
// Then the partner's base (i ^ x is read at BASEB + (i ^ XH) amplitudes) and bits or-ed into i
// for the signs (the index of a chunk's first amplitude when the pass covers one chunk).
const [BASE, NBLK, KSH, INSM, XH, XLB, NT, TT, BASEB, HI] = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
];
// i32 locals, then v128 locals.
const [BLK, IDX, PA, PB, T, ENT, O, OEND, MT] = [
  10, 11, 12, 13, 14, 15, 16, 17, 18,
];
const [S, B, ACC, S2] = [19, 21, 22, 23];

const SWAP_RI64 = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP_RI32 = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];
/** Exchanges the two complexes of a single-precision vector. */
const SWAP_C32 = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
/** Both: the other complex, re and im exchanged. */
const SWAP_CRI32 = [12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3];
const HIGH64 = [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/**
 * One kernel: `single` (f32x4, two complexes per vector) or double; `swapPair` (single only):
 * x has bit 0, so the partner of a vector's complexes is the other complex of the partner vector.
 */
function expvalFunc(name: string, single: boolean, swapPair: boolean): FuncDef {
  const shift = single ? 3 : 4;
  const add = single ? op.f32x4Add : op.f64x2Add;
  const mul = single ? op.f32x4Mul : op.f64x2Mul;
  const partner = (odd: boolean): number[] => {
    const lanes = single
      ? swapPair
        ? odd
          ? SWAP_CRI32
          : SWAP_C32
        : odd
          ? SWAP_RI32
          : null
      : odd
        ? SWAP_RI64
        : null;
    return lanes
      ? [...op.get(B), ...op.get(B), ...op.shuffle(lanes)]
      : op.get(B);
  };
  /** acc += (a * partner(b)) ^ sign at byte offset o + d (d = 0 or 16). */
  const term = (odd: boolean, d: number, acc: number): number[] => [
    ...op.get(PA),
    ...op.get(O),
    ...op.add,
    ...op.load(d, 4),
    ...op.get(PB),
    ...op.get(O),
    ...(d ? [...op.i32(d), ...op.add] : []),
    ...op.get(XLB),
    ...i32.xor,
    ...op.add,
    ...op.load(0, 4),
    ...op.set(B),
    ...partner(odd),
    ...mul,
    ...op.get(MT),
    ...op.get(O),
    ...op.add,
    ...op.load(d, 4),
    ...v.xor,
    ...op.get(acc),
    ...add,
    ...op.set(acc),
  ];
  // Two vectors per iteration into two sums (the adds of one sum would wait on each other).
  const inner = (odd: boolean): number[] => [
    ...v.const0,
    ...op.set(S2),
    ...op.loop,
    ...term(odd, 0, S),
    ...term(odd, 16, S2),
    ...op.get(O),
    ...op.i32(32),
    ...op.add,
    ...op.tee(O),
    ...op.get(OEND),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.get(S),
    ...op.get(S2),
    ...add,
    ...op.set(S),
  ];
  const toDouble = single
    ? [
        ...op.get(S),
        ...v.promoteLow,
        ...op.get(S),
        ...op.get(S),
        ...op.shuffle(HIGH64),
        ...v.promoteLow,
        ...op.f64x2Add,
      ]
    : op.get(S);
  const body = [
    // Bytes per block.
    ...op.i32(1),
    ...op.get(KSH),
    ...op.shl,
    ...op.i32(shift),
    ...op.shl,
    ...op.set(OEND),
    ...op.block,
    ...op.loop,
    ...op.get(BLK),
    ...op.get(NBLK),
    ...op.geU,
    ...op.brIf(1),
    // i = insert a zero bit at the top of x into r = blk << K
    ...op.get(BLK),
    ...op.get(KSH),
    ...op.shl,
    ...op.tee(IDX),
    ...op.i32(1),
    ...op.shl,
    ...op.get(IDX),
    ...op.get(INSM),
    ...op.and,
    ...op.sub,
    ...op.tee(IDX),
    ...op.i32(shift),
    ...op.shl,
    ...op.get(BASE),
    ...op.add,
    ...op.set(PA),
    ...op.get(IDX),
    ...op.get(XH),
    ...i32.xor,
    ...op.i32(shift),
    ...op.shl,
    ...op.get(BASEB),
    ...op.add,
    ...op.set(PB),
    ...op.i32(0),
    ...op.set(T),
    ...op.block,
    ...op.loop,
    ...op.get(T),
    ...op.get(NT),
    ...op.geU,
    ...op.brIf(1),
    ...op.get(TT),
    ...op.get(T),
    ...op.i32(TERM),
    ...op.mul,
    ...op.add,
    ...op.tee(ENT),
    ...i32.load(8),
    ...op.set(MT),
    ...v.const0,
    ...op.set(S),
    ...op.i32(0),
    ...op.set(O),
    ...op.get(ENT),
    ...i32.load(4),
    ...i32.if,
    ...inner(true),
    ...i32.else,
    ...inner(false),
    ...op.end,
    // acc +- S by the parity of the block's high bits of i & z.
    ...op.get(ENT),
    ...op.get(ENT),
    ...op.load(16, 4),
    ...op.tee(ACC),
    ...toDouble,
    ...v.f64x2Sub,
    ...op.get(ACC),
    ...toDouble,
    ...op.f64x2Add,
    ...op.get(IDX),
    ...op.get(HI),
    ...op.or,
    ...op.get(ENT),
    ...i32.load(0),
    ...op.and,
    ...i32.popcnt,
    ...op.i32(1),
    ...op.and,
    ...i32.select,
    ...op.store(16, 4),
    ...op.get(T),
    ...op.i32(1),
    ...op.add,
    ...op.set(T),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(BLK),
    ...op.i32(1),
    ...op.add,
    ...op.set(BLK),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [9, I32],
      [5, V128],
    ],
    body,
  };
}

/**
 * Bytes per term entry of `apply`: z, variant (bit 0: odd ny, bit 1: single precision with x
 * bit 0), sign table, x's high bits (i32), x's low bits as a byte XOR (i32), pad, then c i^ny and
 * its negative (v128).
 */
const APPLY_TERM = 64;

/**
 * out[j] += sum_t c_t i^ny_t s_t(i) a[i] with i = j ^ x_t, over every j and all the terms of
 * the table: per output block of 2^K amplitudes (kept in L1 across the terms) and term, the
 * coefficient vector (negated when the high bits of i flip the sign) times the partner block of a
 * (re and im exchanged for odd ny), XOR the low-bit signs of i, added into the block.
 */
function applyFunc(name: string, single: boolean): FuncDef {
  const shift = single ? 3 : 4;
  const add = single ? op.f32x4Add : op.f64x2Add;
  const mul = single ? op.f32x4Mul : op.f64x2Mul;
  const swapRI = single ? SWAP_RI32 : SWAP_RI64;
  const [BA, BB, NB, K, N, TAB] = [0, 1, 2, 3, 4, 5];
  const [BL, JJ, QA, QB, TT2, EN, OO, OE, MM, XLO, VAR, II] = [
    6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17,
  ];
  const [C, W] = [18, 19];
  const inner = (odd: boolean, swapPair: boolean): number[] => [
    ...op.loop,
    ...op.get(QB),
    ...op.get(OO),
    ...op.add,
    ...op.get(QA),
    ...op.get(OO),
    ...op.get(XLO),
    ...i32.xor,
    ...op.tee(II),
    ...op.add,
    ...op.load(0, 4),
    ...(odd ? [...op.tee(W), ...op.get(W), ...op.shuffle(swapRI)] : []),
    ...op.get(C),
    ...mul,
    ...op.get(MM),
    ...op.get(II),
    ...op.add,
    ...op.load(0, 4),
    ...v.xor,
    ...(swapPair ? [...op.tee(W), ...op.get(W), ...op.shuffle(SWAP_C32)] : []),
    ...op.get(QB),
    ...op.get(OO),
    ...op.add,
    ...op.load(0, 4),
    ...add,
    ...op.store(0, 4),
    ...op.get(OO),
    ...op.i32(16),
    ...op.add,
    ...op.tee(OO),
    ...op.get(OE),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
  ];
  /** if (VAR == v) { inner } else { rest } */
  const choose = (variants: readonly number[]): number[] => {
    const [first, ...rest] = variants;
    const loop = inner((first & 1) === 1, (first & 2) === 2);
    if (rest.length === 0) return loop;
    return [
      ...op.get(VAR),
      ...op.i32(first),
      ...i32.eq,
      ...i32.if,
      ...loop,
      ...i32.else,
      ...choose(rest),
      ...op.end,
    ];
  };
  const body = [
    ...op.i32(1),
    ...op.get(K),
    ...op.shl,
    ...op.i32(shift),
    ...op.shl,
    ...op.set(OE),
    ...op.block,
    ...op.loop,
    ...op.get(BL),
    ...op.get(NB),
    ...op.geU,
    ...op.brIf(1),
    ...op.get(BL),
    ...op.get(K),
    ...op.shl,
    ...op.tee(JJ),
    ...op.i32(shift),
    ...op.shl,
    ...op.get(BB),
    ...op.add,
    ...op.set(QB),
    ...op.i32(0),
    ...op.set(TT2),
    ...op.block,
    ...op.loop,
    ...op.get(TT2),
    ...op.get(N),
    ...op.geU,
    ...op.brIf(1),
    ...op.get(TAB),
    ...op.get(TT2),
    ...op.i32(APPLY_TERM),
    ...op.mul,
    ...op.add,
    ...op.tee(EN),
    ...i32.load(8),
    ...op.set(MM),
    ...op.get(EN),
    ...i32.load(4),
    ...op.set(VAR),
    ...op.get(EN),
    ...i32.load(16),
    ...op.set(XLO),
    // The partner block of a: (j ^ x's high bits).
    ...op.get(JJ),
    ...op.get(EN),
    ...i32.load(12),
    ...i32.xor,
    ...op.tee(II),
    ...op.i32(shift),
    ...op.shl,
    ...op.get(BA),
    ...op.add,
    ...op.set(QA),
    // The coefficient, negated when popcount of the block's i & z is odd.
    ...op.get(EN),
    ...op.load(48, 4),
    ...op.get(EN),
    ...op.load(32, 4),
    ...op.get(II),
    ...op.get(EN),
    ...i32.load(0),
    ...op.and,
    ...i32.popcnt,
    ...op.i32(1),
    ...op.and,
    ...i32.select,
    ...op.set(C),
    ...op.i32(0),
    ...op.set(OO),
    ...choose(single ? [0, 1, 2, 3] : [0, 1]),
    ...op.get(TT2),
    ...op.i32(1),
    ...op.add,
    ...op.set(TT2),
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...op.get(BL),
    ...op.i32(1),
    ...op.add,
    ...op.set(BL),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32],
    locals: [
      [12, I32],
      [2, V128],
    ],
    body,
  };
}

type ApplyKernel = (
  a: number,
  out: number,
  nBlocks: number,
  k: number,
  nTerms: number,
  table: number,
) => void;

type Kernel = (
  base: number,
  nBlocks: number,
  k: number,
  insMask: number,
  xh: number,
  xlb: number,
  nTerms: number,
  table: number,
  baseB: number,
  hi: number,
) => void;

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

/** One term of a pass: its z mask, whether it has an odd number of Ys, and where its sum goes. */
export interface PassTerm {
  readonly z: number;
  readonly odd: boolean;
}

/**
 * Tiles of `sumsTiled`: chunks of 2^chunkQubits amplitudes (default 2^13 double, 2^14 single),
 * 2^tileQubits chunks per tile (default 32: 4 MiB tiles).
 */
export interface TileShape {
  readonly chunkQubits?: number;
  readonly tileQubits?: number;
}

/** The expectation kernels of this thread over their own WebAssembly memory. */
export class ExpvalKernels {
  constructor(
    private readonly memory: WasmMemory,
    private readonly kernels: {
      readonly d: Kernel;
      readonly f: Kernel;
      readonly fs: Kernel;
      readonly ad: ApplyKernel;
      readonly af: ApplyKernel;
    },
  ) {}

  /**
   * A zeroed state of 2^n amplitudes in the module's memory (slot 0: where `resident` copies to;
   * valid until the memory grows), or undefined when it does not fit.
   */
  stateBuffer(n: number, single: boolean, slot = 0): Amplitudes | undefined {
    const len = 2 * 2 ** n;
    const bytes = len * (single ? 4 : 8);
    if (bytes > MAX_COPY_BYTES) return undefined;
    const need = STATE_AT + (slot + 1) * bytes;
    const have = this.memory.buffer.byteLength;
    try {
      if (need > have) this.memory.grow(Math.ceil((need - have) / PAGE));
    } catch {
      return undefined;
    }
    const at = STATE_AT + slot * bytes;
    const out = single
      ? new Float32Array(this.memory.buffer, at, len)
      : new Float64Array(this.memory.buffer, at, len);
    out.fill(0);
    return out;
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
   * For one x mask: per term, the sum over the pass of s_t(i) Re c (even) or Im c (odd) as in
   * the header (pairs once: the caller doubles for x != 0), on a state from `resident`.
   * Undefined when the pass has no kernel (single precision with x = 1: call the scalar code).
   */
  sums(
    st: Amplitudes,
    x: number,
    terms: readonly PassTerm[],
  ): Float64Array | undefined {
    if (st.buffer !== this.memory.buffer || st.byteOffset !== STATE_AT)
      throw new Error("sums needs a state from resident()");
    const single = st instanceof Float32Array;
    const dim = st.length / 2;
    const n = Math.round(Math.log2(dim));
    const top = x === 0 ? n : 31 - Math.clz32(x);
    const k = Math.min(MAX_K, top);
    // The kernel reads two vectors per step: blocks of at least 2 (double) or 4 (single) amplitudes.
    if (k < (single ? 2 : 1)) return undefined;
    const out = new Float64Array(terms.length);
    const buf = this.memory.buffer;
    const words = new Int32Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 4);
    const accs = new Float64Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 8);
    const low = (1 << k) - 1;
    const per = single ? 2 ** (k - 1) : 2 ** k;
    const signs32 = new Uint32Array(buf, SIGNS_AT, MAX_TERMS * 4 * per);
    const kernel = single
      ? x & 1
        ? this.kernels.fs
        : this.kernels.f
      : this.kernels.d;
    const pairs = x === 0 ? dim : dim / 2;
    const xlb = single ? ((x & low) >>> 1) << 4 : (x & low) << 4;
    for (let first = 0; first < terms.length; first += MAX_TERMS) {
      const batch = terms.slice(first, first + MAX_TERMS);
      batch.forEach((t, j) => {
        const at = (TERM / 4) * j;
        words[at] = t.z | 0;
        words[at + 1] = t.odd ? 1 : 0;
        words[at + 2] = SIGNS_AT + 16 * per * j;
        accs[(TERM / 8) * j + 2] = 0;
        accs[(TERM / 8) * j + 3] = 0;
        writeSigns(signs32, per * j, per, t.z & low, single);
      });
      kernel(
        st.byteOffset,
        pairs >>> k,
        k,
        x === 0 ? -1 : (1 << top) - 1,
        (x & ~low) >>> 0,
        xlb,
        batch.length,
        TERMS_AT,
        st.byteOffset,
        0,
      );
      batch.forEach((t, j) => {
        const r = accs[(TERM / 8) * j + 2],
          i = accs[(TERM / 8) * j + 3];
        out[first + j] = t.odd ? i - r : r + i;
      });
    }
    return out;
  }

  /**
   * `sums` for many x masks at once on a state larger than the cache, in passes that each read
   * the state once: the state is cut into chunks of 2^L amplitudes, and a pass visits tiles of
   * 2^m chunks (a coset of a subspace V of the chunk index bits, small enough for the last-level
   * cache) and, per tile, every x whose chunk part lies in V: its pairs join chunks of the tile.
   * V is grown greedily from the x masks not done yet, so a pass serves many of them. Returns the
   * per-term sums of each group (undefined for a group the kernel does not take: the caller
   * uses `sums` or the scalar loops), or undefined when the state is too small to gain from tiles.
   */
  sumsTiled(
    st: Amplitudes,
    groups: readonly {
      readonly x: number;
      readonly terms: readonly PassTerm[];
    }[],
    shape: TileShape = {},
  ): (Float64Array | undefined)[] | undefined {
    if (st.buffer !== this.memory.buffer || st.byteOffset !== STATE_AT)
      throw new Error("sumsTiled needs a state from resident()");
    const single = st instanceof Float32Array;
    const dim = st.length / 2;
    const n = Math.round(Math.log2(dim));
    const L = shape.chunkQubits ?? (single ? 14 : 13);
    const m = shape.tileQubits ?? 5;
    const H = n - L;
    if (H <= m) return undefined;
    const shift = single ? 3 : 4;
    const chunkBytes = (2 ** L) << shift;
    const buf = this.memory.buffer;
    const words = new Int32Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 4);
    const accs = new Float64Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 8);
    const signs32 = new Uint32Array(buf, SIGNS_AT, MAX_TERMS * 4 * 2 ** MAX_K);
    const out: (Float64Array | undefined)[] = groups.map(() => undefined);
    const xhOf = (x: number): number => x >>> L;
    // As in `sums`: blocks of at least two vectors; the others are left to the caller.
    let left = groups
      .map((_, g) => g)
      .filter(
        (g) =>
          groups[g].terms.length <= MAX_TERMS &&
          (groups[g].x === 0 || groups[g].x >= (single ? 4 : 2)),
      );
    while (left.length > 0) {
      // V: the span of up to m chunk parts of the x masks left, each chosen to cover the most.
      let span = [0];
      const inSpan = (v: number, sp: readonly number[]): boolean =>
        sp.includes(v);
      for (let d = 0; d < m; d++) {
        let bestSpan: number[] | undefined;
        let bestCount = -1;
        for (const g of left) {
          const xh = xhOf(groups[g].x);
          if (inSpan(xh, span)) continue;
          const cand = [...span, ...span.map((v) => v ^ xh)];
          const count = left.filter((h) =>
            inSpan(xhOf(groups[h].x), cand),
          ).length;
          if (count > bestCount) {
            bestCount = count;
            bestSpan = cand;
          }
        }
        if (!bestSpan) break;
        span = bestSpan;
      }
      // The pass: groups whose chunk part is in V, their terms in the table (at most MAX_TERMS).
      const pass: { g: number; at: number; k: number; top: number }[] = [];
      let used = 0;
      for (const g of left) {
        const { x, terms } = groups[g];
        if (!inSpan(xhOf(x), span) || used + terms.length > MAX_TERMS) continue;
        const top = x === 0 ? n : 31 - Math.clz32(x);
        const k = Math.min(MAX_K, L, top);
        const per = single ? 2 ** (k - 1) : 2 ** k;
        const low = (1 << k) - 1;
        terms.forEach((t, j) => {
          const e = used + j;
          const at = (TERM / 4) * e;
          words[at] = t.z | 0;
          words[at + 1] = t.odd ? 1 : 0;
          words[at + 2] = SIGNS_AT + 16 * 2 ** MAX_K * e;
          accs[(TERM / 8) * e + 2] = 0;
          accs[(TERM / 8) * e + 3] = 0;
          writeSigns(signs32, 2 ** MAX_K * e, per, t.z & low, single);
        });
        pass.push({ g, at: used, k, top });
        used += terms.length;
      }
      const done = new Set(pass.map((p) => p.g));
      left = left.filter((g) => !done.has(g));
      // Tiles: cosets of V among the 2^H chunks (each listed from its smallest member).
      for (let c0 = 0; c0 < 2 ** H; c0++) {
        if (span.some((v) => (c0 ^ v) < c0)) continue;
        for (const { g, at, k, top } of pass) {
          const { x, terms } = groups[g];
          const xh = xhOf(x);
          const low = (1 << k) - 1;
          const kernel = single
            ? x & 1
              ? this.kernels.fs
              : this.kernels.f
            : this.kernels.d;
          const xl = x & (2 ** L - 1);
          const xlb = single ? ((xl & low) >>> 1) << 4 : (xl & low) << 4;
          const topHigh = xh === 0 ? 0 : 2 ** (31 - Math.clz32(xh));
          for (const v of span) {
            const c = c0 ^ v;
            if (xh !== 0 && (c & topHigh) !== 0) continue;
            const baseA = st.byteOffset + c * chunkBytes;
            const baseB = st.byteOffset + (c ^ xh) * chunkBytes;
            const pairs = x !== 0 && xh === 0 ? 2 ** (L - 1) : 2 ** L;
            kernel(
              baseA,
              pairs >>> k,
              k,
              xh === 0 ? (x === 0 ? -1 : (1 << top) - 1) : -1,
              (xl & ~low) >>> 0,
              xlb,
              terms.length,
              TERMS_AT + TERM * at,
              baseB,
              c * 2 ** L,
            );
          }
        }
      }
      for (const { g, at } of pass)
        out[g] = Float64Array.from(groups[g].terms, (t, j) => {
          const r = accs[(TERM / 8) * (at + j) + 2],
            i = accs[(TERM / 8) * (at + j) + 3];
          return t.odd ? i - r : r + i;
        });
    }
    return out;
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
    const k = Math.min(MAX_K, n);
    const low = (1 << k) - 1;
    const per = single ? 2 ** (k - 1) : 2 ** k;
    const words = new Int32Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 4);
    const f64 = new Float64Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 8);
    const f32 = new Float32Array(buf, TERMS_AT, (MAX_TERMS * TERM) / 4);
    const signs32 = new Uint32Array(buf, SIGNS_AT, MAX_TERMS * 4 * per);
    const kernel = single ? this.kernels.af : this.kernels.ad;
    const live = terms.filter((t) => t.coef !== 0);
    const perCall = Math.floor((MAX_TERMS * TERM) / APPLY_TERM);
    for (let first = 0; first < live.length; first += perCall) {
      const batch = live.slice(first, first + perCall);
      batch.forEach((t, j) => {
        const at = (APPLY_TERM / 4) * j;
        const odd = (t.ny & 1) === 1;
        words[at] = t.z | 0;
        words[at + 1] = (odd ? 1 : 0) | (single && t.x & 1 ? 2 : 0);
        words[at + 2] = SIGNS_AT + 16 * per * j;
        words[at + 3] = t.x & ~low;
        words[at + 4] = single ? ((t.x & low) >>> 1) << 4 : (t.x & low) << 4;
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
        writeSigns(signs32, per * j, per, t.z & low, single);
      });
      kernel(
        st.byteOffset,
        out.byteOffset,
        dim >>> k,
        k,
        batch.length,
        TERMS_AT,
      );
    }
    return out;
  }
}

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
      const s0 = parityBit((2 * e) & zl),
        s1 = parityBit((2 * e + 1) & zl);
      signs32[w] = signs32[w + 1] = s0;
      signs32[w + 2] = signs32[w + 3] = s1;
    } else {
      const s = parityBit(e & zl);
      signs32[w] = signs32[w + 2] = 0;
      signs32[w + 1] = signs32[w + 3] = s;
    }
  }
}

/** 0x80000000 when popcount(v) is odd, else 0. */
function parityBit(v: number): number {
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  return ((0x6996 >>> (v & 0xf)) & 1) === 1 ? 0x80000000 : 0;
}

let instance: ExpvalKernels | null | undefined;

/** This thread's expectation kernels, or undefined without WebAssembly SIMD. */
export function expvalKernels(): ExpvalKernels | undefined {
  if (instance !== undefined) return instance ?? undefined;
  instance = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm) {
      const funcs = [
        expvalFunc("d", false, false),
        expvalFunc("f", true, false),
        expvalFunc("fs", true, true),
        applyFunc("ad", false),
        applyFunc("af", true),
      ];
      const inst = new wasm.Instance(
        new wasm.Module(moduleBytes(STATE_AT / PAGE, funcs)),
      );
      const ex = inst.exports;
      instance = new ExpvalKernels(ex.m as WasmMemory, {
        d: ex.d as Kernel,
        f: ex.f as Kernel,
        fs: ex.fs as Kernel,
        ad: ex.ad as ApplyKernel,
        af: ex.af as ApplyKernel,
      });
    }
  } catch {
    instance = null;
  }
  return instance ?? undefined;
}
