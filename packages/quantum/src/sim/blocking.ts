/**
 * Cache blocking: consecutive unconditioned kernel steps are scheduled into stages that each touch
 * at most `highQubits` qubits at or above `low` (= chunkQubits - highQubits); a stage runs chunk by
 * chunk (2^chunkQubits amplitudes, sized to stay in L2), so it costs one pass over memory instead
 * of one per gate. Within a run of unitary steps, a gate may move ahead of gates on disjoint qubits
 * (they commute); measurements, resets and conditioned steps are fences and never move.
 */
import type { BlockInstr, KernelInstr, Step } from "./instructions.ts";
import { matrixOffsets } from "./kernels/dense-k.ts";
import { gatherTables } from "./kernels/diagonal.ts";
import { simdKernels } from "./wasm/simd.ts";

/** How stages are cut. */
export interface BlockingOptions {
  /** log2 of the amplitudes per chunk. */
  readonly chunkQubits: number;
  /** How many qubits at or above chunkQubits - highQubits one stage may touch. */
  readonly highQubits: number;
  /** Use the WebAssembly SIMD kernels where they apply (default true; false: TypeScript only). */
  readonly simd?: boolean;
}

/** The qubits an instruction reads or writes. */
export function instrQubits(instr: KernelInstr): number[] {
  switch (instr.kind) {
    case "mat1":
    case "mat1r":
    case "mat1x":
      return [instr.t];
    case "mat2":
      return [instr.q0, instr.q1];
    case "diag":
    case "diagg":
      return Array.from(instr.qs);
    case "block":
      throw new Error("invariant: nested block");
    default:
      return Array.from(instr.bits);
  }
}

/** log2 of a power of two (exact up to 2^52, unlike 32-bit shifts: element offsets reach 2^31 at 31 qubits). */
const log2 = (x: number): number => Math.round(Math.log2(x));

/** The instruction with every qubit q replaced by map(q) (map must be increasing on its qubits). */
export function relabel(
  instr: KernelInstr,
  map: (q: number) => number,
): KernelInstr {
  const bits = (b: Int32Array): Int32Array => b.map(map);
  const mask = (m: number): number => {
    let out = 0;
    for (let q = 0; q < 31; q++) if ((m >> q) & 1) out |= 1 << map(q);
    return out;
  };
  const off = (o: number): number => (o === 0 ? 0 : 2 * 2 ** map(log2(o / 2)));
  switch (instr.kind) {
    case "mat1":
    case "mat1r":
    case "mat1x":
      return { ...instr, t: map(instr.t) };
    case "mat2":
      return { ...instr, q0: map(instr.q0), q1: map(instr.q1) };
    case "mat1c":
      return {
        ...instr,
        t: map(instr.t),
        bits: bits(instr.bits),
        cmask: mask(instr.cmask),
      };
    case "matk": {
      const k = log2(instr.offs.length);
      const targets = Array.from({ length: k }, (_, b) =>
        map(log2(instr.offs[1 << b] / 2)),
      );
      return {
        ...instr,
        offs: matrixOffsets(targets),
        bits: bits(instr.bits),
        cmask: mask(instr.cmask),
      };
    }
    case "diag": {
      const qs = bits(instr.qs);
      return {
        ...instr,
        qs,
        gather: qs.length >= 2 ? gatherTables(qs) : new Int32Array(0),
      };
    }
    case "diagg": {
      const qs = bits(instr.qs);
      return {
        ...instr,
        qs,
        bits: bits(instr.bits),
        offs: matrixOffsets(Array.from(qs)),
      };
    }
    case "swap":
      return {
        ...instr,
        bits: bits(instr.bits),
        cmask: mask(instr.cmask),
        oa: off(instr.oa),
        ob: off(instr.ob),
      };
    case "phase":
      return { ...instr, bits: bits(instr.bits), cmask: mask(instr.cmask) };
    case "block":
      throw new Error("invariant: nested block");
  }
}

/** One stage as a block instruction over the given high qubits. */
export function makeBlock(
  subs: readonly KernelInstr[],
  low: number,
  high: readonly number[],
  simd = true,
): BlockInstr {
  const hs = Int32Array.from([...high].sort((x, y) => x - y));
  const hoff = new Float64Array(1 << hs.length);
  for (let j = 0; j < hoff.length; j++) {
    let o = 0;
    for (let b = 0; b < hs.length; b++) if ((j >> b) & 1) o += 2 * 2 ** hs[b];
    hoff[j] = o;
  }
  const map = (q: number): number => (q < low ? q : low + hs.indexOf(q));
  return {
    kind: "block",
    low,
    high: hs,
    hoff,
    subs: hs.length === 0 ? subs : subs.map((s) => relabel(s, map)),
    simd,
  };
}

type KernelStep = Step & { kind: "kernel" };

/** Most high qubits of a stage made for one wide gate (the SIMD kernels take up to 9 insertion bits). */
const ALONE_MAX_HIGH = 8;

/**
 * A gate too wide for a stage, as a stage of its own: its qubits at or above `chunk - h` become the
 * h high qubits (so the chunk keeps 2^chunk amplitudes); unchanged when that takes too many.
 */
function alone(step: KernelStep, n: number, chunk: number): KernelStep {
  const qs = instrQubits(step.instr);
  let h = 0;
  while (h <= ALONE_MAX_HIGH && qs.filter((q) => q >= chunk - h).length > h)
    h++;
  if (h > ALONE_MAX_HIGH || chunk - h < 1 || chunk >= n) return step;
  const high = qs.filter((q) => q >= chunk - h);
  return { ...step, instr: makeBlock([step.instr], chunk - h, high, true) };
}

/** Schedules one run of unitary kernel steps into stages. */
function scheduleRun(
  run: readonly KernelStep[],
  n: number,
  low: number,
  maxHigh: number,
  simd: boolean,
): Step[] {
  const qubitsOf = run.map((s) => instrQubits(s.instr));
  const queues: number[][] = Array.from({ length: n }, () => []);
  run.forEach((_, g) => {
    for (const q of qubitsOf[g]) queues[q].push(g);
  });
  const head = new Int32Array(n);
  const done = new Uint8Array(run.length);
  const ready = (g: number): boolean =>
    qubitsOf[g].every((q) => queues[q][head[q]] === g);
  const take = (g: number): void => {
    done[g] = 1;
    for (const q of qubitsOf[g]) head[q]++;
  };
  const out: Step[] = [];
  let first = 0;
  while (first < run.length) {
    const high = new Set<number>();
    const group: number[] = [];
    for (let progress = true; progress;) {
      progress = false;
      for (let q = 0; q < n; q++) {
        const g = queues[q][head[q]];
        if (g === undefined || !ready(g)) continue;
        const extra = qubitsOf[g].filter((x) => x >= low && !high.has(x));
        if (high.size + extra.length > maxHigh) continue;
        for (const x of extra) high.add(x);
        take(g);
        group.push(g);
        progress = true;
      }
    }
    if (group.length === 0) {
      // The earliest remaining gate is always ready; it is too wide for a stage: run it alone.
      take(first);
      out.push(simd ? alone(run[first], n, low + maxHigh) : run[first]);
    } else if (group.length === 1)
      out.push(
        simd
          ? {
              ...run[group[0]],
              instr: makeBlock([run[group[0]].instr], low, [...high], simd),
            }
          : run[group[0]],
      );
    else
      out.push({
        kind: "kernel",
        instr: makeBlock(
          group.map((g) => run[g].instr),
          low,
          [...high],
          simd,
        ),
        ops: group.reduce((acc, g) => acc + run[g].ops, 0),
      });
    while (first < run.length && done[first]) first++;
  }
  return out;
}

/** Replaces runs of unconditioned kernel steps by cache-blocked stages; a run also ends before each index in `fences` (barriers). */
export function blockSteps(
  steps: readonly Step[],
  n: number,
  options: BlockingOptions,
  fences: ReadonlySet<number> = new Set(),
): Step[] {
  const whole = n <= options.chunkQubits;
  const maxHigh = whole
    ? 0
    : Math.max(0, Math.min(options.highQubits, options.chunkQubits));
  const low = whole ? n : options.chunkQubits - maxHigh;
  // One-gate stages only pay off with the SIMD kernels (the TypeScript ones sweep in place).
  const simd = (options.simd ?? true) && simdKernels() !== undefined;
  const out: Step[] = [];
  let run: KernelStep[] = [];
  const flush = (): void => {
    if (run.length > 0) out.push(...scheduleRun(run, n, low, maxHigh, simd));
    run = [];
  };
  for (const [i, s] of steps.entries()) {
    if (fences.has(i)) flush();
    if (s.kind === "kernel" && !s.condition) run.push(s);
    else {
      flush();
      out.push(s);
    }
  }
  flush();
  return out;
}
