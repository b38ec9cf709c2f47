/**
 * The noise-model editor's form as data: channels after gates (by gate name, on all or listed
 * qubits), readout errors per qubit, and device figures (T1/T2 in µs, gate times in ns, gate and
 * readout errors), turned into a `stepfault.noise-model` document and back. Problems are keyed by
 * the document's JSON path (`gateNoise.0.channel.params`), which is how the form finds the field
 * to show each one at: the form's own parse errors and the model reader's (here and on the
 * server, `model/gateNoise/0/channel/params`) use the same keys.
 */
import { noiseModelFromJson } from "@stepfault/quantum";
import type { NoiseChannelSpec, NoiseModelSpec } from "@stepfault/sdk";

/** The named channels and how many parameters each takes (Braket's definitions). */
export const CHANNELS = [
  { name: "depolarizing", params: ["p"] },
  { name: "bit_flip", params: ["p"] },
  { name: "phase_flip", params: ["p"] },
  { name: "pauli_channel", params: ["px", "py", "pz"] },
  { name: "amplitude_damping", params: ["γ"] },
  { name: "generalized_amplitude_damping", params: ["γ", "p"] },
  { name: "phase_damping", params: ["γ"] },
  { name: "two_qubit_depolarizing", params: ["p"] },
  { name: "two_qubit_dephasing", params: ["p"] },
  { name: "kraus", params: [] },
] as const;

/** One "channel after gates" rule, as typed. */
export interface RuleForm {
  /** Gate names, comma- or space-separated (`h, x, sx`; `*` for every gate). */
  readonly gates: string;
  /** Empty: every qubit; `0, 2`; pairs `0 1; 1 2`. */
  readonly qubits: string;
  readonly channel: string;
  /** Parameters, comma-separated. */
  readonly params: string;
  /** Kraus matrices as JSON (for `kraus`). */
  readonly kraus: string;
}

/** One readout-error row: on listed qubits (empty: all). */
export interface ReadoutForm {
  readonly qubits: string;
  /** P(read 1 | prepared 0). */
  readonly p10: string;
  /** P(read 0 | prepared 1). */
  readonly p01: string;
}

/** Device figures for a group of gates. */
export interface DeviceGateForm {
  readonly gates: string;
  /** Gate time in ns (empty: none). */
  readonly timeNs: string;
  /** Average gate error (empty: none). */
  readonly error: string;
}

/** Everything the editor holds. */
export interface ModelForm {
  readonly name: string;
  readonly rules: readonly RuleForm[];
  readonly readout: readonly ReadoutForm[];
  readonly device: boolean;
  /** T1 in µs: one number for every qubit, or a comma-separated list per qubit. */
  readonly t1Us: string;
  readonly t2Us: string;
  readonly deviceGates: readonly DeviceGateForm[];
  /** Readout error: one probability, or a comma-separated list per qubit. */
  readonly deviceReadout: string;
}

/** A new rule: 1% depolarizing after every one-qubit gate named. */
export const NEW_RULE: RuleForm = {
  gates: "h, x, sx, rz",
  qubits: "",
  channel: "depolarizing",
  params: "0.01",
  kraus: "[[[1, 0], [0, 0.9]], [[0, 0.43589], [0, 0]]]",
};

/** A new readout row. */
export const NEW_READOUT: ReadoutForm = {
  qubits: "",
  p10: "0.02",
  p01: "0.03",
};

/** A new device-gate row. */
export const NEW_DEVICE_GATE: DeviceGateForm = {
  gates: "cx",
  timeNs: "300",
  error: "0.01",
};

/** An empty model, with one rule to start from. */
export const EMPTY_FORM: ModelForm = {
  name: "",
  rules: [NEW_RULE],
  readout: [],
  device: false,
  t1Us: "100",
  t2Us: "80",
  deviceGates: [],
  deviceReadout: "",
};

/** A problem at a field: `key` is the JSON path in dots (`readout.0.matrix`; "" for the whole). */
export interface FieldProblem {
  readonly key: string;
  readonly message: string;
}

/** Dotted key of a JSON path as the reader (`gateNoise[0].channel`) or the API (`model/gateNoise/0/channel`) spells it. */
export function pathKey(path: string): string {
  const parts = path.split(/[.[\]/]+/).filter((p) => p !== "");
  if (parts[0] === "model") parts.shift();
  return parts.join(".");
}

/** The problems that belong to the field at `key` (its own path and everything under it). */
export function problemsAt(
  problems: readonly FieldProblem[],
  key: string,
): FieldProblem[] {
  return problems.filter(
    (p) => p.key === key || (key !== "" && p.key.startsWith(`${key}.`)),
  );
}

/** The problems no field of the form shows (the form's fields are `keys`). */
export function unplaced(
  problems: readonly FieldProblem[],
  keys: readonly string[],
): FieldProblem[] {
  return problems.filter(
    (p) => !keys.some((k) => p.key === k || p.key.startsWith(`${k}.`)),
  );
}

const NUMBER = /^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/;

function numbers(text: string): number[] | undefined {
  const parts = text.split(/[\s,]+/).filter((p) => p !== "");
  if (!parts.every((p) => NUMBER.test(p))) return undefined;
  return parts.map(Number);
}

function names(text: string): string[] {
  return text.split(/[\s,]+/).filter((p) => p !== "");
}

/** `0, 2` -> [0, 2]; `0 1; 1 2` -> [[0, 1], [1, 2]]; "" -> undefined (all qubits). */
function qubitList(text: string): (number | number[])[] | undefined | null {
  if (text.trim() === "") return undefined;
  const ints = (s: string) => {
    const v = numbers(s);
    return v && v.every((q) => Number.isInteger(q) && q >= 0) ? v : null;
  };
  if (text.includes(";")) {
    const tuples = text
      .split(";")
      .filter((t) => t.trim() !== "")
      .map(ints);
    return tuples.every((t) => t !== null && t.length > 0)
      ? (tuples as number[][])
      : null;
  }
  return ints(text);
}

/** A per-qubit figure divided by `per` (µs -> s: 1e6): one number, or a list. */
function perQubit(text: string, per: number): number | number[] | null {
  const v = numbers(text);
  if (!v || v.length === 0) return null;
  const scaled = v.map((x) => x / per);
  return scaled.length === 1 ? scaled[0] : scaled;
}

/** Turns the form into a noise-model document, checked by the model reader; or the problems. */
export function toDocument(
  f: ModelForm,
): { ok: true; doc: NoiseModelSpec } | { ok: false; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const bad = (key: string, message: string) => problems.push({ key, message });
  if (f.name.trim() === "") bad("name", "Give the model a name.");

  const gateNoise = f.rules.map((r, i) => {
    const key = `gateNoise.${i}`;
    const gates = names(r.gates);
    if (gates.length === 0)
      bad(`${key}.gates`, "Name at least one gate (or * for every gate).");
    const qubits = qubitList(r.qubits);
    if (qubits === null)
      bad(
        `${key}.qubits`,
        "Qubits are whole numbers from 0 (pairs separated by ;), or empty for every qubit.",
      );
    let channel: NoiseChannelSpec;
    if (r.channel === "kraus") {
      let matrices: unknown = [];
      try {
        matrices = JSON.parse(r.kraus) as unknown;
      } catch (e) {
        bad(
          `${key}.channel.matrices`,
          `The Kraus matrices are not JSON: ${(e as Error).message}`,
        );
      }
      channel = {
        name: "kraus",
        matrices: matrices as (number | [number, number])[][][],
      };
    } else {
      const params = numbers(r.params);
      if (params === undefined || params.length === 0)
        bad(
          `${key}.channel.params`,
          "Parameters are numbers separated by commas.",
        );
      channel = {
        name: r.channel as Exclude<NoiseChannelSpec["name"], "kraus">,
        params: params ?? [],
      };
    }
    return {
      gates,
      ...(qubits ? { qubits } : {}),
      channel,
    };
  });

  const readout = f.readout.map((r, i) => {
    const key = `readout.${i}`;
    const qubits = qubitList(r.qubits);
    if (qubits === null || qubits?.some((q) => Array.isArray(q)))
      bad(
        `${key}.qubits`,
        "Qubits are whole numbers from 0, or empty for every qubit.",
      );
    const p10 = numbers(r.p10);
    const p01 = numbers(r.p01);
    if (p10?.length !== 1 || p01?.length !== 1)
      bad(`${key}.matrix`, "Both readout probabilities are numbers.");
    const a = p10?.[0] ?? 0;
    const b = p01?.[0] ?? 0;
    return {
      ...(qubits && !qubits.some((q) => Array.isArray(q))
        ? { qubits: qubits as number[] }
        : {}),
      matrix: [
        [1 - a, a],
        [b, 1 - b],
      ],
    };
  });

  let device: NoiseModelSpec["device"];
  if (f.device) {
    const t1 = f.t1Us.trim() === "" ? undefined : perQubit(f.t1Us, 1e6);
    const t2 = f.t2Us.trim() === "" ? undefined : perQubit(f.t2Us, 1e6);
    const positive = (v: number | number[] | null | undefined) =>
      v === undefined || (v !== null && [v].flat().every((x) => x > 0));
    if (!positive(t1))
      bad("device.t1", "T1 is a positive number of µs, or one per qubit.");
    if (!positive(t2))
      bad("device.t2", "T2 is a positive number of µs, or one per qubit.");
    const gates = f.deviceGates.map((g, i) => {
      const key = `device.gates.${i}`;
      const gn = names(g.gates);
      if (gn.length === 0) bad(`${key}.gates`, "Name at least one gate.");
      const time = g.timeNs.trim() === "" ? undefined : numbers(g.timeNs);
      if (time !== undefined && time?.length !== 1)
        bad(`${key}.time`, "The gate time is a number of ns.");
      const error = g.error.trim() === "" ? undefined : numbers(g.error);
      if (error !== undefined && error?.length !== 1)
        bad(`${key}.error`, "The gate error is a number.");
      return {
        gates: gn,
        ...(time?.length === 1 ? { time: time[0] / 1e9 } : {}),
        ...(error?.length === 1 ? { error: error[0] } : {}),
      };
    });
    const ro =
      f.deviceReadout.trim() === "" ? undefined : perQubit(f.deviceReadout, 1);
    if (ro === null)
      bad("device.readoutError", "The readout error is a number, or a list.");
    device = {
      ...(typeof t1 === "number" || Array.isArray(t1) ? { t1 } : {}),
      ...(typeof t2 === "number" || Array.isArray(t2) ? { t2 } : {}),
      ...(gates.length > 0 ? { gates } : {}),
      ...(typeof ro === "number" || Array.isArray(ro)
        ? { readoutError: ro }
        : {}),
    };
  }

  const doc: NoiseModelSpec = {
    format: "stepfault.noise-model",
    version: 1,
    name: f.name.trim(),
    gateNoise,
    readout,
    ...(device ? { device } : {}),
  };
  // The reader's problems too, except at fields the form already refused (their value there
  // is a stand-in).
  const checked = noiseModelFromJson(doc);
  if (!checked.ok)
    for (const e of checked.errors) {
      const key = pathKey(e.path);
      if (!problems.some((p) => key === p.key || key.startsWith(`${p.key}.`)))
        problems.push({ key, message: e.message });
    }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, doc };
}

/** Shortest text of a number scaled back to the form's unit (1e-4 s -> "100" µs). */
function unit(v: number, scale: number): string {
  return String(Number((v / scale).toPrecision(12)));
}

function qubitsText(q: readonly (number | readonly number[])[] | undefined) {
  if (!q) return "";
  return q.some((x) => Array.isArray(x))
    ? q.map((x) => (Array.isArray(x) ? x.join(" ") : String(x))).join("; ")
    : q.join(", ");
}

/**
 * The form of a saved document; null when the form cannot show all of it (per-qubit readout
 * pairs in the device figures, readout matrices that are not two probabilities), which the
 * editor then opens as JSON.
 */
export function fromDocument(
  name: string,
  doc: NoiseModelSpec,
): ModelForm | null {
  const rules = (doc.gateNoise ?? []).map((r): RuleForm => ({
    gates: r.gates.join(", "),
    qubits: qubitsText(r.qubits),
    channel: r.channel.name,
    params: "params" in r.channel ? r.channel.params.join(", ") : "",
    kraus:
      "matrices" in r.channel
        ? JSON.stringify(r.channel.matrices)
        : NEW_RULE.kraus,
  }));
  const readout: ReadoutForm[] = [];
  for (const r of doc.readout ?? []) {
    const m = r.matrix;
    if (m.length !== 2 || m[0]?.length !== 2 || m[1]?.length !== 2) return null;
    readout.push({
      qubits: qubitsText(r.qubits),
      p10: String(m[0][1]),
      p01: String(m[1][0]),
    });
  }
  const d = doc.device;
  const list = (v: number | number[] | undefined, scale: number) =>
    v === undefined
      ? ""
      : Array.isArray(v)
        ? v.map((x) => unit(x, scale)).join(", ")
        : unit(v, scale);
  const ro = d?.readoutError;
  if (Array.isArray(ro) && ro.some((x) => Array.isArray(x))) return null;
  return {
    name,
    rules,
    readout,
    device: d !== undefined,
    t1Us: d ? list(d.t1, 1e-6) : EMPTY_FORM.t1Us,
    t2Us: d ? list(d.t2, 1e-6) : EMPTY_FORM.t2Us,
    deviceGates: (d?.gates ?? []).map((g) => ({
      gates: g.gates.join(", "),
      timeNs: g.time === undefined ? "" : unit(g.time, 1e-9),
      error: g.error === undefined ? "" : String(g.error),
    })),
    deviceReadout: list(ro as number | number[] | undefined, 1),
  };
}
