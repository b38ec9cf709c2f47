/**
 * The WebAssembly functions of the expectation kernels (expval.ts, which describes the algebra and
 * the passes) and the layout of their module's memory: the term table, the sign tables, a little
 * scratch, then the states. Emitted with emit.ts like the simulator's kernels (simd.ts).
 */
import {
  type FuncDef,
  I32,
  LANES,
  PAGE,
  V128,
  chooseByBits,
  countedLoop,
  loadField,
  op,
  parityOfAnd,
} from "./emit.ts";

/**
 * Bytes per term entry of a pass: z, loop variant, sign table address, the partner block's byte
 * XOR, the byte XOR of the unrolled loop's offset, x's top bit (0 for a full term) (i32), pad, then
 * the term's sum (f64x2).
 */
export const TERM = 48;
/** Most terms per pass. */
export const MAX_TERMS = 256;
/** log2 of the most amplitudes per block. */
export const MAX_K = 6;
/** Bytes of one term's sign table (16 per vector, up to 2^MAX_K vectors). */
export const SIGN_SLOT = 16 * 2 ** MAX_K;
/** Term entries, then the sign tables. */
export const TERMS_AT = 0;
export const SIGNS_AT = TERMS_AT + MAX_TERMS * TERM;
/** Where the state starts (after the sign tables, page aligned). */
export const STATE_AT =
  Math.ceil((SIGNS_AT + MAX_TERMS * SIGN_SLOT + 32) / PAGE) * PAGE;
/** States above this many bytes are not copied in (the scalar code runs). */
export const MAX_COPY_BYTES = 2 ** 28;
/** Vectors per iteration of a pass's unrolled loop. */
export const UNROLL = 4;

/**
 * The pass kernel: over NBLK blocks of BB bytes from byte BOFF of the state at STATE, for each of
 * the NT terms of the table at TT, sum += sign(block) * sum over the block of (a ^ signs) * b'
 * (b' the partner vector, re and im exchanged for an odd number of Ys); `fma`: relaxed SIMD.
 */
export function passFunc(name: string, single: boolean, fma: boolean): FuncDef {
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
    // Variant bits: x's low vector bits (perm) below UNROLL, then odd Ys, then swapped complexes.
    ...chooseByBits(VAR, Math.log2(UNROLL) + (single ? 2 : 1), (v) =>
      inner(v & (UNROLL - 1), (v & UNROLL) !== 0, (v & (2 * UNROLL)) !== 0),
    ),
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
export function touchFunc(name: string): FuncDef {
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
export const DOT_AT = SIGNS_AT + MAX_TERMS * SIGN_SLOT + 16;

/** The lane sums of x * y over [0, bytes) of two double-precision arrays (bytes: a multiple of 32). */
export function dotFunc(name: string): FuncDef {
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
 * Bytes per term entry of `apply`: z, loop variant (as a pass's), sign table (as a pass's),
 * x's bits above the block (i32), the byte XOR of the unrolled loop's offset (i32), pad, then
 * c i^ny and its negative (v128).
 */
export const APPLY_TERM = 64;

/**
 * out[j] += sum_t c_t i^ny_t s_t(i) a[i] with i = j ^ x_t, over every j of NB blocks of 2^K
 * amplitudes from index J0 and all the terms of the table: per output block (kept in L1 across
 * the terms) and term, the partner block of a, signed (the block's high bits by negating the
 * coefficient, the low ones from the term's sign table), re and im exchanged for odd ny,
 * complexes exchanged when single precision's x has bit 0, times the coefficient, added into the
 * block; unrolled four times like a pass, with x's low vector bits as a fixed permutation.
 */
export function applyFunc(
  name: string,
  single: boolean,
  fma: boolean,
): FuncDef {
  const shift = single ? 3 : 4;
  const add = single ? op.f32x4Add : op.f64x2Add;
  const mul = single ? op.f32x4Mul : op.f64x2Mul;
  const madd = single ? op.f32x4Madd : op.f64x2Madd;
  const swapRI = single ? LANES.swapRI32 : LANES.swap64;
  const [BA, BB, NB, K, N, TAB, J0] = [0, 1, 2, 3, 4, 5, 6];
  const [BL, JJ, QA, QB, TT2, EN, OO, OE, MM, XH, VAR, II, PAI, PBI] =
    Array.from({ length: 14 }, (_, k) => 7 + k);
  const [C, T, S, W0] = [21, 22, 23, 24];
  const inner = (perm: number, odd: boolean, swapPair: boolean): number[] => {
    const vector = (d: number): number[] => [
      ...op.get(PBI),
      ...op.get(PAI),
      ...op.load(16 * (d ^ perm), 4),
      ...op.get(W0 + d),
      ...op.v128Xor,
      ...op.get(S),
      ...op.v128Xor,
      ...(odd ? [...op.tee(T), ...op.get(T), ...op.shuffle(swapRI)] : []),
      ...(swapPair
        ? [...op.tee(T), ...op.get(T), ...op.shuffle(LANES.swapC32)]
        : []),
      ...op.get(C),
      ...(fma
        ? [...op.get(PBI), ...op.load(16 * d, 4), ...madd]
        : [...mul, ...op.get(PBI), ...op.load(16 * d, 4), ...add]),
      ...op.store(16 * d, 4),
    ];
    return [
      // The lane signs of the partner's vectors within an iteration.
      ...Array.from({ length: UNROLL }, (_, d) => [
        ...op.get(MM),
        ...op.load(16 * (d ^ perm), 4),
        ...op.set(W0 + d),
      ]).flat(),
      ...op.i32(0),
      ...op.set(OO),
      ...op.loop,
      ...op.get(QB),
      ...op.get(OO),
      ...op.add,
      ...op.set(PBI),
      ...op.get(OO),
      ...op.get(XH),
      ...op.i32Xor,
      ...op.tee(II),
      ...op.get(QA),
      ...op.add,
      ...op.set(PAI),
      // The sign of the partner iteration's bits.
      ...op.get(MM),
      ...op.get(II),
      ...op.i32(Math.log2(UNROLL)),
      ...op.shrU,
      ...op.add,
      ...op.load(16 * UNROLL, 4),
      ...op.set(S),
      ...Array.from({ length: UNROLL }, (_, d) => vector(d)).flat(),
      ...op.get(OO),
      ...op.i32(16 * UNROLL),
      ...op.add,
      ...op.tee(OO),
      ...op.get(OE),
      ...op.ltU,
      ...op.brIf(0),
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
        ...loadField(EN, 16, XH),
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
        ...chooseByBits(VAR, Math.log2(UNROLL) + (single ? 2 : 1), (v) =>
          inner(v & (UNROLL - 1), (v & UNROLL) !== 0, (v & (2 * UNROLL)) !== 0),
        ),
      ]),
    ]),
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32, I32],
    locals: [
      [14, I32],
      [3 + UNROLL, V128],
    ],
    body,
  };
}
