/** Messages between the job runner and its simulation threads. */

/** A simulation request sent to a thread. */
export interface SimTask {
  readonly taskId: number;
  readonly source: string;
  readonly inputs: Readonly<Record<string, number | boolean>> | undefined;
  /** "sample" (counts) or "estimate"; absent: "sample". */
  readonly kind?: "sample" | "estimate";
  /** Sweep, observables and gradient of the job (null or absent: a plain sampling run). */
  readonly primitive?: TaskPrimitive | null;
  /** Simulation method asked for (absent: "auto"). */
  readonly method?: "auto" | "statevector" | "density_matrix" | "trajectories";
  /** A noise-model document (checked when the job was submitted); null or absent: none. */
  readonly noise?: unknown;
  /** Shots (for an exact estimate 0). */
  readonly shots: number;
  readonly seed: number;
  readonly precision: "double" | "single";
  /** Also return the final statevector (static circuits up to the configured width). */
  readonly statevectorMaxQubits: number;
  readonly memoryLimitBytes: number;
  /** Threads sharing each sweep (the pool reserves as many of its slots); absent: 1. */
  readonly threads?: number;
  /** Int32Array over a SharedArrayBuffer: non-zero asks the thread to stop. */
  readonly stop: SharedArrayBuffer;
}

/** A job's primitive options as the task carries them. */
export interface TaskPrimitive {
  readonly sweep?: Readonly<Record<string, readonly number[]>>;
  readonly observables?: readonly string[];
  readonly gradient?: boolean;
}

/** An estimate's outcome (the fields of `stepfault estimate --json`). */
export interface EstimateSuccess {
  readonly observables: readonly string[];
  readonly parameters: readonly string[];
  readonly points: number;
  readonly expectations: number[][];
  readonly stddev: number[][] | null;
  readonly gradients: number[][][] | null;
  readonly shots: number | null;
  readonly seed: number | null;
  readonly method: string;
  readonly timeMs: number;
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
  /** Threads that shared each sweep (absent: 1). */
  readonly threads?: number;
  readonly statevector?: Float64Array;
  readonly circuitJson: unknown;
  /** A sampling sweep: the counts of every point (`counts` is point 0's). */
  readonly sweep?: {
    readonly parameters: readonly string[];
    readonly counts: Record<string, number>[];
  };
  /** An estimate job's values. */
  readonly estimate?: EstimateSuccess;
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
