/**
 * WebAssembly SIMD kernels for cache-blocked stages. The chunk lives in the module's memory and
 * every one-target instruction of a stage runs here: dense, real and rx-shaped 2x2s, controlled
 * 2x2s and X (cx, ccx), and diagonals on up to 6 qubits (rz, cz, cp, fused phase tables). Each is
 * planned once as a "pair op": a target t, the other qubits it reads (group bits) and, for every
 * value of the group bits, a 2x2 (or nothing when that value leaves the amplitudes unchanged).
 * A plan is a small table of entries (the byte offset of the group value plus eight coefficient
 * vectors) in wasm memory; the kernel walks, entry by entry, the contiguous runs of amplitudes with
 * that group value and applies the 2x2 to (x, y) = (amplitude, amplitude with bit t set).
 *
 * Double precision: f64x2, one complex per vector. Single precision: f32x4, two neighbouring
 * complexes per vector (bit 0 varies inside a vector): when t = 0 the pair sits in one vector
 * (shuffles); when qubit 0 is a group bit, coefficients differ per half of the vector.
 * The complex product m * x is splat(re m) * x + (-im m, im m) * swap(x). The shape of the 2x2s
 * picks the cheapest body (pure swap, diagonal, real, rx, general). Built at run time by emit.ts;
 * when WebAssembly or its SIMD is unavailable, `simdKernels()` returns undefined and the
 * TypeScript kernels run.
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
  dropGrown,
  moduleBytes,
  op,
  wasmApi,
} from "./emit.ts";
import type { KernelInstr } from "../instructions.ts";

/** Byte address of the insertion masks (i32). */
const INS = 0;
/** Insertion bits (group bits plus the target) of the common kernels; wider plans use WIDE_INS. */
const FAST_INS = 5;
/** Most insertion bits a plan may have. */
const WIDE_INS = 9;
/** Byte address of the entry table. */
const TABLE = 64;
/** Bytes per table entry: the group value's byte offset (i32, padded to 16), then 8 v128. */
const ENTRY = 144;
/** Most entries in one plan. */
const MAX_ENTRIES = 256;
/** Byte address of the chunk data (after the table). */
const DATA = PAGE;
/** Most qubits of a diagonal taken here (the fuser builds diagonals of up to 8). */
const MAX_DIAG_QUBITS = 9;

/** Body shapes: which of the 8 coefficient vectors each output row uses. */
const Body = {
  Swap: 0,
  DiagY: 1,
  Diag: 2,
  Real: 3,
  Rx: 4,
  General: 5,
} as const;
type Body = (typeof Body)[keyof typeof Body];
const BODIES: readonly Body[] = [
  Body.Swap,
  Body.DiagY,
  Body.Diag,
  Body.Real,
  Body.Rx,
  Body.General,
];

// Coefficient vector c = 4 * row + 2 * col + (0: re splat, 1: (-im, im)); a term is [c, v] with
// v one of x, swap(x), y, swap(y).
const X = 0,
  SX = 1,
  Y = 2,
  SY = 3;
type Term = readonly [number, number];
const TERMS: Record<Body, readonly [readonly Term[], readonly Term[]]> = {
  [Body.Swap]: [[], []],
  [Body.DiagY]: [
    [],
    [
      [6, Y],
      [7, SY],
    ],
  ],
  [Body.Diag]: [
    [
      [0, X],
      [1, SX],
    ],
    [
      [6, Y],
      [7, SY],
    ],
  ],
  [Body.Real]: [
    [
      [0, X],
      [2, Y],
    ],
    [
      [4, X],
      [6, Y],
    ],
  ],
  [Body.Rx]: [
    [
      [0, X],
      [3, SY],
    ],
    [
      [5, SX],
      [6, Y],
    ],
  ],
  [Body.General]: [
    [
      [0, X],
      [1, SX],
      [2, Y],
      [3, SY],
    ],
    [
      [4, X],
      [5, SX],
      [6, Y],
      [7, SY],
    ],
  ],
};

const {
  swap64: SWAP64,
  swapRI32: SWAP32,
  lo32: LO32,
  hi32: HI32,
  slo32: SLO32,
  shi32: SHI32,
} = LANES;

// Parameters: 0 base, 1 nRuns, 2 runBytes, 3 half (byte distance x -> y), 4 table, 5 nEntries.
// i32 locals: 6 e, 7 r, 8 i, 9 p, 10 pend, 11 ent, 12 pb, 13 xo, 14 yo, then the masks.
// v128 locals after them: 8 coefficients, x, y, sx, sy, spare.
// An entry: i32 group offset, i32 xo, i32 yo (x is read at p + xo, y at p + yo: (0, half), or
// (half, 0) to apply M * X), pad, then the 8 coefficient vectors. Results go to p and p + half.
const [BASE, NRUNS, RUNB, HALF, TAB, NENT] = [0, 1, 2, 3, 4, 5];
const [E, R, I, P, PEND, ENT, PB, XO, YO, MASK0] = [
  6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
];
const COEF0 = MASK0 + WIDE_INS;
const [VX, VY, VSX, VSY, VQ] = [8, 9, 10, 11, 12].map((j) => COEF0 + j);

/** The walk over entries and runs around a per-vector body (p = address of x). */
function walk(name: string, body: number[], nIns: number): FuncDef {
  const code = [
    ...Array.from({ length: nIns }, (_, k) => [
      ...op.i32(0),
      ...op.i32Load(INS + 4 * k),
      ...op.set(MASK0 + k),
    ]).flat(),
    ...countedLoop(E, NENT, [
      ...op.get(TAB),
      ...op.get(E),
      ...op.i32(ENTRY),
      ...op.mul,
      ...op.add,
      ...op.tee(ENT),
      ...op.i32Load(0),
      ...op.get(BASE),
      ...op.add,
      ...op.set(PB),
      ...loadField(ENT, 4, XO),
      ...loadField(ENT, 8, YO),
      ...Array.from({ length: 8 }, (_, c) => [
        ...op.get(ENT),
        ...op.load(16 + 16 * c, 4),
        ...op.set(COEF0 + c),
      ]).flat(),
      ...op.i32(0),
      ...op.set(R),
      ...countedLoop(R, NRUNS, [
        ...op.get(R),
        ...op.get(RUNB),
        ...op.mul,
        ...op.set(I),
        // Insert a zero bit below each mask's top: i = (i << 1) - (i & mask) (mask -1 keeps i).
        ...Array.from({ length: nIns }, (_, k) => [
          ...op.get(I),
          ...op.i32(1),
          ...op.shl,
          ...op.get(I),
          ...op.get(MASK0 + k),
          ...op.and,
          ...op.sub,
          ...op.set(I),
        ]).flat(),
        ...op.get(PB),
        ...op.get(I),
        ...op.add,
        ...op.tee(P),
        ...op.get(RUNB),
        ...op.add,
        ...op.set(PEND),
        ...op.loop,
        ...body,
        ...op.get(P),
        ...op.i32(16),
        ...op.add,
        ...op.tee(P),
        ...op.get(PEND),
        ...op.ltU,
        ...op.brIf(0),
        ...op.end,
      ]),
    ]),
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32],
    locals: [
      [9 + WIDE_INS, I32],
      [13, V128],
    ],
    body: code,
  };
}

/**
 * The sum of coefficient * vector terms: multiplies and adds, or (relaxed SIMD) one multiply and
 * fused multiply-adds, the running sum evaluated innermost so it is the addend on the stack.
 */
function sum(terms: readonly Term[], single: boolean, fma: boolean): number[] {
  const add = single ? op.f32x4Add : op.f64x2Add;
  const mul = single ? op.f32x4Mul : op.f64x2Mul;
  const madd = single ? op.f32x4Madd : op.f64x2Madd;
  const vec = [VX, VSX, VY, VSY];
  const product = ([c, v]: Term): number[] => [
    ...op.get(COEF0 + c),
    ...op.get(vec[v]),
  ];
  if (!fma)
    return terms.flatMap((t, j) => [
      ...product(t),
      ...mul,
      ...(j > 0 ? add : []),
    ]);
  let code = [...product(terms[0]), ...mul];
  for (const t of terms.slice(1)) code = [...product(t), ...code, ...madd];
  return code;
}

/** x at p, y at p + half. */
function pairFunc(
  name: string,
  single: boolean,
  body: Body,
  nIns: number,
  fma: boolean,
): FuncDef {
  const sw = single ? SWAP32 : SWAP64;
  const yAddr = [...op.get(P), ...op.get(HALF), ...op.add];
  const [row0, row1] = TERMS[body];
  const uses = (v: number): boolean =>
    [...row0, ...row1].some(([, u]) => u === v);
  // x is not read when only row 1 depends on y (a phase on the amplitudes with bit t set).
  const code = [
    ...(body === Body.Swap || uses(X) || uses(SX)
      ? [
          ...op.get(P),
          ...op.get(XO),
          ...op.add,
          ...op.load(0, 4),
          ...op.set(VX),
        ]
      : []),
    ...op.get(P),
    ...op.get(YO),
    ...op.add,
    ...op.load(0, 4),
    ...op.set(VY),
  ];
  if (body === Body.Swap)
    code.push(
      ...op.get(P),
      ...op.get(VY),
      ...op.store(0, 4),
      ...yAddr,
      ...op.get(VX),
      ...op.store(0, 4),
    );
  else {
    if (uses(SX))
      code.push(
        ...op.get(VX),
        ...op.get(VX),
        ...op.shuffle(sw),
        ...op.set(VSX),
      );
    if (uses(SY))
      code.push(
        ...op.get(VY),
        ...op.get(VY),
        ...op.shuffle(sw),
        ...op.set(VSY),
      );
    if (row0.length > 0)
      code.push(...op.get(P), ...sum(row0, single, fma), ...op.store(0, 4));
    if (row1.length > 0)
      code.push(...yAddr, ...sum(row1, single, fma), ...op.store(0, 4));
  }
  return walk(name, code, nIns);
}

/** Single precision, target 0: the pair (x, y) is one vector; out = A * lo + B * hi (lane-wise rows). */
function inVectorFunc(name: string, nIns: number, fma: boolean): FuncDef {
  const code = [
    ...op.get(P),
    ...op.load(0, 4),
    ...op.set(VQ),
    ...[
      [LO32, VX],
      [SLO32, VSX],
      [HI32, VY],
      [SHI32, VSY],
    ].flatMap(([lanes, local]) => [
      ...op.get(VQ),
      ...op.get(VQ),
      ...op.shuffle(lanes as number[]),
      ...op.set(local as number),
    ]),
    ...op.get(P),
    ...sum(
      [
        [0, X],
        [1, SX],
        [2, Y],
        [3, SY],
      ],
      true,
      fma,
    ),
    ...op.store(0, 4),
  ];
  return walk(name, code, nIns);
}

/** Byte address of the fused gradient steps' coefficients: per step U then E, 8 vectors each (f64x2). */
const GRAD = 40960;
/** Most steps on one target in one fused gradient pass. */
export const MAX_GRAD_STEPS = 2;
/**
 * Least min(control, target) (local qubits) for which a fused gradient pass takes a cx before it:
 * blocks of at least 2^3 pairs with the same control bit (smaller ones cost more than the cx's
 * own pass saves).
 */
export const MIN_EXCHANGE_BLOCK_QUBITS = 3;
/** Byte address of the fused gradient steps' sums (per step one f64x2 per slot of E), after the coefficients. */
const GRAD_SUMS = GRAD + 256 * MAX_GRAD_STEPS;

/**
 * Which coefficients of a fused gradient step are not zero: bit 8m + 2e is the real part and
 * bit 8m + 2e + 1 the imaginary part of entry e (row-major) of U (m = 0) or E (m = 1). The kernel
 * leaves the zero ones out (ry: U and E real, E off the diagonal; rz: U and E diagonal).
 */
function nonZeroBits(u: Float64Array, e: Float64Array): number {
  let bits = 0;
  [u, e].forEach((m, j) => {
    for (let k = 0; k < 8; k++) if (m[k] !== 0) bits |= 1 << (8 * j + k);
  });
  return bits;
}

/**
 * The adjoint gradient's fused backward steps on one target in double precision (gradient.ts):
 * for every amplitude pair of target t, per step s in order, sum_s += Re <lam| E_s |phi>, then
 * phi <- U_s phi and lam <- U_s lam (E_s = dU/dtheta U^dagger for the step's gate, so the sum is
 * <lam'| dU/dtheta |phi'> of the updated states), all in registers, in one pass; lam is stored,
 * and phi too when `storePhi`. `bits[s]` (nonZeroBits) says which coefficients are used. With
 * `fma`, relaxed SIMD's fused multiply-adds. With `exchange`, a cx with target t comes first: the
 * pairs whose control bit is set are read exchanged. Parameters: phi and lam byte addresses, runs
 * (of pairs), run bytes (= byte distance to the partner, 16 << t), the control's bit in a byte
 * offset (c + 4) and the bytes of a block of pairs with the same control bit (16 << min(c, t)):
 * both read only with `exchange`.
 */
function gradFunc(
  name: string,
  storePhi: boolean,
  bits: readonly number[],
  fma: boolean,
  exchange: boolean,
): FuncDef {
  const [PHI, LAM, RUNS, RB, CB, BB] = [0, 1, 2, 3, 4, 5];
  const [RR, PP, PE, X0, X1, BE] = [6, 7, 8, 9, 10, 11];
  const S = bits.length;
  const C0 = 12; // per step 16 coefficient vectors: U (re, (-im, im)) per entry, then E.
  const [A0, A1, L0, L1, SA0, SA1, SL0, SL1, T0] = Array.from(
    { length: 9 },
    (_, k) => C0 + 16 * S + k,
  );
  const ACC = C0 + 16 * S + 9; // per step one per slot of E
  const used = (s: number, m: number, slot: number): boolean =>
    ((bits[s] >> (8 * m + slot)) & 1) === 1;
  /** Whether matrix m of step s reads swapped lanes (it has an imaginary part). */
  const complex = (s: number, m: number): boolean =>
    ((bits[s] >> (8 * m)) & 0xaa) !== 0;
  /** Complex 2x2 row of step s: m[r][0] x0 + m[r][1] x1 with x and swap(x) in locals. */
  const row = (
    s: number,
    m: number,
    r: number,
    x0: number,
    sx0: number,
    x1: number,
    sx1: number,
  ): number[] => {
    const c = C0 + 16 * s + 8 * m + 4 * r;
    const terms = (
      [
        [0, x0],
        [1, sx0],
        [2, x1],
        [3, sx1],
      ] as const
    ).filter(([j]) => used(s, m, 4 * r + j));
    if (terms.length === 0) return op.v128Zero;
    const product = ([j, x]: readonly [number, number]): number[] => [
      ...op.get(c + j),
      ...op.get(x),
    ];
    if (!fma)
      return terms.flatMap((t, j) => [
        ...product(t),
        ...op.f64x2Mul,
        ...(j > 0 ? op.f64x2Add : []),
      ]);
    let code = [...product(terms[0]), ...op.f64x2Mul];
    for (const t of terms.slice(1))
      code = [...product(t), ...code, ...op.f64x2Madd];
    return code;
  };
  const swapInto = (needed: boolean, from: number, to: number): number[] =>
    needed
      ? [...op.get(from), ...op.get(from), ...op.shuffle(SWAP64), ...op.set(to)]
      : [];
  const addr = (base: number, partner: boolean): number[] => [
    ...op.get(base),
    ...op.get(PP),
    ...op.add,
    ...(partner ? [...op.get(RB), ...op.add] : []),
  ];
  /** Where a pair is read: exchanged (X0 = run bytes, X1 = 0) where the control bit is set. */
  const readAddr = (base: number, partner: boolean): number[] =>
    exchange
      ? [
          ...op.get(base),
          ...op.get(PP),
          ...op.add,
          ...op.get(partner ? X1 : X0),
          ...op.add,
        ]
      : addr(base, partner);
  const exchangeOffsets = exchange
    ? [
        ...op.get(RB),
        ...op.i32(0),
        ...op.get(PP),
        ...op.get(CB),
        ...op.shrU,
        ...op.i32(1),
        ...op.and,
        ...op.select,
        ...op.tee(X0),
        ...op.get(RB),
        ...op.i32Xor,
        ...op.set(X1),
      ]
    : [];
  /** x <- U_s x for the pair in (x0, x1), (sx0, sx1). */
  const apply = (
    s: number,
    x0: number,
    sx0: number,
    x1: number,
    sx1: number,
  ): number[] => [
    ...row(s, 0, 0, x0, sx0, x1, sx1),
    ...op.set(T0),
    ...row(s, 0, 1, x0, sx0, x1, sx1),
    ...op.set(x1),
    ...op.get(T0),
    ...op.set(x0),
  ];
  // Re <l|E a> = sum over E's used slots k (row r, entry (r, c), real or imaginary part) of the
  // lanes of coef_k * l_r * x_k (x_k = a_c or its swap): per slot the sum of l_r * x_k, times
  // coef_k once at the end (by fusedGradSteps), so each slot costs one (fused) multiply-add.
  const accumulate = (s: number): number[] =>
    [0, 1].flatMap((r) =>
      (
        [
          [0, A0],
          [1, SA0],
          [2, A1],
          [3, SA1],
        ] as const
      )
        .filter(([j]) => used(s, 1, 4 * r + j))
        .flatMap(([j, x]) => {
          const acc = ACC + 8 * s + 4 * r + j;
          const product = [...op.get(r === 0 ? L0 : L1), ...op.get(x)];
          return fma
            ? [...product, ...op.get(acc), ...op.f64x2Madd, ...op.set(acc)]
            : [
                ...product,
                ...op.f64x2Mul,
                ...op.get(acc),
                ...op.f64x2Add,
                ...op.set(acc),
              ];
        }),
    );
  const step = (s: number): number[] => [
    ...swapInto(complex(s, 0) || complex(s, 1), A0, SA0),
    ...swapInto(complex(s, 0) || complex(s, 1), A1, SA1),
    ...accumulate(s),
    ...apply(s, A0, SA0, A1, SA1),
    ...swapInto(complex(s, 0), L0, SL0),
    ...swapInto(complex(s, 0), L1, SL1),
    ...apply(s, L0, SL0, L1, SL1),
  ];
  const store = (base: number, x0: number, x1: number): number[] => [
    ...addr(base, false),
    ...op.get(x0),
    ...op.store(0, 4),
    ...addr(base, true),
    ...op.get(x1),
    ...op.store(0, 4),
  ];
  const body = [
    ...Array.from({ length: 16 * S }, (_, c) => [
      ...op.i32(0),
      ...op.load(GRAD + 16 * c, 4),
      ...op.set(C0 + c),
    ]).flat(),
    ...countedLoop(RR, RUNS, [
      // p from r * 2 * run bytes to + run bytes
      ...op.get(RR),
      ...op.get(RB),
      ...op.i32(1),
      ...op.shl,
      ...op.mul,
      ...op.tee(PP),
      ...op.get(RB),
      ...op.add,
      ...op.set(PE),
      ...(exchange
        ? [
            // blocks of pairs with the same control bit: the read offsets per block
            ...op.loop,
            ...exchangeOffsets,
            ...op.get(PP),
            ...op.get(BB),
            ...op.add,
            ...op.set(BE),
          ]
        : []),
      ...op.loop,
      ...readAddr(PHI, false),
      ...op.load(0, 4),
      ...op.set(A0),
      ...readAddr(PHI, true),
      ...op.load(0, 4),
      ...op.set(A1),
      ...readAddr(LAM, false),
      ...op.load(0, 4),
      ...op.set(L0),
      ...readAddr(LAM, true),
      ...op.load(0, 4),
      ...op.set(L1),
      ...bits.flatMap((_, s) => step(s)),
      ...(storePhi ? store(PHI, A0, A1) : []),
      ...store(LAM, L0, L1),
      ...op.get(PP),
      ...op.i32(16),
      ...op.add,
      ...op.tee(PP),
      ...op.get(exchange ? BE : PE),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      ...(exchange
        ? [...op.get(PP), ...op.get(PE), ...op.ltU, ...op.brIf(0), ...op.end]
        : []),
    ]),
    ...Array.from({ length: 8 * S }, (_, k) => [
      ...op.i32(0),
      ...op.get(ACC + k),
      ...op.store(GRAD_SUMS + 16 * k, 4),
    ]).flat(),
  ];
  return {
    name,
    params: [I32, I32, I32, I32, I32, I32],
    locals: [
      [6, I32],
      [16 * S + 9 + 8 * S, V128],
    ],
    body,
  };
}

/** Kernels per insertion width: the bodies in both precisions and the in-vector one. */
const FUNCS_PER_WIDTH = 2 * BODIES.length + 1;

type Kernel = (
  base: number,
  nRuns: number,
  runBytes: number,
  half: number,
  table: number,
  nEntries: number,
) => void;

/** A prepared fused gradient pass (SimdKernels.fusedGradSteps): runs it, returns the sums per step. */
export type GradPass = (
  phi: Float64Array,
  lam: Float64Array,
  local: number,
  t: number,
) => Float64Array;

type GradKernel = (
  phi: number,
  lam: number,
  runs: number,
  runBytes: number,
  controlShift: number,
  blockBytes: number,
) => void;

/** A planned instruction: which kernel, its walk and its table. */
export interface Plan {
  readonly local: number;
  readonly fn: number;
  readonly nRuns: number;
  readonly runBytes: number;
  readonly half: number;
  readonly masks: Int32Array;
  readonly table: Uint8Array;
  readonly nEntries: number;
}

/** A one-target view of an instruction: target, group qubits, and the 2x2 per group value (null: identity). */
export interface PairOp {
  readonly t: number;
  readonly group: readonly number[];
  readonly mat: (v: number) => Float64Array | null;
}

const XMAT = Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0);
/** The interleaved 2x2 identity. */
export const IDENT = Float64Array.of(1, 0, 0, 0, 0, 0, 1, 0);

/**
 * The interleaved 2x2 that the diagonal `d` over `qs` applies to target `t` (one of `qs`) where
 * the other qubits (`group`, bit b of v standing for group[b]) read v; null for the identity.
 */
export function diagMat(
  qs: readonly number[],
  d: Float64Array,
  t: number,
  group: readonly number[],
  v: number,
): Float64Array | null {
  let j0 = 0;
  qs.forEach((q, b) => {
    if (q !== t && (v >> group.indexOf(q)) & 1) j0 |= 1 << b;
  });
  const j1 = j0 | (1 << qs.indexOf(t));
  const m = Float64Array.of(
    d[2 * j0],
    d[2 * j0 + 1],
    0,
    0,
    0,
    0,
    d[2 * j1],
    d[2 * j1 + 1],
  );
  return m[0] === 1 && m[1] === 0 && m[6] === 1 && m[7] === 0 ? null : m;
}

/** The pair-op view of an instruction, or undefined when it has another shape (SWAP, mat2, matk). */
export function pairOpOf(instr: KernelInstr): PairOp | undefined {
  switch (instr.kind) {
    case "mat1":
    case "mat1r":
    case "mat1x":
      return { t: instr.t, group: [], mat: () => instr.m };
    case "mat1c": {
      const group = Array.from(instr.bits).filter((q) => q !== instr.t);
      const all = (1 << group.length) - 1;
      return { t: instr.t, group, mat: (v) => (v === all ? instr.m : null) };
    }
    case "swap": {
      if (instr.oa !== 0 || instr.ob <= 0) return undefined;
      const t = Math.round(Math.log2(instr.ob / 2));
      if (instr.ob !== 2 * 2 ** t || !instr.bits.includes(t)) return undefined;
      const group = Array.from(instr.bits).filter((q) => q !== t);
      if (group.reduce((m, q) => m | (1 << q), 0) !== instr.cmask)
        return undefined;
      const all = (1 << group.length) - 1;
      return { t, group, mat: (v) => (v === all ? XMAT : null) };
    }
    case "phase": {
      const bits = Array.from(instr.bits);
      if (bits.length === 0) return undefined;
      const t = bits[bits.length - 1];
      const group = bits.slice(0, -1);
      const all = (1 << group.length) - 1;
      const m = Float64Array.of(1, 0, 0, 0, 0, 0, instr.dr, instr.di);
      return { t, group, mat: (v) => (v === all ? m : null) };
    }
    case "diag":
    case "diagg": {
      const qs = Array.from(instr.qs);
      if (qs.length === 0 || qs.length > MAX_DIAG_QUBITS) return undefined;
      const t = Math.max(...qs);
      const group = qs.filter((q) => q !== t).sort((a, b) => a - b);
      const d = instr.d;
      return { t, group, mat: (v) => diagMat(qs, d, t, group, v) };
    }
    default:
      return undefined;
  }
}

const fits: Record<Body, (m: Float64Array) => boolean> = {
  [Body.Swap]: (m) => m.every((x, i) => x === XMAT[i]),
  [Body.DiagY]: (m) =>
    m[0] === 1 &&
    m[1] === 0 &&
    m[2] === 0 &&
    m[3] === 0 &&
    m[4] === 0 &&
    m[5] === 0,
  [Body.Diag]: (m) => m[2] === 0 && m[3] === 0 && m[4] === 0 && m[5] === 0,
  [Body.Real]: (m) => m[1] === 0 && m[3] === 0 && m[5] === 0 && m[7] === 0,
  [Body.Rx]: (m) => m[1] === 0 && m[7] === 0 && m[2] === 0 && m[4] === 0,
  [Body.General]: () => true,
};

/** m * X (columns exchanged): applying it to (y, x) is applying m to (x, y). */
const swapCols = (m: Float64Array): Float64Array =>
  Float64Array.of(m[2], m[3], m[0], m[1], m[6], m[7], m[4], m[5]);

/** Plans an instruction on a chunk of `local` qubits; undefined when it is not a pair op that fits. */
export function planInstr(
  instr: KernelInstr,
  single: boolean,
  local: number,
): Plan | undefined {
  const pop = pairOpOf(instr);
  return pop ? planPair(pop, single, local) : undefined;
}

/** Plans a pair op on a chunk of `local` qubits; undefined when it is too wide. */
export function planPair(
  pop: PairOp,
  single: boolean,
  local: number,
): Plan | undefined {
  const amp = single ? 8 : 16;
  const inVector = single && pop.t === 0;
  const laneBit = single && !inVector && pop.group.includes(0);
  const group = pop.group.filter((q) => !(laneBit && q === 0));
  const ins = (inVector ? group : [...group, pop.t]).sort((a, b) => a - b);
  if (ins.length > WIDE_INS || local < 2 || ins.some((q) => q >= local))
    return undefined;
  // Group value v of pop.group from (pattern of `group`, lane value).
  const valueOf = (pat: number, lane: number): number => {
    let v = 0;
    pop.group.forEach((q, b) => {
      const bit = laneBit && q === 0 ? lane : (pat >> group.indexOf(q)) & 1;
      v |= bit << b;
    });
    return v;
  };
  const entries: { off: number; lanes: Float64Array[] }[] = [];
  for (let pat = 0; pat < 1 << group.length; pat++) {
    const lanes = (laneBit ? [0, 1] : [0]).map((l) => pop.mat(valueOf(pat, l)));
    if (lanes.every((m) => m === null)) continue;
    let off = 0;
    group.forEach((q, b) => {
      if ((pat >> b) & 1) off += amp << q;
    });
    entries.push({ off, lanes: lanes.map((m) => m ?? IDENT) });
  }
  if (entries.length > MAX_ENTRIES) return undefined;
  // The cheapest body every entry fits, each as given or with x and y exchanged (not for bodies
  // that leave a row unwritten).
  let body: Body = Body.General;
  let orient = entries.map(() => false);
  if (!inVector)
    for (const b of BODIES) {
      const swappable = b !== Body.Swap && b !== Body.DiagY;
      const o = entries.map((e) =>
        e.lanes.every(fits[b])
          ? false
          : swappable && e.lanes.every((m) => fits[b](swapCols(m)))
            ? true
            : undefined,
      );
      if (o.every((x) => x !== undefined)) {
        body = b;
        orient = o as boolean[];
        break;
      }
    }
  const half = amp << pop.t;
  const table = new Uint8Array(ENTRY * Math.max(1, entries.length));
  const view = new DataView(table.buffer);
  entries.forEach((e, k) => {
    const at = k * ENTRY;
    view.setInt32(at, e.off, true);
    view.setInt32(at + 4, orient[k] ? half : 0, true);
    view.setInt32(at + 8, orient[k] ? 0 : half, true);
    const lanes = orient[k] ? e.lanes.map(swapCols) : e.lanes;
    const l0 = lanes[0],
      l1 = lanes[lanes.length - 1];
    for (let c = 0; c < 8; c++) {
      // In a vector, lanes of the first complex use a, of the second b (both re/im pairs).
      let a: Float64Array, b: Float64Array, ia: number, ib: number;
      if (inVector) {
        // Coefficient c: 0/1 = column 0 (re/im), 2/3 = column 1; rows by vector half.
        const col = c >> 1;
        if (c >= 4) {
          a = b = IDENT;
          ia = ib = -1;
        } else {
          a = b = l0;
          ia = 2 * col;
          ib = 4 + 2 * col;
        }
      } else {
        a = l0;
        b = l1;
        ia = ib = 2 * (c >> 1);
      }
      const im = (c & 1) === 1;
      const val = (m: Float64Array, i: number, sign: number): number =>
        i < 0 ? 0 : im ? sign * m[i + 1] : m[i];
      const vals = single
        ? [val(a, ia, -1), val(a, ia, 1), val(b, ib, -1), val(b, ib, 1)]
        : [val(a, ia, -1), val(a, ia, 1)];
      const o = at + 16 + 16 * c;
      vals.forEach((x, j) => {
        if (single) view.setFloat32(o + 4 * j, x, true);
        else view.setFloat64(o + 8 * j, x, true);
      });
    }
  });
  const masks = new Int32Array(WIDE_INS).fill(-1);
  ins.forEach((q, k) => (masks[k] = (amp << q) - 1));
  const low = ins.length > 0 ? ins[0] : local;
  const fn = inVector ? BODIES.length * 2 : (single ? BODIES.length : 0) + body;
  return {
    local,
    fn: ins.length > FAST_INS ? fn + FUNCS_PER_WIDTH : fn,
    nRuns: 2 ** (local - ins.length - low),
    runBytes: amp << low,
    half,
    masks,
    table,
    nEntries: entries.length,
  };
}

const NO_PLAN: Plan = {
  local: -1,
  fn: -1,
  nRuns: 0,
  runBytes: 0,
  half: 0,
  masks: new Int32Array(0),
  table: new Uint8Array(0),
  nEntries: 0,
};

/** SIMD kernels over a chunk buffer that lives in WebAssembly memory (one instance per thread). */
export class SimdKernels {
  private f64 = new Float64Array(0);
  private f32 = new Float32Array(0);
  private bytes: Uint8Array;
  private masks: Int32Array;
  /** The fused gradient kernels compiled so far, by whether they store phi and their nonZeroBits. */
  private readonly grads = new Map<string, GradKernel>();
  private readonly plans = [
    new WeakMap<KernelInstr, Plan>(),
    new WeakMap<KernelInstr, Plan>(),
  ];

  constructor(
    private readonly memory: WasmMemory,
    private readonly kernels: readonly Kernel[],
    /** Relaxed (fused multiply-add) or plain SIMD. */
    readonly variant: SimdVariant,
  ) {
    this.bytes = new Uint8Array(memory.buffer);
    this.masks = new Int32Array(memory.buffer, INS, WIDE_INS);
  }

  /** Bytes of the module's memory (it only grows). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /**
   * `count` chunk buffers of `len` numbers each, one after the other in the module's memory
   * (valid until the next call of `buffer` or `buffers`); run a plan on buffer k with its
   * byteOffset as the base.
   */
  buffers(
    single: boolean,
    len: number,
    count: number,
  ): (Float64Array | Float32Array)[] {
    this.buffer(single, len * count);
    const size = single ? 4 : 8;
    return Array.from({ length: count }, (_, k) =>
      single
        ? new Float32Array(this.memory.buffer, DATA + k * len * size, len)
        : new Float64Array(this.memory.buffer, DATA + k * len * size, len),
    );
  }

  /** A chunk buffer of `len` numbers in the module's memory (grows it when needed). */
  buffer(single: boolean, len: number): Float64Array | Float32Array {
    const bytes = DATA + len * (single ? 4 : 8);
    if (bytes > this.memory.buffer.byteLength) {
      this.memory.grow(
        Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE),
      );
      this.bytes = new Uint8Array(this.memory.buffer);
      this.masks = new Int32Array(this.memory.buffer, INS, WIDE_INS);
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

  /**
   * Applies instr to the whole chunk buffer (2^local amplitudes, from `buffer`) when it has a
   * SIMD kernel; false when the caller must run the TypeScript kernel instead.
   */
  apply(single: boolean, instr: KernelInstr, local: number): boolean {
    const cache = this.plans[single ? 1 : 0];
    let plan = cache.get(instr);
    if (plan === undefined || plan.local !== local) {
      plan = planInstr(instr, single, local) ?? { ...NO_PLAN, local };
      cache.set(instr, plan);
    }
    if (plan.fn < 0) return false;
    this.run(plan);
    return true;
  }

  /**
   * The adjoint gradient's fused steps on one target t, on double-precision buffers from `buffers`
   * (2^local amplitudes each): for the pairs of t, per step s (us[s] = U^dagger of its gate,
   * es[s] = dU/dtheta U^dagger: interleaved 2x2s; at most MAX_GRAD_STEPS) sums[s] =
   * Re <lam| es[s] |phi>, then phi <- us[s] phi, lam <- us[s] lam; phi is written back only when
   * `storePhi` (so every lam but the last reads the same phi). With `control` (a local qubit), a
   * cx(control, t) comes before the steps (phi and lam exchanged on t where control is 1). Kernels
   * are compiled per pattern of zero coefficients on first use. Returns the pass, to run on any
   * chunk (its sums are valid until the next run).
   */
  fusedGradSteps(
    us: readonly Float64Array[],
    es: readonly Float64Array[],
    storePhi: boolean,
    control?: number,
  ): GradPass {
    const S = us.length;
    if (S < 1 || S > MAX_GRAD_STEPS || es.length !== S)
      throw new Error(`invariant: ${S} fused gradient steps`);
    const coef = new Float64Array(32 * S);
    const bits: number[] = [];
    for (let s = 0; s < S; s++) {
      [us[s], es[s]].forEach((m, j) => {
        for (let e = 0; e < 4; e++) {
          const re = m[2 * e],
            im = m[2 * e + 1];
          const at = 32 * s + 16 * j + 4 * e;
          coef[at] = coef[at + 1] = re;
          coef[at + 2] = -im;
          coef[at + 3] = im;
        }
      });
      bits.push(nonZeroBits(us[s], es[s]));
    }
    const exchange = control !== undefined;
    const key = `${storePhi ? 1 : 0}${exchange ? "x" : ""}_${bits.join("_")}`;
    let kernel = this.grads.get(key);
    if (kernel === undefined) {
      const wasm = wasmApi()!;
      const f = gradFunc(
        `g${key}`,
        storePhi,
        bits,
        this.variant === "relaxed",
        exchange,
      );
      const inst = new wasm.Instance(
        new wasm.Module(moduleBytes(1, [f], true)),
        { e: { m: this.memory } },
      );
      kernel = inst.exports[f.name] as GradKernel;
      this.grads.set(key, kernel);
    }
    const k = kernel;
    const out = new Float64Array(S);
    return (phi, lam, local, t) => {
      new Float64Array(this.memory.buffer, GRAD, 32 * S).set(coef);
      k(
        phi.byteOffset,
        lam.byteOffset,
        2 ** (local - 1 - t),
        16 << t,
        (control ?? 0) + 4,
        // pairs in a row with the same control bit: 2^control, or the whole run
        control !== undefined && control < t ? 16 << control : 16 << t,
      );
      // Per step: each slot's lane sums times its coefficient vector (gradFunc's accumulate).
      const sums = new Float64Array(this.memory.buffer, GRAD_SUMS, 16 * S);
      out.fill(0);
      for (let s = 0; s < S; s++)
        for (let m = 0; m < 16; m++)
          out[s] += coef[32 * s + 16 + m] * sums[16 * s + m];
      return out;
    };
  }

  /**
   * Compiles functions taking the chunk's byte address (register windows, window.ts) into a
   * module sharing this memory; undefined when that fails.
   */
  compileWindows(funcs: readonly FuncDef[]): (() => void)[] | undefined {
    try {
      const wasm = wasmApi()!;
      const inst = new wasm.Instance(
        new wasm.Module(moduleBytes(1, funcs, true)),
        { e: { m: this.memory } },
      );
      return funcs.map((f) => {
        const fn = inst.exports[f.name] as (base: number) => void;
        return () => fn(DATA);
      });
    } catch {
      return undefined;
    }
  }

  /** Runs a plan on the chunk buffer (2^plan.local amplitudes, from `buffer`, or at byte `base`). */
  run(plan: Plan, base = DATA): void {
    this.masks.set(plan.masks);
    this.bytes.set(plan.table, TABLE);
    this.kernels[plan.fn](
      base,
      plan.nRuns,
      plan.runBytes,
      plan.half,
      TABLE,
      plan.nEntries,
    );
  }
}

/** Which kernels: with relaxed SIMD's fused multiply-add, or plain SIMD multiplies and adds. */
export type SimdVariant = "relaxed" | "plain";

const instances = new Map<SimdVariant, SimdKernels | null>();
let preferred: SimdVariant | undefined;

/**
 * Drops this thread's SIMD kernels whose memory (chunk buffers) has grown to at least `minBytes`,
 * as `releaseExpvalKernels` does; true when one was dropped.
 */
export function releaseSimdKernels(minBytes: number): boolean {
  return dropGrown(instances, minBytes);
}

/** f64x2.relaxed_madd in a one-function module: compiles only where relaxed SIMD is on. */
const RELAXED_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x01, 0x60, 0x03,
  0x7b, 0x7b, 0x7b, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00, 0x0a, 0x0d, 0x01, 0x0b,
  0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x87, 0x02, 0x0b,
]);

interface NodeProcess {
  readonly env?: Record<string, string | undefined>;
  readonly getBuiltinModule?: (
    id: string,
  ) => { setFlagsFromString?: (flags: string) => void } | undefined;
}

let relaxed: boolean | undefined;

/**
 * True when this runtime compiles relaxed SIMD. On by default from Node 22 and in current
 * browsers; Node 20's V8 has it behind --experimental-wasm-relaxed-simd, which is switched on here
 * (V8 flags are per process, so worker threads see it too).
 */
export function relaxedSimdAvailable(): boolean {
  if (relaxed !== undefined) return relaxed;
  const wasm = wasmApi();
  const compiles = (): boolean => {
    try {
      new wasm!.Module(RELAXED_PROBE);
      return true;
    } catch {
      return false;
    }
  };
  relaxed = false;
  if (!wasm) return relaxed;
  relaxed = compiles();
  if (!relaxed) {
    const proc = (globalThis as { process?: NodeProcess }).process;
    try {
      proc
        ?.getBuiltinModule?.("node:v8")
        ?.setFlagsFromString?.("--experimental-wasm-relaxed-simd");
    } catch {
      // not Node, or flags are locked: plain SIMD
    }
    relaxed = compiles();
  }
  return relaxed;
}

/**
 * The variant `simdKernels()` uses: STEPFAULT_SIMD=plain|relaxed when set (workers inherit it),
 * else relaxed where the runtime has it.
 */
export function defaultSimdVariant(): SimdVariant {
  if (preferred) return preferred;
  const env = (globalThis as { process?: NodeProcess }).process?.env
    ?.STEPFAULT_SIMD;
  preferred =
    env === "plain" || (env !== "relaxed" && !relaxedSimdAvailable())
      ? "plain"
      : "relaxed";
  return preferred;
}

/** Makes this thread's simulator use the given variant (tests and benchmarks compare both). */
export function useSimdVariant(variant: SimdVariant | undefined): void {
  preferred = variant;
}

/** This thread's SIMD kernels of the default variant, or undefined when WebAssembly SIMD is not available. */
export function simdKernels(
  variant: SimdVariant = defaultSimdVariant(),
): SimdKernels | undefined {
  const known = instances.get(variant);
  if (known !== undefined) return known ?? undefined;
  let made: SimdKernels | null = null;
  try {
    const wasm = wasmApi();
    const fma = variant === "relaxed";
    if (wasm && (!fma || relaxedSimdAvailable())) {
      const funcs = [FAST_INS, WIDE_INS].flatMap((w) => [
        ...BODIES.map((b) => pairFunc(`d${b}w${w}`, false, b, w, fma)),
        ...BODIES.map((b) => pairFunc(`f${b}w${w}`, true, b, w, fma)),
        inVectorFunc(`f0vw${w}`, w, fma),
      ]);
      const inst = new wasm.Instance(new wasm.Module(moduleBytes(2, funcs)));
      const ex = inst.exports;
      made = new SimdKernels(
        ex.m as WasmMemory,
        funcs.map((f) => ex[f.name] as Kernel),
        variant,
      );
    }
  } catch {
    made = null;
  }
  instances.set(variant, made);
  return made ?? undefined;
}
