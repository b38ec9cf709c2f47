/**
 * A tiny WebAssembly binary writer (just what the SIMD kernels in simd.ts and expval.ts need), so
 * the modules are built from our own TypeScript source at run time with no build step or
 * toolchain; with the instruction helpers, shuffle lane tables and the typing of the WebAssembly
 * API that those kernels share.
 */

/** Bytes per WebAssembly memory page. */
export const PAGE = 65536;

/** A module's memory (the package is built without DOM or Node types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The parts of the WebAssembly API the kernels use. */
export interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (
    module: object,
    imports?: Record<string, Record<string, unknown>>,
  ) => {
    readonly exports: Record<string, unknown>;
  };
}

/**
 * Drops from a thread's map of kernel instances those whose memory has grown to at least
 * `minBytes` (a WebAssembly memory never shrinks); true when one was dropped.
 */
export function dropGrown<K>(
  instances: Map<K, { readonly memoryBytes: number } | null>,
  minBytes: number,
): boolean {
  let dropped = false;
  for (const [key, k] of instances)
    if (k && k.memoryBytes >= minBytes) {
      instances.delete(key);
      dropped = true;
    }
  return dropped;
}

/** This runtime's WebAssembly API, or undefined. */
export function wasmApi(): WasmApi | undefined {
  return (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
}

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const str = (s: string): number[] => [
  ...uleb(s.length),
  ...Array.from(s, (c) => c.charCodeAt(0)),
];
const vec = (items: number[][]): number[] => [
  ...uleb(items.length),
  ...items.flat(),
];
const section = (id: number, body: number[]): number[] => [
  id,
  ...uleb(body.length),
  ...body,
];

/** Value type i32. */
export const I32 = 0x7f;
/** Value type v128 (SIMD). */
export const V128 = 0x7b;

/** One function: parameter types, local groups [count, type], body bytes (without the final end). */
export interface FuncDef {
  readonly name: string;
  readonly params: readonly number[];
  readonly locals: readonly (readonly [number, number])[];
  readonly body: readonly number[] | Uint8Array;
}

/**
 * A module with one exported memory ("m", `pages` initial pages), or with `imported` one imported
 * as "e"."m" (at least `pages` pages), and the given exported functions (no results).
 */
export function moduleBytes(
  pages: number,
  funcs: readonly FuncDef[],
  imported = false,
): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
  const memoryType = [0x00, ...uleb(pages)];
  const bytes = [
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vec(types)),
    ...(imported
      ? section(2, vec([[...str("e"), ...str("m"), 0x02, ...memoryType]]))
      : []),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...(imported ? [] : section(5, vec([memoryType]))),
    ...section(
      7,
      vec([
        ...(imported ? [] : [[...str("m"), 0x02, 0]]),
        ...funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]),
      ]),
    ),
  ];
  // The code section is assembled from typed arrays: bodies run to hundreds of KiB (window.ts),
  // too long to spread through arrays of numbers.
  const bodies = funcs.map((f) => {
    const head = vec(f.locals.map(([count, type]) => [...uleb(count), type]));
    const size = head.length + f.body.length + 1;
    const out = new Uint8Array(uleb(size).length + size);
    const sizeBytes = uleb(size);
    out.set(sizeBytes);
    out.set(head, sizeBytes.length);
    out.set(f.body, sizeBytes.length + head.length);
    out[out.length - 1] = 0x0b;
    return out;
  });
  const count = uleb(funcs.length);
  const codeSize = bodies.reduce((acc, b) => acc + b.length, count.length);
  const codeHead = [10, ...uleb(codeSize), ...count];
  const out = new Uint8Array(
    bytes.length + codeHead.length + codeSize - count.length,
  );
  out.set(bytes);
  out.set(codeHead, bytes.length);
  let at = bytes.length + codeHead.length;
  for (const b of bodies) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

/** Instruction helpers. */
export const op = {
  i32Xor: [0x73],
  i32Eq: [0x46],
  i32Popcnt: [0x69],
  select: [0x1b],
  /** if (no result) / else. */
  if: [0x04, 0x40],
  else: [0x05],
  get: (i: number): number[] => [0x20, ...uleb(i)],
  set: (i: number): number[] => [0x21, ...uleb(i)],
  i32: (n: number): number[] => [0x41, ...sleb(n)],
  add: [0x6a],
  sub: [0x6b],
  mul: [0x6c],
  ltU: [0x49],
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  /** i32.load (4-byte aligned) with a byte offset. */
  i32Load: (offset = 0): number[] => [0x28, 2, ...uleb(offset)],
  shl: [0x74],
  shrU: [0x76],
  and: [0x71],
  or: [0x72],
  geU: [0x4f],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (d: number): number[] => [0x0d, ...uleb(d)],
  br: (d: number): number[] => [0x0c, ...uleb(d)],
  /** v128.load / v128.store with a byte offset (alignment hint 16 bytes for f64, 8 for f32). */
  load: (offset = 0, align = 3): number[] => [
    0xfd,
    0x00,
    align,
    ...uleb(offset),
  ],
  store: (offset = 0, align = 3): number[] => [
    0xfd,
    0x0b,
    align,
    ...uleb(offset),
  ],
  shuffle: (lanes: readonly number[]): number[] => [0xfd, 0x0d, ...lanes],
  /** v128.const 0. */
  v128Zero: [0xfd, 0x0c, ...new Array<number>(16).fill(0)],
  v128Xor: [0xfd, 0x51],
  f64x2PromoteLowF32x4: [0xfd, 0x5f],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Sub: [0xfd, ...uleb(0xf1)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  /** Relaxed SIMD fused multiply-add: a * b + c (stack: a, b, c); one rounding where the CPU has FMA. */
  f32x4Madd: [0xfd, ...uleb(0x105)],
  f64x2Madd: [0xfd, ...uleb(0x107)],
};

/** local = the i32 at byte `offset` from the address in local `base`. */
export function loadField(
  base: number,
  offset: number,
  local: number,
): number[] {
  return [...op.get(base), ...op.i32Load(offset), ...op.set(local)];
}

/** 1 when popcount(a & b) is odd, else 0 (a and b: code that leaves one i32 each). */
export function parityOfAnd(
  a: readonly number[],
  b: readonly number[],
): number[] {
  return [...a, ...b, ...op.and, ...op.i32Popcnt, ...op.i32(1), ...op.and];
}

/**
 * One of 2^bits code variants by the bits of the i32 in local `variant`: a tree of ifs on each
 * bit from the highest, `leaf(v)` at the bottom.
 */
export function chooseByBits(
  variant: number,
  bits: number,
  leaf: (v: number) => number[],
  v = 0,
): number[] {
  if (bits === 0) return leaf(v);
  const bit = 1 << (bits - 1);
  return [
    ...op.get(variant),
    ...op.i32(bit),
    ...op.and,
    ...op.if,
    ...chooseByBits(variant, bits - 1, leaf, v | bit),
    ...op.else,
    ...chooseByBits(variant, bits - 1, leaf, v),
    ...op.end,
  ];
}

/**
 * `for (; counter < limit; counter++) body` as a block and a loop (the caller sets counter
 * first); inside body, `br 0` would restart the loop without the increment: wrap a `continue` in
 * a block of its own.
 */
export function countedLoop(
  counter: number,
  limit: number,
  body: readonly number[],
): number[] {
  return [
    ...op.block,
    ...op.loop,
    ...op.get(counter),
    ...op.get(limit),
    ...op.geU,
    ...op.brIf(1),
    ...body,
    ...op.get(counter),
    ...op.i32(1),
    ...op.add,
    ...op.set(counter),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** Shuffle lane tables (byte indices) for complexes in f64x2 (one) and f32x4 (two) vectors. */
export const LANES = {
  /** f64x2: re and im exchanged. */
  swap64: [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
  /** f32x4: re and im of each complex exchanged. */
  swapRI32: [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11],
  /** f32x4: the two complexes exchanged. */
  swapC32: [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7],
  /** f32x4: the other complex, re and im exchanged. */
  swapCRI32: [12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3],
  /** f32x4: the first complex twice. */
  lo32: [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7],
  /** f32x4: the second complex twice (as f64x2: the high lane twice). */
  hi32: [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15],
  /** f32x4: the first complex twice, re and im exchanged. */
  slo32: [4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3],
  /** f32x4: the second complex twice, re and im exchanged. */
  shi32: [12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11],
};

/**
 * A growable byte buffer for generated function bodies (window.ts emits hundreds of KiB per
 * circuit, too much to build from small arrays).
 */
export class CodeWriter {
  private buf = new Uint8Array(4096);
  /** Bytes written. */
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(2 * this.buf.length, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): this {
    this.room(1);
    this.buf[this.length++] = b;
    return this;
  }

  bytes(bs: ArrayLike<number>): this {
    this.room(bs.length);
    this.buf.set(bs, this.length);
    this.length += bs.length;
    return this;
  }

  uleb(n: number): this {
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n !== 0) b |= 0x80;
      this.byte(b);
    } while (n !== 0);
    return this;
  }

  get(i: number): this {
    return this.byte(0x20).uleb(i);
  }

  set(i: number): this {
    return this.byte(0x21).uleb(i);
  }

  /** i32.const. */
  i32(n: number): this {
    return this.byte(0x41).bytes(sleb(n));
  }

  /** v128.load / v128.store at the address on the stack plus `offset` (16-byte aligned). */
  load(offset: number): this {
    return this.byte(0xfd).byte(0x00).byte(4).uleb(offset);
  }

  store(offset: number): this {
    return this.byte(0xfd).byte(0x0b).byte(4).uleb(offset);
  }

  /** i8x16.shuffle of the two vectors on the stack. */
  shuffle(lanes: readonly number[]): this {
    return this.byte(0xfd).byte(0x0d).bytes(lanes);
  }

  /** The bytes written so far (a copy). */
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
