/**
 * A pool worker: waits on the shared control block and sweeps its slice of each instruction. Runs
 * the same kernels as the main thread (loaded from the same TypeScript sources).
 */
import {
  receiveMessageOnPort,
  workerData,
  type MessagePort,
} from "node:worker_threads";
import type { KernelInstr } from "../sim/instructions.ts";
import { outerSize } from "../sim/instructions.ts";
import { applyInstr, makeScratch } from "../sim/execute.ts";
import type { Amplitudes } from "../sim/kernels/one-qubit.ts";
import { blockSumSquares, normBlocks } from "../sim/measure.ts";
import { COLLECT_MIN_BYTES, collectGarbage } from "./collect.ts";
import { releaseSimdKernels } from "../sim/wasm/simd.ts";
import {
  type BackStage,
  runStageChunks,
  stageChunks,
} from "../sim/adjoint-steps.ts";
import {
  CMD,
  CMD_EXIT,
  CMD_LOAD,
  CMD_NORM,
  CMD_RESET,
  CMD_STAGE,
  CMD_SWEEP,
  DONE,
  FAILED,
  GEN,
  INSTR,
  QUBITS,
  STATE,
  THREADS,
  claimGrains,
  grainOf,
} from "./protocol.ts";

interface StageLoad {
  readonly type: "stage";
  readonly id: number;
  readonly stage: BackStage;
  /** phi, then the lams (state ids). */
  readonly states: readonly number[];
  readonly out: SharedArrayBuffer;
}

type Load =
  | { readonly type: "instr"; readonly id: number; readonly instr: KernelInstr }
  | StageLoad
  | {
      readonly type: "state";
      readonly id: number;
      readonly buffer: SharedArrayBuffer;
      readonly single: boolean;
    };

const { control, partials, port } = workerData as {
  control: SharedArrayBuffer;
  partials: SharedArrayBuffer;
  port: MessagePort;
  rank: number;
};
const ctl = new Int32Array(control);
const blockSums = new Float64Array(partials);
const scratch = makeScratch();
let instrs = new Map<number, KernelInstr>();
let states = new Map<number, Amplitudes>();
const stages = new Map<number, StageLoad>();
let gen = Atomics.load(ctl, GEN);
let collectAfter = false;
port.postMessage("ready");

/** Reads one queued instruction or state; false when none is queued. */
function receiveOne(): boolean {
  const msg = receiveMessageOnPort(port);
  if (!msg) return false;
  const m = msg.message as Load;
  if (m.type === "instr") instrs.set(m.id, m.instr);
  else if (m.type === "stage") stages.set(m.id, m);
  // The view is made here: a posted typed array carries its byte length as 32 bits, so a view of
  // more than 4 GiB (29 qubits in double precision) would arrive empty.
  else if (m.type === "state")
    states.set(
      m.id,
      m.single ? new Float32Array(m.buffer) : new Float64Array(m.buffer),
    );
  return true;
}

for (;;) {
  Atomics.wait(ctl, GEN, gen);
  const g = Atomics.load(ctl, GEN);
  if (g === gen) continue;
  gen = g;
  const cmd = Atomics.load(ctl, CMD);
  if (cmd === CMD_EXIT) break;
  try {
    runCommand(cmd);
    // Unmap a dropped large state now (outside runCommand, whose frame still holds a view): this
    // isolate would otherwise keep it until its next GC, which an idle worker never runs.
    if (collectAfter) collectGarbage();
    collectAfter = false;
  } catch (e) {
    // Still counted as done below, so the main thread is never left waiting for a dead worker.
    port.postMessage({
      type: "error",
      message: e instanceof Error ? e.message : String(e),
    });
    Atomics.add(ctl, FAILED, 1);
  }
  Atomics.add(ctl, DONE, 1);
  Atomics.notify(ctl, DONE);
}
port.close();

function runCommand(cmd: number): void {
  if (cmd === CMD_LOAD) receiveOne();
  else if (cmd === CMD_RESET) {
    let bytes = 0;
    for (const a of states.values()) bytes += a.byteLength;
    instrs = new Map();
    states = new Map();
    stages.clear();
    // The backward stages' chunk buffers grow this thread's SIMD memory with the observables.
    const dropped = releaseSimdKernels(COLLECT_MIN_BYTES);
    collectAfter = dropped || bytes >= COLLECT_MIN_BYTES;
  } else if (cmd === CMD_NORM) {
    const a = states.get(Atomics.load(ctl, STATE))!;
    const blocks = normBlocks(a);
    claimGrains(
      ctl,
      blocks,
      grainOf(blocks, Atomics.load(ctl, THREADS)),
      (begin, end) => blockSumSquares(a, begin, end, blockSums),
    );
  } else if (cmd === CMD_STAGE) {
    const id = Atomics.load(ctl, INSTR);
    while (!stages.has(id)) if (!receiveOne()) break;
    const m = stages.get(id)!;
    stages.delete(id);
    const [phi, ...lams] = m.states.map((sid) => states.get(sid)!);
    const out = new Float64Array(m.out);
    claimGrains(ctl, stageChunks(m.stage), 1, (begin, end) =>
      runStageChunks(m.stage, begin, end, phi, lams, out, scratch),
    );
  } else if (cmd === CMD_SWEEP) {
    const id = Atomics.load(ctl, INSTR);
    // Instructions are posted without a command of their own (they are queued in order).
    while (!instrs.has(id)) if (!receiveOne()) break;
    const instr = instrs.get(id)!;
    const a = states.get(Atomics.load(ctl, STATE))!;
    const outer = outerSize(instr, Atomics.load(ctl, QUBITS));
    claimGrains(
      ctl,
      outer,
      grainOf(outer, Atomics.load(ctl, THREADS), instr.kind === "block"),
      (begin, end) => applyInstr(a, instr, begin, end, scratch),
    );
  }
}
