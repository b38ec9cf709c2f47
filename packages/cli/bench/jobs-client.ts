/**
 * The client side of `npm run bench:jobs`, in its own thread so the server's event loop (API,
 * worker and, on PGlite, the database) is measured alone: signs up, submits `jobs` jobs,
 * `concurrency` at a time, follows each over SSE to its `succeeded` event, and probes /healthz
 * every 50 ms meanwhile. Posts the figures back to the parent.
 */
import { performance } from "node:perf_hooks";
import { parentPort, workerData } from "node:worker_threads";
import { createClient } from "@stepfault/sdk";

/** What the parent sends. */
export interface LoadRequest {
  readonly base: string;
  readonly jobs: number;
  readonly concurrency: number;
  readonly source: string;
}

/** What the thread posts back (`kind: "ready"` after the warm-up, then `kind: "done"`). */
export type LoadReply =
  | { readonly kind: "ready" }
  | {
      readonly kind: "done";
      readonly wallSeconds: number;
      readonly latencies: number[];
      readonly health: number[];
      readonly failed: number;
    };

async function run(req: LoadRequest): Promise<void> {
  const client = createClient({ baseUrl: req.base });
  const email = `bench-${Date.now()}@example.test`;
  await client.auth.register({ email, password: "correct horse battery" });
  client.setToken(
    (await client.auth.login({ email, password: "correct horse battery" }))
      .accessToken,
  );
  const projectId = (await client.projects.create("bench")).id;
  // Warm up the server's code paths.
  for (let i = 0; i < 20; i++)
    await client.waitForJob(
      (await client.submitJob(projectId, { source: req.source, shots: 1000 }))
        .id,
    );
  parentPort?.postMessage({ kind: "ready" } satisfies LoadReply);

  const latencies: number[] = [];
  const health: number[] = [];
  let failed = 0;
  let next = 0;
  let done = false;
  const probe = (async () => {
    while (!done) {
      const t = performance.now();
      await fetch(`${req.base}/healthz`);
      health.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: req.concurrency }, async () => {
      while (next < req.jobs) {
        next++;
        const t = performance.now();
        const job = await client.submitJob(projectId, {
          source: req.source,
          shots: 1000,
        });
        let at: number | undefined;
        const end = await client.waitForJob(job.id, {
          onEvent: (e) => {
            const status =
              e.event === "state" || e.event === "status"
                ? e.data.status
                : undefined;
            if (status === "succeeded") at ??= performance.now();
          },
        });
        if (end.status !== "succeeded") failed++;
        latencies.push((at ?? performance.now()) - t);
      }
    }),
  );
  const wallSeconds = (performance.now() - t0) / 1000;
  done = true;
  await probe;
  parentPort?.postMessage({
    kind: "done",
    wallSeconds,
    latencies,
    health,
    failed,
  } satisfies LoadReply);
}

if (parentPort) await run(workerData as LoadRequest);
