/**
 * A persistent pool of worker_threads sharing statevectors through SharedArrayBuffer. The main
 * thread takes part in every sweep (slice 0) and waits on Atomics for the workers' slices, so a
 * sweep is synchronous and the simulator's single-threaded control flow is reused unchanged.
 */
import {
  MessageChannel,
  Worker,
  receiveMessageOnPort,
  type MessagePort,
} from "node:worker_threads";
import type { SimEngine } from "../sim/engine.ts";
import { type KernelInstr, outerSize } from "../sim/instructions.ts";
import { applyInstr, makeScratch } from "../sim/execute.ts";
import type { Amplitudes } from "../sim/kernels/one-qubit.ts";
import {
  NORM_BLOCK_AMPS,
  blockSumSquares,
  normBlocks,
} from "../sim/measure.ts";
import { MAX_SIM_QUBITS } from "../sim/simulate.ts";
import { COLLECT_MIN_BYTES, collectGarbage } from "./collect.ts";
import { runStageChunks, stageChunks } from "../sim/adjoint-steps.ts";
import {
  CMD,
  CMD_EXIT,
  CMD_LOAD,
  CMD_NORM,
  CMD_RESET,
  CMD_STAGE,
  CMD_SWEEP,
  CONTROL_LENGTH,
  DONE,
  FAILED,
  GEN,
  INSTR,
  NEXT,
  QUBITS,
  STATE,
  THREADS,
  claimGrains,
  grainOf,
} from "./protocol.ts";

/** The thread's entry: compiled `worker.js` beside this file, or (sources through tsx) `worker.mjs`. */
const WORKER_ENTRY = new URL(
  import.meta.url.endsWith(".ts") ? "./worker.mjs" : "./worker.js",
  import.meta.url,
);

/** A pool of `threads - 1` workers plus the calling thread. */
export class ThreadPool {
  private readonly ctl = new Int32Array(
    new SharedArrayBuffer(4 * CONTROL_LENGTH),
  );
  private readonly workers: Worker[] = [];
  private readonly ports: MessagePort[] = [];
  private readonly scratch = makeScratch();
  /** Per-norm-block sums of squares, written by every thread (1 MiB at 31 qubits). */
  private readonly partials = new Float64Array(
    new SharedArrayBuffer(8 * Math.ceil(2 ** MAX_SIM_QUBITS / NORM_BLOCK_AMPS)),
  );
  private expectedDone = 0;
  private instrIds = new Map<KernelInstr, number>();
  private stateIds = new Map<Amplitudes, number>();
  /** Backward stages posted so far (their ids). */
  private stageCount = 0;
  private closed = false;

  /** Starts `threads - 1` workers (threads >= 2); resolves once they are running. */
  static async start(threads: number): Promise<ThreadPool> {
    const pool = new ThreadPool(threads);
    // Each worker reads the control block, then says "ready": no command can be issued before that.
    await Promise.all(
      pool.workers.map(
        (w, i) =>
          new Promise<void>((resolve, reject) => {
            pool.ports[i].once("message", () => resolve());
            w.once("error", reject);
          }),
      ),
    );
    for (const w of pool.workers) w.unref();
    for (const p of pool.ports) p.unref();
    return pool;
  }

  private constructor(readonly threads: number) {
    Atomics.store(this.ctl, THREADS, threads);
    for (let rank = 1; rank < threads; rank++) {
      const { port1, port2 } = new MessageChannel();
      const w = new Worker(WORKER_ENTRY, {
        workerData: {
          control: this.ctl.buffer,
          partials: this.partials.buffer,
          port: port2,
          rank,
        },
        transferList: [port2],
      });
      this.workers.push(w);
      this.ports.push(port1);
    }
  }

  /** Issues a command to every worker and waits until all have done it (slice 0 runs in between). */
  private command(cmd: number, mainWork?: () => void): void {
    Atomics.store(this.ctl, CMD, cmd);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    let mainError: unknown;
    try {
      mainWork?.();
    } catch (e) {
      mainError = e; // rethrown once the workers are done, so the next command starts clean
    }
    this.expectedDone += this.workers.length;
    for (;;) {
      const v = Atomics.load(this.ctl, DONE);
      if (v >= this.expectedDone) break;
      Atomics.wait(this.ctl, DONE, v, 1000);
    }
    if (Atomics.load(this.ctl, FAILED) > 0) {
      Atomics.store(this.ctl, FAILED, 0);
      const messages: string[] = [];
      for (const p of this.ports)
        for (let m = receiveMessageOnPort(p); m; m = receiveMessageOnPort(p))
          if ((m.message as { type?: string }).type === "error")
            messages.push((m.message as { message: string }).message);
      throw new Error(`a pool worker failed: ${messages.join("; ")}`);
    }
    if (mainError !== undefined) throw mainError;
  }

  private load(message: object): void {
    for (const p of this.ports) p.postMessage(message);
    this.command(CMD_LOAD); // every worker reads the one message queued on its own port
  }

  /** The engine that runs sweeps on this pool (states live in shared memory). */
  engine(): SimEngine {
    return {
      threads: this.threads,
      allocate: (n, precision) => {
        const len = 2 * 2 ** n;
        const bytes = len * (precision === "single" ? 4 : 8);
        const sab = new SharedArrayBuffer(bytes);
        this.stateBytes += bytes;
        const a =
          precision === "single"
            ? new Float32Array(sab)
            : new Float64Array(sab);
        const id = this.stateIds.size;
        this.stateIds.set(a, id);
        this.load({
          type: "state",
          id,
          buffer: sab,
          single: precision === "single",
        });
        return a;
      },
      // The sampler's full read of the state, split like a sweep rather than left to this thread alone.
      sumSquares: (a) => {
        const sid = this.stateIds.get(a);
        if (sid === undefined)
          throw new Error("invariant: state not allocated by this pool");
        const blocks = normBlocks(a);
        Atomics.store(this.ctl, STATE, sid);
        Atomics.store(this.ctl, NEXT, 0);
        this.command(CMD_NORM, () => {
          claimGrains(
            this.ctl,
            blocks,
            grainOf(blocks, this.threads),
            (begin, end) => blockSumSquares(a, begin, end, this.partials),
          );
        });
        let total = 0;
        for (let b = 0; b < blocks; b++) total += this.partials[b];
        return total;
      },
      // The adjoint gradient's backward stages: chunks claimed one at a time by every thread,
      // each chunk's sums written to its own place, so the result does not depend on who ran it.
      backwardStage: (stage, phi, lams) => {
        const ids = [phi, ...lams].map((a) => {
          const sid = this.stateIds.get(a);
          if (sid === undefined)
            throw new Error("invariant: state not allocated by this pool");
          return sid;
        });
        const chunks = stageChunks(stage);
        const out = new Float64Array(
          new SharedArrayBuffer(8 * Math.max(1, chunks * stage.accLen)),
        );
        const id = this.stageCount++;
        for (const p of this.ports)
          p.postMessage({
            type: "stage",
            id,
            stage,
            states: ids,
            out: out.buffer,
          });
        Atomics.store(this.ctl, INSTR, id);
        Atomics.store(this.ctl, NEXT, 0);
        this.command(CMD_STAGE, () => {
          claimGrains(this.ctl, chunks, 1, (begin, end) =>
            runStageChunks(stage, begin, end, phi, lams, out, this.scratch),
          );
        });
        return out;
      },
      sweep: (a, instr, n) => {
        let id = this.instrIds.get(instr);
        if (id === undefined) {
          id = this.instrIds.size;
          this.instrIds.set(instr, id);
          // No round trip of its own: a worker that does not know the id reads its port first.
          for (const p of this.ports)
            p.postMessage({ type: "instr", id, instr });
        }
        const sid = this.stateIds.get(a);
        if (sid === undefined)
          throw new Error("invariant: state not allocated by this pool");
        Atomics.store(this.ctl, INSTR, id);
        Atomics.store(this.ctl, STATE, sid);
        Atomics.store(this.ctl, QUBITS, n);
        Atomics.store(this.ctl, NEXT, 0);
        const outer = outerSize(instr, n);
        this.command(CMD_SWEEP, () => {
          claimGrains(
            this.ctl,
            outer,
            grainOf(outer, this.threads, instr.kind === "block"),
            (begin, end) => applyInstr(a, instr, begin, end, this.scratch),
          );
        });
      },
    };
  }

  /**
   * Forgets the run's instructions and states and, when they were large, unmaps them before
   * returning: every thread drops its views and collects (see collect.ts), so a back-to-back run
   * of the same size finds the memory free.
   */
  reset(): void {
    if (this.closed) return;
    this.instrIds = new Map();
    this.stateIds = new Map();
    this.command(CMD_RESET);
    if (this.stateBytes >= COLLECT_MIN_BYTES) collectGarbage();
    this.stateBytes = 0;
  }

  /** Bytes of the states allocated since the last reset. */
  private stateBytes = 0;

  /** Stops the workers. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.workers) w.ref();
    Atomics.store(this.ctl, CMD, CMD_EXIT);
    Atomics.add(this.ctl, GEN, 1);
    Atomics.notify(this.ctl, GEN);
    await Promise.all(
      this.workers.map(
        (w) => new Promise<void>((resolve) => w.once("exit", () => resolve())),
      ),
    );
    for (const p of this.ports) p.close();
  }
}
