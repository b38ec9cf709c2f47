/**
 * The compiled program between the IR and the kernels: circuit ops lowered to a flat list of steps
 * (kernel instructions with precomputed matrices and masks, measurements, resets), fused where
 * allowed. Also decides whether a circuit is static (all measurements terminal: simulate once and
 * sample) or dynamic (exact per-shot trajectories).
 */
import type { Circuit, GateOp, OpaqueOp } from "../ir/types.ts";
import { gateMatrix } from "../ir/gates.ts";
import { Fuser } from "./fusion.ts";
import { type BlockingOptions, blockSteps } from "./blocking.ts";
import type { Step } from "./instructions.ts";
import { lowerControlled } from "./lower.ts";

/** Options of `compileProgram`. */
export interface ProgramOptions {
  /** Merge neighbouring gates (default true). */
  readonly fusion?: boolean;
  /**
   * Largest dense fused block, in qubits (default 1: with cache blocking the sweeps are cheap and
   * the structured one-gate kernels do far less arithmetic than a fused 4x4).
   */
  readonly maxDense?: number;
  /** Cache blocking of unitary runs (default: on with fusion, chunks of 2^14 amplitudes, 5 high qubits); false turns it off. */
  readonly blocking?: BlockingOptions | false;
  /** Compile as dynamic (branch-split trajectories) even when nothing needs it (noise does). */
  readonly forceDynamic?: boolean;
}

/** Default cache blocking: 2^14 amplitudes per chunk (256 KiB in double), up to 5 high qubits per stage. */
export const DEFAULT_BLOCKING: BlockingOptions = {
  chunkQubits: 14,
  highQubits: 5,
};

/** A compiled circuit, ready to run. */
export interface Program {
  readonly numQubits: number;
  readonly numClbits: number;
  readonly steps: readonly Step[];
  /** Global phase: the circuit's plus every unconditioned, uncontrolled gphase. */
  readonly globalPhase: number;
  /** True when measurements are mid-circuit, resets act on touched qubits, or ops are conditioned. */
  readonly dynamic: boolean;
  /** For static programs: the terminal measurements (removed from steps), in source order. */
  readonly finalMeasures: readonly {
    readonly qubit: number;
    readonly clbit: number;
  }[];
  /** Index of the first step that depends on a shot (measure, reset or condition); steps.length if none. */
  readonly firstDynamic: number;
  /** Number of source gate operations. */
  readonly sourceGates: number;
}

/** The first opaque op, if any (cannot be simulated). */
export function findOpaque(circuit: Circuit): OpaqueOp | undefined {
  for (const op of circuit.ops) if (op.kind === "opaque") return op;
  return undefined;
}

/** True when the circuit needs per-shot trajectories. */
export function isDynamic(circuit: Circuit): boolean {
  const touched = new Set<number>();
  const measured = new Set<number>();
  for (const op of circuit.ops) {
    if (op.kind === "classical" || op.kind === "label" || op.kind === "jump")
      return true;
    if (op.kind !== "barrier" && op.kind !== "noise" && op.condition)
      return true;
    if (op.kind === "measure") {
      measured.add(op.qubit);
      touched.add(op.qubit);
    } else if (op.kind === "reset") {
      if (touched.has(op.qubit)) return true;
    } else if (op.kind === "gate" || op.kind === "opaque") {
      for (const q of op.qubits) if (measured.has(q)) return true;
      if (op.kind === "gate")
        for (const q of op.controls) if (measured.has(q)) return true;
      for (const q of op.qubits) touched.add(q);
      if (op.kind === "gate") for (const q of op.controls) touched.add(q);
    }
  }
  return false;
}

/** Compiles a circuit (without opaque ops) into a program. */
export function compileProgram(
  circuit: Circuit,
  options: ProgramOptions = {},
): Program {
  const dynamic =
    (options.forceDynamic ?? false) ||
    isDynamic(circuit) ||
    circuit.ops.some((op) => op.kind === "noise");
  const fuser = new Fuser(
    circuit.numQubits,
    options.fusion ?? true,
    options.maxDense ?? 1,
  );
  let steps: Step[] = [];
  const finalMeasures: { qubit: number; clbit: number }[] = [];
  const touched = new Set<number>();
  let globalPhase = circuit.globalPhase;
  let sourceGates = 0;
  const fences = new Set<number>(); // step indices a barrier stands before

  const flush = (): void => {
    for (const f of fuser.flush())
      steps.push({ kind: "kernel", instr: f.instr, ops: f.ops });
  };
  for (const op of circuit.ops) {
    switch (op.kind) {
      case "gate": {
        sourceGates++;
        for (const q of op.qubits) touched.add(q);
        for (const q of op.controls) touched.add(q);
        if (op.name === "gphase" && op.controls.length === 0) {
          if (!op.condition) globalPhase += op.params[0];
          break; // a conditioned global phase changes no probabilities
        }
        if (op.condition) {
          flush();
          steps.push({
            kind: "kernel",
            instr: lowerGate(op),
            ops: 1,
            condition: op.condition,
          });
        } else fuser.add(op);
        break;
      }
      case "measure":
        if (!dynamic) finalMeasures.push({ qubit: op.qubit, clbit: op.clbit });
        else {
          flush();
          steps.push({
            kind: "measure",
            qubit: op.qubit,
            clbit: op.clbit,
            condition: op.condition,
          });
        }
        break;
      case "reset":
        if (!dynamic && !touched.has(op.qubit)) break; // reset of a fresh qubit does nothing
        flush();
        steps.push({ kind: "reset", qubit: op.qubit, condition: op.condition });
        break;
      case "barrier":
        flush();
        fences.add(steps.length);
        break;
      case "noise":
        flush();
        steps.push({
          kind: "channel",
          qubits: op.qubits,
          kraus: op.channel.kraus,
          ...(op.channel.weights ? { weights: op.channel.weights } : {}),
        });
        break;
      case "opaque":
        throw new Error(
          `invariant: opaque gate "${op.name}" reached the simulator`,
        );
      case "classical":
        flush();
        steps.push({
          kind: "classical",
          clbits: op.clbits,
          value: op.value,
          condition: op.condition,
          ...(op.float ? { float: true } : {}),
        });
        break;
      case "label":
        flush();
        steps.push({ kind: "label", id: op.id });
        break;
      case "jump":
        flush();
        steps.push({
          kind: "jump",
          to: op.to,
          target: -1,
          condition: op.condition,
        });
        break;
    }
  }
  flush();
  globalPhase += fuser.phase;
  const blocking = options.blocking ?? DEFAULT_BLOCKING;
  if ((options.fusion ?? true) && blocking)
    steps = blockSteps(steps, circuit.numQubits, blocking, fences);
  steps = resolveJumps(steps);
  let firstDynamic = steps.findIndex(
    (s) => s.kind !== "kernel" || s.condition !== undefined,
  );
  if (firstDynamic < 0) firstDynamic = steps.length;
  return {
    numQubits: circuit.numQubits,
    numClbits: circuit.numClbits,
    steps,
    globalPhase,
    dynamic,
    finalMeasures,
    firstDynamic,
    sourceGates,
  };
}

function lowerGate(op: GateOp) {
  return lowerControlled(op.qubits, op.controls, gateMatrix(op));
}

/** Points every jump at the step index of its label (after fusion and blocking moved steps). */
function resolveJumps(steps: Step[]): Step[] {
  const at = new Map<number, number>();
  steps.forEach((s, i) => {
    if (s.kind === "label") at.set(s.id, i);
  });
  if (at.size === 0) return steps;
  return steps.map((s) => {
    if (s.kind !== "jump") return s;
    const target = at.get(s.to);
    if (target === undefined)
      throw new Error(`invariant: jump to a missing label ${s.to}`);
    return { ...s, target };
  });
}
