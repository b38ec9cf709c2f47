/**
 * Complex scalars as plain `{ re, im }` values, for code that handles a few numbers at a time
 * (gate tables, matrix helpers). Bulk data (states, matrices) is interleaved Float64Array.
 */

/** A complex number. */
export interface Complex {
  readonly re: number;
  readonly im: number;
}

/** Builds a complex number. */
export function complex(re: number, im = 0): Complex {
  return { re, im };
}

/** e^{i theta}. */
export function expi(theta: number): Complex {
  return { re: Math.cos(theta), im: Math.sin(theta) };
}

/** a + b. */
export function cadd(a: Complex, b: Complex): Complex {
  return { re: a.re + b.re, im: a.im + b.im };
}

/** a - b. */
export function csub(a: Complex, b: Complex): Complex {
  return { re: a.re - b.re, im: a.im - b.im };
}

/** a * b. */
export function cmul(a: Complex, b: Complex): Complex {
  return { re: a.re * b.re - a.im * b.im, im: a.re * b.im + a.im * b.re };
}

/** a / b. */
export function cdiv(a: Complex, b: Complex): Complex {
  const d = b.re * b.re + b.im * b.im;
  return {
    re: (a.re * b.re + a.im * b.im) / d,
    im: (a.im * b.re - a.re * b.im) / d,
  };
}

/** The complex conjugate of a. */
export function cconj(a: Complex): Complex {
  return { re: a.re, im: -a.im };
}

/** |a|. */
export function cabs(a: Complex): number {
  return Math.hypot(a.re, a.im);
}

/** The argument of a in (-pi, pi]. */
export function carg(a: Complex): number {
  return Math.atan2(a.im, a.re);
}

/** The principal square root of a. */
export function csqrt(a: Complex): Complex {
  const r = cabs(a);
  const re = Math.sqrt((r + a.re) / 2);
  const im = Math.sqrt(Math.max(0, (r - a.re) / 2));
  return { re, im: a.im < 0 ? -im : im };
}

/**
 * The principal power a^k for real k: |a|^k e^{i k arg(a)}, arg in (-pi, pi]. Arguments within
 * 1e-12 of -pi are taken as +pi so that -1 (up to rounding) has a single, stable branch.
 */
export function cpow(a: Complex, k: number): Complex {
  const r = cabs(a);
  if (r === 0) return k === 0 ? { re: 1, im: 0 } : { re: 0, im: 0 };
  let t = carg(a);
  if (t < -Math.PI + 1e-12) t = Math.PI;
  const m = Math.pow(r, k);
  return { re: m * Math.cos(k * t), im: m * Math.sin(k * t) };
}
