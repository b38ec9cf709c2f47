/**
 * The pool's shared control block: an Int32Array over a SharedArrayBuffer. The main thread writes
 * a command, bumps GEN and notifies; each worker runs it and bumps DONE. Every command is waited
 * for before the next one is issued, so no worker can miss one.
 */

/** Index of the command generation counter. */
export const GEN = 0;
/** Index of the completion counter (cumulative across commands). */
export const DONE = 1;
/** Index of the command code. */
export const CMD = 2;
/** Index of the instruction id for SWEEP (the stage id for STAGE). */
export const INSTR = 3;
/** Index of the state id for SWEEP. */
export const STATE = 4;
/** Index of the number of qubits for SWEEP. */
export const QUBITS = 5;
/** Index of the number of participating threads (main + workers). */
export const THREADS = 6;
/** Index of the next unclaimed outer index of the current sweep (participants claim grains from it). */
export const NEXT = 7;
/** Index of the count of workers whose last command threw (each posts the message on its port). */
export const FAILED = 8;
/** Length of the control block in int32s. */
export const CONTROL_LENGTH = 9;

/** Command: read one message (an instruction or a state) with receiveMessageOnPort. */
export const CMD_LOAD = 1;
/** Command: apply instruction INSTR to state STATE over this worker's slice. */
export const CMD_SWEEP = 2;
/** Command: forget all instructions and states (end of a run). */
export const CMD_RESET = 3;
/** Command: leave the loop and exit. */
export const CMD_EXIT = 4;
/** Command: write the sums of squares of state STATE's norm blocks (claimed like grains) to the shared partials. */
export const CMD_NORM = 5;
/** Command: run the chunks (claimed one at a time) of backward stage INSTR of the adjoint gradient. */
export const CMD_STAGE = 6;

/** The half-open slice [begin, end) of `outer` that participant `rank` of `threads` sweeps. */
export function sliceOf(
  outer: number,
  rank: number,
  threads: number,
): [number, number] {
  return [
    Math.floor((outer * rank) / threads),
    Math.floor((outer * (rank + 1)) / threads),
  ];
}

/**
 * Outer indices claimed at a time: about 16 grains per participant, so a thread that gets less CPU
 * does less. A cache-blocked stage's outer index is a whole chunk (2^16 or more amplitudes): one at
 * a time, so a thread descheduled in the middle of its grain holds the others up as little as possible.
 */
export function grainOf(outer: number, threads: number, stage = false): number {
  return stage ? 1 : Math.max(1, Math.ceil(outer / (16 * threads)));
}

/**
 * Sweeps grains of [0, outer) claimed from ctl[NEXT] until none are left (every participant runs
 * this; the main thread resets NEXT before each sweep).
 */
export function claimGrains(
  ctl: Int32Array,
  outer: number,
  grain: number,
  run: (begin: number, end: number) => void,
): void {
  for (;;) {
    const begin = Atomics.add(ctl, NEXT, grain);
    if (begin >= outer) return;
    run(begin, Math.min(outer, begin + grain));
  }
}
