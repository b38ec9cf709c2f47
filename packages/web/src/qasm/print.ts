/**
 * Prints a circuit as OpenQASM 2.0 or 3.0 text. Used when the composer rewrites the text, as the
 * fallback while `toQasm2`/`toQasm3` of @stepfault/quantum are not available (see quantum-api.ts).
 */
import type { Circuit, Operation, Register } from "@stepfault/quantum";
import { qasmNameFor } from "./gate-catalog.ts";

/** Formats an angle: small multiples of pi as `pi/2`, `3*pi/4`, otherwise a short decimal. */
export function formatAngle(value: number): string {
  if (value === 0) return "0";
  const ratio = value / Math.PI;
  for (const den of [1, 2, 3, 4, 6, 8, 16]) {
    const num = Math.round(ratio * den);
    if (num !== 0 && Math.abs(ratio * den - num) < 1e-9) {
      const sign = num < 0 ? "-" : "";
      const n = Math.abs(num);
      const head = n === 1 ? "pi" : `${n}*pi`;
      return sign + (den === 1 ? head : `${head}/${den}`);
    }
  }
  return String(Number(value.toPrecision(12)));
}

/** Names flat bit `index` as `reg[i]` using the given registers. */
function bitName(
  regs: readonly Register[],
  index: number,
  fallback: string,
): string {
  const reg = regs.find((r) => index >= r.offset && index < r.offset + r.size);
  return reg ? `${reg.name}[${index - reg.offset}]` : `${fallback}[${index}]`;
}

/** Prints one operation as a QASM statement (without a newline). */
export function printOp(
  op: Operation,
  circuit: Pick<Circuit, "qregs" | "cregs">,
  version: "2.0" | "3.0",
): string {
  const q = (i: number) => bitName(circuit.qregs, i, "q");
  const c = (i: number) => bitName(circuit.cregs, i, "c");
  const args = (params: readonly number[]) =>
    params.length ? `(${params.map(formatAngle).join(", ")})` : "";
  let text: string;
  switch (op.kind) {
    case "measure":
      text =
        version === "2.0"
          ? `measure ${q(op.qubit)} -> ${c(op.clbit)};`
          : `${c(op.clbit)} = measure ${q(op.qubit)};`;
      break;
    case "reset":
      text = `reset ${q(op.qubit)};`;
      break;
    case "barrier":
      text = `barrier ${op.qubits.map(q).join(", ")};`;
      break;
    case "opaque":
      text = `${op.name}${args(op.params)} ${op.qubits.map(q).join(", ")};`;
      break;
    case "gate": {
      const qubits = [...op.controls, ...op.qubits].map(q).join(", ");
      const name = qasmNameFor(op.name, op.controls.length, version);
      if (name) text = `${name}${args(op.params)} ${qubits};`;
      else if (op.controls.length === 0)
        text = `${op.name}${args(op.params)} ${qubits};`;
      else if (version === "3.0") {
        const inner = qasmNameFor(op.name, 0, version) ?? op.name;
        text = `ctrl(${op.controls.length}) @ ${inner}${args(op.params)} ${qubits};`;
      } else
        text = `// ${op.name} with ${op.controls.length} controls has no OpenQASM 2 name`;
      break;
    }
  }
  const cond = "condition" in op ? op.condition : undefined;
  if (cond && cond.clbits.length) {
    const reg = circuit.cregs.find(
      (r) => r.offset === cond.clbits[0] && r.size === cond.clbits.length,
    );
    const lhs = reg ? reg.name : cond.clbits.map(c).join("");
    text =
      version === "2.0"
        ? `if(${lhs}${cond.op}${cond.value}) ${text}`
        : `if (${lhs} ${cond.op} ${cond.value}) ${text}`;
  }
  return text;
}

/** Prints a whole circuit as OpenQASM `version` text ending with a newline. */
export function printQasm(circuit: Circuit, version: "2.0" | "3.0"): string {
  const lines = [
    `OPENQASM ${version};`,
    version === "2.0" ? `include "qelib1.inc";` : `include "stdgates.inc";`,
  ];
  for (const r of circuit.qregs)
    lines.push(
      version === "2.0"
        ? `qreg ${r.name}[${r.size}];`
        : `qubit[${r.size}] ${r.name};`,
    );
  for (const r of circuit.cregs)
    lines.push(
      version === "2.0"
        ? `creg ${r.name}[${r.size}];`
        : `bit[${r.size}] ${r.name};`,
    );
  for (const op of circuit.ops) lines.push(printOp(op, circuit, version));
  return lines.join("\n") + "\n";
}
