import { expect } from "vitest";
import type { Circuit, Operation } from "../../src/ir/types.ts";
import { compileQasm } from "../../src/qasm/compile.ts";
import type { CompileOptions } from "../../src/ir/types.ts";
import { channelCallText } from "../../src/ir/noise-text.ts";

const num = (x: number): string => String(Math.round(x * 1e6) / 1e6);

/** A compact text form of an operation, e.g. `x c0 q2`, `rz(0.5) q1`, `measure q0 -> c1 if [0]==1`. */
export function showOp(op: Operation): string {
  let s: string;
  switch (op.kind) {
    case "gate":
    case "opaque": {
      const ps = op.params.length ? `(${op.params.map(num).join(",")})` : "";
      const cs =
        op.kind === "gate" ? op.controls.map((c) => ` c${c}`).join("") : "";
      s = `${op.kind === "opaque" ? "opaque " : ""}${op.name}${ps}${cs}${op.qubits.map((q) => ` q${q}`).join("")}`;
      break;
    }
    case "measure":
      s = `measure q${op.qubit} -> c${op.clbit}`;
      break;
    case "reset":
      s = `reset q${op.qubit}`;
      break;
    case "barrier":
      s = `barrier${op.qubits.map((q) => ` q${q}`).join("")}`;
      break;
    case "noise":
      s = `noise ${channelCallText(op.channel)}${op.qubits.map((q) => ` q${q}`).join("")}`;
      break;
    case "classical":
      s = `classical [${op.clbits.join(",")}] = ${JSON.stringify(op.value)}`;
      break;
    case "label":
      s = `label ${op.id}`;
      break;
    case "jump":
      s = `jump ${op.to}`;
      break;
  }
  const cond = "condition" in op ? op.condition : undefined;
  if (cond) s += ` if [${cond.clbits.join(",")}]${cond.op}${cond.value}`;
  return s;
}

/** Compiles `src`, expecting success, and returns the circuit. */
export function compileOk(src: string, options?: CompileOptions): Circuit {
  const r = compileQasm(src, options);
  if (!r.ok)
    expect.fail(
      r.diagnostics
        .map((d) => `${d.span.line}:${d.span.col} ${d.code} ${d.message}`)
        .join("\n"),
    );
  return r.circuit;
}

/** Compiles `src`, expecting success, and returns its ops in compact form. */
export function opsOf(src: string, options?: CompileOptions): string[] {
  return compileOk(src, options).ops.map(showOp);
}
