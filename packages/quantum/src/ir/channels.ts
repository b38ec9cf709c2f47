/**
 * Noise channels as data: a name, its parameters and its Kraus operators (2^k x 2^k interleaved
 * complex matrices on k = 1 or 2 qubits, the channel's first qubit the least-significant bit of the
 * matrix index). Every constructor validates its input and checks that the Kraus set is completely
 * positive and trace preserving (CP holds by construction; TP means sum_k K_k^dagger K_k = I).
 *
 * Definitions follow Amazon Braket: `depolarizing(p)` is (1-p) rho + p/3 (X rho X + Y rho Y + Z rho Z),
 * `two_qubit_depolarizing(p)` is (1-p) rho + p/15 (sum over the 15 non-identity Pauli pairs),
 * `two_qubit_dephasing(p)` is (1-p) rho + p/3 (IZ rho IZ + ZI rho ZI + ZZ rho ZZ),
 * `generalized_amplitude_damping(gamma, p)` relaxes towards |0> with probability p and towards |1>
 * with probability 1 - p.
 */
import { dagger, identity, kron, matMul } from "../math/matrix.ts";

/** A completely positive, trace-preserving map on 1 or 2 qubits, as Kraus operators. */
export interface Channel {
  /** One of CHANNEL_NAMES, or "kraus" / a descriptive name for general Kraus sets. */
  readonly name: string;
  /** The parameters the channel was built from (empty for "kraus"). */
  readonly params: readonly number[];
  /** Number of qubits the channel acts on (1 or 2). */
  readonly numQubits: number;
  /** Kraus operators, each 2^k x 2^k interleaved complex, row-major. */
  readonly kraus: readonly Float64Array[];
  /**
   * Set when every Kraus operator is sqrt(w_k) times a unitary (a mixed-unitary channel): w_k is
   * then the state-independent probability of branch k (trajectories draw it without a state pass).
   */
  readonly weights?: readonly number[];
}

/** Outcome of building a channel: the channel, or why it is invalid. */
export type ChannelResult =
  | { readonly ok: true; readonly channel: Channel }
  | { readonly ok: false; readonly message: string };

/** Named channels: their qubit count and parameter names (in call order). */
export const CHANNEL_NAMES: Readonly<
  Record<
    string,
    { readonly qubits: number; readonly params: readonly string[] }
  >
> = {
  bit_flip: { qubits: 1, params: ["p"] },
  phase_flip: { qubits: 1, params: ["p"] },
  depolarizing: { qubits: 1, params: ["p"] },
  pauli_channel: { qubits: 1, params: ["px", "py", "pz"] },
  amplitude_damping: { qubits: 1, params: ["gamma"] },
  generalized_amplitude_damping: { qubits: 1, params: ["gamma", "p"] },
  phase_damping: { qubits: 1, params: ["gamma"] },
  two_qubit_depolarizing: { qubits: 2, params: ["p"] },
  two_qubit_dephasing: { qubits: 2, params: ["p"] },
};

/** Largest deviation of sum_k K^dagger K from the identity accepted as trace preserving. */
export const CPTP_TOLERANCE = 1e-6;

const I = Float64Array.of(1, 0, 0, 0, 0, 0, 1, 0);
const X = Float64Array.of(0, 0, 1, 0, 1, 0, 0, 0);
const Y = Float64Array.of(0, 0, 0, -1, 0, 1, 0, 0);
const Z = Float64Array.of(1, 0, 0, 0, 0, 0, -1, 0);
/** The one-qubit Paulis I, X, Y, Z as 2x2 interleaved matrices. */
export const PAULIS: readonly Float64Array[] = [I, X, Y, Z];

function scaled(m: Float64Array, s: number): Float64Array {
  return m.map((x) => x * s);
}

function real2(a: number, b: number, c: number, d: number): Float64Array {
  return Float64Array.of(a, 0, b, 0, c, 0, d, 0);
}

/** A mixed-unitary channel from (weight, unitary) pairs; zero weights are dropped. */
function mixture(
  name: string,
  params: readonly number[],
  numQubits: number,
  terms: readonly (readonly [number, Float64Array])[],
): Channel {
  const kept = terms.filter(([w]) => w > 0);
  if (kept.length === 0) kept.push([1, identity(1 << numQubits)]);
  return {
    name,
    params,
    numQubits,
    kraus: kept.map(([w, u]) => scaled(u, Math.sqrt(w))),
    weights: kept.map(([w]) => w),
  };
}

function probability(
  name: string,
  label: string,
  x: number,
): string | undefined {
  if (!Number.isFinite(x)) return `${name}: ${label} must be a finite number`;
  if (x < 0 || x > 1) return `${name}: ${label} must be in [0, 1], got ${x}`;
  return undefined;
}

/** Builds a named channel from its parameters (see CHANNEL_NAMES), validated. */
export function namedChannel(
  name: string,
  params: readonly number[],
): ChannelResult {
  const spec = CHANNEL_NAMES[name];
  if (!spec)
    return {
      ok: false,
      message: `unknown noise channel "${name}" (known: ${[...Object.keys(CHANNEL_NAMES), "kraus"].join(", ")})`,
    };
  if (params.length !== spec.params.length)
    return {
      ok: false,
      message: `${name} takes ${spec.params.length} parameter${spec.params.length === 1 ? "" : "s"} (${spec.params.join(", ")}), got ${params.length}`,
    };
  for (let i = 0; i < params.length; i++) {
    const bad = probability(name, spec.params[i], params[i]);
    if (bad) return { ok: false, message: bad };
  }
  const [a, b, c] = params;
  let ch: Channel;
  switch (name) {
    case "bit_flip":
      ch = mixture(name, params, 1, [
        [1 - a, I],
        [a, X],
      ]);
      break;
    case "phase_flip":
      ch = mixture(name, params, 1, [
        [1 - a, I],
        [a, Z],
      ]);
      break;
    case "depolarizing":
      ch = mixture(name, params, 1, [
        [1 - a, I],
        [a / 3, X],
        [a / 3, Y],
        [a / 3, Z],
      ]);
      break;
    case "pauli_channel":
      if (a + b + c > 1 + 1e-12)
        return {
          ok: false,
          message: `pauli_channel: px + py + pz must be at most 1, got ${a + b + c}`,
        };
      ch = mixture(name, params, 1, [
        [Math.max(0, 1 - a - b - c), I],
        [a, X],
        [b, Y],
        [c, Z],
      ]);
      break;
    case "amplitude_damping":
      ch = {
        name,
        params,
        numQubits: 1,
        kraus: [real2(1, 0, 0, Math.sqrt(1 - a)), real2(0, Math.sqrt(a), 0, 0)],
      };
      break;
    case "generalized_amplitude_damping": {
      const s = Math.sqrt(b),
        t = Math.sqrt(1 - b);
      ch = {
        name,
        params,
        numQubits: 1,
        kraus: [
          real2(s, 0, 0, s * Math.sqrt(1 - a)),
          real2(0, s * Math.sqrt(a), 0, 0),
          real2(t * Math.sqrt(1 - a), 0, 0, t),
          real2(0, 0, t * Math.sqrt(a), 0),
        ],
      };
      break;
    }
    case "phase_damping":
      ch = {
        name,
        params,
        numQubits: 1,
        kraus: [real2(1, 0, 0, Math.sqrt(1 - a)), real2(0, 0, 0, Math.sqrt(a))],
      };
      break;
    case "two_qubit_depolarizing": {
      const terms: [number, Float64Array][] = [];
      for (let hi = 0; hi < 4; hi++)
        for (let lo = 0; lo < 4; lo++)
          terms.push([
            hi === 0 && lo === 0 ? 1 - a : a / 15,
            kron(PAULIS[hi], PAULIS[lo]),
          ]);
      ch = mixture(name, params, 2, terms);
      break;
    }
    default: {
      // two_qubit_dephasing
      ch = mixture(name, params, 2, [
        [1 - a, kron(I, I)],
        [a / 3, kron(I, Z)],
        [a / 3, kron(Z, I)],
        [a / 3, kron(Z, Z)],
      ]);
    }
  }
  const bad = checkTracePreserving(ch.kraus);
  if (bad) return { ok: false, message: `${name}: ${bad}` };
  return { ok: true, channel: ch };
}

/** The largest entry distance of sum_k K_k^dagger K_k from the identity. */
export function tracePreservingError(kraus: readonly Float64Array[]): number {
  const d = Math.round(Math.sqrt(kraus[0].length / 2));
  const sum = new Float64Array(2 * d * d);
  for (const k of kraus) {
    const p = matMul(dagger(k), k);
    for (let i = 0; i < sum.length; i++) sum[i] += p[i];
  }
  const id = identity(d);
  let err = 0;
  for (let i = 0; i < sum.length; i += 2)
    err = Math.max(err, Math.hypot(sum[i] - id[i], sum[i + 1] - id[i + 1]));
  return err;
}

function checkTracePreserving(
  kraus: readonly Float64Array[],
): string | undefined {
  const err = tracePreservingError(kraus);
  if (!(err <= CPTP_TOLERANCE))
    return `the Kraus operators are not trace preserving (sum of K^dagger K differs from the identity by ${err.toPrecision(3)})`;
  return undefined;
}

/**
 * Weights w_k when every K_k^dagger K_k is w_k times the identity (K_k = sqrt(w_k) U_k), else
 * undefined: such branches have state-independent probabilities.
 */
function mixedUnitaryWeights(
  kraus: readonly Float64Array[],
): number[] | undefined {
  const d = Math.round(Math.sqrt(kraus[0].length / 2));
  const out: number[] = [];
  for (const k of kraus) {
    const p = matMul(dagger(k), k);
    const w = p[0];
    for (let r = 0; r < d; r++)
      for (let c = 0; c < d; c++) {
        const want = r === c ? w : 0;
        if (
          Math.abs(p[2 * (r * d + c)] - want) > 1e-12 ||
          Math.abs(p[2 * (r * d + c) + 1]) > 1e-12
        )
          return undefined;
      }
    out.push(w);
  }
  return out;
}

/**
 * A general channel from Kraus operators on 1 or 2 qubits (each 2x2 or 4x4, interleaved), checked
 * for shape, finiteness and trace preservation.
 */
export function krausChannel(
  kraus: readonly Float64Array[],
  name = "kraus",
): ChannelResult {
  if (kraus.length === 0)
    return { ok: false, message: "kraus: at least one matrix is needed" };
  const len = kraus[0].length;
  const numQubits = len === 8 ? 1 : len === 32 ? 2 : 0;
  if (numQubits === 0)
    return {
      ok: false,
      message: "kraus: matrices must be 2x2 (one qubit) or 4x4 (two qubits)",
    };
  for (const [i, k] of kraus.entries()) {
    if (k.length !== len)
      return {
        ok: false,
        message: `kraus: matrix ${i + 1} has a different size from the first`,
      };
    if (k.some((x) => !Number.isFinite(x)))
      return {
        ok: false,
        message: `kraus: matrix ${i + 1} has a non-finite entry`,
      };
  }
  const bad = checkTracePreserving(kraus);
  if (bad) return { ok: false, message: `kraus: ${bad}` };
  const weights = mixedUnitaryWeights(kraus);
  return {
    ok: true,
    channel: {
      name,
      params: [],
      numQubits,
      kraus,
      ...(weights ? { weights } : {}),
    },
  };
}

/** The channel `second` applied after `first` on the same qubits (Kraus products, zeros dropped). */
export function composeChannels(
  first: Channel,
  second: Channel,
  name = "kraus",
): Channel {
  if (first.numQubits !== second.numQubits)
    throw new Error("invariant: composing channels of different widths");
  const kraus: Float64Array[] = [];
  for (const b of second.kraus)
    for (const a of first.kraus) {
      const m = matMul(b, a);
      if (m.some((x) => Math.abs(x) > 1e-15)) kraus.push(m);
    }
  const weights = mixedUnitaryWeights(kraus);
  return {
    name,
    params: [],
    numQubits: first.numQubits,
    kraus,
    ...(weights ? { weights } : {}),
  };
}

/** The two-qubit channel a (x) b: a on the channel's first qubit (LSB), b on its second. */
export function tensorChannels(
  a: Channel,
  b: Channel,
  name = "kraus",
): Channel {
  if (a.numQubits !== 1 || b.numQubits !== 1)
    throw new Error("invariant: tensorChannels takes one-qubit channels");
  const kraus: Float64Array[] = [];
  for (const kb of b.kraus) for (const ka of a.kraus) kraus.push(kron(kb, ka));
  const weights = mixedUnitaryWeights(kraus);
  return {
    name,
    params: [],
    numQubits: 2,
    kraus,
    ...(weights ? { weights } : {}),
  };
}

/**
 * The superoperator S = sum_k conj(K_k) (x) K_k of a channel, acting on vec(rho) with the row index
 * in the low bits and the column index in the high bits: rho -> sum_k K rho K^dagger.
 */
export function superoperator(ch: Channel): Float64Array {
  let s: Float64Array | undefined;
  for (const k of ch.kraus) {
    const conj = k.map((x, i) => (i & 1 ? -x : x));
    const t = kron(conj, k);
    if (!s) s = t;
    else for (let i = 0; i < s.length; i++) s[i] += t[i];
  }
  return s!;
}

/**
 * Average gate fidelity of a channel relative to the identity: (sum_k |Tr K_k|^2 + d) / (d (d + 1)).
 */
export function averageGateFidelity(ch: Channel): number {
  const d = 1 << ch.numQubits;
  let s = 0;
  for (const k of ch.kraus) {
    let re = 0,
      im = 0;
    for (let i = 0; i < d; i++) {
      re += k[2 * (i * d + i)];
      im += k[2 * (i * d + i) + 1];
    }
    s += re * re + im * im;
  }
  return (s + d) / (d * (d + 1));
}

/** True when the channel is one Kraus operator equal to the identity (it does nothing). */
export function isIdentityChannel(ch: Channel): boolean {
  if (ch.kraus.length !== 1) return false;
  const k = ch.kraus[0];
  const d = 1 << ch.numQubits;
  for (let r = 0; r < d; r++)
    for (let c = 0; c < d; c++)
      if (
        k[2 * (r * d + c)] !== (r === c ? 1 : 0) ||
        k[2 * (r * d + c) + 1] !== 0
      )
        return false;
  return true;
}
