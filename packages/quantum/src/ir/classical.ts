/**
 * Evaluation of run-time classical code (ClassicalExpr, ClassicalOp) on one shot's classical bits.
 * Shared by every simulator that runs dynamic circuits.
 */
import type { ClassicalExpr } from "./types.ts";

/** Most bits a run-time integer may have (values are exact doubles). */
export const MAX_CLASSICAL_WIDTH = 53;

/** The value of `e` on `bits` (one byte per classical bit, 0 or 1). Division by zero gives 0. */
export function evalClassical(e: ClassicalExpr, bits: Uint8Array): number {
  switch (e.kind) {
    case "const":
      return e.value;
    case "bits": {
      if (e.float) return readFloat(e.clbits, bits);
      let v = 0;
      const n = e.clbits.length;
      for (let i = n - 1; i >= 0; i--) v = v * 2 + bits[e.clbits[i]];
      if (e.signed && n > 0 && bits[e.clbits[n - 1]] === 1) v -= 2 ** n;
      return v;
    }
    case "unary": {
      const x = evalClassical(e.operand, bits);
      if (e.op === "-") return -x;
      if (e.op === "!") return x === 0 ? 1 : 0;
      return e.width !== undefined
        ? 2 ** e.width - 1 - wrap(x, e.width)
        : -x - 1;
    }
    case "binary":
      return binary(e, bits);
    case "call":
      return call(e, bits);
  }
}

function binary(
  e: Extract<ClassicalExpr, { kind: "binary" }>,
  bits: Uint8Array,
): number {
  const x = evalClassical(e.left, bits);
  if (e.op === "&&")
    return x !== 0 && evalClassical(e.right, bits) !== 0 ? 1 : 0;
  if (e.op === "||")
    return x !== 0 || evalClassical(e.right, bits) !== 0 ? 1 : 0;
  const y = evalClassical(e.right, bits);
  switch (e.op) {
    case "+":
      return x + y;
    case "-":
      return x - y;
    case "*":
      return x * y;
    case "/":
      if (y === 0) return 0;
      return e.intDiv ? Math.trunc(x / y) : x / y;
    case "%":
      return y === 0 ? 0 : x % y;
    case "**":
      return x ** y;
    case "&":
      return Number(BigInt(Math.trunc(x)) & BigInt(Math.trunc(y)));
    case "|":
      return Number(BigInt(Math.trunc(x)) | BigInt(Math.trunc(y)));
    case "^":
      return Number(BigInt(Math.trunc(x)) ^ BigInt(Math.trunc(y)));
    case "<<":
      return x * 2 ** y;
    case ">>":
      return Math.floor(x / 2 ** y);
    case "==":
      return x === y ? 1 : 0;
    case "!=":
      return x !== y ? 1 : 0;
    case "<":
      return x < y ? 1 : 0;
    case "<=":
      return x <= y ? 1 : 0;
    case ">":
      return x > y ? 1 : 0;
    case ">=":
      return x >= y ? 1 : 0;
  }
}

/** x modulo 2^width, in [0, 2^width). */
export function wrap(x: number, width: number): number {
  const m = 2 ** width;
  const r = Math.trunc(x) % m;
  return r < 0 ? r + m : r;
}

/** popcount of a non-negative integer. */
export function popcount(x: number): number {
  let n = 0;
  for (let v = Math.abs(Math.trunc(x)); v > 0; v = Math.floor(v / 2))
    n += v % 2;
  return n;
}

/** Rotates the low `width` bits of x left by k (negative k rotates right). */
export function rotate(x: number, k: number, width: number): number {
  if (width <= 0) return 0;
  const v = wrap(x, width);
  const s = ((Math.trunc(k) % width) + width) % width;
  const m = 2 ** width;
  return ((v * 2 ** s) % m) + Math.floor(v / 2 ** (width - s));
}

/** The math functions usable at run time. */
export const CLASSICAL_FUNCTIONS: Record<
  string,
  (a: number[], width: number) => number
> = {
  popcount: ([x]) => popcount(x),
  trunc: ([x]) => Math.trunc(x),
  rotl: ([x, k], w) => rotate(x, k, w),
  rotr: ([x, k], w) => rotate(x, -k, w),
  abs: ([x]) => Math.abs(x),
  floor: ([x]) => Math.floor(x),
  ceiling: ([x]) => Math.ceil(x),
  sqrt: ([x]) => Math.sqrt(x),
  sin: ([x]) => Math.sin(x),
  cos: ([x]) => Math.cos(x),
  tan: ([x]) => Math.tan(x),
  exp: ([x]) => Math.exp(x),
  log: ([x]) => Math.log(x),
  arcsin: ([x]) => Math.asin(x),
  arccos: ([x]) => Math.acos(x),
  arctan: ([x]) => Math.atan(x),
  mod: ([a, b]) => (b === 0 ? 0 : a - b * Math.floor(a / b)),
};

function call(
  e: Extract<ClassicalExpr, { kind: "call" }>,
  bits: Uint8Array,
): number {
  const f = CLASSICAL_FUNCTIONS[e.name];
  const args = e.args.map((a) => evalClassical(a, bits));
  return f ? f(args, e.width ?? MAX_CLASSICAL_WIDTH) : 0;
}

const FLOAT_BUFFER = new DataView(new ArrayBuffer(8));

/** The double whose IEEE-754 bits are `clbits` (clbits[0] least significant; 64 of them). */
function readFloat(clbits: readonly number[], bits: Uint8Array): number {
  for (let byte = 0; byte < 8; byte++) {
    let v = 0;
    for (let i = 7; i >= 0; i--) v = v * 2 + (bits[clbits[8 * byte + i]] ?? 0);
    FLOAT_BUFFER.setUint8(byte, v);
  }
  return FLOAT_BUFFER.getFloat64(0, true);
}

/** Stores a double's IEEE-754 bits in 64 `clbits`. */
function storeFloat(
  clbits: readonly number[],
  value: number,
  bits: Uint8Array,
): void {
  FLOAT_BUFFER.setFloat64(0, value, true);
  for (let byte = 0; byte < 8; byte++) {
    const v = FLOAT_BUFFER.getUint8(byte);
    for (let i = 0; i < 8 && 8 * byte + i < clbits.length; i++)
      bits[clbits[8 * byte + i]] = (v >> i) & 1;
  }
}

/** Runs a `classical` op (its condition already checked) on one shot's bits. */
export function execClassical(
  op: {
    readonly clbits: readonly number[];
    readonly value: ClassicalExpr;
    readonly float?: boolean;
  },
  bits: Uint8Array,
): void {
  const v = evalClassical(op.value, bits);
  if (op.float) storeFloat(op.clbits, v, bits);
  else storeBits(op.clbits, v, bits);
}

/** Stores `value` in `clbits` (two's complement modulo 2^clbits.length). */
export function storeBits(
  clbits: readonly number[],
  value: number,
  bits: Uint8Array,
): void {
  const n = clbits.length;
  let v = n >= MAX_CLASSICAL_WIDTH ? Math.trunc(value) : wrap(value, n);
  if (v < 0) v += 2 ** MAX_CLASSICAL_WIDTH;
  for (let i = 0; i < n; i++) {
    bits[clbits[i]] = v % 2;
    v = Math.floor(v / 2);
  }
}

/** The binary operators a `classical` op may use (`ClassicalBinaryOp` in `types.ts`). */
export const CLASSICAL_BINARY_OPS: ReadonlySet<string> = new Set<string>([
  "+",
  "-",
  "*",
  "/",
  "%",
  "**",
  "&",
  "|",
  "^",
  "<<",
  ">>",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "&&",
  "||",
]);
