/**
 * Plans a cache-blocked stage for the SIMD kernels, merging its instructions where that saves a
 * pass over the chunk: an instruction joins the last earlier one that shares a qubit with it
 * (everything between them acts on other qubits, so it commutes) when both act as 2x2s on the same
 * target, per value of their group qubits. A diagonal (rz, cz, cp, phase tables) can take any of
 * its qubits as the target. So cx and cz disappear into the rotations next to them: cx(c, t) then
 * a rotation U on t is one pass with U on the c = 0 half and U * X on the c = 1 half, and the
 * kernels apply U * X as U on the exchanged pair at no extra cost. Merged groups stay at most
 * MAX_GROUP qubits; what cannot be planned runs through the TypeScript kernels.
 */
import type { KernelInstr } from "../instructions.ts";
import { instrQubits } from "../blocking.ts";
import { type PairOp, type Plan, diagMat, pairOpOf, planPair } from "./simd.ts";

/** Most group qubits of a merged instruction (at most 2^3 table entries). */
const MAX_GROUP = 3;

/** A pair op with its table of 2x2s and, when it is diagonal, the diagonal itself (to retarget it). */
interface Item {
  readonly t: number;
  /** Sorted. */
  readonly group: readonly number[];
  /** Indexed by the group value (bit b = group[b]); null: identity. */
  readonly mats: readonly (Float64Array | null)[];
  readonly qubits: readonly number[];
  /** d (interleaved) over qs (bit b of the index = qs[b]). */
  readonly diag?: { readonly qs: readonly number[]; readonly d: Float64Array };
}

type Slot =
  | { readonly item: Item; readonly qubits: readonly number[] }
  | { readonly instr: KernelInstr; readonly qubits: readonly number[] };

function isIdentity(m: Float64Array): boolean {
  return (
    m[0] === 1 &&
    m[1] === 0 &&
    m[2] === 0 &&
    m[3] === 0 &&
    m[4] === 0 &&
    m[5] === 0 &&
    m[6] === 1 &&
    m[7] === 0
  );
}

function itemOf(instr: KernelInstr, pop: PairOp): Item {
  const mats = Array.from({ length: 1 << pop.group.length }, (_, v) =>
    pop.mat(v),
  );
  let diag: Item["diag"];
  if (instr.kind === "phase") {
    const qs = Array.from(instr.bits);
    const d = new Float64Array(2 << qs.length);
    for (let j = 0; j < 1 << qs.length; j++) d[2 * j] = 1;
    const last = (1 << qs.length) - 1;
    d[2 * last] = instr.dr;
    d[2 * last + 1] = instr.di;
    diag = { qs, d };
  } else if (instr.kind === "diag" || instr.kind === "diagg")
    diag = { qs: Array.from(instr.qs), d: instr.d };
  return {
    t: pop.t,
    group: [...pop.group],
    mats,
    qubits: [pop.t, ...pop.group],
    ...(diag ? { diag } : {}),
  };
}

/** Bits of v over `from` (bit b = from[b]) moved to their places in `to`. */
function project(
  v: number,
  from: readonly number[],
  to: readonly number[],
): number {
  let out = 0;
  to.forEach((q, b) => {
    const i = from.indexOf(q);
    if (i >= 0 && (v >> i) & 1) out |= 1 << b;
  });
  return out;
}

/** A diagonal item seen with target t (one of its qubits). */
function retarget(item: Item, t: number): Item {
  const { qs, d } = item.diag!;
  const group = qs.filter((q) => q !== t).sort((a, b) => a - b);
  const mats = Array.from({ length: 1 << group.length }, (_, v) =>
    diagMat(qs, d, t, group, v),
  );
  return { ...item, t, group, mats };
}

/** b * a for interleaved 2x2s. */
function mul2(b: Float64Array, a: Float64Array): Float64Array {
  const out = new Float64Array(8);
  for (let r = 0; r < 2; r++)
    for (let c = 0; c < 2; c++) {
      let re = 0,
        im = 0;
      for (let k = 0; k < 2; k++) {
        const br = b[2 * (2 * r + k)],
          bi = b[2 * (2 * r + k) + 1];
        const ar = a[2 * (2 * k + c)],
          ai = a[2 * (2 * k + c) + 1];
        re += br * ar - bi * ai;
        im += br * ai + bi * ar;
      }
      out[2 * (2 * r + c)] = re;
      out[2 * (2 * r + c) + 1] = im;
    }
  return out;
}

/** `later` after `earlier`, both on the same target; undefined when the group grows too wide. */
function compose(earlier: Item, later: Item): Item | undefined {
  const group = [...new Set([...earlier.group, ...later.group])].sort(
    (x, y) => x - y,
  );
  if (group.length > MAX_GROUP) return undefined;
  const mats = Array.from({ length: 1 << group.length }, (_, v) => {
    const a = earlier.mats[project(v, group, earlier.group)];
    const b = later.mats[project(v, group, later.group)];
    if (!a) return b;
    if (!b) return a;
    const m = mul2(b, a);
    return isIdentity(m) ? null : m;
  });
  let diag: Item["diag"];
  if (earlier.diag && later.diag) {
    const qs = [
      ...earlier.diag.qs,
      ...later.diag.qs.filter((q) => !earlier.diag!.qs.includes(q)),
    ];
    const d = new Float64Array(2 << qs.length);
    for (let j = 0; j < 1 << qs.length; j++) {
      const ja = project(j, qs, earlier.diag.qs),
        jb = project(j, qs, later.diag.qs);
      const ar = earlier.diag.d[2 * ja],
        ai = earlier.diag.d[2 * ja + 1];
      const br = later.diag.d[2 * jb],
        bi = later.diag.d[2 * jb + 1];
      d[2 * j] = ar * br - ai * bi;
      d[2 * j + 1] = ar * bi + ai * br;
    }
    diag = { qs, d };
  }
  return {
    t: earlier.t,
    group,
    mats,
    qubits: [earlier.t, ...group],
    ...(diag ? { diag } : {}),
  };
}

/** earlier and later (sharing a qubit) as one item, or undefined. */
function merge(earlier: Item, later: Item): Item | undefined {
  if (earlier.t === later.t) return compose(earlier, later);
  if (later.diag?.qs.includes(earlier.t))
    return compose(earlier, retarget(later, earlier.t));
  if (earlier.diag?.qs.includes(later.t))
    return compose(retarget(earlier, later.t), later);
  if (earlier.diag && later.diag) {
    const q = earlier.diag.qs.find((x) => later.diag!.qs.includes(x));
    if (q !== undefined)
      return compose(retarget(earlier, q), retarget(later, q));
  }
  return undefined;
}

const popOf = (item: Item): PairOp => ({
  t: item.t,
  group: item.group,
  mat: (v) => item.mats[v],
});

/**
 * The stage's instructions as SIMD plans (merged where possible) in a valid order, with the
 * instructions that have no SIMD kernel left in place for the TypeScript kernels.
 */
export function planStage(
  subs: readonly KernelInstr[],
  single: boolean,
  local: number,
): (Plan | KernelInstr)[] {
  const slots: Slot[] = [];
  for (const sub of subs) {
    const pop = pairOpOf(sub);
    if (!pop) {
      slots.push({ instr: sub, qubits: instrQubits(sub) });
      continue;
    }
    const item = itemOf(sub, pop);
    let j = slots.length - 1;
    while (j >= 0 && !slots[j].qubits.some((q) => item.qubits.includes(q))) j--;
    const prev = j >= 0 ? slots[j] : undefined;
    const merged = prev && "item" in prev ? merge(prev.item, item) : undefined;
    if (merged) slots[j] = { item: merged, qubits: merged.qubits };
    else slots.push({ item, qubits: item.qubits });
  }
  const out: (Plan | KernelInstr)[] = [];
  for (const s of slots) {
    if ("instr" in s) {
      out.push(s.instr);
      continue;
    }
    const plan = planPair(popOf(s.item), single, local);
    // Unplannable (too wide, or a tiny chunk): plan the original instructions one by one.
    if (!plan) return subs.map((sub) => planPairOf(sub, single, local) ?? sub);
    out.push(plan);
  }
  return out;
}

function planPairOf(
  sub: KernelInstr,
  single: boolean,
  local: number,
): Plan | undefined {
  const pop = pairOpOf(sub);
  return pop ? planPair(pop, single, local) : undefined;
}
