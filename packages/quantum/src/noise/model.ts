/**
 * Noise models: the versioned JSON file (`{ "format": "stepfault.noise-model", "version": 1, ... }`,
 * schema in packages/quantum/noise-model.schema.json) read with a JSON path for every problem, and
 * applied to a circuit: channels after chosen gates (by name, on all or listed qubits), readout
 * errors per qubit, and noise built from device figures (T1, T2, gate times and errors, readout
 * errors) the way Qiskit Aer's `NoiseModel.from_backend` builds it from calibration data.
 */
import type { Channel } from "../ir/channels.ts";
import { channelToJson, readChannel } from "../ir/channel-json.ts";
import { opLabel } from "../ir/circuit.ts";
import { BASE_GATES } from "../ir/gate-matrices.ts";
import type { JsonValue } from "../ir/json.ts";
import type { ParametricCircuit } from "../ir/parametric.ts";
import type { Circuit, Operation } from "../ir/types.ts";
import type { ReadoutError } from "../sim/readout.ts";
import { type DeviceFigures, deviceNoise, readDevice } from "./device.ts";

/** The `format` tag of a noise-model file. */
export const NOISE_MODEL_FORMAT = "stepfault.noise-model";
/** The version written by `noiseModelToJson`. */
export const NOISE_MODEL_VERSION = 1;

/** A channel applied after every matching gate. */
export interface GateNoiseRule {
  /** Gate names as counted by `opLabel` ("h", "cx", "ccx", "measure", "reset"), or "*" for every gate. */
  readonly gates: readonly string[];
  /** Only on these qubit tuples (a gate's qubits, controls first); absent: on every qubit. */
  readonly qubits?: readonly (readonly number[])[];
  readonly channel: Channel;
}

/** A readout error on listed qubits (absent: every qubit). */
export interface ReadoutRule {
  readonly qubits?: readonly number[];
  readonly error: ReadoutError;
}

/** A noise model (see the module comment). */
export interface NoiseModel {
  readonly name?: string;
  readonly gateNoise: readonly GateNoiseRule[];
  readonly readout: readonly ReadoutRule[];
  readonly device?: DeviceFigures;
}

/** One problem in a noise-model file or in applying it: a JSON path (`gateNoise[1].channel.params[0]`) and a message. */
export interface NoiseModelError {
  readonly path: string;
  readonly message: string;
}

/** Result of reading a noise model. */
export type NoiseModelResult =
  | { readonly ok: true; readonly model: NoiseModel }
  | { readonly ok: false; readonly errors: readonly NoiseModelError[] };

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  return typeof x === "string" ? `"${x}"` : typeof x;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** A readout matrix [[P(0|0), P(1|0)], [P(0|1), P(1|1)]] (rows sum to 1) as a ReadoutError. */
export function readReadoutMatrix(
  x: unknown,
  path: string,
  err: (path: string, message: string) => void,
): ReadoutError | undefined {
  const ok =
    Array.isArray(x) &&
    x.length === 2 &&
    x.every(
      (r) =>
        Array.isArray(r) &&
        r.length === 2 &&
        r.every((v) => typeof v === "number" && Number.isFinite(v)),
    );
  if (!ok) {
    err(path, "expected a 2x2 matrix [[P(0|0), P(1|0)], [P(0|1), P(1|1)]]");
    return undefined;
  }
  const m = x as number[][];
  let good = true;
  m.forEach((row, r) => {
    if (row.some((v) => v < 0 || v > 1)) {
      err(`${path}[${r}]`, "probabilities must be in [0, 1]");
      good = false;
    } else if (Math.abs(row[0] + row[1] - 1) > 1e-9) {
      err(`${path}[${r}]`, `a row must sum to 1, got ${row[0] + row[1]}`);
      good = false;
    }
  });
  return good ? { p1given0: m[0][1], p0given1: m[1][0] } : undefined;
}

function readQubitList(
  x: unknown,
  path: string,
  err: (path: string, message: string) => void,
): number[] | undefined {
  if (
    !Array.isArray(x) ||
    !x.every((q) => Number.isInteger(q) && (q as number) >= 0)
  ) {
    err(path, "expected a list of qubit indices (non-negative integers)");
    return undefined;
  }
  return x as number[];
}

/** Reads (and validates) a noise model's JSON form; every problem comes with its JSON path. */
export function noiseModelFromJson(json: unknown): NoiseModelResult {
  const errors: NoiseModelError[] = [];
  const err = (path: string, message: string) => errors.push({ path, message });
  if (!isObject(json)) {
    err("", `expected a JSON object, got ${describe(json)}`);
    return { ok: false, errors };
  }
  if (json.format !== NOISE_MODEL_FORMAT)
    err(
      "format",
      `expected "${NOISE_MODEL_FORMAT}", got ${describe(json.format)}`,
    );
  if (json.version !== NOISE_MODEL_VERSION)
    err(
      "version",
      `expected ${NOISE_MODEL_VERSION} (the only version), got ${describe(json.version)}`,
    );
  const known = new Set([
    "format",
    "version",
    "name",
    "gateNoise",
    "readout",
    "device",
    "$schema",
  ]);
  for (const k of Object.keys(json))
    if (!known.has(k))
      err(k, `unknown field (expected one of ${[...known].join(", ")})`);
  if (json.name !== undefined && typeof json.name !== "string")
    err("name", `expected a string, got ${describe(json.name)}`);
  const gateNoise: GateNoiseRule[] = [];
  const rules = json.gateNoise ?? [];
  if (!Array.isArray(rules)) err("gateNoise", "expected a list of rules");
  else
    rules.forEach((r: unknown, i) => {
      const p = `gateNoise[${i}]`;
      if (!isObject(r))
        return err(p, `expected a rule object, got ${describe(r)}`);
      for (const k of Object.keys(r))
        if (!["gates", "qubits", "channel"].includes(k))
          err(`${p}.${k}`, "unknown field (expected gates, qubits, channel)");
      const gates = r.gates;
      if (
        !Array.isArray(gates) ||
        gates.length === 0 ||
        !gates.every((g) => typeof g === "string" && g.length > 0)
      )
        err(`${p}.gates`, 'expected a non-empty list of gate names (or ["*"])');
      let qubits: number[][] | undefined;
      if (r.qubits !== undefined) {
        if (!Array.isArray(r.qubits) || r.qubits.length === 0)
          err(
            `${p}.qubits`,
            "expected a non-empty list of qubits or qubit lists",
          );
        else
          qubits = r.qubits.map((q: unknown, j) =>
            typeof q === "number"
              ? (readQubitList([q], `${p}.qubits[${j}]`, err) ?? [])
              : (readQubitList(q, `${p}.qubits[${j}]`, err) ?? []),
          );
      }
      const channel = readChannel(r.channel, `${p}.channel`, err);
      if (channel && Array.isArray(gates))
        gateNoise.push({
          gates: gates as string[],
          ...(qubits ? { qubits } : {}),
          channel,
        });
    });
  const readout: ReadoutRule[] = [];
  const ro = json.readout ?? [];
  if (!Array.isArray(ro)) err("readout", "expected a list of readout errors");
  else
    ro.forEach((r: unknown, i) => {
      const p = `readout[${i}]`;
      if (!isObject(r)) return err(p, `expected an object, got ${describe(r)}`);
      for (const k of Object.keys(r))
        if (!["qubits", "matrix"].includes(k))
          err(`${p}.${k}`, "unknown field (expected qubits, matrix)");
      const qubits =
        r.qubits === undefined
          ? undefined
          : readQubitList(r.qubits, `${p}.qubits`, err);
      const e = readReadoutMatrix(r.matrix, `${p}.matrix`, err);
      if (e) readout.push({ ...(qubits ? { qubits } : {}), error: e });
    });
  const device =
    json.device === undefined
      ? undefined
      : readDevice(json.device, "device", err);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    model: {
      ...(typeof json.name === "string" ? { name: json.name } : {}),
      gateNoise,
      readout,
      ...(device ? { device } : {}),
    },
  };
}

/** Reads a noise model from the text of a file (JSON syntax errors reported at path ""). */
export function noiseModelFromText(text: string): NoiseModelResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return {
      ok: false,
      errors: [
        { path: "", message: `not valid JSON: ${(e as Error).message}` },
      ],
    };
  }
  return noiseModelFromJson(json);
}

/** The JSON form of a model (device figures kept as figures). */
export function noiseModelToJson(model: NoiseModel): {
  [key: string]: JsonValue;
} {
  return {
    format: NOISE_MODEL_FORMAT,
    version: NOISE_MODEL_VERSION,
    ...(model.name !== undefined ? { name: model.name } : {}),
    gateNoise: model.gateNoise.map((r) => ({
      gates: [...r.gates],
      ...(r.qubits ? { qubits: r.qubits.map((q) => [...q]) } : {}),
      channel: channelToJson(r.channel),
    })),
    readout: model.readout.map((r) => ({
      ...(r.qubits ? { qubits: [...r.qubits] } : {}),
      matrix: [
        [1 - r.error.p1given0, r.error.p1given0],
        [r.error.p0given1, 1 - r.error.p0given1],
      ],
    })),
    ...(model.device ? { device: model.device as unknown as JsonValue } : {}),
  };
}

/** A circuit with the model's noise inserted, and the readout errors by qubit. */
export type AppliedNoise =
  | {
      readonly ok: true;
      readonly circuit: Circuit;
      readonly readout: ReadonlyMap<number, ReadoutError>;
      /** Where each of the input circuit's ops is in the noisy circuit's ops. */
      readonly opIndex: readonly number[];
    }
  | { readonly ok: false; readonly errors: readonly NoiseModelError[] };

function sameTuple(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The qubits of an op in rule order (controls first, then targets). */
function opQubits(op: Operation): readonly number[] {
  switch (op.kind) {
    case "gate":
      return [...op.controls, ...op.qubits];
    case "measure":
    case "reset":
      return [op.qubit];
    case "classical":
    case "label":
    case "jump":
      return [];
    default:
      return op.qubits;
  }
}

/**
 * Applies a model to a circuit: after each matching gate (before each measurement) the device
 * noise, then every matching rule's channel, in rule order. A one-qubit channel on a wider gate
 * acts on each of its qubits; otherwise the channel must be as wide as the gate.
 */
export function applyNoiseModel(
  circuit: Circuit,
  model: NoiseModel,
): AppliedNoise {
  const errors: NoiseModelError[] = [];
  const device = model.device
    ? deviceNoise(model.device, circuit.numQubits, (path, message) =>
        errors.push({ path: `device${path ? "." + path : ""}`, message }),
      )
    : undefined;
  const readout = new Map<number, ReadoutError>();
  if (device) for (const [q, e] of device.readout) readout.set(q, e);
  model.readout.forEach((r, i) => {
    for (const q of r.qubits ??
      Array.from({ length: circuit.numQubits }, (_, k) => k)) {
      if (q >= circuit.numQubits)
        errors.push({
          path: `readout[${i}].qubits`,
          message: `qubit ${q} is outside the circuit's ${circuit.numQubits} qubits`,
        });
      else readout.set(q, r.error);
    }
  });
  const reported = new Set<number>();
  const ops: Operation[] = [];
  const opIndex: number[] = [];
  for (const op of circuit.ops) {
    opIndex.push(ops.length);
    if (
      op.kind === "barrier" ||
      op.kind === "noise" ||
      op.kind === "opaque" ||
      op.kind === "classical" ||
      op.kind === "label" ||
      op.kind === "jump"
    ) {
      ops.push(op);
      continue;
    }
    if (
      op.kind === "gate" &&
      op.name === "gphase" &&
      op.controls.length === 0
    ) {
      ops.push(op);
      continue;
    }
    const label = opLabel(op);
    const qs = opQubits(op);
    const noise: Operation[] = [];
    const add = (ch: Channel, where: string, rule: number) => {
      if (ch.numQubits === qs.length)
        noise.push({ kind: "noise", channel: ch, qubits: qs });
      else if (ch.numQubits === 1)
        for (const q of qs)
          noise.push({ kind: "noise", channel: ch, qubits: [q] });
      else if (!reported.has(rule)) {
        reported.add(rule);
        errors.push({
          path: where,
          message: `${ch.name} acts on ${ch.numQubits} qubits but ${label} acts on ${qs.length}`,
        });
      }
    };
    for (const ch of device?.after(label, qs) ?? [])
      add(ch, "device.gates", -1);
    model.gateNoise.forEach((r, i) => {
      if (
        !r.gates.includes(label) &&
        !(r.gates.includes("*") && op.kind === "gate")
      )
        return;
      if (r.qubits && !r.qubits.some((t) => sameTuple(t, qs))) return;
      add(r.channel, `gateNoise[${i}].channel`, i);
    });
    if (op.kind === "measure") {
      opIndex[opIndex.length - 1] += noise.length;
      ops.push(...noise, op);
    } else ops.push(op, ...noise);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, circuit: { ...circuit, ops }, readout, opIndex };
}

/** A program with parameters and the model's noise inserted (its parameter sites follow their ops). */
export type AppliedProgramNoise =
  | { readonly ok: true; readonly program: ParametricCircuit }
  | { readonly ok: false; readonly errors: readonly NoiseModelError[] };

/**
 * `applyNoiseModel` for a program compiled once with parameters: the same channels after the
 * same gates, with every parameter site pointing at its gates' new places. Readout errors are
 * left out (exact expectation values have no readout).
 */
export function applyNoiseModelToProgram(
  program: ParametricCircuit,
  model: NoiseModel,
): AppliedProgramNoise {
  const applied = applyNoiseModel(program.circuit, model);
  if (!applied.ok) return applied;
  const { opIndex } = applied;
  return {
    ok: true,
    program: {
      ...program,
      circuit: applied.circuit,
      sites: program.sites.map((site) => ({
        ...site,
        ops: site.ops.map((i) => opIndex[i]),
      })),
    },
  };
}

/**
 * The names rules match (see `opLabel`) of the standard gates acting on `width` qubits, controls
 * included: for 2, "swap", "rzz", ... and "cx", "cz", "crx", ... (what a noise preset "after every
 * two-qubit gate" lists).
 */
export function gateNamesOfWidth(width: number): string[] {
  const out: string[] = [];
  for (const g of BASE_GATES.values()) {
    if (g.name === "unitary" || g.name === "gphase") continue;
    const controls = width - g.numQubits;
    if (controls >= 0 && g.numQubits > 0)
      out.push("c".repeat(controls) + g.name);
  }
  return out;
}

/** True when the model adds nothing (no rules, no readout errors, no device figures). */
export function isEmptyNoiseModel(model: NoiseModel): boolean {
  return (
    model.gateNoise.length === 0 && model.readout.length === 0 && !model.device
  );
}
