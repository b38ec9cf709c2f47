/**
 * A tiny WebAssembly binary writer (just what the SIMD kernels in simd.ts need), so the module is
 * built from our own TypeScript source at run time with no build step or toolchain.
 */

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
  readonly body: readonly number[];
}

/** A module with one exported memory ("m", `pages` initial pages) and the given exported functions (no results). */
export function moduleBytes(
  pages: number,
  funcs: readonly FuncDef[],
): Uint8Array {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((p) => [p])), 0]);
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
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(5, vec([[0x00, ...uleb(pages)]])),
    ...section(
      7,
      vec([
        [...str("m"), 0x02, 0],
        ...funcs.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]),
      ]),
    ),
    ...section(
      10,
      vec(
        funcs.map((f) => {
          const body = [
            ...vec(f.locals.map(([count, type]) => [...uleb(count), type])),
            ...f.body,
            0x0b,
          ];
          return [...uleb(body.length), ...body];
        }),
      ),
    ),
  ];
  return Uint8Array.from(bytes);
}

/** Instruction helpers. */
export const op = {
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
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  /** Relaxed SIMD fused multiply-add: a * b + c (stack: a, b, c); one rounding where the CPU has FMA. */
  f32x4Madd: [0xfd, ...uleb(0x105)],
  f64x2Madd: [0xfd, ...uleb(0x107)],
};
