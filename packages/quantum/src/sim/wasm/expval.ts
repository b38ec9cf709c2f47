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
 * run time by emit.ts like the simulator's kernels (simd.ts); undefined without WebAssembly SIMD.
 */
import {
  type FuncDef,
  I32,
  LANES,
  PAGE,
  V128,
  type WasmMemory,
  countedLoop,
  loadField,
  parityOfAnd,
  dropGrown,
  moduleBytes,
  op,
  wasmApi,
} from "./emit.ts";
import {
  type SimdVariant,
  defaultSimdVariant,
  relaxedSimdAvailable,
} from "./simd.ts";
import type { Amplitudes } from "../kernels/one-qubit.ts";

/**
 * Bytes per term entry of a pass: z, loop variant, sign table address, the partner block's byte
 * XOR, the byte XOR of the unrolled loop's offset, x's top bit (0 for a full term) (i32), pad, then
 * the term's sum (f64x2).
 */
const TERM = 48;
/** Most terms per pass. */
const MAX_TERMS = 256;
/** log2 of the most amplitudes per block. */
const MAX_K = 6;
/** Bytes of one term's sign table (16 per vector, up to 2^MAX_K vectors). */
const SIGN_SLOT = 16 * 2 ** MAX_K;
/** Term entries, then the sign tables. */
const TERMS_AT = 0;
const SIGNS_AT = TERMS_AT + MAX_TERMS * TERM;
/** Where the state starts (after the sign tables, page aligned). */
const STATE_AT =
  Math.ceil((SIGNS_AT + MAX_TERMS * SIGN_SLOT + 32) / PAGE) * PAGE;
/** States above this many bytes are not copied in (the scalar code runs). */
export const MAX_COPY_BYTES = 2 ** 28;
/** Vectors per iteration of a pass's unrolled loop. */
const UNROLL = 4;

/**
 * The pass kernel: over NBLK blocks of BB bytes from byte BOFF of the state at STATE, for each of
 * the NT terms of the table at TT, sum += sign(block) * sum over the block of (a ^ signs) * b'
 * (b' the partner vector, re and im exchanged for an odd number of Ys); `fma`: relaxed SIMD.
 */
function passFunc(name: string, single: boolean, fma: boolean): FuncDef {
  const shift = single ? 3 : 4;
  const add = single ? op.f32x4Add : op.f64x2Add;
  const mul = single ? op.f32x4Mul : op.f64x2Mul;
  const madd = single ? op.f32x4Madd : op.f64x2Madd;
  const [STATE, BOFF, NBLK, BB, NT, TT] = [0, 1, 2, 3, 4, 5];
  const [BLK, OFF, I0, PA, PB, T, ENT, MT, XH, O, VAR, PAI, PBI] = Array.from(
    { length: 13 },
    (_, k) => 6 + k,
  );
  // v128 locals: UNROLL accumulators, then the partner, the block's sum, the term's sum, the sign.
  const ACC0 = 19;
  const [BV, S, CUR, SV] = [0, 1, 2, 3].map((k) => ACC0 + UNROLL + k);
  const partnerLanes = (odd: boolean, swapPair: boolean) =>
    single
      ? swapPair
        ? odd
          ? LANES.swapCRI32
          : LANES.swapC32
        : odd
          ? LANES.swapRI32
          : null
      : odd
        ? LANES.swap64
        : null;
  /** The unrolled loop of one variant: x's low vector bits `perm`, odd Ys, swapped complexes. */
  const inner = (perm: number, odd: boolean, swapPair: boolean): number[] => {
    const lanes = partnerLanes(odd, swapPair);
    const vector = (d: number): number[] => {
      const signed = [
        ...op.get(PAI),
        ...op.load(16 * d, 4),
        ...op.get(SV),
        ...op.v128Xor,
      ];
      const partner = [
        ...op.get(PBI),
        ...op.load(16 * (d ^ perm), 4),
        ...(lanes ? [...op.tee(BV), ...op.get(BV), ...op.shuffle(lanes)] : []),
      ];
      return fma
        ? [
            ...signed,
            ...partner,
            ...op.get(ACC0 + d),
            ...madd,
            ...op.set(ACC0 + d),
          ]
        : [
            ...signed,
            ...partner,
            ...mul,
            ...op.get(ACC0 + d),
            ...add,
            ...op.set(ACC0 + d),
          ];
    };
    return [
      ...op.i32(0),
      ...op.set(O),
      ...op.loop,
      ...op.get(PA),
      ...op.get(O),
      ...op.add,
      ...op.set(PAI),
      ...op.get(PB),
      ...op.get(O),
      ...op.get(XH),
      ...op.i32Xor,
      ...op.add,
      ...op.set(PBI),
      // The sign of the iteration's bits of i & z (the table's entries after the first UNROLL).
      ...op.get(MT),
      ...op.get(O),
      ...op.i32(Math.log2(UNROLL)),
      ...op.shrU,
      ...op.add,
      ...op.load(16 * UNROLL, 4),
      ...op.set(SV),
      ...Array.from({ length: UNROLL }, (_, d) => vector(d)).flat(),
      ...op.get(O),
      ...op.i32(16 * UNROLL),
      ...op.add,
      ...op.tee(O),
      ...op.get(BB),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
    ];
  };
  /** Branches on the variant's bits from `bit` down (perm below UNROLL, then odd, swapped). */
  const choose = (bit: number, v: number): number[] =>
    bit < 0
      ? inner(v & (UNROLL - 1), (v & UNROLL) !== 0, (v & (2 * UNROLL)) !== 0)
      : [
          ...op.get(VAR),
          ...op.i32(1 << bit),
          ...op.and,
          ...op.if,
          ...choose(bit - 1, v | (1 << bit)),
          ...op.else,
          ...choose(bit - 1, v),
          ...op.end,
        ];
  const toDouble = single
    ? [
        ...op.get(S),
        ...op.f64x2PromoteLowF32x4,
        ...op.get(S),
        ...op.get(S),
        ...op.shuffle(LANES.hi32),
        ...op.f64x2PromoteLowF32x4,
        ...op.f64x2Add,
      ]
    : op.get(S);
  const term = [
    ...op.block,
    ...op.get(TT),
    ...op.get(T),
    ...op.i32(TERM),
    ...op.mul,
    ...op.add,
    ...op.tee(ENT),
    // Blocks with x's top bit set are the partners of others.
    ...op.i32Load(20),
    ...op.get(I0),
    ...op.and,
    ...op.brIf(0),
    ...loadField(ENT, 8, MT),
    ...loadField(ENT, 16, XH),
    ...op.get(STATE),
    ...op.get(OFF),
    ...op.get(ENT),
    ...op.i32Load(12),
    ...op.i32Xor,
    ...op.add,
    ...op.set(PB),
    ...Array.from({ length: UNROLL }, (_, d) => [
      ...op.v128Zero,
      ...op.set(ACC0 + d),
    ]).flat(),
    ...loadField(ENT, 4, VAR),
    ...choose(Math.log2(UNROLL) + (single ? 1 : 0), 0),
    // S = sum over d of acc_d ^ (the signs of the d-th vector of an iteration).
    ...Array.from({ length: UNROLL }, (_, d) => [
      ...op.get(ACC0 + d),
      ...op.get(MT),
      ...op.load(16 * d, 4),
      ...op.v128Xor,
      ...(d > 0 ? add : []),
    ]).flat(),
    ...op.set(S),
    // sum +- S by the parity of the block's high bits of i & z.
    ...op.get(ENT),
    ...op.get(ENT),
    ...op.load(32, 4),
    ...op.tee(CUR),
    ...toDouble,
    ...op.f64x2Sub,
    ...op.get(CUR),
    ...toDouble,
    ...op.f64x2Add,
    ...parityOfAnd(op.get(I0), [...op.get(ENT), ...op.i32Load(0)]),
    ...op.select,
    ...op.store(32, 4),
    ...op.end,
  ];
  const body = [
    ...op.get(BOFF),
    ...op.set(OFF),
    ...countedLoop(BLK, NBLK, [
      ...op.get(OFF),
      ...op.i32(shift),
      ...op.shrU,
      ...op.set(I0),
      ...op.get(STATE),
      ...op.get(OFF),
      ...op.add,
      ...op.set(PA),
      ...op.i32(0),
      ...op.set(T),
      ...countedLoop(T, NT, term),
      ...op.get(OFF),
      ...op.get(BB),
      ...op.add,
      ...op.set(OFF),
    ]),
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32],
    locals: [
      [13, I32],
      [UNROLL + 4, V128],
    ],
    body,
  };
}

/** Loads one vector per 64-byte line of [at, at + bytes) (bytes > 0), in address order. */
function touchFunc(name: string): FuncDef {
  const [AT, BYTES, END, ACC] = [0, 1, 2, 3];
  return {
    name,
    params: [I32, I32],
    locals: [
      [1, I32],
      [1, V128],
    ],
    body: [
      ...op.get(AT),
      ...op.get(BYTES),
      ...op.add,
      ...op.set(END),
      ...op.loop,
      ...op.get(AT),
      ...op.load(0, 4),
      ...op.get(ACC),
      ...op.v128Xor,
      ...op.set(ACC),
      ...op.get(AT),
      ...op.i32(64),
      ...op.add,
      ...op.tee(AT),
      ...op.get(END),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      // Kept: stored where nothing reads it (after the sign tables).
      ...op.i32(0),
      ...op.get(ACC),
      ...op.store(SIGNS_AT + MAX_TERMS * SIGN_SLOT, 4),
    ],
  };
}

/** Where `dot` leaves its sum (f64x2, after touch's vector). */
const DOT_AT = SIGNS_AT + MAX_TERMS * SIGN_SLOT + 16;

/** The lane sums of x * y over [0, bytes) of two double-precision arrays (bytes: a multiple of 32). */
function dotFunc(name: string): FuncDef {
  const [X, Y, BYTES, O, A0, A1] = [0, 1, 2, 3, 4, 5];
  const product = (d: number, acc: number): number[] => [
    ...op.get(X),
    ...op.get(O),
    ...op.add,
    ...op.load(d, 4),
    ...op.get(Y),
    ...op.get(O),
    ...op.add,
    ...op.load(d, 4),
    ...op.f64x2Mul,
    ...op.get(acc),
    ...op.f64x2Add,
    ...op.set(acc),
  ];
  return {
    name,
    params: [I32, I32, I32],
    locals: [
      [1, I32],
      [2, V128],
    ],
    body: [
      ...op.loop,
      ...product(0, A0),
      ...product(16, A1),
      ...op.get(O),
      ...op.i32(32),
      ...op.add,
      ...op.tee(O),
      ...op.get(BYTES),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      ...op.i32(0),
      ...op.get(A0),
      ...op.get(A1),
      ...op.f64x2Add,
      ...op.store(DOT_AT, 4),
    ],
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
  const swapRI = single ? LANES.swapRI32 : LANES.swap64;
  const [BA, BB, NB, K, N, TAB, J0] = [0, 1, 2, 3, 4, 5, 6];
  const [BL, JJ, QA, QB, TT2, EN, OO, OE, MM, XLO, VAR, II] = [
    7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
  ];
  const [C, W] = [19, 20];
  const inner = (odd: boolean, swapPair: boolean): number[] => [
    ...op.loop,
    ...op.get(QB),
    ...op.get(OO),
    ...op.add,
    ...op.get(QA),
    ...op.get(OO),
    ...op.get(XLO),
    ...op.i32Xor,
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
    ...op.v128Xor,
    ...(swapPair
      ? [...op.tee(W), ...op.get(W), ...op.shuffle(LANES.swapC32)]
      : []),
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
      ...op.i32Eq,
      ...op.if,
      ...loop,
      ...op.else,
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
    ...countedLoop(BL, NB, [
      ...op.get(BL),
      ...op.get(K),
      ...op.shl,
      ...op.get(J0),
      ...op.add,
      ...op.tee(JJ),
      ...op.i32(shift),
      ...op.shl,
      ...op.get(BB),
      ...op.add,
      ...op.set(QB),
      ...op.i32(0),
      ...op.set(TT2),
      ...countedLoop(TT2, N, [
        ...op.get(TAB),
        ...op.get(TT2),
        ...op.i32(APPLY_TERM),
        ...op.mul,
        ...op.add,
        ...op.tee(EN),
        ...op.i32Load(8),
        ...op.set(MM),
        ...loadField(EN, 4, VAR),
        ...loadField(EN, 16, XLO),
        // The partner block of a: (j ^ x's high bits).
        ...op.get(JJ),
        ...op.get(EN),
        ...op.i32Load(12),
        ...op.i32Xor,
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
        ...parityOfAnd(op.get(II), [...op.get(EN), ...op.i32Load(0)]),
        ...op.select,
        ...op.set(C),
        ...op.i32(0),
        ...op.set(OO),
        ...choose(single ? [0, 1, 2, 3] : [0, 1]),
      ]),
    ]),
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32, I32],
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
    const low = (1 << k) - 1;
    const per = single ? 2 ** (k - 1) : 2 ** k;
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
    const s = parityBit((amps * j) & zl);
    if (single) signs32.fill(s, w, w + 4);
    else {
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
        applyFunc("ad", false),
        applyFunc("af", true),
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
