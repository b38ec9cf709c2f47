/**
 * Noise from device figures, as Qiskit Aer's `NoiseModel.from_backend` derives it from calibration
 * data: after each gate of duration t, thermal relaxation on each of its qubits (amplitude damping
 * 1 - e^{-t/T1}, then the extra dephasing that makes coherences decay as e^{-t/T2}), preceded by a
 * depolarizing channel whose strength brings the gate's average infidelity up to its reported
 * error; readout errors as symmetric (or [P(1|0), P(0|1)]) flip probabilities.
 */
import {
  averageGateFidelity,
  type Channel,
  composeChannels,
  namedChannel,
  tensorChannels,
} from "../ir/channels.ts";
import type { ReadoutError } from "../sim/readout.ts";

/** Figures of a device; times in seconds. A number applies to every qubit, a list gives one per qubit. */
export interface DeviceFigures {
  readonly t1?: number | readonly number[];
  readonly t2?: number | readonly number[];
  /** Gate durations and average gate errors (1 - average gate fidelity), by gate name. */
  readonly gates?: readonly {
    readonly gates: readonly string[];
    readonly time?: number;
    readonly error?: number;
  }[];
  /** Readout error per qubit: one flip probability, or [P(1|0), P(0|1)]. */
  readonly readoutError?:
    number | readonly (number | readonly [number, number])[];
}

type Sink = (path: string, message: string) => void;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

function positive(x: unknown): boolean {
  return typeof x === "number" && Number.isFinite(x) && x > 0;
}

function prob(x: unknown): boolean {
  return typeof x === "number" && Number.isFinite(x) && x >= 0 && x <= 1;
}

/** Reads device figures (paths relative to `path`). */
export function readDevice(
  x: unknown,
  path: string,
  err: Sink,
): DeviceFigures | undefined {
  if (!isObject(x)) {
    err(path, "expected an object of device figures");
    return undefined;
  }
  const before = { n: 0 };
  const e: Sink = (p, m) => {
    before.n++;
    err(p, m);
  };
  for (const k of Object.keys(x))
    if (!["t1", "t2", "gates", "readoutError"].includes(k))
      e(`${path}.${k}`, "unknown field (expected t1, t2, gates, readoutError)");
  for (const k of ["t1", "t2"] as const) {
    const v = x[k];
    if (v === undefined) continue;
    if (!(
      positive(v) ||
      (Array.isArray(v) && v.length > 0 && v.every(positive))
    ))
      e(
        `${path}.${k}`,
        "expected a positive time in seconds, or a list of them (one per qubit)",
      );
  }
  if (x.gates !== undefined) {
    if (!Array.isArray(x.gates)) e(`${path}.gates`, "expected a list");
    else
      x.gates.forEach((g: unknown, i) => {
        const p = `${path}.gates[${i}]`;
        if (!isObject(g))
          return e(p, "expected an object {gates, time, error}");
        if (
          !Array.isArray(g.gates) ||
          g.gates.length === 0 ||
          !g.gates.every((s) => typeof s === "string")
        )
          e(`${p}.gates`, "expected a non-empty list of gate names");
        if (
          g.time !== undefined &&
          !(
            typeof g.time === "number" &&
            g.time >= 0 &&
            Number.isFinite(g.time)
          )
        )
          e(`${p}.time`, "expected a duration in seconds (>= 0)");
        if (g.error !== undefined && !prob(g.error))
          e(`${p}.error`, "expected an average gate error in [0, 1]");
        for (const k of Object.keys(g))
          if (!["gates", "time", "error"].includes(k))
            e(`${p}.${k}`, "unknown field (expected gates, time, error)");
      });
  }
  const ro = x.readoutError;
  if (ro !== undefined) {
    const one = (v: unknown) =>
      prob(v) || (Array.isArray(v) && v.length === 2 && v.every(prob));
    if (!(prob(ro) || (Array.isArray(ro) && ro.length > 0 && ro.every(one))))
      e(
        `${path}.readoutError`,
        "expected a probability, or a list (one per qubit) of probabilities or [P(1|0), P(0|1)] pairs",
      );
  }
  return before.n === 0 ? (x as DeviceFigures) : undefined;
}

function perQubit<T>(
  v: T | readonly T[] | undefined,
  n: number,
  path: string,
  err: Sink,
): (T | undefined)[] {
  if (v === undefined) return new Array<T | undefined>(n).fill(undefined);
  if (!Array.isArray(v)) return new Array<T | undefined>(n).fill(v as T);
  if (v.length < n)
    err(
      path,
      `${v.length} value(s) for a circuit of ${n} qubits (give one per qubit, or one number for all)`,
    );
  return Array.from({ length: n }, (_, q) => v[q] as T | undefined);
}

/** Thermal relaxation for time t (T2 <= 2 T1; excited-state population 0), or undefined when t = 0. */
export function thermalRelaxation(
  t1: number,
  t2: number,
  t: number,
): Channel | undefined {
  if (t <= 0) return undefined;
  const ad = namedChannel("amplitude_damping", [1 - Math.exp(-t / t1)]);
  // The amplitude damping already decays coherences by e^{-t/(2 T1)}; phase damping adds the rest.
  const lambda = Math.min(1, Math.max(0, 1 - Math.exp(t / t1 - (2 * t) / t2)));
  const pd = namedChannel("phase_damping", [lambda]);
  if (!ad.ok || !pd.ok)
    throw new Error("invariant: relaxation parameters out of range");
  return composeChannels(ad.channel, pd.channel, "thermal_relaxation");
}

/** The depolarizing channel (Braket's parameter) that brings a channel of fidelity `relaxFid` to average error `error` on k qubits. */
function depolarizingFor(
  error: number,
  relaxFid: number,
  k: number,
): Channel | undefined {
  const d = 2 ** k;
  const relaxInfid = 1 - relaxFid;
  if (error <= relaxInfid) return undefined;
  // Qiskit's parameter lambda: rho -> (1 - lambda) rho + lambda I/d; its average infidelity composes as in Aer.
  const lambdaMax = (d * d) / (d * d - 1);
  const lambda = Math.min(
    (d * (error - relaxInfid)) / (d * relaxFid - 1),
    lambdaMax,
  );
  const p = (lambda * (d * d - 1)) / (d * d);
  const r = namedChannel(k === 1 ? "depolarizing" : "two_qubit_depolarizing", [
    Math.min(1, p),
  ]);
  return r.ok ? r.channel : undefined;
}

/** What device figures add to a circuit of n qubits: readout errors and the channels after each gate. */
export function deviceNoise(
  fig: DeviceFigures,
  n: number,
  err: Sink,
): {
  readonly readout: ReadonlyMap<number, ReadoutError>;
  after(label: string, qubits: readonly number[]): Channel[];
} {
  const t1 = perQubit(fig.t1, n, "t1", err);
  const t2 = perQubit(fig.t2, n, "t2", err);
  for (let q = 0; q < n; q++) {
    const a = t1[q],
      b = t2[q];
    if (a !== undefined && b !== undefined && b > 2 * a + 1e-18)
      err(`t2`, `qubit ${q}: T2 (${b}) cannot exceed 2 T1 (${2 * a})`);
  }
  const readout = new Map<number, ReadoutError>();
  perQubit(fig.readoutError, n, "readoutError", err).forEach((v, q) => {
    if (v === undefined) return;
    if (typeof v === "number") readout.set(q, { p1given0: v, p0given1: v });
    else readout.set(q, { p1given0: v[0], p0given1: v[1] });
  });
  const byGate = new Map<string, { time?: number; error?: number }>();
  for (const g of fig.gates ?? [])
    for (const name of g.gates) byGate.set(name, g);
  const cache = new Map<string, Channel[]>();
  return {
    readout,
    after(label, qubits) {
      const g = byGate.get(label);
      if (!g || qubits.length > 2) return [];
      const key = `${label}:${qubits.join(",")}`;
      const hit = cache.get(key);
      if (hit) return hit;
      const relax = qubits.map((q) =>
        t1[q] !== undefined && g.time !== undefined
          ? thermalRelaxation(t1[q]!, t2[q] ?? 2 * t1[q]!, g.time)
          : undefined,
      );
      const idle = namedChannel("bit_flip", [0]);
      if (!idle.ok) throw new Error("invariant");
      let relaxAll: Channel | undefined;
      if (relax.some((r) => r !== undefined))
        relaxAll =
          qubits.length === 1
            ? relax[0]
            : tensorChannels(
                relax[0] ?? idle.channel,
                relax[1] ?? idle.channel,
                "thermal_relaxation",
              );
      const fid = relaxAll ? averageGateFidelity(relaxAll) : 1;
      const depol =
        g.error !== undefined
          ? depolarizingFor(g.error, fid, qubits.length)
          : undefined;
      const out = [depol, relaxAll].filter(
        (c): c is Channel => c !== undefined,
      );
      cache.set(key, out);
      return out;
    },
  };
}
