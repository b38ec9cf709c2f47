/** Messages between the job runner and its simulation threads. */

/** A simulation request sent to a thread. */
export interface SimTask {
  readonly taskId: number;
  readonly source: string;
  readonly inputs: Readonly<Record<string, number | boolean>> | undefined;
  readonly shots: number;
  readonly seed: number;
  readonly precision: "double" | "single";
  /** Also return the final statevector (static circuits up to the configured width). */
  readonly statevectorMaxQubits: number;
  readonly memoryLimitBytes: number;
  /** Int32Array over a SharedArrayBuffer: non-zero asks the thread to stop. */
  readonly stop: SharedArrayBuffer;
}

/** What a thread computed for a task. */
export interface SimSuccess {
  readonly counts: Record<string, number>;
  readonly seed: number;
  readonly qubits: number;
  readonly clbits: number;
  readonly method: "statevector" | "trajectories" | "density_matrix";
  readonly sweeps: number;
  readonly compileMs: number;
  readonly simulateMs: number;
  readonly peakMemoryBytes: number;
  readonly statevector?: Float64Array;
  readonly circuitJson: unknown;
}

/** Messages a thread posts back. */
export type SimReply =
  | {
      readonly kind: "progress";
      readonly taskId: number;
      readonly fraction: number;
    }
  | { readonly kind: "log"; readonly taskId: number; readonly message: string }
  | {
      readonly kind: "done";
      readonly taskId: number;
      readonly ok: true;
      readonly result: SimSuccess;
    }
  | {
      readonly kind: "done";
      readonly taskId: number;
      readonly ok: false;
      readonly error: { readonly code: string; readonly message: string };
    };
