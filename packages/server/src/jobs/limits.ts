/** Limits and worker settings of the job pipeline, with their defaults. */

/** Server limits and per-user quotas checked before a job is queued, plus worker tuning. */
export interface JobSettings {
  /** Widest circuit the server runs. */
  readonly maxQubits: number;
  /** Largest state (bytes) a job may allocate. */
  readonly memoryLimitBytes: number;
  /** Most shots per job (the API also caps at 1,000,000). */
  readonly maxShots: number;
  /** Most points of a sweep. */
  readonly maxSweepPoints: number;
  /** Largest estimate: points x observable terms (all observables' terms together). */
  readonly maxEstimateTerms: number;
  /** Queued plus running jobs one user may have. */
  readonly maxConcurrentJobsPerUser: number;
  /** Circuits up to this width also return the final statevector. */
  readonly statevectorMaxQubits: number;
  /** Simulation threads per worker process (also the number of jobs it runs at once). */
  readonly threads: number;
  /**
   * Crash-recovery delay: a job whose worker sent no heartbeat for this many seconds runs again
   * (jobs/recovery.ts). Not a run-time limit.
   */
  readonly expireInSeconds: number;
  /** Idle polling interval of the queue (at least 0.5 s). */
  readonly pollingIntervalSeconds: number;
  /**
   * Redeliveries of a queue message whose handler failed or whose worker stopped (pg-boss
   * `retryLimit`). When pg-boss gives up on a message of a job that is still queued, the job is
   * sent again (up to `maxAttempts` rounds) and then failed (`QUEUE_RETRIES_EXHAUSTED`): see
   * jobs/dead-letter.ts.
   */
  readonly retryLimit: number;
  /**
   * Attempts at running a job: a job whose worker (or simulation thread) stopped this many times
   * is failed with `WORKER_LOST` instead of being run again (a poison job: out of memory, a native
   * crash). See jobs/recovery.ts.
   */
  readonly maxAttempts: number;
  /** Most optimiser iterations a variational (`vqe`, `qaoa`) job may ask for. */
  readonly maxIterations: number;
  /** Results whose counts, probabilities and statevector take more JSON bytes go to the file store. */
  readonly resultInlineMaxBytes: number;
  /** Run a worker inside the API process (`stepfault serve`). */
  readonly runWorker: boolean;
}

/** The defaults: 28 qubits, 4 GiB, 1M shots, 16 concurrent jobs, statevector up to 16 qubits. */
export const DEFAULT_JOB_SETTINGS: JobSettings = {
  maxQubits: 28,
  memoryLimitBytes: 4 * 2 ** 30,
  maxShots: 1_000_000,
  maxSweepPoints: 10_000,
  maxEstimateTerms: 2_000_000,
  maxConcurrentJobsPerUser: 16,
  statevectorMaxQubits: 16,
  threads: 1,
  expireInSeconds: 60,
  pollingIntervalSeconds: 0.5,
  retryLimit: 5,
  maxAttempts: 3,
  maxIterations: 10_000,
  resultInlineMaxBytes: 64 * 1024,
  runWorker: true,
};
