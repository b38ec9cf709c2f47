/** Prometheus metrics of the job pipeline: jobs by state, queue depth, queue wait and run time. */
import { Gauge, Histogram, type Registry } from "prom-client";

const BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Observers the worker calls when a job finishes. */
export interface JobMetrics {
  observeQueueWait(seconds: number): void;
  observeRunTime(seconds: number, status: string): void;
}

/** Registers the job metrics on `registry`; gauges are read from the database at scrape time. */
export function registerJobMetrics(
  registry: Registry,
  sources: {
    countByStatus(): Promise<Record<string, number>>;
    queueDepth(): Promise<number>;
  },
): JobMetrics {
  new Gauge({
    name: "stepfault_jobs",
    help: "Jobs by state",
    labelNames: ["state"] as const,
    registers: [registry],
    async collect() {
      const counts = await sources.countByStatus().catch(() => ({}));
      for (const s of ["queued", "running", "succeeded", "failed", "cancelled"])
        this.set({ state: s }, (counts as Record<string, number>)[s] ?? 0);
    },
  });
  new Gauge({
    name: "stepfault_job_queue_depth",
    help: "Messages waiting in the simulate queue",
    registers: [registry],
    async collect() {
      this.set(await sources.queueDepth().catch(() => 0));
    },
  });
  const wait = new Histogram({
    name: "stepfault_job_queue_wait_seconds",
    help: "Time from submission to start, for jobs run by this process",
    buckets: BUCKETS,
    registers: [registry],
  });
  const run = new Histogram({
    name: "stepfault_job_run_seconds",
    help: "Time from start to finish, by final state, for jobs run by this process",
    labelNames: ["status"] as const,
    buckets: BUCKETS,
    registers: [registry],
  });
  return {
    observeQueueWait: (s) => wait.observe(s),
    observeRunTime: (s, status) => run.observe({ status }, s),
  };
}
