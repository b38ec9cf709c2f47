import { describe, expect, it } from "vitest";
import {
  CHANNEL_NAMES,
  type Channel,
  krausChannel,
  namedChannel,
  superoperator,
  tracePreservingError,
} from "../../src/ir/channels.ts";
import type { Circuit, Operation } from "../../src/ir/types.ts";
import {
  hermitianEigenvectors,
  matMul,
  dagger,
} from "../../src/math/matrix.ts";
import { Rng } from "../../src/math/rng.ts";
import {
  densityCircuit,
  densityDiagonal,
  densityMatrixOf,
  runDensity,
} from "../../src/sim/density.ts";
import { singleThreadEngine } from "../../src/sim/engine.ts";
import { simulate } from "../../src/sim/simulate.ts";
import { seededRng } from "../helpers/dense.ts";
import {
  denseDensityMatrix,
  randomKraus,
  randomNoisyCircuit,
} from "../helpers/dense-noise.ts";
import { circuit, measure, std } from "./build.ts";

function channel(name: string, ...params: number[]): Channel {
  const r = namedChannel(name, params);
  if (!r.ok) throw new Error(r.message);
  return r.channel;
}

function noise(ch: Channel, ...qubits: number[]): Operation {
  return { kind: "noise", channel: ch, qubits };
}

function run(
  c: Circuit,
  fusion = true,
  precision: "double" | "single" = "double",
) {
  return runDensity(
    c,
    {
      engine: singleThreadEngine(),
      precision,
      rng: new Rng(1),
    },
    { fusion, blocking: fusion ? { chunkQubits: 4, highQubits: 2 } : false },
  );
}

/** The largest entrywise |a_i - b_i| (real and imaginary parts alike). */
function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Outcome probabilities (basis index -> P) from the density-matrix simulator. */
function probs(c: Circuit): Float64Array {
  return densityDiagonal(run(c), c.numQubits);
}

describe("channels", () => {
  it.each(Object.keys(CHANNEL_NAMES))(
    "%s is trace preserving for parameters across [0, 1]",
    (name) => {
      for (const x of [0, 0.1, 0.5, 0.9, 1]) {
        const params = CHANNEL_NAMES[name].params.map(() =>
          name === "pauli_channel" ? x / 3 : x,
        );
        const r = namedChannel(name, params);
        expect(r.ok).toBe(true);
        if (r.ok)
          expect(tracePreservingError(r.channel.kraus)).toBeLessThan(1e-14);
      }
    },
  );

  it("refuses probabilities outside [0, 1], wrong arity and unknown names", () => {
    expect(namedChannel("depolarizing", [1.2])).toEqual({
      ok: false,
      message: "depolarizing: p must be in [0, 1], got 1.2",
    });
    expect(namedChannel("amplitude_damping", [-0.1]).ok).toBe(false);
    expect(namedChannel("bit_flip", [NaN]).ok).toBe(false);
    expect(namedChannel("pauli_channel", [0.5, 0.4, 0.3])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/at most 1/),
    });
    expect(namedChannel("bit_flip", [0.1, 0.2])).toMatchObject({
      ok: false,
      message: "bit_flip takes 1 parameter (p), got 2",
    });
    expect(namedChannel("teleport", [0.1])).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^unknown noise channel "teleport"/),
    });
  });

  it("refuses Kraus sets that are not trace preserving or badly shaped", () => {
    const notTp = krausChannel([Float64Array.of(1, 0, 0, 0, 0, 0, 0.5, 0)]);
    expect(notTp).toMatchObject({
      ok: false,
      message: expect.stringMatching(/not trace preserving/),
    });
    expect(krausChannel([new Float64Array(18)]).ok).toBe(false);
    expect(krausChannel([new Float64Array(8), new Float64Array(32)]).ok).toBe(
      false,
    );
    expect(krausChannel([]).ok).toBe(false);
  });

  it("accepts Braket's rounded Kraus example and sees mixed-unitary channels", () => {
    const r = krausChannel([
      Float64Array.of(1, 0, 0, 0, 0, 0, 0.9, 0),
      Float64Array.of(0, 0, 0.43589, 0, 0, 0, 0, 0),
    ]);
    expect(r.ok).toBe(true);
    const w = channel("depolarizing", 0.3).weights!;
    [0.7, 0.1, 0.1, 0.1].forEach((x, i) => expect(w[i]).toBeCloseTo(x, 15));
    expect(channel("amplitude_damping", 0.3).weights).toBeUndefined();
  });

  it("builds the superoperator sum_k conj(K) (x) K", () => {
    // phase_flip(p) multiplies the coherences by 1 - 2p and keeps populations.
    const s = superoperator(channel("phase_flip", 0.2));
    const diag = [0, 1, 2, 3].map((i) => s[2 * (i * 4 + i)]);
    expect(diag[0]).toBeCloseTo(1, 15);
    expect(diag[1]).toBeCloseTo(0.6, 15);
    expect(diag[2]).toBeCloseTo(0.6, 15);
    expect(diag[3]).toBeCloseTo(1, 15);
  });
});

describe("density-matrix simulator", () => {
  it("x then amplitude_damping(g) gives P(1) = 1 - g", () => {
    const p = probs(
      circuit(1, [
        ...std("x", [0]),
        noise(channel("amplitude_damping", 0.3), 0),
      ]),
    );
    expect(p[1]).toBeCloseTo(0.7, 14);
    expect(p[0]).toBeCloseTo(0.3, 14);
  });

  it("depolarizing(p) on |0> gives P(1) = 2p/3", () => {
    const p = probs(circuit(1, [noise(channel("depolarizing", 0.12), 0)]));
    expect(p[1]).toBeCloseTo(0.08, 14);
  });

  it("h, phase_damping(g), h gives P(0) = (1 + sqrt(1 - g)) / 2", () => {
    const g = 0.36;
    const p = probs(
      circuit(1, [
        ...std("h", [0]),
        noise(channel("phase_damping", g), 0),
        ...std("h", [0]),
      ]),
    );
    expect(p[0]).toBeCloseTo((1 + Math.sqrt(1 - g)) / 2, 14);
  });

  it("a Bell pair then two_qubit_depolarizing(p) gives P(01) + P(10) = 8p/15", () => {
    const pr = 0.09;
    const p = probs(
      circuit(2, [
        ...std("h", [0]),
        ...std("cx", [0, 1]),
        noise(channel("two_qubit_depolarizing", pr), 0, 1),
      ]),
    );
    expect(p[1] + p[2]).toBeCloseTo((8 * pr) / 15, 14);
  });

  it("generalized_amplitude_damping relaxes towards its thermal state", () => {
    // From |1>: P(0) = g p, the p share of the decay goes to |0>.
    const p = probs(
      circuit(1, [
        ...std("x", [0]),
        noise(channel("generalized_amplitude_damping", 0.4, 0.75), 0),
      ]),
    );
    expect(p[0]).toBeCloseTo(0.4 * 0.75, 14);
  });

  it("resets a qubit inside the circuit", () => {
    const p = probs(
      circuit(2, [
        ...std("x", [0]),
        ...std("x", [1]),
        { kind: "reset", qubit: 1 },
      ]),
    );
    expect(p[1]).toBeCloseTo(1, 14);
  });

  it("matches the dense Kraus-sum reference on random noisy circuits up to 6 qubits (single precision to 1e-5)", () => {
    const rng = seededRng(20261205);
    for (let t = 0; t < 12; t++) {
      const n = 1 + (t % 6);
      const c = randomNoisyCircuit(n, 6 + 3 * n, rng, false);
      const want = denseDensityMatrix(c);
      for (const fusion of [true, false]) {
        const r = run(c, fusion);
        const rho = densityMatrixOf(r, n);
        const dim = 1 << n;
        expect(
          maxError(rho, want),
          `circuit ${t} (n = ${n}, fusion ${fusion})`,
        ).toBeLessThan(1e-10);
        const p = densityDiagonal(r, n);
        for (let i = 0; i < dim; i++)
          expect(Math.abs(p[i] - want[2 * i * (dim + 1)])).toBeLessThan(1e-10);
        checkDensityMatrix(rho, dim);
      }
      const single = densityMatrixOf(run(c, true, "single"), n);
      expect(maxError(single, want), `circuit ${t} single`).toBeLessThan(1e-5);
    }
  });

  it("matches the dense reference for channels with complex, asymmetric blocks", () => {
    const e = (a: number) => [Math.cos(a), Math.sin(a)];
    const ch = krausChannel([
      Float64Array.of(
        Math.sqrt(0.7),
        0,
        0,
        0,
        0,
        0,
        ...e(0.3).map((x) => x * Math.sqrt(0.7)),
      ),
      Float64Array.of(
        Math.sqrt(0.3),
        0,
        0,
        0,
        0,
        0,
        ...e(0.3 + Math.PI).map((x) => x * Math.sqrt(0.3)),
      ),
    ]);
    if (!ch.ok) throw new Error(ch.message);
    const c = circuit(2, [
      ...std("h", [0]),
      ...std("rx", [1], [0.4]),
      noise(ch.channel, 0),
      noise(channel("amplitude_damping", 0.2), 1),
      ...std("cx", [0, 1]),
      ...std("ry", [0], [0.9]),
      noise(ch.channel, 1),
    ]);
    const want = denseDensityMatrix(c);
    for (const precision of ["double", "single"] as const) {
      const rho = densityMatrixOf(run(c, true, precision), 2);
      expect(maxError(rho, want), precision).toBeLessThan(
        precision === "double" ? 1e-12 : 1e-6,
      );
    }
  });

  it("writes named channels as one-target ops and diagonals (no dense superoperator)", () => {
    const ops = [
      noise(channel("depolarizing", 0.1), 0),
      noise(channel("amplitude_damping", 0.3), 1),
      noise(channel("pauli_channel", 0.1, 0.2, 0.05), 1),
      noise(channel("two_qubit_depolarizing", 0.1), 0, 1),
      noise(channel("two_qubit_dephasing", 0.1), 1, 0),
      { kind: "reset" as const, qubit: 1 },
    ];
    const dc = densityCircuit(circuit(2, ops));
    for (const op of dc.ops) {
      if (op.kind !== "gate") throw new Error(`unexpected ${op.kind}`);
      const k = 1 << op.qubits.length;
      const offDiagonal = (op.matrix ?? []).some(
        (x, i) => x !== 0 && (i >> 1) % (k + 1) !== 0,
      );
      expect(op.qubits.length === 1 || !offDiagonal).toBe(true);
    }
    const general = krausChannel(randomKraus(1, 2, seededRng(3)));
    if (!general.ok) throw new Error(general.message);
    const dense = densityCircuit(circuit(1, [noise(general.channel, 0)]));
    expect(dense.ops).toMatchObject([{ name: "unitary", qubits: [0, 1] }]);
  });

  it("refuses more than 14 qubits in double precision before allocating, with the memory needed", () => {
    const r = simulate(circuit(15, [noise(channel("depolarizing", 0.1), 0)]), {
      method: "density_matrix",
    });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: "SIM_TOO_LARGE",
        message: expect.stringMatching(
          /needs 16\.0 GiB in double precision.*at most 14/,
        ),
      },
    });
    const s = simulate(circuit(16, [noise(channel("depolarizing", 0.1), 0)]), {
      method: "density_matrix",
      precision: "single",
    });
    expect(s).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/needs 32\.0 GiB.*at most 15/) },
    });
  });

  it("simulate runs noisy circuits as a density matrix by default and says so", () => {
    const c = circuit(
      2,
      [
        ...std("x", [0]),
        noise(channel("bit_flip", 0.25), 0),
        measure(0, 0),
        measure(1, 1),
      ],
      [2],
    );
    const r = simulate(c, { shots: 4000, seed: 3 });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.result.method).toBe("density_matrix");
    expect(r.result.counts["00"] + r.result.counts["01"]).toBe(4000);
    expect(r.result.counts["00"] / 4000).toBeCloseTo(0.25, 1);
  });

  it("applies readout errors with the matrix's probabilities", () => {
    // Qubit 0 prepared |1>: read 0 with P(0|1) = 0.2; qubit 1 prepared |0>: read 1 with P(1|0) = 0.1.
    const c = circuit(2, [...std("x", [0]), measure(0, 0), measure(1, 1)], [2]);
    const shots = 20000;
    const r = simulate(c, {
      shots,
      seed: 11,
      readout: new Map([
        [0, { p1given0: 0.05, p0given1: 0.2 }],
        [1, { p1given0: 0.1, p0given1: 0 }],
      ]),
    });
    if (!r.ok) throw new Error(r.error.message);
    const f = (k: string) => (r.result.counts[k] ?? 0) / shots;
    // Independent flips: P(q1 reads 1) = 0.1, P(q0 reads 1) = 0.8.
    expect(f("01")).toBeCloseTo(0.9 * 0.8, 1);
    expect(f("11")).toBeCloseTo(0.1 * 0.8, 1);
    expect(f("00")).toBeCloseTo(0.9 * 0.2, 1);
    expect(f("10")).toBeCloseTo(0.1 * 0.2, 1);
  });
});

/** Trace 1, Hermitian and positive semidefinite (eigenvalues >= -1e-10). */
function checkDensityMatrix(rho: Float64Array, dim: number): void {
  let tr = 0;
  for (let i = 0; i < dim; i++) tr += rho[2 * i * (dim + 1)];
  expect(Math.abs(tr - 1)).toBeLessThan(1e-10);
  const h = dagger(rho);
  for (let i = 0; i < rho.length; i++)
    expect(Math.abs(h[i] - rho[i])).toBeLessThan(1e-12);
  const v = hermitianEigenvectors(rho);
  const d = matMul(matMul(dagger(v), rho), v);
  for (let i = 0; i < dim; i++)
    expect(d[2 * i * (dim + 1)]).toBeGreaterThan(-1e-10);
}
