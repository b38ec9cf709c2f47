/**
 * Exact expectation values under noise: each point's circuit runs as a density matrix
 * (density.ts) and every Pauli term is read off rho as Tr(P rho) in one pass over its diagonal band
 * (P|c> = i^ny (-1)^{|c & z|} |c ^ x>, so Tr(P rho) = i^ny sum_c (-1)^{|c & z|} rho[c][c ^ x]).
 */
import { type ParametricCircuit, bindParameters } from "../ir/parametric.ts";
import { Rng } from "../math/rng.ts";
import { DM_MAX_QUBITS, type DensityRun, runDensity } from "./density.ts";
import type { SimEngine } from "./engine.ts";
import type { EstimateOptions, EstimateOutcome } from "./estimate.ts";
import { densityBytes } from "./noisy.ts";
import type { Observable } from "./observable.ts";
import { defaultBlocking } from "./simulate.ts";

function parity(x: number): number {
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/** Tr(O rho) for each observable, from a density-matrix run of n qubits. */
export function densityExpectations(
  run: DensityRun,
  n: number,
  observables: readonly Observable[],
): number[] {
  const dim = 2 ** n;
  const a = run.state;
  const cph = Math.cos(run.phase),
    sph = Math.sin(run.phase);
  return observables.map((o) => {
    let total = 0;
    for (const t of o.terms) {
      if (t.coef === 0) continue;
      let sr = 0,
        si = 0;
      for (let c = 0; c < dim; c++) {
        // rho[c][c ^ x] sits at index c + (c ^ x) dim (row bits low, column bits high).
        const k = 2 * (c + ((c ^ t.x) >>> 0) * dim);
        if (parity(c & t.z)) {
          sr -= a[k];
          si -= a[k + 1];
        } else {
          sr += a[k];
          si += a[k + 1];
        }
      }
      // times e^{i phase} (factored out by fusion), then i^ny; the real part is the value.
      const pr = cph * sr - sph * si,
        pi = cph * si + sph * sr;
      const ny = t.ny & 3;
      const re = ny === 0 ? pr : ny === 1 ? -pi : ny === 2 ? -pr : pi;
      total += t.coef * re;
    }
    return total;
  });
}

/** `estimate` for a program with noise channels: exact expectations from the density matrix. */
export function estimateDensity(
  program: ParametricCircuit,
  observables: readonly Observable[],
  points: readonly Float64Array[],
  options: EstimateOptions,
  engine: SimEngine,
  t0: number,
): EstimateOutcome {
  const fail = (code: string, message: string): EstimateOutcome => ({
    ok: false,
    error: { code, message },
  });
  if (options.gradient)
    return fail(
      "SIM_GRADIENT_UNSUPPORTED",
      "gradients of noisy programs are not supported (leave gradient out for exact noisy expectation values)",
    );
  if (options.shots !== undefined && options.shots !== null)
    return fail(
      "SIM_BAD_OPTION",
      "noisy expectation values are computed exactly from the density matrix: leave shots out",
    );
  const n = program.circuit.numQubits;
  const precision = options.precision ?? "double";
  const need = densityBytes(n, precision);
  if (
    n > DM_MAX_QUBITS[precision] ||
    (options.memoryLimitBytes !== undefined && need > options.memoryLimitBytes)
  )
    return fail(
      "SIM_TOO_LARGE",
      `noisy expectation values need the density matrix: ${(need / 2 ** 30).toFixed(1)} GiB for ${n} qubits in ${precision} precision (at most ${DM_MAX_QUBITS[precision]} qubits)`,
    );
  const expectations: number[][] = [];
  const ctx = {
    engine,
    precision,
    rng: new Rng(1),
    shouldStop: options.shouldStop,
  };
  points.forEach((x, p) => {
    const run = runDensity(bindParameters(program, x), ctx, {
      fusion: true,
      blocking: defaultBlocking(2 * n, precision, engine.threads ?? 1),
    });
    expectations.push(densityExpectations(run, n, observables));
    options.onProgress?.((p + 1) / points.length);
  });
  return {
    ok: true,
    result: {
      parameters: program.parameters,
      points: points.length,
      expectations,
      stddev: null,
      gradients: null,
      shots: null,
      seed: null,
      method: "density_matrix",
      timeMs: performance.now() - t0,
    },
  };
}
