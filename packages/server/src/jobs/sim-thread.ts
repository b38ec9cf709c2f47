/**
 * A simulation thread: runs each task it is sent with `runSimTask` and posts the replies back.
 * After a task that grew this thread's WebAssembly kernel memory past 64 MiB (a large estimate's
 * states), the kernels are dropped and collected, so the next jobs do not hold that peak.
 */
import { parentPort } from "node:worker_threads";
import { releaseKernelMemory } from "@stepfault/quantum/threads";
import { runSimTask } from "./sim-run.ts";
import type { SimReply, SimTask } from "./sim-task.ts";

parentPort?.on("message", (task: SimTask) => {
  const running = runSimTask(
    task,
    (msg: SimReply, transfer: ArrayBuffer[] = []) =>
      parentPort?.postMessage(msg, transfer),
  );
  if (running instanceof Promise)
    void running.finally(() => releaseKernelMemory());
  else releaseKernelMemory();
});
