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
