/** Parses an angle typed by a person ("pi/2", "0.3", "-3*pi/4") with the same compiler as the text. */
import { compileSource } from "../qasm/quantum-api.ts";

/** The angle's value in radians, or null when the text is not a valid expression. */
export function parseAngle(text: string): number | null {
  if (!text.trim() || /[;{}]/.test(text)) return null;
  const result = compileSource(
    `OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[1] q;\nrz(${text}) q[0];\n`,
  );
  if (!result.ok) return null;
  const op = result.circuit.ops.find((o) => o.kind === "gate");
  const value = op && op.kind === "gate" ? op.params[0] : undefined;
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/**
 * An angle as a person would type it: small multiples of π as `pi/2`, `-3*pi/4`, `2*pi`;
 * anything else as its decimal value (10 significant digits). `parseAngle` reads it back.
 */
export function angleExpression(value: number): string {
  if (value === 0) return "0";
  const ratio = value / Math.PI;
  for (const den of [1, 2, 3, 4, 6, 8, 12, 16]) {
    const num = Math.round(ratio * den);
    if (num !== 0 && Math.abs(ratio * den - num) < 1e-9) {
      const sign = num < 0 ? "-" : "";
      const n = Math.abs(num);
      return `${sign}${n === 1 ? "" : `${n}*`}pi${den === 1 ? "" : `/${den}`}`;
    }
  }
  return String(Number(value.toPrecision(10)));
}
