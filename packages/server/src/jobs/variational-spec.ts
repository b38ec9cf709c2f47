/**
 * What a variational job runs, as stored in the job row's `spec` column at submit time and read by
 * the worker: everything is resolved then (the ansatz source, the observable text, the parameter
 * names, the initial point, the exact reference when the problem is small), so the worker only
 * evaluates.
 */
import type { OptimizerName, QaoaProblem } from "@stepfault/variational";

/** The stored request of a `vqe` or `qaoa` job. */
export interface VariationalSpec {
  readonly kind: "vqe" | "qaoa";
  /** The Pauli-sum observable (VQE: as given; QAOA: the cost Hamiltonian). */
  readonly observable: string;
  /** The ansatz's inputs, in the order of `initialPoint` and of every iteration's parameters. */
  readonly parameters: readonly string[];
  readonly initialPoint: readonly number[];
  readonly optimizer: {
    readonly name: OptimizerName;
    readonly maxIterations: number;
    readonly tolerance: number;
    readonly [setting: string]: unknown;
  };
  /** Shots per expectation value; null: exact. */
  readonly shots: number | null;
  readonly seed: number;
  /** Exact ground energy (lowest eigenvalue of the observable) when small enough, else null. */
  readonly exactEnergy: number | null;
  /** QAOA only. */
  readonly qaoa?: {
    readonly problem: QaoaProblem;
    readonly layers: number;
    /** Shots sampled at the best point for the bitstring statistics. */
    readonly sampleShots: number;
    /** The exact optimum (brute force) when nodes <= 24. */
    readonly optimum: {
      readonly cost: number;
      readonly bitstring: string;
    } | null;
  };
}
