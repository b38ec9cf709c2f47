/**
 * What a run in this browser accepts and how it talks to its worker. Kept apart from the simulator
 * (`local-run.ts`, loaded only by the worker), so the page itself never bundles it.
 */
import type { Diagnostic } from "@stepfault/quantum";
import type { JobResult, Precision } from "@stepfault/sdk";

/** Widest circuit the browser simulates: 2^20 amplitudes are 16 MiB in double precision. */
export const LOCAL_MAX_QUBITS = 20;

/** Widest circuit whose final statevector comes back (as the server's default). */
export const LOCAL_STATEVECTOR_MAX_QUBITS = 16;

/** Most memory a run may use for states (dynamic circuits keep several alive). */
export const LOCAL_MEMORY_LIMIT_BYTES = 256 * 2 ** 20;

/** A run request sent to the worker. */
export interface LocalRunRequest {
  readonly source: string;
  readonly shots: number;
  /** uint32; a random one is drawn (and reported) when absent. */
  readonly seed?: number;
  readonly precision: Precision;
  /** Leave out the program's noise channels (the ideal run shown under a noisy job). */
  readonly ideal?: boolean;
}

/** How a run in this browser ended. */
export type LocalOutcome =
  | { readonly ok: true; readonly result: JobResult }
  | {
      readonly ok: false;
      readonly error: { readonly code: string; readonly message: string };
      /** For a source that does not compile. */
      readonly diagnostics?: readonly Diagnostic[];
    };

/** What the worker posts back: progress while it runs, then one outcome. */
export type LocalRunReply =
  | { readonly type: "progress"; readonly fraction: number }
  | { readonly type: "done"; readonly outcome: LocalOutcome };

/** Why a circuit of `qubits` qubits cannot run in the browser, or null when it can. */
export function localRunRefusal(qubits: number): string | null {
  if (qubits <= LOCAL_MAX_QUBITS) return null;
  return `${qubits} qubits: run it on the server by saving it to a project (this browser runs circuits of up to ${LOCAL_MAX_QUBITS} qubits).`;
}
