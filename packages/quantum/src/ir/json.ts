/**
 * The versioned JSON form of a circuit: `{ format: "stepfault.circuit", version, ... }`. Matrices
 * of "unitary" ops are written as row-major lists of [re, im] pairs. Reading validates everything
 * and returns a result with every problem found (a path and a message each); it never throws.
 */
import { isUnitary } from "../math/matrix.ts";
import { BASE_GATES } from "./gate-matrices.ts";
import { channelToJson, readChannel } from "./channel-json.ts";
import { CLASSICAL_BINARY_OPS, CLASSICAL_FUNCTIONS } from "./classical.ts";
import {
  CIRCUIT_FORMAT_VERSION,
  type Circuit,
  type ClassicalBinaryOp,
  type ClassicalExpr,
  type Condition,
  type Operation,
  type Register,
  type Span,
} from "./types.ts";

/** The `format` tag of the JSON form. */
export const CIRCUIT_FORMAT = "stepfault.circuit";

/** A JSON-safe value. */
export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One problem found while reading a circuit's JSON form; `path` is like `ops[3].qubits[1]`. */
export interface CircuitJsonError {
  readonly path: string;
  readonly message: string;
}

/** Result of reading the JSON form. */
export type CircuitFromJsonResult =
  | { readonly ok: true; readonly circuit: Circuit }
  | { readonly ok: false; readonly errors: readonly CircuitJsonError[] };

/** The JSON form (a plain object, ready for JSON.stringify) of a circuit. */
export function circuitToJson(circuit: Circuit): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {
    format: CIRCUIT_FORMAT,
    version: CIRCUIT_FORMAT_VERSION,
    numQubits: circuit.numQubits,
    numClbits: circuit.numClbits,
    qregs: circuit.qregs.map(regToJson),
    cregs: circuit.cregs.map(regToJson),
    globalPhase: circuit.globalPhase,
    inputs: circuit.inputs.map((i) => ({ name: i.name, type: i.type })),
    ops: circuit.ops.map(opToJson),
  };
  if (circuit.sourceVersion) out.sourceVersion = circuit.sourceVersion;
  return out;
}

function regToJson(r: Register): JsonValue {
  return { name: r.name, size: r.size, offset: r.offset };
}

function opToJson(op: Operation): { [key: string]: JsonValue } {
  const o: { [key: string]: JsonValue } = { kind: op.kind };
  switch (op.kind) {
    case "gate":
      Object.assign(o, {
        name: op.name,
        qubits: [...op.qubits],
        params: [...op.params],
        controls: [...op.controls],
      });
      if (op.matrix) {
        const pairs: JsonValue[] = [];
        for (let i = 0; i < op.matrix.length; i += 2)
          pairs.push([op.matrix[i], op.matrix[i + 1]]);
        o.matrix = pairs;
      }
      break;
    case "measure":
      Object.assign(o, { qubit: op.qubit, clbit: op.clbit });
      break;
    case "reset":
      o.qubit = op.qubit;
      break;
    case "barrier":
      o.qubits = [...op.qubits];
      break;
    case "opaque":
      Object.assign(o, {
        name: op.name,
        qubits: [...op.qubits],
        params: [...op.params],
      });
      break;
    case "noise":
      Object.assign(o, {
        channel: channelToJson(op.channel),
        qubits: [...op.qubits],
      });
      break;
    case "classical":
      Object.assign(o, {
        clbits: [...op.clbits],
        value: JSON.parse(JSON.stringify(op.value)) as JsonValue,
        ...(op.float ? { float: true } : {}),
      });
      break;
    case "label":
      o.id = op.id;
      break;
    case "jump":
      o.to = op.to;
      break;
  }
  if ("condition" in op && op.condition)
    o.condition = {
      clbits: [...op.condition.clbits],
      op: op.condition.op,
      value: op.condition.value,
    };
  if (op.span)
    o.span = {
      line: op.span.line,
      col: op.span.col,
      endLine: op.span.endLine,
      endCol: op.span.endCol,
    };
  return o;
}

/**
 * Brings a JSON form of any known version to the current one (today only version 1 exists), or
 * explains why it cannot. The single place where future format changes are absorbed.
 */
export function upgradeCircuitJson(
  json: unknown,
):
  | { ok: true; json: Record<string, unknown> }
  | { ok: false; errors: CircuitJsonError[] } {
  if (!isObject(json)) return fail("", "expected a JSON object");
  if (json.format !== CIRCUIT_FORMAT)
    return fail(
      "format",
      `expected "${CIRCUIT_FORMAT}", got ${describe(json.format)}`,
    );
  const v = json.version;
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1)
    return fail(
      "version",
      `expected a positive integer version, got ${describe(v)}`,
    );
  if (v > CIRCUIT_FORMAT_VERSION)
    return fail(
      "version",
      `version ${v} is newer than this StepFault understands (up to ${CIRCUIT_FORMAT_VERSION})`,
    );
  return { ok: true, json };
}

function fail(
  path: string,
  message: string,
): { ok: false; errors: CircuitJsonError[] } {
  return { ok: false, errors: [{ path, message }] };
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function describe(x: unknown): string {
  if (x === undefined) return "nothing";
  const s = JSON.stringify(x);
  return s === undefined
    ? typeof x
    : s.length > 40
      ? s.slice(0, 37) + "..."
      : s;
}

/** Collects errors while reading; each reader returns a fallback value so reading goes on. */
class Reader {
  readonly errors: CircuitJsonError[] = [];
  err(path: string, message: string): void {
    if (this.errors.length < 100) this.errors.push({ path, message });
  }
  int(x: unknown, path: string, min: number, max: number): number {
    if (typeof x !== "number" || !Number.isInteger(x) || x < min || x > max) {
      this.err(
        path,
        `expected an integer in ${min}..${max}, got ${describe(x)}`,
      );
      return min;
    }
    return x;
  }
  num(x: unknown, path: string): number {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      this.err(path, `expected a finite number, got ${describe(x)}`);
      return 0;
    }
    return x;
  }
  str(x: unknown, path: string): string {
    if (typeof x !== "string" || x.length === 0) {
      this.err(path, `expected a non-empty string, got ${describe(x)}`);
      return "";
    }
    return x;
  }
  arr(x: unknown, path: string): unknown[] {
    if (!Array.isArray(x)) {
      this.err(path, `expected an array, got ${describe(x)}`);
      return [];
    }
    return x;
  }
  obj(x: unknown, path: string): Record<string, unknown> {
    if (!isObject(x)) {
      this.err(path, `expected an object, got ${describe(x)}`);
      return {};
    }
    return x;
  }
  ints(x: unknown, path: string, max: number): number[] {
    return this.arr(x, path).map((v, i) =>
      this.int(v, `${path}[${i}]`, 0, max),
    );
  }
}

const MAX_BITS = 1 << 20;
const COND_OPS = new Set(["==", "!=", "<", "<=", ">", ">="]);

/** Reads (and validates) the JSON form of a circuit, upgrading older versions first. */
export function circuitFromJson(json: unknown): CircuitFromJsonResult {
  const up = upgradeCircuitJson(json);
  if (!up.ok) return up;
  const j = up.json;
  const r = new Reader();
  const numQubits = r.int(j.numQubits, "numQubits", 0, MAX_BITS);
  const numClbits = r.int(j.numClbits, "numClbits", 0, MAX_BITS);
  const regs = (x: unknown, path: string, total: number): Register[] =>
    r.arr(x, path).map((v, i) => {
      const o = r.obj(v, `${path}[${i}]`);
      const reg = {
        name: r.str(o.name, `${path}[${i}].name`),
        size: r.int(o.size, `${path}[${i}].size`, 0, MAX_BITS),
        offset: r.int(o.offset, `${path}[${i}].offset`, 0, MAX_BITS),
      };
      if (reg.offset + reg.size > total)
        r.err(
          `${path}[${i}]`,
          `register ${reg.name} [${reg.offset}, ${reg.offset + reg.size}) exceeds the ${total} bits of the circuit`,
        );
      return reg;
    });
  const qregs = regs(j.qregs, "qregs", numQubits);
  const cregs = regs(j.cregs, "cregs", numClbits);
  const globalPhase =
    j.globalPhase === undefined ? 0 : r.num(j.globalPhase, "globalPhase");
  const inputs = (j.inputs === undefined ? [] : r.arr(j.inputs, "inputs")).map(
    (v, i) => {
      const o = r.obj(v, `inputs[${i}]`);
      return {
        name: r.str(o.name, `inputs[${i}].name`),
        type: r.str(o.type, `inputs[${i}].type`),
      };
    },
  );
  const ops = r
    .arr(j.ops, "ops")
    .map((v, i) => readOp(r, v, `ops[${i}]`, numQubits, numClbits));
  let sourceVersion: Circuit["sourceVersion"];
  if (j.sourceVersion !== undefined) {
    if (j.sourceVersion === "2.0" || j.sourceVersion === "3.0")
      sourceVersion = j.sourceVersion;
    else
      r.err(
        "sourceVersion",
        `expected "2.0" or "3.0", got ${describe(j.sourceVersion)}`,
      );
  }
  if (r.errors.length > 0) return { ok: false, errors: r.errors };
  const circuit: Circuit = {
    numQubits,
    numClbits,
    qregs,
    cregs,
    ops: ops as Operation[],
    globalPhase,
    inputs,
  };
  return {
    ok: true,
    circuit: sourceVersion ? { ...circuit, sourceVersion } : circuit,
  };
}

function readOp(
  r: Reader,
  v: unknown,
  path: string,
  nq: number,
  nc: number,
): Operation | undefined {
  const o = r.obj(v, path);
  const extra: { condition?: Condition; span?: Span } = {};
  if (o.condition !== undefined) {
    const c = r.obj(o.condition, `${path}.condition`);
    const op = c.op;
    if (typeof op !== "string" || !COND_OPS.has(op))
      r.err(
        `${path}.condition.op`,
        `expected one of == != < <= > >=, got ${describe(op)}`,
      );
    extra.condition = {
      clbits: r.ints(c.clbits, `${path}.condition.clbits`, nc - 1),
      op: op as Condition["op"],
      value: r.int(
        c.value,
        `${path}.condition.value`,
        0,
        Number.MAX_SAFE_INTEGER,
      ),
    };
  }
  if (o.span !== undefined) {
    const s = r.obj(o.span, `${path}.span`);
    const big = Number.MAX_SAFE_INTEGER;
    extra.span = {
      line: r.int(s.line, `${path}.span.line`, 1, big),
      col: r.int(s.col, `${path}.span.col`, 1, big),
      endLine: r.int(s.endLine, `${path}.span.endLine`, 1, big),
      endCol: r.int(s.endCol, `${path}.span.endCol`, 1, big),
    };
  }
  const q = (x: unknown, p: string) => r.int(x, `${path}.${p}`, 0, nq - 1);
  const distinct = (qs: number[], p: string) => {
    if (new Set(qs).size !== qs.length)
      r.err(`${path}.${p}`, `qubits must be distinct, got ${qs.join(", ")}`);
  };
  switch (o.kind) {
    case "gate": {
      const name = r.str(o.name, `${path}.name`);
      const qubits = r.ints(o.qubits, `${path}.qubits`, nq - 1);
      const controls = r.ints(o.controls ?? [], `${path}.controls`, nq - 1);
      const params = r
        .arr(o.params ?? [], `${path}.params`)
        .map((x, i) => r.num(x, `${path}.params[${i}]`));
      distinct([...controls, ...qubits], "qubits");
      if (name === "unitary") {
        const flat = r.arr(o.matrix, `${path}.matrix`);
        const d = 1 << qubits.length;
        const m = new Float64Array(2 * flat.length);
        flat.forEach((e, i) => {
          const pair = r.arr(e, `${path}.matrix[${i}]`);
          if (pair.length !== 2)
            r.err(`${path}.matrix[${i}]`, "expected a [re, im] pair");
          m[2 * i] = r.num(pair[0], `${path}.matrix[${i}][0]`);
          m[2 * i + 1] = r.num(pair[1], `${path}.matrix[${i}][1]`);
        });
        if (flat.length !== d * d)
          r.err(
            `${path}.matrix`,
            `a unitary on ${qubits.length} qubit(s) needs ${d * d} entries, got ${flat.length}`,
          );
        else if (qubits.length === 0)
          r.err(`${path}.qubits`, "a unitary needs at least one qubit");
        else if (!isUnitary(m, 1e-6))
          r.err(`${path}.matrix`, "the matrix is not unitary");
        return {
          kind: "gate",
          name,
          qubits,
          params,
          controls,
          matrix: m,
          ...extra,
        };
      }
      const base = BASE_GATES.get(name);
      if (!base)
        r.err(
          `${path}.name`,
          `unknown gate "${name}" (expected a canonical gate name or "unitary")`,
        );
      else {
        if (qubits.length !== base.numQubits)
          r.err(
            `${path}.qubits`,
            `${name} acts on ${base.numQubits} qubit(s), got ${qubits.length}`,
          );
        if (params.length !== base.numParams)
          r.err(
            `${path}.params`,
            `${name} takes ${base.numParams} parameter(s), got ${params.length}`,
          );
      }
      return { kind: "gate", name, qubits, params, controls, ...extra };
    }
    case "measure":
      return {
        kind: "measure",
        qubit: q(o.qubit, "qubit"),
        clbit: r.int(o.clbit, `${path}.clbit`, 0, nc - 1),
        ...extra,
      };
    case "reset":
      return { kind: "reset", qubit: q(o.qubit, "qubit"), ...extra };
    case "barrier": {
      const qubits = r.ints(o.qubits, `${path}.qubits`, nq - 1);
      distinct(qubits, "qubits");
      if (extra.condition)
        r.err(`${path}.condition`, "a barrier cannot be conditioned");
      return {
        kind: "barrier",
        qubits,
        ...(extra.span ? { span: extra.span } : {}),
      };
    }
    case "opaque": {
      const qubits = r.ints(o.qubits, `${path}.qubits`, nq - 1);
      distinct(qubits, "qubits");
      const params = r
        .arr(o.params ?? [], `${path}.params`)
        .map((x, i) => r.num(x, `${path}.params[${i}]`));
      return {
        kind: "opaque",
        name: r.str(o.name, `${path}.name`),
        qubits,
        params,
        ...extra,
      };
    }
    case "noise": {
      const qubits = r.ints(o.qubits, `${path}.qubits`, nq - 1);
      distinct(qubits, "qubits");
      if (extra.condition)
        r.err(`${path}.condition`, "a noise channel cannot be conditioned");
      const channel = readChannel(o.channel, `${path}.channel`, (p, m) =>
        r.err(p, m),
      );
      if (channel && channel.numQubits !== qubits.length)
        r.err(
          `${path}.qubits`,
          `${channel.name} acts on ${channel.numQubits} qubit(s), got ${qubits.length}`,
        );
      if (!channel) return undefined;
      return {
        kind: "noise",
        channel,
        qubits,
        ...(extra.span ? { span: extra.span } : {}),
      };
    }
    case "classical":
      return {
        kind: "classical",
        clbits: r.ints(o.clbits, `${path}.clbits`, nc - 1),
        value: classicalExpr(r, o.value, `${path}.value`, nc, 0),
        ...(o.float === true ? { float: true } : {}),
        ...extra,
      };
    case "label":
      return {
        kind: "label",
        id: r.int(o.id, `${path}.id`, 0, Number.MAX_SAFE_INTEGER),
        ...(extra.span ? { span: extra.span } : {}),
      };
    case "jump":
      return {
        kind: "jump",
        to: r.int(o.to, `${path}.to`, 0, Number.MAX_SAFE_INTEGER),
        ...extra,
      };
    default:
      r.err(
        `${path}.kind`,
        `expected gate, measure, reset, barrier, opaque, classical, label, jump or noise, got ${describe(o.kind)}`,
      );
      return undefined;
  }
}

/** Reads a run-time classical expression (validated node by node, nesting bounded). */
function classicalExpr(
  r: Reader,
  x: unknown,
  path: string,
  nc: number,
  depth: number,
): ClassicalExpr {
  const o = r.obj(x, path);
  const zero: ClassicalExpr = { kind: "const", value: 0 };
  if (depth > 200) {
    r.err(path, "expression nested too deeply");
    return zero;
  }
  const width = (): { width?: number } =>
    o.width === undefined
      ? {}
      : { width: r.int(o.width, `${path}.width`, 0, 64) };
  switch (o.kind) {
    case "const":
      return { kind: "const", value: r.num(o.value, `${path}.value`) };
    case "bits":
      return {
        kind: "bits",
        clbits: r.ints(o.clbits, `${path}.clbits`, nc - 1),
        ...(o.signed === true ? { signed: true } : {}),
        ...(o.float === true ? { float: true } : {}),
      };
    case "unary": {
      const op = r.str(o.op, `${path}.op`);
      if (op !== "-" && op !== "!" && op !== "~") {
        r.err(`${path}.op`, `unknown unary operator ${describe(o.op)}`);
        return zero;
      }
      return {
        kind: "unary",
        op,
        operand: classicalExpr(r, o.operand, `${path}.operand`, nc, depth + 1),
        ...width(),
      };
    }
    case "binary": {
      const op = r.str(o.op, `${path}.op`);
      if (!CLASSICAL_BINARY_OPS.has(op)) {
        r.err(`${path}.op`, `unknown binary operator ${describe(o.op)}`);
        return zero;
      }
      return {
        kind: "binary",
        op: op as ClassicalBinaryOp,
        left: classicalExpr(r, o.left, `${path}.left`, nc, depth + 1),
        right: classicalExpr(r, o.right, `${path}.right`, nc, depth + 1),
        ...(o.intDiv === true ? { intDiv: true } : {}),
      };
    }
    case "call": {
      const name = r.str(o.name, `${path}.name`);
      if (!Object.hasOwn(CLASSICAL_FUNCTIONS, name)) {
        r.err(`${path}.name`, `unknown function ${describe(o.name)}`);
        return zero;
      }
      return {
        kind: "call",
        name,
        args: r
          .arr(o.args, `${path}.args`)
          .map((a, i) =>
            classicalExpr(r, a, `${path}.args[${i}]`, nc, depth + 1),
          ),
        ...width(),
      };
    }
    default:
      r.err(`${path}.kind`, `unknown expression kind ${describe(o.kind)}`);
      return zero;
  }
}
