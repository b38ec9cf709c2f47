/**
 * One run in this browser: compiles the source and simulates it with @stepfault/quantum (the same
 * compiler and simulator as the server's workers), refusing circuits wider than the browser
 * allows before anything is allocated. The result has the shape of a server job's result, so the
 * same views show it. Runs inside the run worker; tests call it directly.
 */
import { isDynamic, simulate, stateBytes } from "@stepfault/quantum";
import type { JobResult } from "@stepfault/sdk";
import { compileSource } from "../qasm/quantum-api.ts";
import {
  LOCAL_MEMORY_LIMIT_BYTES,
  LOCAL_STATEVECTOR_MAX_QUBITS,
  localRunRefusal,
  type LocalOutcome,
  type LocalRunRequest,
} from "./local-limits.ts";

/** Compiles and simulates `request`; `onProgress` gets the fraction of steps applied. */
export function runLocally(
  request: LocalRunRequest,
  onProgress?: (fraction: number) => void,
): LocalOutcome {
  const t0 = performance.now();
  const compiled = compileSource(request.source, { forRun: true });
  const compileMs = performance.now() - t0;
  if (!compiled.ok) {
    const d = compiled.diagnostics.find((x) => x.severity === "error");
    return {
      ok: false,
      error: {
        code: "CIRCUIT_INVALID",
        message: d
          ? `${d.span.line}:${d.span.col}: ${d.message}`
          : "the circuit does not compile",
      },
      diagnostics: compiled.diagnostics,
    };
  }
  const circuit = request.ideal
    ? {
        ...compiled.circuit,
        ops: compiled.circuit.ops.filter((op) => op.kind !== "noise"),
      }
    : compiled.circuit;
  const refusal = localRunRefusal(circuit.numQubits);
  if (refusal)
    return { ok: false, error: { code: "CIRCUIT_TOO_WIDE", message: refusal } };
  const out = simulate(circuit, {
    shots: request.shots,
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    precision: request.precision,
    // A noisy circuit's state is a density matrix: no statevector to show.
    statevector:
      circuit.numQubits <= LOCAL_STATEVECTOR_MAX_QUBITS &&
      !isDynamic(circuit) &&
      !circuit.ops.some((op) => op.kind === "noise"),
    memoryLimitBytes: LOCAL_MEMORY_LIMIT_BYTES,
    ...(onProgress ? { onProgress } : {}),
  });
  if (!out.ok)
    return {
      ok: false,
      error: { code: out.error.code, message: out.error.message },
    };
  const r = out.result;
  const probabilities: Record<string, number> = {};
  for (const [k, n] of Object.entries(r.counts)) probabilities[k] = n / r.shots;
  let statevector: [number, number][] | undefined;
  if (r.statevector) {
    statevector = [];
    for (let i = 0; i < r.statevector.length; i += 2)
      statevector.push([r.statevector[i], r.statevector[i + 1]]);
  }
  const result: JobResult = {
    counts: r.counts,
    probabilities,
    shots: r.shots,
    seed: r.seed,
    qubits: r.qubits,
    clbits: r.clbits,
    method: r.method,
    sweeps: r.sweeps,
    peakMemoryBytes:
      (r.peakStates ?? 1) * stateBytes(r.qubits, request.precision),
    timing: { queueWaitMs: 0, compileMs, simulateMs: r.timeMs },
    ...(statevector ? { statevector } : {}),
  };
  return { ok: true, result };
}
