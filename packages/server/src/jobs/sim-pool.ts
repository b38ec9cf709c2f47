/**
 * A small pool of simulation threads (worker_threads), so simulation never blocks the event loop
 * of the API. Each thread runs one task at a time; tasks wait in FIFO order for a free thread.
 * A task that asks for k threads (`SimTask.threads`: its sweeps split over k) holds k of the
 * pool's `size` slots while it runs, so the pool never runs more than `size` threads at once; the
 * first task in line waits until its slots are free (no task overtakes it, so none starves).
 */
import { Worker } from "node:worker_threads";
import { runSimTask } from "./sim-run.ts";
import type { SimReply, SimSuccess, SimTask } from "./sim-task.ts";

/** The thread's entry: compiled `sim-thread.js` beside this file, or (sources through tsx) the `.mjs`. */
const ENTRY = new URL(
  import.meta.url.endsWith(".ts") ? "./sim-thread.mjs" : "./sim-thread.js",
  import.meta.url,
);

/** A simulation outcome from a thread. */
export type SimOutcome =
  | { readonly ok: true; readonly result: SimSuccess }
  | { readonly ok: false; readonly error: { code: string; message: string } };

/** What a caller submits (the pool adds the task id and the stop flag). */
export type SimRequest = Omit<SimTask, "taskId" | "stop">;

/** Callbacks of a running task. */
export interface SimListeners {
  onProgress?(fraction: number): void;
  onLog?(message: string): void;
}

/** A submitted task: its outcome, and a way to ask it to stop. */
export interface SimHandle {
  readonly outcome: Promise<SimOutcome>;
  /** Asks the thread to stop between sweeps (the outcome becomes SIM_CANCELLED). */
  cancel(): void;
}

interface Pending {
  readonly task: SimTask;
  readonly listeners: SimListeners;
  readonly resolve: (o: SimOutcome) => void;
}

interface Slot {
  worker: Worker;
  current: Pending | undefined;
}

/** Creates a pool of `size` simulation threads (started lazily). */
export function createSimPool(size: number) {
  const slots: Slot[] = [];
  const waiting: Pending[] = [];
  let nextId = 1;
  let closed = false;

  function spawn(): Slot {
    const slot: Slot = { worker: new Worker(ENTRY), current: undefined };
    slot.worker.on("message", (msg: SimReply) => {
      const p = slot.current;
      if (!p || p.task.taskId !== msg.taskId) return;
      if (msg.kind === "progress") p.listeners.onProgress?.(msg.fraction);
      else if (msg.kind === "log") p.listeners.onLog?.(msg.message);
      else {
        slot.current = undefined;
        p.resolve(msg.ok ? { ok: true, result: msg.result } : msg);
        dispatch();
      }
    });
    const onDeath = (err: unknown) => {
      const p = slot.current;
      slot.current = undefined;
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      p?.resolve({
        ok: false,
        error: {
          code: "SIM_THREAD_DIED",
          message: `the simulation thread stopped: ${err instanceof Error ? err.message : String(err)}`,
        },
      });
      if (!closed) dispatch();
    };
    slot.worker.on("error", onDeath);
    slot.worker.on("exit", (code) => {
      if (slots.includes(slot)) onDeath(new Error(`exit code ${code}`));
    });
    slots.push(slot);
    return slot;
  }

  /** Slots held by the running tasks. */
  function held(): number {
    let n = 0;
    for (const s of slots) if (s.current) n += weight(s.current.task);
    return n;
  }

  function dispatch(): void {
    while (waiting.length > 0) {
      if (held() + weight(waiting[0].task) > size) return;
      let slot = slots.find((s) => s.current === undefined);
      if (!slot && slots.length < size) slot = spawn();
      if (!slot) return;
      const p = waiting.shift();
      if (!p) return;
      slot.current = p;
      slot.worker.postMessage(p.task);
    }
  }

  /** Slots a task holds: its threads (`run` clamps them to [1, size]). */
  const weight = (task: SimTask): number => task.threads ?? 1;

  return {
    /** The pool's size: threads it runs at once, and the most one task may use. */
    size,
    /** Queues a simulation; progress and log lines arrive through `listeners`. */
    run(request: SimRequest, listeners: SimListeners = {}): SimHandle {
      const stop = new SharedArrayBuffer(4);
      const task: SimTask = {
        ...request,
        threads: Math.min(size, Math.max(1, request.threads ?? 1)),
        taskId: nextId++,
        stop,
      };
      const outcome = new Promise<SimOutcome>((resolve) => {
        if (closed) {
          resolve({
            ok: false,
            error: {
              code: "SIM_POOL_CLOSED",
              message: "the worker is stopping",
            },
          });
          return;
        }
        waiting.push({ task, listeners, resolve });
      });
      dispatch();
      return {
        outcome,
        cancel: () => {
          Atomics.store(new Int32Array(stop), 0, 1);
          const i = waiting.findIndex((p) => p.task === task);
          if (i >= 0) {
            const [p] = waiting.splice(i, 1);
            p.resolve({
              ok: false,
              error: {
                code: "SIM_CANCELLED",
                message: "the simulation was cancelled",
              },
            });
          }
        },
      };
    },

    /**
     * Runs a tiny simulation on the calling thread at once (see `runsInline`): no thread hop and
     * no wait behind long simulations. It blocks the event loop for its duration, so only jobs
     * that take well under a few milliseconds belong here.
     */
    runInline(request: SimRequest, listeners: SimListeners = {}): SimHandle {
      const stop = new SharedArrayBuffer(4);
      let outcome: SimOutcome | undefined;
      // On the event loop: one thread, synchronously.
      void runSimTask(
        { ...request, threads: 1, taskId: nextId++, stop },
        (msg) => {
          if (msg.kind === "progress") listeners.onProgress?.(msg.fraction);
          else if (msg.kind === "log") listeners.onLog?.(msg.message);
          else outcome = msg.ok ? { ok: true, result: msg.result } : msg;
        },
      );
      return {
        outcome: Promise.resolve(
          outcome ?? {
            ok: false,
            error: { code: "SIM_INTERNAL", message: "no outcome" },
          },
        ),
        cancel: () => undefined,
      };
    },

    /** Stops every thread (running tasks end with SIM_POOL_CLOSED). */
    async close(): Promise<void> {
      closed = true;
      const all = slots.splice(0);
      for (const p of waiting.splice(0))
        p.resolve({
          ok: false,
          error: { code: "SIM_POOL_CLOSED", message: "the worker is stopping" },
        });
      await Promise.all(
        all.map(async (s) => {
          const p = s.current;
          s.current = undefined;
          await s.worker.terminate();
          p?.resolve({
            ok: false,
            error: {
              code: "SIM_POOL_CLOSED",
              message: "the worker is stopping",
            },
          });
        }),
      );
    },
  };
}

/** A simulation thread pool. */
export type SimPool = ReturnType<typeof createSimPool>;
