/** Short angle labels for the drawing (the text uses the exporter's exact form). */

/** Formats an angle for display: small multiples of π as `π/2`, `3π/4`, otherwise 3 significant digits. */
export function formatAngleLabel(value: number): string {
  if (value === 0) return "0";
  const ratio = value / Math.PI;
  for (const den of [1, 2, 3, 4, 6, 8, 16]) {
    const num = Math.round(ratio * den);
    if (num !== 0 && Math.abs(ratio * den - num) < 1e-9) {
      const sign = num < 0 ? "-" : "";
      const n = Math.abs(num);
      return sign + (n === 1 ? "π" : `${n}π`) + (den === 1 ? "" : `/${den}`);
    }
  }
  return String(Number(value.toPrecision(3)));
}
