/** A simulation thread: runs each task it is sent with `runSimTask` and posts the replies back. */
import { parentPort } from "node:worker_threads";
import { runSimTask } from "./sim-run.ts";
import type { SimReply, SimTask } from "./sim-task.ts";

parentPort?.on("message", (task: SimTask) => {
  runSimTask(task, (msg: SimReply, transfer: ArrayBuffer[] = []) =>
    parentPort?.postMessage(msg, transfer),
  );
});
