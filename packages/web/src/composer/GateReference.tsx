/**
 * The gate reference shown in the inspector for a selected gate: what it is, its parameters with
 * π (θ = π/2), its matrix and its definition. Everything comes from the library's gate table
 * (@stepfault/quantum: lowering, base-gate matrices, exporter definitions) and the palette's titles.
 */
import {
  GATE_DEFINITIONS,
  gateLowering,
  opsMatrix,
  OPS_MATRIX_MAX_QUBITS,
  type GateOp,
} from "@stepfault/quantum";
import { describe } from "./actions.ts";
import { formatAngleLabel } from "./format.ts";
import { PALETTE } from "./palette-items.ts";

/** Parameter names of a base gate, as in Qiskit and the OpenQASM standard library. */
function paramNames(base: string, count: number): string[] {
  if (base === "u3") return ["θ", "φ", "λ"];
  if (base === "u2") return ["φ", "λ"];
  if (base === "r") return ["θ", "φ"];
  return Array.from({ length: count }, (_, i) => (i === 0 ? "θ" : `θ${i}`));
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;

/** A matrix entry written the way a textbook does: 0, 1, −i, 1/√2, e^(iπ/4), or decimals. */
export function entryText(re: number, im: number): string {
  const mag = Math.hypot(re, im);
  if (mag < 1e-10) return "0";
  const phase = Math.atan2(im, re);
  const unit = (p: number): string | null => {
    if (near(p, 0)) return "";
    if (near(Math.abs(p), Math.PI)) return "−";
    if (near(p, Math.PI / 2)) return "i";
    if (near(p, -Math.PI / 2)) return "−i";
    const label = formatAngleLabel(p);
    return /π/.test(label) ? `e^(i${label})` : null;
  };
  const u = unit(phase);
  if (u !== null && near(mag, 1)) return u === "" ? "1" : u === "−" ? "−1" : u;
  if (u !== null && near(mag, Math.SQRT1_2))
    return u === "" || u === "−" ? `${u}1/√2` : `${u}/√2`;
  const f = (x: number) => String(Number(x.toFixed(3))).replace("-", "−");
  if (Math.abs(im) < 1e-10) return f(re);
  if (Math.abs(re) < 1e-10) return `${f(im)}i`;
  return `${f(re)}${im < 0 ? "−" : "+"}${f(Math.abs(im))}i`;
}

/** The reference of a selected gate op. */
export function GateReference({ op }: { op: GateOp }) {
  const written = describe(op);
  const lowering = gateLowering(written) ?? gateLowering(op.name);
  const title = PALETTE.find((p) => p.id === written)?.title;
  const names = paramNames(op.name, op.params.length);
  const wires = [...op.qubits, ...op.controls];
  const matrix =
    op.name !== "gphase" && wires.length <= Math.min(OPS_MATRIX_MAX_QUBITS, 3)
      ? opsMatrix([op], wires)
      : null;
  const dim = 1 << wires.length;
  const sig = lowering?.signature;
  const where = sig
    ? sig.builtin
      ? "built into OpenQASM"
      : [
          sig.stdgates ? "stdgates.inc (OpenQASM 3)" : "",
          sig.qelib1 ? "qelib1.inc (OpenQASM 2)" : "",
        ]
          .filter(Boolean)
          .join(" and ") ||
        "Qiskit's gate set (the exporter writes its definition)"
    : "";
  const definition = GATE_DEFINITIONS[op.name]?.text;
  return (
    <details className="gate-reference">
      <summary>
        Reference: {written}
        {title ? ` (${title})` : ""}
      </summary>
      {op.params.length > 0 && (
        <p className="params" aria-label="Parameters">
          {op.params.map((p, i) => (
            <span key={i}>
              {names[i]} = {formatAngleLabel(p)}
              {i < op.params.length - 1 ? ", " : ""}
            </span>
          ))}
        </p>
      )}
      {op.controls.length > 0 && (
        <p>
          Definition:{" "}
          <code>
            ctrl({op.controls.length}) @ {op.name}
          </code>{" "}
          ({op.name} on the target when every control is 1)
        </p>
      )}
      {definition && (
        <p>
          Definition: <code>{definition}</code>
        </p>
      )}
      {where && <p className="muted small">Defined in {where}.</p>}
      {matrix && (
        <table className="matrix" aria-label={`Matrix of ${written}`}>
          <caption className="muted small">
            Basis |{wires.map((_, i) => `q${wires.length - 1 - i}`).join("")}⟩
            with q0 = {op.controls.length ? "first target" : "first qubit"},
            least significant
          </caption>
          <tbody>
            {Array.from({ length: dim }, (_, r) => (
              <tr key={r}>
                {Array.from({ length: dim }, (_, c) => (
                  <td key={c}>
                    {entryText(
                      matrix[2 * (r * dim + c)],
                      matrix[2 * (r * dim + c) + 1],
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
