/**
 * The JSON form of a noise channel, shared by the circuit JSON form and noise-model files:
 * `{ "name": "depolarizing", "params": [0.01] }` or `{ "name": "kraus", "matrices": [M1, M2, ...] }`
 * where each matrix is a list of rows and each entry a number or an `[re, im]` pair (as Braket
 * writes them). Kraus matrices act with the channel's first qubit as the least-significant bit.
 */
import {
  CHANNEL_NAMES,
  type Channel,
  krausChannel,
  namedChannel,
} from "./channels.ts";
import type { JsonValue } from "./json.ts";

/** Receives one problem found in a JSON document (`path` like `rules[2].channel.params[0]`). */
export type JsonErrorSink = (path: string, message: string) => void;

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  return typeof x === "string" ? `"${x}"` : typeof x;
}

/** A Kraus matrix as JSON rows of [re, im] pairs (real entries as plain numbers). */
export function matrixToJson(m: Float64Array): JsonValue {
  const d = Math.round(Math.sqrt(m.length / 2));
  const rows: JsonValue[] = [];
  for (let r = 0; r < d; r++) {
    const row: JsonValue[] = [];
    for (let c = 0; c < d; c++) {
      const re = m[2 * (r * d + c)],
        im = m[2 * (r * d + c) + 1];
      row.push(im === 0 ? re : [re, im]);
    }
    rows.push(row);
  }
  return rows;
}

/** The JSON form of a channel. */
export function channelToJson(ch: Channel): { [key: string]: JsonValue } {
  if (ch.name in CHANNEL_NAMES)
    return { name: ch.name, params: [...ch.params] };
  return { name: "kraus", matrices: ch.kraus.map(matrixToJson) };
}

/** Reads a matrix given as rows of numbers or [re, im] pairs; undefined (with errors reported) when malformed. */
export function readMatrix(
  x: unknown,
  path: string,
  err: JsonErrorSink,
): Float64Array | undefined {
  if (!Array.isArray(x) || x.length === 0) {
    err(path, `expected a matrix (a list of rows), got ${describe(x)}`);
    return undefined;
  }
  const d = x.length;
  const out = new Float64Array(2 * d * d);
  let ok = true;
  x.forEach((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== d) {
      err(`${path}[${r}]`, `expected a row of ${d} entries (a square matrix)`);
      ok = false;
      return;
    }
    row.forEach((v: unknown, c) => {
      const p = `${path}[${r}][${c}]`;
      const k = 2 * (r * d + c);
      if (typeof v === "number" && Number.isFinite(v)) out[k] = v;
      else if (
        Array.isArray(v) &&
        v.length === 2 &&
        v.every((t) => typeof t === "number" && Number.isFinite(t))
      ) {
        out[k] = v[0] as number;
        out[k + 1] = v[1] as number;
      } else {
        err(p, `expected a number or an [re, im] pair, got ${describe(v)}`);
        ok = false;
      }
    });
  });
  return ok ? out : undefined;
}

/** Reads (and validates) a channel's JSON form; undefined with errors reported when invalid. */
export function readChannel(
  x: unknown,
  path: string,
  err: JsonErrorSink,
): Channel | undefined {
  if (typeof x !== "object" || x === null || Array.isArray(x)) {
    err(path, `expected a channel object, got ${describe(x)}`);
    return undefined;
  }
  const o = x as Record<string, unknown>;
  if (typeof o.name !== "string") {
    err(`${path}.name`, `expected a channel name, got ${describe(o.name)}`);
    return undefined;
  }
  if (o.name === "kraus") {
    if (!Array.isArray(o.matrices) || o.matrices.length === 0) {
      err(`${path}.matrices`, "expected a non-empty list of Kraus matrices");
      return undefined;
    }
    const mats: Float64Array[] = [];
    o.matrices.forEach((m: unknown, i) => {
      const r = readMatrix(m, `${path}.matrices[${i}]`, err);
      if (r) mats.push(r);
    });
    if (mats.length !== o.matrices.length) return undefined;
    const r = krausChannel(mats);
    if (!r.ok) {
      err(`${path}.matrices`, r.message);
      return undefined;
    }
    return r.channel;
  }
  const params = o.params ?? [];
  if (
    !Array.isArray(params) ||
    !params.every((p) => typeof p === "number" && Number.isFinite(p))
  ) {
    err(`${path}.params`, "expected a list of numbers");
    return undefined;
  }
  const r = namedChannel(o.name, params as number[]);
  if (!r.ok) {
    err(o.name in CHANNEL_NAMES ? `${path}.params` : `${path}.name`, r.message);
    return undefined;
  }
  return r.channel;
}
