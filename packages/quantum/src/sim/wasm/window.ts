/**
 * Register windows: a stage's one-target instructions grouped into windows of at most K qubits,
 * each compiled at run time into a WebAssembly function that loads the 2^K vectors of one window
 * position into locals (registers), applies every instruction of the window to them and stores
 * them once. A pass of the pair-op kernels (simd.ts) loads, stores and walks the chunk for every
 * instruction; here a window of several gates pays that once, cx and X cost nothing (the
 * registers are renamed at compile time) and a controlled 2x2 whose controls are in the window
 * touches only the registers it acts on. Coefficients are v128 constants in the code, each set
 * once into a local before the loop (measured as fast as inline constants, and less code to
 * compile); reading them from a table in memory instead was slower.
 *
 * Registers: window qubits W = w_0 < ... < w_{k-1} (bit b of a register index j stands for w_b),
 * register j at byte offset sum_b j_b * (amp << w_b) from the position. Single precision keeps
 * qubit 0 inside the vector (two complexes): it is never a window qubit, an instruction on it
 * shuffles lanes, and a control on it makes the coefficients differ per lane. An instruction joins
 * a window when its qubits (bar qubit 0 in single precision) fit; it may join the latest window
 * that shares a qubit with it or any later one (what lies between acts on other qubits, so it
 * commutes). Everything else runs as before: planned pair ops, or the TypeScript kernels.
 */
import { CodeWriter, type FuncDef, I32, LANES, V128, op } from "./emit.ts";
import type { KernelInstr } from "../instructions.ts";
import { instrQubits } from "../blocking.ts";
import {
  IDENT,
  type PairOp,
  type Plan,
  type SimdKernels,
  pairOpOf,
  planPair,
} from "./simd.ts";
import { isPauliX as isX } from "../lower.ts";

/** Register windows in use: most qubits per window (0: none) and the fewest state qubits that get them. */
export interface WindowSetting {
  readonly qubits: number;
  readonly minStateQubits: number;
}

/**
 * Measured on a 2-core AMD EPYC (Zen 1, 128-bit FMA units) with the random circuit, CPU time under
 * load 5-13: windows of 2 and 3 qubits run a stage ~19% faster than one pass per instruction once
 * compiled (4 qubits spill registers: slower), but generating and compiling the code costs about as
 * much again at 20 qubits (a first run in a fresh process ~100 ms more), so they start at 22. At
 * n = 24, 1 thread: single 2146-2396 -> 2074-2202 ms, double 4469-4520 -> 4155-4221 ms (3 qubits:
 * single no better, double 4026-4191 ms).
 */
export const DEFAULT_WINDOWS: WindowSetting = { qubits: 2, minStateQubits: 22 };

let chosen: WindowSetting | undefined;

/**
 * The setting in use: STEPFAULT_WINDOW=off, =K or =K:MIN when set (workers inherit it), else
 * DEFAULT_WINDOWS.
 */
export function windowSetting(): WindowSetting {
  if (chosen) return chosen;
  const env = (
    globalThis as { process?: { env?: Record<string, string | undefined> } }
  ).process?.env?.STEPFAULT_WINDOW;
  const m = env ? /^(\d+)(?::(\d+))?$/.exec(env) : null;
  chosen =
    env === "off"
      ? { qubits: 0, minStateQubits: 0 }
      : m
        ? {
            qubits: Math.min(Number(m[1]), MAX_WINDOW_QUBITS),
            minStateQubits:
              m[2] === undefined
                ? DEFAULT_WINDOWS.minStateQubits
                : Number(m[2]),
          }
        : DEFAULT_WINDOWS;
  return chosen;
}

/** Makes this thread use the given setting (undefined: back to the default); tests and benchmarks compare them. */
export function useWindows(setting: WindowSetting | undefined): void {
  chosen = setting;
}

/** Most window qubits (2^5 registers already spill). */
export const MAX_WINDOW_QUBITS = 5;

/** A compiled window: applies its instructions to the chunk buffer (`SimdKernels.buffer`). */
export interface WindowRun {
  readonly window: () => void;
}

/** One step of a stage: a window, a planned pair op, or an instruction for the TypeScript kernels. */
export type StageStep = WindowRun | Plan | KernelInstr;

/** A window (its instructions, its qubits bar qubit 0 in single precision, all qubits it touches) or an instruction left alone. */
export type WindowSlot =
  | { ops: PairOp[]; win: Set<number>; qubits: Set<number> }
  | { instr: KernelInstr; qubits: Set<number> };

/** Groups a stage's instructions into windows of at most `k` qubits, in a valid order. */
export function windowSlots(
  subs: readonly KernelInstr[],
  single: boolean,
  k: number,
): WindowSlot[] {
  const slots: WindowSlot[] = [];
  for (const sub of subs) {
    const qubits = new Set(instrQubits(sub));
    const pop = pairOpOf(sub);
    const need = pop
      ? [pop.t, ...pop.group].filter((q) => !(single && q === 0))
      : undefined;
    if (!pop || !need || need.length > k) {
      slots.push({ instr: sub, qubits });
      continue;
    }
    let j = slots.length - 1;
    while (j >= 0 && ![...qubits].some((q) => slots[j].qubits.has(q))) j--;
    let placed = false;
    for (let s = Math.max(j, 0); s < slots.length && !placed; s++) {
      const slot = slots[s];
      if (!("ops" in slot)) continue;
      const union = new Set([...slot.win, ...need]);
      if (union.size > k) continue;
      slot.ops.push(pop);
      slot.win = union;
      for (const q of qubits) slot.qubits.add(q);
      placed = true;
    }
    if (!placed) slots.push({ ops: [pop], win: new Set(need), qubits });
  }
  return slots;
}

const {
  swap64: SWAP64,
  swapRI32: SWAP32,
  swapC32: HALVES32,
  lo32: LO32,
  hi32: HI32,
  slo32: SLO32,
  shi32: SHI32,
} = LANES;

// Locals: param 0 base; i32 1 r, 2 i, 3 p, 4 pend; v128 from 5: sx, sy, then four temporaries, then the registers and a spare.
const [BASE, R, I, P, PEND] = [0, 1, 2, 3, 4];
const [SX, SY, T0, T1, T2, T3] = [5, 6, 7, 8, 9, 10];
const REG0 = 11;

/** A term of a sum: constant lanes times a local. */
type Term = readonly [lanes: readonly number[], local: number];

/** Emits code: the 2x2s as constant-times-register sums, with relaxed or plain SIMD. */
class Emitter {
  readonly code = new CodeWriter();
  private readonly scratch = new ArrayBuffer(16);
  private readonly f32 = new Float32Array(this.scratch);
  private readonly f64 = new Float64Array(this.scratch);
  private readonly u8 = new Uint8Array(this.scratch);
  /** Constants by their lanes: the local each is set into before the loop. */
  readonly consts = new Map<string, { local: number; bytes: Uint8Array }>();
  constructor(
    readonly single: boolean,
    private readonly fma: boolean,
    /** The first local free for constants. */
    private readonly constLocal: number,
  ) {}

  /** Pushes a constant vector of 4 f32 or 2 f64 lanes (read from its local). */
  vconst(lanes: readonly number[]): void {
    const key = lanes.join();
    let c = this.consts.get(key);
    if (!c) {
      if (this.single) this.f32.set(lanes);
      else this.f64.set(lanes);
      c = { local: this.constLocal + this.consts.size, bytes: this.u8.slice() };
      this.consts.set(key, c);
    }
    this.code.get(c.local);
  }

  private simd(f32: readonly number[], f64: readonly number[]): void {
    this.code.bytes(this.single ? f32 : f64);
  }

  /** Pushes the sum of the terms (the running sum innermost, so it is the addend of each madd). */
  sum(terms: readonly Term[]): void {
    const mul = (): void => this.simd(op.f32x4Mul, op.f64x2Mul);
    if (!this.fma) {
      terms.forEach(([c, v], j) => {
        this.vconst(c);
        this.code.get(v);
        mul();
        if (j > 0) this.simd(op.f32x4Add, op.f64x2Add);
      });
      return;
    }
    for (let j = terms.length - 1; j >= 1; j--) {
      this.vconst(terms[j][0]);
      this.code.get(terms[j][1]);
    }
    this.vconst(terms[0][0]);
    this.code.get(terms[0][1]);
    mul();
    for (let j = 1; j < terms.length; j++)
      this.simd(op.f32x4Madd, op.f64x2Madd);
  }

  /** local to = shuffle(local from, lanes). */
  shuffle(from: number, lanes: readonly number[], to: number): void {
    this.code.get(from).get(from).shuffle(lanes).set(to);
  }
}

/** A 2x2's entry as lanes: re splat, or the (-im, im) pattern; one matrix per complex of the vector. */
function coef(
  ms: readonly Float64Array[],
  entry: number,
  im: boolean,
  single: boolean,
): number[] {
  const lane = (m: Float64Array, sign: number): number =>
    im ? sign * m[2 * entry + 1] : m[2 * entry];
  const a = ms[0],
    b = ms[ms.length - 1];
  return single
    ? [lane(a, -1), lane(a, 1), lane(b, -1), lane(b, 1)]
    : [lane(a, -1), lane(a, 1)];
}

const zero = (m: Float64Array, i: number): boolean =>
  m[i] === 0 && m[i + 1] === 0;

/**
 * Applies one 2x2 per complex of the vector (ms: one matrix, or one per value of qubit 0) to
 * registers x, y: row 1 into y, row 0 into out0; true when row 0 was written (not the identity).
 */
function pairCode(
  e: Emitter,
  ms: readonly Float64Array[],
  x: number,
  y: number,
  out0: number,
): boolean {
  const single = e.single;
  const every = (f: (m: Float64Array) => boolean): boolean => ms.every(f);
  // Terms of row r: entries (r, 0) on x and (r, 1) on y, each re * v + (-im, im) * swap(v).
  const rowTerms = (r: number): Term[] => {
    const out: Term[] = [];
    for (const [col, v, sv] of [
      [0, x, SX],
      [1, y, SY],
    ] as const) {
      const en = 2 * r + col;
      if (every((m) => zero(m, 2 * en))) continue;
      if (!every((m) => m[2 * en] === 0))
        out.push([coef(ms, en, false, single), v]);
      if (!every((m) => m[2 * en + 1] === 0))
        out.push([coef(ms, en, true, single), sv]);
    }
    return out;
  };
  const row0Ident = every((m) => m[0] === 1 && m[1] === 0 && zero(m, 2));
  const row1Ident = every((m) => zero(m, 4) && m[6] === 1 && m[7] === 0);
  const r0 = row0Ident ? [] : rowTerms(0);
  const r1 = row1Ident ? [] : rowTerms(1);
  const used = (v: number): boolean =>
    r0.some((t) => t[1] === v) || r1.some((t) => t[1] === v);
  const sw = single ? SWAP32 : SWAP64;
  if (used(SX)) e.shuffle(x, sw, SX);
  if (used(SY)) e.shuffle(y, sw, SY);
  const zeros = single ? [0, 0, 0, 0] : [0, 0];
  for (const [ident, terms, to] of [
    [row0Ident, r0, out0],
    [row1Ident, r1, y],
  ] as const) {
    if (ident) continue;
    if (terms.length > 0) e.sum(terms);
    else e.vconst(zeros);
    e.code.set(to);
  }
  return !row0Ident;
}

/** Applies one 2x2 to the two complexes inside register x (single precision, target 0). */
function inVectorCode(e: Emitter, m: Float64Array, x: number): void {
  if (isX(m)) {
    e.shuffle(x, HALVES32, x);
    return;
  }
  if (zero(m, 2) && zero(m, 4)) {
    // Diagonal: m00 on the first complex, m11 on the second.
    e.shuffle(x, SWAP32, SX);
    e.sum([
      [[m[0], m[0], m[6], m[6]], x],
      [[-m[1], m[1], -m[7], m[7]], SX],
    ]);
    e.code.set(x);
    return;
  }
  // First complex m00 lo + m01 hi, second m10 lo + m11 hi (lo, hi: the complexes of x, splat).
  const col = (c: number, im: boolean): number[] =>
    im
      ? [-m[2 * c + 1], m[2 * c + 1], -m[2 * c + 5], m[2 * c + 5]]
      : [m[2 * c], m[2 * c], m[2 * c + 4], m[2 * c + 4]];
  e.shuffle(x, LO32, T0);
  e.shuffle(x, SLO32, T1);
  e.shuffle(x, HI32, T2);
  e.shuffle(x, SHI32, T3);
  e.sum([
    [col(0, false), T0],
    [col(0, true), T1],
    [col(1, false), T2],
    [col(1, true), T3],
  ]);
  e.code.set(x);
}

/**
 * How a window walks the chunk: the byte-address bits from 4 (one vector) to `total` that are not
 * window bits (`wbits`, ascending) fall into segments of consecutive bits; the inner loop runs over
 * the longest one (`count` positions `stride` bytes apart; the lowest on a tie), the outer loop over
 * the rest (`nRuns`), building each start from 16 r by inserting zero bits, lowest first.
 */
export function windowWalk(
  wbits: readonly number[],
  total: number,
): {
  nRuns: number;
  stride: number;
  count: number;
  inserts: { at: number; bits: number }[];
} {
  const segments: { at: number; bits: number }[] = [];
  let start = 4;
  for (const b of [...wbits, total]) {
    if (b > start) segments.push({ at: start, bits: b - start });
    start = b + 1;
  }
  const inner = segments[0] ?? { at: 4, bits: 0 };
  const free = segments.reduce((acc, sg) => acc + sg.bits, 0);
  const inserts = [
    ...wbits.map((at) => ({ at, bits: 1 })),
    ...(inner.bits > 0 ? [inner] : []),
  ].sort((x, y) => x.at - y.at);
  return {
    nRuns: 2 ** (free - inner.bits),
    stride: 2 ** inner.at,
    count: 2 ** inner.bits,
    inserts,
  };
}

/** The WebAssembly function of one window over a chunk of `local` qubits. */
export function windowFunc(
  name: string,
  ops: readonly PairOp[],
  win: readonly number[],
  single: boolean,
  local: number,
  fma: boolean,
): FuncDef {
  const w = [...win].sort((a, b) => a - b);
  const k = w.length;
  const amp = single ? 8 : 16;
  const regs = 1 << k;
  const phys = Array.from({ length: regs }, (_, j) => REG0 + j);
  // The spare register local: a row 0 result goes there and the old x local becomes the spare.
  let spare = REG0 + regs;
  const offs = Array.from({ length: regs }, (_, j) =>
    w.reduce((o, q, b) => ((j >> b) & 1 ? o + (amp << q) : o), 0),
  );
  const walk = windowWalk(
    w.map((q) => Math.log2(amp) + q),
    Math.log2(amp) + local,
  );
  const e = new Emitter(single, fma, spare + 1);
  for (let j = 0; j < regs; j++) e.code.get(P).load(offs[j]).set(phys[j]);
  for (const pop of ops) {
    const laneGroup = single && pop.group.includes(0);
    const bitOf = pop.group.map((q) => (single && q === 0 ? -1 : w.indexOf(q)));
    // The group value for register j and value `lane` of qubit 0.
    const valueOf = (j: number, lane: number): number => {
      let v = 0;
      for (let b = 0; b < bitOf.length; b++)
        v |= (bitOf[b] < 0 ? lane : (j >> bitOf[b]) & 1) << b;
      return v;
    };
    if (single && pop.t === 0) {
      for (let j = 0; j < regs; j++) {
        const m = pop.mat(valueOf(j, 0));
        if (m) inVectorCode(e, m, phys[j]);
      }
      continue;
    }
    const tb = w.indexOf(pop.t);
    for (let j = 0; j < regs; j++) {
      if ((j >> tb) & 1) continue;
      const jy = j | (1 << tb);
      const m0 = pop.mat(valueOf(j, 0));
      const m1 = laneGroup ? pop.mat(valueOf(j, 1)) : m0;
      if (m0 === null && m1 === null) continue;
      const ms = laneGroup ? [m0 ?? IDENT, m1 ?? IDENT] : [m0 ?? IDENT];
      if (ms.every(isX)) {
        [phys[j], phys[jy]] = [phys[jy], phys[j]];
        continue;
      }
      if (pairCode(e, ms, phys[j], phys[jy], spare))
        [phys[j], spare] = [spare, phys[j]];
    }
  }
  for (let j = 0; j < regs; j++) e.code.get(P).get(phys[j]).store(offs[j]);
  const c = new CodeWriter();
  for (const { local, bytes } of e.consts.values())
    c.byte(0xfd).byte(0x0c).bytes(bytes).set(local);
  // for r < nRuns: p = base + 16 r with zeros inserted at the window bits and the inner segment;
  // then the inner loop steps p by the segment's stride.
  c.i32(0).set(R).bytes(op.block).bytes(op.loop);
  c.get(R).i32(walk.nRuns).bytes(op.geU).bytes(op.brIf(1));
  c.get(R).i32(4).bytes(op.shl).set(I);
  for (const { at, bits } of walk.inserts) {
    const low = (1 << at) - 1;
    c.get(I).i32(~low).bytes(op.and).i32(bits).bytes(op.shl);
    c.get(I).i32(low).bytes(op.and).bytes(op.or).set(I);
  }
  c.get(BASE).get(I).bytes(op.add).bytes(op.tee(P));
  c.i32(walk.stride * walk.count)
    .bytes(op.add)
    .set(PEND)
    .bytes(op.loop);
  c.bytes(e.code.done());
  c.get(P).i32(walk.stride).bytes(op.add).bytes(op.tee(P));
  c.get(PEND).bytes(op.ltU).bytes(op.brIf(0)).bytes(op.end);
  c.get(R).i32(1).bytes(op.add).set(R).bytes(op.br(0));
  c.bytes(op.end).bytes(op.end);
  return {
    name,
    params: [I32],
    locals: [
      [4, I32],
      [REG0 - SX + regs + 1 + e.consts.size, V128],
    ],
    body: c.done(),
  };
}

/**
 * A stage as steps for the SIMD kernels: windows of at most `k` qubits compiled into one module,
 * pair-op plans for one-target instructions too wide for a window, and the rest for the
 * TypeScript kernels. Undefined when the module cannot be compiled (the caller plans as before).
 */
export function windowStage(
  simd: SimdKernels,
  subs: readonly KernelInstr[],
  single: boolean,
  local: number,
  k: number,
): StageStep[] | undefined {
  const slots = windowSlots(subs, single, Math.min(k, MAX_WINDOW_QUBITS));
  const funcs: FuncDef[] = [];
  const fma = simd.variant === "relaxed";
  for (const s of slots)
    if ("ops" in s)
      funcs.push(
        windowFunc(`w${funcs.length}`, s.ops, [...s.win], single, local, fma),
      );
  const fns = funcs.length > 0 ? simd.compileWindows(funcs) : [];
  if (!fns) return undefined;
  let f = 0;
  return slots.map((s): StageStep => {
    if ("ops" in s) return { window: fns[f++] };
    const pop = pairOpOf(s.instr);
    return (pop && planPair(pop, single, local)) ?? s.instr;
  });
}
