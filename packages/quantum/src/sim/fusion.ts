/**
 * Gate fusion: neighbouring gates on few qubits are multiplied into one matrix so the state is
 * swept fewer times. Single-qubit gates wait per qubit and are absorbed into the next gate on that
 * qubit; a multi-qubit gate joins the last block that touches any of its qubits when the union
 * stays small (dense blocks up to `maxDense` qubits, diagonal blocks up to DIAG_MAX_QUBITS), which
 * only ever moves a gate earlier past blocks on other qubits (it commutes with them). The fuser
 * sees only unconditioned gates: the program builder flushes it at every measurement, reset,
 * barrier and conditioned op, so nothing is reordered across them.
 */
import type { GateOp } from "../ir/types.ts";
import { gateKind, gateMatrix } from "../ir/gates.ts";
import { matMul } from "../math/matrix.ts";
import type { KernelInstr } from "./instructions.ts";
import {
  DIAG_MAX_QUBITS,
  type Unit,
  diagInstr,
  diagonalOf,
  isDiagonalMatrix,
  lowerControlled,
  lowerUnit,
} from "./lower.ts";

/** A fused kernel instruction and the number of source gates it covers. */
export interface FusedInstr {
  readonly instr: KernelInstr;
  readonly ops: number;
}

/**
 * Factors d[0] (unit modulus) out of a diagonal instruction, so its first entry is 1 and the
 * kernel skips those amplitudes: the cheaper instruction (undefined when nothing but the phase is
 * left) and the phase.
 */
function factorPhase(f: FusedInstr): {
  f?: FusedInstr;
  phase: number;
} {
  const instr = f.instr;
  if (instr.kind !== "diag") return { f, phase: 0 };
  const d = instr.d;
  const cr = d[0],
    ci = -d[1];
  if (cr === 1 && ci === 0) return { f, phase: 0 };
  const out = new Float64Array(d.length);
  let allOne = true;
  for (let j = 0; j < d.length; j += 2) {
    out[j] = d[j] * cr - d[j + 1] * ci;
    out[j + 1] = d[j] * ci + d[j + 1] * cr;
    if (j > 0 && (out[j] !== 1 || out[j + 1] !== 0)) allOne = false;
  }
  out[0] = 1;
  out[1] = 0;
  const phase = Math.atan2(d[1], d[0]);
  if (allOne) return { phase };
  return {
    f: { instr: diagInstr(Array.from(instr.qs), out), ops: f.ops },
    phase,
  };
}

interface Block {
  unit: Unit;
  ops: number;
  /** The source gate when the block holds exactly one (lowered by its own structure: X, SWAP, ...). */
  op?: GateOp;
  /** Set for gates too wide to fuse: lowered directly, nothing merges into them. */
  sealed?: KernelInstr;
}

/** Expands a unit's matrix (or diagonal) from its qubit list to the superset `to` (identity on the rest). */
export function expandUnit(u: Unit, to: readonly number[]): Unit {
  if (u.qubits.length === to.length && u.qubits.every((q, i) => q === to[i]))
    return u;
  const pos = u.qubits.map((q) => to.indexOf(q));
  const inMask = pos.reduce((acc, p) => acc | (1 << p), 0);
  const dn = 1 << to.length;
  const dk = 1 << u.qubits.length;
  const sub = (x: number): number => {
    let j = 0;
    for (let b = 0; b < pos.length; b++) j |= ((x >> pos[b]) & 1) << b;
    return j;
  };
  if (u.diag) {
    const d = new Float64Array(2 * dn);
    for (let x = 0; x < dn; x++) {
      const j = sub(x);
      d[2 * x] = u.mat[2 * j];
      d[2 * x + 1] = u.mat[2 * j + 1];
    }
    return { qubits: to, diag: true, mat: d };
  }
  const m = new Float64Array(2 * dn * dn);
  for (let r = 0; r < dn; r++)
    for (let c = 0; c < dn; c++) {
      if ((r & ~inMask) !== (c & ~inMask)) continue;
      const src = 2 * (sub(r) * dk + sub(c));
      m[2 * (r * dn + c)] = u.mat[src];
      m[2 * (r * dn + c) + 1] = u.mat[src + 1];
    }
  return { qubits: to, diag: false, mat: m };
}

function toDense(u: Unit): Unit {
  if (!u.diag) return u;
  const d = 1 << u.qubits.length;
  const m = new Float64Array(2 * d * d);
  for (let r = 0; r < d; r++) {
    m[2 * (r * d + r)] = u.mat[2 * r];
    m[2 * (r * d + r) + 1] = u.mat[2 * r + 1];
  }
  return { qubits: u.qubits, diag: false, mat: m };
}

/** The unit `later * earlier` on the union of their qubits (earlier's qubits first). */
export function composeUnits(earlier: Unit, later: Unit): Unit {
  const to = [
    ...earlier.qubits,
    ...later.qubits.filter((q) => !earlier.qubits.includes(q)),
  ];
  const a = expandUnit(earlier, to);
  const b = expandUnit(later, to);
  if (a.diag && b.diag) {
    const d = new Float64Array(a.mat.length);
    for (let i = 0; i < d.length; i += 2) {
      d[i] = a.mat[i] * b.mat[i] - a.mat[i + 1] * b.mat[i + 1];
      d[i + 1] = a.mat[i] * b.mat[i + 1] + a.mat[i + 1] * b.mat[i];
    }
    return { qubits: to, diag: true, mat: d };
  }
  return {
    qubits: to,
    diag: false,
    mat: matMul(toDense(b).mat, toDense(a).mat),
  };
}

/** The full unit of a gate op on [...targets, ...controls] (controls as the high bits). */
export function gateUnit(op: GateOp): Unit {
  const base = gateMatrix(op);
  const k = op.qubits.length;
  const d = 1 << k;
  const diag = gateKind(op.name) === "diagonal" || isDiagonalMatrix(base, d);
  const qubits = [...op.qubits, ...op.controls];
  const c = op.controls.length;
  const high = ((1 << c) - 1) << k;
  const dn = 1 << qubits.length;
  if (diag) {
    const bd = diagonalOf(base, d);
    const out = new Float64Array(2 * dn);
    for (let j = 0; j < dn; j++) {
      if ((j & high) === high) {
        out[2 * j] = bd[2 * (j & (d - 1))];
        out[2 * j + 1] = bd[2 * (j & (d - 1)) + 1];
      } else out[2 * j] = 1;
    }
    return { qubits, diag: true, mat: out };
  }
  const m = new Float64Array(2 * dn * dn);
  for (let r = 0; r < dn; r++)
    for (let col = 0; col < dn; col++) {
      if ((r & high) === high && (col & high) === high) {
        const src = 2 * ((r & (d - 1)) * d + (col & (d - 1)));
        m[2 * (r * dn + col)] = base[src];
        m[2 * (r * dn + col) + 1] = base[src + 1];
      } else if (r === col) m[2 * (r * dn + col)] = 1;
    }
  return { qubits, diag: false, mat: m };
}

/** Entries within this of the identity's are treated as exact (h*h, s*sdg, ...). */
const IDENTITY_TOLERANCE = 1e-15;

function isIdentity(u: Unit): boolean {
  const near = (x: number, want: number): boolean =>
    Math.abs(x - want) <= IDENTITY_TOLERANCE;
  const d = 1 << u.qubits.length;
  for (let r = 0; r < d; r++) {
    if (u.diag) {
      if (!near(u.mat[2 * r], 1) || !near(u.mat[2 * r + 1], 0)) return false;
    } else
      for (let c = 0; c < d; c++) {
        const re = u.mat[2 * (r * d + c)],
          im = u.mat[2 * (r * d + c) + 1];
        if (!near(im, 0) || !near(re, r === c ? 1 : 0)) return false;
      }
  }
  return true;
}

/** Collects unconditioned gates and emits fused kernel instructions in a valid order. */
export class Fuser {
  private blocks: Block[] = [];
  private lastBlock: Int32Array;
  private pending: (Block | undefined)[];
  /** Global phase factored out of the emitted diagonals so far (the program adds it to its own). */
  phase = 0;

  /** `maxDense` bounds dense blocks (qubits); with `fusion` false every gate is its own sweep. */
  constructor(
    private readonly numQubits: number,
    private readonly fusion: boolean,
    private readonly maxDense: number,
  ) {
    this.lastBlock = new Int32Array(numQubits).fill(-1);
    this.pending = new Array<Block | undefined>(numQubits);
  }

  /** Adds an unconditioned gate (not an uncontrolled gphase: that is a scalar). */
  add(op: GateOp): void {
    const width = op.qubits.length + op.controls.length;
    const diag = gateKind(op.name) === "diagonal";
    if (!this.fusion || width > (diag ? DIAG_MAX_QUBITS : this.maxDense)) {
      const all = [...op.qubits, ...op.controls];
      this.place(all, {
        unit: { qubits: all, diag: false, mat: new Float64Array(0) },
        ops: 1,
        sealed: lowerControlled(op.qubits, op.controls, gateMatrix(op)),
      });
      return;
    }
    let blk: Block = { unit: gateUnit(op), ops: 1, op };
    const qs = blk.unit.qubits;
    if (qs.length === 1) {
      const prev = this.pending[qs[0]];
      this.pending[qs[0]] = prev
        ? { unit: composeUnits(prev.unit, blk.unit), ops: prev.ops + 1 }
        : blk;
      return;
    }
    for (const q of qs) {
      const p = this.pending[q];
      if (p && !(blk.unit.diag && p.unit.diag) && qs.length > this.maxDense)
        this.flushPending(q); // a dense block this wide costs more than its parts
      else if (p) {
        blk = { unit: composeUnits(p.unit, blk.unit), ops: blk.ops + p.ops };
        this.pending[q] = undefined;
      }
    }
    this.merge(blk);
  }

  /** Merges blk into the last block touching its qubits when allowed, else appends it. */
  private merge(blk: Block): void {
    const qs = blk.unit.qubits;
    let b = -1;
    for (const q of qs) b = Math.max(b, this.lastBlock[q]);
    if (b >= 0) {
      const target = this.blocks[b];
      if (!target.sealed) {
        const union = new Set([...target.unit.qubits, ...qs]).size;
        const bothDiag = target.unit.diag && blk.unit.diag;
        if (union <= (bothDiag ? DIAG_MAX_QUBITS : this.maxDense)) {
          target.unit = composeUnits(target.unit, blk.unit);
          target.ops += blk.ops;
          for (const q of qs) this.lastBlock[q] = b;
          return;
        }
      }
    }
    this.blocks.push(blk);
    for (const q of qs) this.lastBlock[q] = this.blocks.length - 1;
  }

  /** Appends a block on `qubits` after flushing pending single-qubit gates on them. */
  private place(qubits: readonly number[], blk: Block): void {
    for (const q of qubits) this.flushPending(q);
    this.blocks.push(blk);
    for (const q of qubits) this.lastBlock[q] = this.blocks.length - 1;
  }

  private flushPending(q: number): void {
    const p = this.pending[q];
    if (!p) return;
    this.pending[q] = undefined;
    this.merge(p);
  }

  /** Emits everything collected so far, in order, and starts over. */
  flush(): FusedInstr[] {
    for (let q = 0; q < this.numQubits; q++) this.flushPending(q);
    const out: FusedInstr[] = [];
    const emit = (f: FusedInstr): void => {
      const r = factorPhase(f);
      this.phase += r.phase;
      if (r.f) out.push(r.f);
    };
    for (const b of this.blocks) {
      if (b.sealed) out.push({ instr: b.sealed, ops: b.ops });
      else if (b.ops === 1 && b.op)
        emit({
          instr: lowerControlled(b.op.qubits, b.op.controls, gateMatrix(b.op)),
          ops: 1,
        });
      else if (!isIdentity(b.unit))
        emit({ instr: lowerUnit(b.unit), ops: b.ops });
    }
    this.blocks = [];
    this.lastBlock.fill(-1);
    return out;
  }
}
