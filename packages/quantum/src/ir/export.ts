/**
 * OpenQASM 2 and 3 export of a circuit. Canonical ops are written back with their library names
 * (x + 1 control -> cx, p + 1 control -> cu1 in OpenQASM 2 / cp in 3, ...), `ctrl(k) @` in
 * OpenQASM 3 where no name exists, and exact `gate` definitions for gates outside the libraries.
 * Angles are printed so that they parse back to the same double. What a version cannot express
 * is reported as an error result, never thrown.
 */
import {
  qasm2Gate,
  qasm3Gate,
  GATE_DEFINITIONS,
  type GateCall,
} from "./export-gates.ts";
import type { Circuit, Condition, Operation, Register } from "./types.ts";
import { noisePragmaText } from "./noise-text.ts";

/** Why an operation could not be exported. */
export interface ExportError {
  readonly code: "EXPORT_INEXPRESSIBLE";
  readonly message: string;
  /** Index of the operation in `circuit.ops`. */
  readonly opIndex: number;
  readonly span?: Operation["span"];
}

/** OpenQASM source, or the operations that could not be written. */
export type ExportResult =
  | { readonly ok: true; readonly source: string }
  | { readonly ok: false; readonly errors: readonly ExportError[] };

/** Prints an angle so that it parses back to exactly the same double (simple multiples of pi by name). */
export function formatAngle(x: number): string {
  if (x === 0) return "0";
  for (const [v, s] of [
    [1, "pi"],
    [2, "pi/2"],
    [4, "pi/4"],
    [8, "pi/8"],
  ] as const) {
    if (x === Math.PI / v) return s;
    if (x === -Math.PI / v) return "-" + s;
  }
  const s = String(x);
  // OpenQASM 2 reals need a decimal point before an exponent ("1e-7" -> "1.0e-7").
  return /e/.test(s) && !s.includes(".") ? s.replace("e", ".0e") : s;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set([
  "qreg",
  "creg",
  "qubit",
  "bit",
  "gate",
  "measure",
  "reset",
  "barrier",
  "if",
  "else",
  "for",
  "while",
  "pi",
  "U",
  "CX",
  "opaque",
  "include",
  "input",
  "output",
  "int",
  "uint",
  "float",
  "angle",
  "bool",
  "ctrl",
  "inv",
  "pow",
  "gphase",
  "let",
  "const",
  "def",
  "return",
  "in",
  "OPENQASM",
]);

interface Layout {
  readonly decls: { name: string; size: number }[];
  readonly names: string[];
  readonly regs: Register[];
}

/** Register declarations covering n bits: the circuit's own when they partition the bits, else one `fallback[n]`. */
function layout(
  regs: readonly Register[],
  n: number,
  fallback: string,
  taken: Set<string>,
): Layout {
  const names = new Array<string | undefined>(n).fill(undefined);
  let ok =
    regs.every(
      (r) => IDENT.test(r.name) && !RESERVED.has(r.name) && !taken.has(r.name),
    ) && new Set(regs.map((r) => r.name)).size === regs.length;
  for (const r of regs)
    for (let i = 0; i < r.size && ok; i++)
      ok =
        r.offset + i < n &&
        names[r.offset + i] === undefined &&
        ((names[r.offset + i] = `${r.name}[${i}]`), true);
  if (
    ok &&
    names.every((x) => x !== undefined) &&
    regs.every((r) => r.size > 0)
  ) {
    regs.forEach((r) => taken.add(r.name));
    return {
      decls: regs.map((r) => ({ name: r.name, size: r.size })),
      names: names as string[],
      regs: [...regs],
    };
  }
  let name = fallback;
  while (taken.has(name)) name += "_";
  taken.add(name);
  if (n === 0) return { decls: [], names: [], regs: [] };
  return {
    decls: [{ name, size: n }],
    names: Array.from({ length: n }, (_, i) => `${name}[${i}]`),
    regs: [{ name, size: n, offset: 0 }],
  };
}

/** The register a condition covers exactly (all its bits, in order), if any. */
function wholeRegister(
  cond: Condition,
  cregs: readonly Register[],
): Register | undefined {
  return cregs.find(
    (r) =>
      r.size === cond.clbits.length &&
      cond.clbits.every((b, i) => b === r.offset + i),
  );
}

function callText(call: GateCall, qn: readonly string[]): string {
  const params = call.params.length
    ? `(${call.params.map(formatAngle).join(", ")})`
    : "";
  const args = call.qubits.map((q) => qn[q]).join(", ");
  return args ? `${call.name}${params} ${args};` : `${call.name}${params};`;
}

/** Exports a circuit as OpenQASM 2.0 with `include "qelib1.inc"`. */
export function toQasm2(circuit: Circuit): ExportResult {
  return write(circuit, 2);
}

/** Exports a circuit as OpenQASM 3.0 with `include "stdgates.inc"`. */
export function toQasm3(circuit: Circuit): ExportResult {
  return write(circuit, 3);
}

function write(circuit: Circuit, version: 2 | 3): ExportResult {
  const taken = new Set<string>([...Object.keys(GATE_DEFINITIONS)]);
  const q = layout(circuit.qregs, circuit.numQubits, "q", taken);
  const c = layout(circuit.cregs, circuit.numClbits, "c", taken);
  const errors: ExportError[] = [];
  const defs: string[] = [];
  const opaque = new Map<string, string>();
  const body: string[] = [];
  let extraPhase = 0;
  const fail = (i: number, op: Operation, reason: string) =>
    errors.push({
      code: "EXPORT_INEXPRESSIBLE",
      message: `operation ${i + 1} cannot be written in OpenQASM ${version}: ${reason}`,
      opIndex: i,
      ...(op.span ? { span: op.span } : {}),
    });

  circuit.ops.forEach((op, i) => {
    let stmts: string[];
    switch (op.kind) {
      case "gate": {
        const w = version === 2 ? qasm2Gate(op) : qasm3Gate(op);
        if (!w.ok) return fail(i, op, w.reason);
        for (const d of w.defs) if (!defs.includes(d)) defs.push(d);
        stmts = w.calls.map((call) => callText(call, q.names));
        if (w.globalPhase !== undefined) {
          // A conditioned op's phase stays inside its if block; the others add to the header's.
          if (op.condition)
            stmts.push(`gphase(${formatAngle(w.globalPhase)});`);
          else extraPhase += w.globalPhase;
        }
        if (version === 2 && op.name === "gphase" && op.controls.length === 0)
          stmts = [
            `// gphase(${formatAngle(op.params[0])}) (global phase, not observable)`,
          ];
        break;
      }
      case "measure":
        stmts = [
          version === 2
            ? `measure ${q.names[op.qubit]} -> ${c.names[op.clbit]};`
            : `${c.names[op.clbit]} = measure ${q.names[op.qubit]};`,
        ];
        break;
      case "reset":
        stmts = [`reset ${q.names[op.qubit]};`];
        break;
      case "barrier":
        stmts = op.qubits.length
          ? [`barrier ${op.qubits.map((x) => q.names[x]).join(", ")};`]
          : [];
        break;
      case "noise":
        if (version === 2)
          return fail(i, op, "noise channels have no OpenQASM 2 form");
        stmts = [noisePragmaText(op, q.names)];
        break;
      case "classical":
      case "label":
      case "jump":
        return fail(
          i,
          op,
          "run-time classical code (computation on measured values, while loops) has no export yet",
        );
      case "opaque": {
        if (version === 3)
          return fail(i, op, `opaque gate ${op.name} has no OpenQASM 3 form`);
        const decl = `opaque ${op.name}${op.params.length ? `(${op.params.map((_, k) => `p${k}`).join(", ")})` : ""} ${op.qubits.map((_, k) => `a${k}`).join(", ")};`;
        const prev = opaque.get(op.name);
        if (prev !== undefined && prev !== decl)
          return fail(
            i,
            op,
            `opaque gate ${op.name} is used with different shapes`,
          );
        opaque.set(op.name, decl);
        stmts = [
          callText(
            { name: op.name, params: op.params, qubits: op.qubits },
            q.names,
          ),
        ];
        break;
      }
    }
    const cond = "condition" in op ? op.condition : undefined;
    if (!cond) return body.push(...stmts);
    const text = conditionText(cond, c, version);
    if (text === undefined) {
      const how =
        version === 2
          ? "OpenQASM 2 conditions must compare a whole classical register with =="
          : `condition ${cond.op} on bits that are not one whole register`;
      return fail(i, op, how);
    }
    if (version === 2)
      body.push(
        ...stmts
          .filter((s) => !s.startsWith("//"))
          .map((s) => `if (${text}) ${s}`),
      );
    else body.push(`if (${text}) {`, ...stmts.map((s) => `  ${s}`), "}");
  });
  if (errors.length) return { ok: false, errors };

  const lines = [
    version === 2 ? "OPENQASM 2.0;" : "OPENQASM 3.0;",
    version === 2 ? 'include "qelib1.inc";' : 'include "stdgates.inc";',
  ];
  lines.push(...defs.map((d) => GATE_DEFINITIONS[d].text));
  lines.push(...opaque.values());
  for (const d of q.decls)
    lines.push(
      version === 2
        ? `qreg ${d.name}[${d.size}];`
        : `qubit[${d.size}] ${d.name};`,
    );
  for (const d of c.decls)
    lines.push(
      version === 2
        ? `creg ${d.name}[${d.size}];`
        : `bit[${d.size}] ${d.name};`,
    );
  const phase = circuit.globalPhase + extraPhase;
  if (phase !== 0)
    lines.push(
      version === 2
        ? `// global phase: ${formatAngle(phase)}`
        : `gphase(${formatAngle(phase)});`,
    );
  lines.push(...body);
  return { ok: true, source: lines.join("\n") + "\n" };
}

function conditionText(
  cond: Condition,
  c: Layout,
  version: 2 | 3,
): string | undefined {
  const reg = wholeRegister(cond, c.regs);
  if (reg && (version === 3 || cond.op === "=="))
    return `${reg.name} ${cond.op} ${cond.value}`;
  if (version === 2) return undefined;
  if (cond.op !== "==" && cond.op !== "!=") return undefined;
  if (cond.clbits.length < 53 && cond.value >= 2 ** cond.clbits.length)
    return cond.op === "==" ? "false" : "true";
  const parts = cond.clbits.map(
    (b, i) => `${c.names[b]} ${cond.op} ${Math.floor(cond.value / 2 ** i) % 2}`,
  );
  return parts.join(cond.op === "==" ? " && " : " || ");
}
