import {
  inverseGateOps,
  openqasm3Phase,
  powerGateOps,
  standardGateOps,
} from "../../ir/gates.ts";
import { OPS_MATRIX_MAX_QUBITS, opsMatrix } from "../../ir/ops-matrix.ts";
import { unitaryPower } from "../../math/matrix.ts";
import type { GateOp, Operation, Span } from "../../ir/types.ts";
import type { Expr, Modifier, Stmt } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import { MAX_DEPTH, PHYSICAL_REGISTER, type Compiler } from "./compiler.ts";
import { evalInt, evalNumber, evalOperand, evaluate } from "./eval.ts";
import {
  affine,
  isRuntime,
  runtimeBinary,
  runtimeCondition,
  toRuntime,
  whenHolds,
} from "./runtime.ts";
import { runtimeGateCall } from "./runtime-gates.ts";
import { recordSite, siteArgs } from "./params.ts";
import { Scope, type GateSymbol } from "./scope.ts";
import { loopValues } from "./indexing.ts";

type GateCall = Extract<Stmt, { kind: "gateCall" }>;

/** A modifier with its argument evaluated. */
interface EvaluatedModifier {
  readonly kind: Modifier["kind"];
  readonly k: number;
  readonly span: Span;
}

/** What a gate name refers to, with its shape. */
interface GateTarget {
  readonly numQubits: number;
  readonly numParams: number;
  readonly custom?: GateSymbol;
  /** A lenient reading (Compiler.lenientGate): the standard gate meant, and its parameters when fixed. */
  readonly standardName?: string;
  readonly fixedParams?: readonly number[];
}

/** Finds a gate by name: a user-defined or opaque gate, or an available standard gate. */
function findGate(
  c: Compiler,
  name: string,
  call?: GateCall,
): GateTarget | undefined {
  const sym = c.global.lookup(name);
  if (sym?.kind === "gate" || sym?.kind === "opaque") {
    return {
      numQubits: sym.qubits.length,
      numParams: sym.params.length,
      custom: sym,
    };
  }
  const sig = c.standardGate(name);
  if (sig) return { numQubits: sig.numQubits, numParams: sig.numParams };
  const lenient = call && c.lenientGate(name, call.params.length);
  if (!lenient) return undefined;
  const fixed = lenient.fixedParams;
  c.warnOnce(
    QasmCodes.LENIENT,
    name === "CX"
      ? "'CX' is built in only in OpenQASM 2 (stdgates.inc defines it in OpenQASM 3): read as cx without the include"
      : fixed
        ? "'u' is not a standard gate and has no parameters here: read as a placeholder for U(0, 0, 0), the identity"
        : "'u' is not in stdgates.inc: read as U(θ, φ, λ), as Qiskit and qelib1.inc name it",
    call.nameSpan,
  );
  return {
    numQubits: lenient.numQubits,
    numParams: lenient.numParams,
    standardName: lenient.name,
    ...(fixed ? { fixedParams: fixed } : {}),
  };
}

/** Reports an undefined gate (or, at the end, one used before its definition) and abandons the statement. */
function undefinedGate(c: Compiler, name: string, span: Span): never {
  c.pendingGates.push({ name, span, file: c.sink.file });
  throw new UndefinedGateAbort();
}

/** Abandons a statement whose gate is undefined; the diagnostic is written at the end of compilation. */
export class UndefinedGateAbort {
  readonly reason = "undefined-gate";
}

function evalModifiers(
  c: Compiler,
  mods: readonly Modifier[],
): EvaluatedModifier[] {
  if (mods.length === 0) return NO_MODIFIERS;
  return mods.map((m) => {
    if (m.kind === "inv") return { kind: m.kind, k: 1, span: m.span };
    if (m.kind === "pow") {
      if (!m.arg)
        c.fail(QasmCodes.SYNTAX, "pow needs an exponent: pow(k) @", m.span);
      return { kind: m.kind, k: evalNumber(c, m.arg), span: m.span };
    }
    const k = m.arg ? evalInt(c, m.arg, "a control count") : 1;
    if (k < 1)
      c.fail(
        QasmCodes.BAD_VALUE,
        `${m.kind} needs a positive number of controls, got ${k}`,
        m.span,
      );
    return { kind: m.kind, k, span: m.span };
  });
}

const NO_MODIFIERS: EvaluatedModifier[] = [];

/** Checks the call's shape (parameters and qubit count) against the gate; returns the gate. */
function checkShape(
  c: Compiler,
  call: GateCall,
  mods: readonly EvaluatedModifier[],
  numArgs: number,
): GateTarget {
  const g =
    findGate(c, call.name, call) ?? undefinedGate(c, call.name, call.nameSpan);
  if (call.params.length !== g.numParams) {
    c.fail(
      QasmCodes.PARAM_COUNT,
      `gate '${call.name}' takes ${g.numParams} parameter(s), got ${call.params.length}`,
      call.span,
    );
  }
  let controls = 0;
  for (const m of mods)
    if (m.kind === "ctrl" || m.kind === "negctrl") controls += m.k;
  if (numArgs !== g.numQubits + controls) {
    const extra =
      controls > 0 ? ` (${g.numQubits} + ${controls} control(s))` : "";
    c.fail(
      QasmCodes.ARG_COUNT,
      `gate '${call.name}' takes ${g.numQubits + controls} qubit(s)${extra}, got ${numArgs}`,
      call.span,
    );
  }
  return g;
}

/** Reports a qubit passed twice to one gate. */
function checkDistinct(
  c: Compiler,
  qubits: readonly number[],
  span: Span,
): void {
  for (let i = 1; i < qubits.length; i++) {
    for (let j = 0; j < i; j++) {
      if (qubits[i] === qubits[j])
        c.fail(
          QasmCodes.DUPLICATE_QUBIT,
          "the same qubit is used twice in one gate call",
          span,
        );
    }
  }
}

/** Compiles a gate call statement: resolves and broadcasts its arguments, expands and emits. */
export function compileGateCall(
  c: Compiler,
  call: GateCall,
  fixedParams?: readonly number[],
): void {
  const mods = evalModifiers(c, call.modifiers);
  const g = checkShape(c, call, mods, call.args.length);
  declareImplicitRegisters(c, call);
  if (runtimeIndexedCall(c, call, fixedParams)) return;
  if (outsideSubroutineArgument(c, call)) return;
  const site = fixedParams === undefined ? siteArgs(c, call.params) : undefined;
  if (fixedParams === undefined && site === undefined) {
    const values = call.params.map((p) => evaluate(c, p));
    if (values.some(isRuntime)) return runtimeGateCall(c, call, values);
  }
  const params =
    fixedParams ?? site?.values ?? call.params.map((p) => evalNumber(c, p));
  const first = c.ops.length;
  const applied: (readonly number[])[] = [];
  const lists: (readonly number[])[] = [];
  const isReg: boolean[] = [];
  let width = 1;
  let broadcast = false;
  // Arguments a gate body indexes are passed whole (see GateSymbol.registerArgs).
  const wholeArg = wholeArguments(g, call.args.length);
  for (const [k, a] of call.args.entries()) {
    const v = evalOperand(c, a);
    if (v.t !== "qubits")
      c.fail(
        QasmCodes.TYPE_ERROR,
        "expected a qubit or qubit register",
        a.span,
      );
    lists.push(v.qubits);
    isReg.push(!v.scalar && !wholeArg[k]);
    if (!v.scalar && !wholeArg[k]) {
      if (broadcast && v.qubits.length !== width) {
        c.fail(
          QasmCodes.REGISTER_SIZE_MISMATCH,
          `registers of different sizes (${width} and ${v.qubits.length}) in one gate call`,
          a.span,
        );
      }
      broadcast = true;
      width = v.qubits.length;
    }
  }
  const sym = g.custom;
  if (sym?.kind === "opaque") {
    c.sink.warning(
      QasmCodes.OPAQUE,
      `gate '${call.name}' is opaque: it compiles but cannot be simulated`,
      call.nameSpan,
    );
  }
  if (sym && c.brokenGates.has(sym.name)) return;
  const targetsFrom = call.args.length - g.numQubits;
  const appliedLists: ((readonly number[])[] | undefined)[] = [];
  for (let i = 0; i < width; i++) {
    const parts = lists.map((l, k) =>
      wholeArg[k] ? l : [isReg[k] ? l[i] : l[0]],
    );
    const qubits = parts.flat();
    const targetLists = wholeArg.some(Boolean)
      ? parts.slice(targetsFrom)
      : undefined;
    checkDistinct(c, qubits, call.span);
    applied.push(qubits);
    appliedLists.push(targetLists);
    for (const op of applyGate(
      c,
      call.name,
      g,
      params,
      qubits,
      mods,
      call.span,
      targetLists,
    ))
      c.emit(op);
  }
  if (site)
    recordSite(
      c,
      site,
      first,
      (ps) =>
        applied.flatMap((qs, i) =>
          applyGate(c, call.name, g, ps, qs, mods, call.span, appliedLists[i]),
        ),
      call.span,
    );
}

/**
 * OpenQASM 3 programs that use a qubit register they never declare (the specification's cphase
 * example ends with `cphase(π / 2) q[0], q[1];` and no `qubit[2] q;`): at the top level, an
 * undeclared name indexed by integer literals in a gate call is declared as the qubit register
 * those indices need, with a warning. Anything else stays an undeclared register (an error).
 */
function declareImplicitRegisters(c: Compiler, call: GateCall): void {
  if (!c.v3 || c.scope !== c.global) return;
  const need = new Map<string, { size: number; span: Span }>();
  for (const a of call.args) {
    if (a.kind !== "index" || a.target.kind !== "id") continue;
    const name = a.target.name;
    const known = c.scope.lookup(name);
    if (name.startsWith("$") || (known && !c.implicitRegisters.has(name)))
      continue;
    if (a.index.length !== 1 || a.index[0].kind !== "num") return;
    const k = a.index[0].value;
    if (!Number.isInteger(k) || k < 0 || k >= 64) return;
    const prev = need.get(name);
    need.set(name, {
      size: Math.max(prev?.size ?? 0, k + 1),
      span: prev?.span ?? a.target.span,
    });
  }
  if (need.size === 0) return;
  if (c.qregs.some((r) => r.name === PHYSICAL_REGISTER)) return;
  for (const [name, { size, span }] of need) {
    const known = c.global.own(name);
    if (known?.kind === "qreg") {
      // Grown by a later, larger index while it is still the last qubit register.
      if (size <= known.size || known.offset + known.size !== c.numQubits)
        continue;
      c.global.declare(name, { ...known, size });
      const reg = c.qregs.findIndex((r) => r.name === name);
      c.qregs[reg] = { name, size, offset: known.offset };
      c.numQubits = known.offset + size;
      continue;
    }
    c.implicitRegisters.add(name);
    c.sink.warning(
      QasmCodes.LENIENT,
      `register '${name}' is not declared; read as a qubit register declared here, as large as its indices need`,
      span,
    );
    const offset = c.numQubits;
    c.declare(name, { kind: "qreg", name, size, offset, scalar: false }, span);
    c.qregs.push({ name, size, offset });
    c.numQubits += size;
  }
}

/** A qubit operand's single index, split into the parts that may be run-time values. */
function indexParts(a: Expr): { start: Expr; end?: Expr } | undefined {
  if (a.kind !== "index" || a.index.length !== 1) return undefined;
  const ix = a.index[0];
  if (ix.kind === "range")
    return ix.start && ix.end && !ix.step
      ? { start: ix.start, end: ix.end }
      : undefined;
  if (ix.kind === "set") return undefined;
  return { start: ix };
}

const literal = (v: number, span: Span): Expr => ({
  kind: "num",
  value: v,
  isInt: true,
  span,
});

/**
 * A gate on `r[i]` or `r[i:i+k]` where i is known only at run time (the msd example's
 * `swap magic[0:1], buffer[index:index+1]` after `index += 2` in a branch on measured bits): the
 * call is compiled once per index the register allows, each under the condition that i has that
 * value. A run-time index outside the register applies nothing. Returns false when every index
 * is a compile-time value.
 */
function runtimeIndexedCall(
  c: Compiler,
  call: GateCall,
  fixedParams: readonly number[] | undefined,
): boolean {
  for (const [k, a] of call.args.entries()) {
    const parts = indexParts(a);
    if (!parts || a.kind !== "index") continue;
    const start = evaluate(c, parts.start);
    const end = parts.end && evaluate(c, parts.end);
    if (!isRuntime(start) && !(end && isRuntime(end))) continue;
    const reg = evalOperand(c, a.target);
    if (reg.t !== "qubits")
      return c.fail(QasmCodes.TYPE_ERROR, "expected a qubit register", a.span);
    const n = reg.qubits.length;
    const s0 = toRuntime(c, start, parts.start.span);
    let width = 0;
    if (end) {
      const e0 = toRuntime(c, end, parts.end!.span);
      const d = affine({
        kind: "binary",
        op: "-",
        left: e0.expr,
        right: s0.expr,
      });
      if (!d || [...d.terms.values()].some((w) => w !== 0))
        return c.fail(
          QasmCodes.UNSUPPORTED,
          "not supported yet: a run-time range of qubits whose length is not fixed",
          a.span,
        );
      width = d.c0;
    }
    for (let v = 0; v + width < n; v++) {
      const index: Expr = end
        ? {
            kind: "range",
            start: literal(v, parts.start.span),
            end: literal(v + width, parts.end!.span),
            span: a.index[0].span,
          }
        : literal(v, parts.start.span);
      const args = call.args.map((x, j) =>
        j === k ? { ...a, index: [index] } : x,
      );
      const cond = runtimeCondition(
        c,
        runtimeBinary(c, "==", s0, { t: "int", v }, a.span),
        a.span,
      );
      whenHolds(c, cond, () =>
        compileGateCall(c, { ...call, args }, fixedParams),
      );
    }
    return true;
  }
  return false;
}

/**
 * A gate on a subroutine's register argument at a constant index past its end (the msd example's
 * `cz scratch[3], scratch[2];` on `qubit[3] scratch`): the call is skipped with a warning, so the
 * program still runs. Top-level registers keep the out-of-range error.
 */
function outsideSubroutineArgument(c: Compiler, call: GateCall): boolean {
  for (const a of call.args) {
    if (
      a.kind !== "index" ||
      a.target.kind !== "id" ||
      a.index.length !== 1 ||
      a.index[0].kind !== "num"
    )
      continue;
    const sym = c.scope.lookup(a.target.name);
    if (sym?.kind !== "qarg" || sym.scalar) continue;
    const i = a.index[0].value;
    if (i < sym.qubits.length && i >= -sym.qubits.length) continue;
    c.warnOnce(
      QasmCodes.LENIENT,
      `qubit index ${i} is out of range ('${sym.name}' has ${sym.qubits.length} qubits): this gate call is skipped`,
      a.index[0].span,
    );
    return true;
  }
  return false;
}

/** Which call arguments a gate takes whole (its body indexes them; controls never are). */
function wholeArguments(g: GateTarget, numArgs: number): boolean[] {
  const reg = g.custom?.registerArgs;
  const out = new Array<boolean>(numArgs).fill(false);
  if (!reg || !g.custom) return out;
  const from = numArgs - g.numQubits;
  g.custom.qubits.forEach((q, i) => {
    if (reg.has(q)) out[from + i] = true;
  });
  return out;
}

/** Expands one application (after broadcast) with its modifiers into canonical operations. */
function applyGate(
  c: Compiler,
  name: string,
  g: GateTarget,
  params: readonly number[],
  qubits: readonly number[],
  mods: readonly EvaluatedModifier[],
  span: Span,
  targetLists?: readonly (readonly number[])[],
): Operation[] {
  if (g.standardName !== undefined) {
    name = g.standardName;
    params = g.fixedParams ?? params;
  }
  if (mods.length === 0 && !g.custom)
    return standardOps(c, name, params, qubits);
  let pos = 0;
  const ctrlQubits: (readonly number[])[] = mods.map((m) => {
    if (m.kind !== "ctrl" && m.kind !== "negctrl") return [];
    const cs = qubits.slice(pos, pos + m.k);
    pos += m.k;
    return cs;
  });
  const targets = qubits.slice(pos);
  let ops: Operation[];
  if (g.custom?.kind === "opaque") {
    if (mods.length > 0)
      c.fail(
        QasmCodes.UNSUPPORTED,
        "not supported yet: modifiers on opaque gates",
        span,
      );
    ops = [{ kind: "opaque", name, qubits: targets, params }];
  } else if (g.custom)
    ops = expandCustom(
      c,
      g.custom,
      params,
      targetLists ?? targets.map((q) => [q]),
      span,
    );
  else ops = standardOps(c, name, params, targets);
  for (let i = mods.length - 1; i >= 0; i--)
    ops = applyModifier(c, mods[i], ctrlQubits[i], ops);
  return ops;
}

/**
 * A standard gate as canonical ops; in OpenQASM 3 followed by the `gphase` that makes it exactly
 * its stdgates.inc definition (U, u2, u3: see openqasm3Phase). At the top level that gphase only
 * adds to the circuit's global phase, so the gate still runs as one kernel; under `ctrl @` it
 * becomes a phase on the controls.
 */
function standardOps(
  c: Compiler,
  name: string,
  params: readonly number[],
  qubits: readonly number[],
): GateOp[] {
  const ops = standardGateOps(name, params, qubits);
  if (!c.v3) return ops;
  const phase = openqasm3Phase(name, params);
  if (phase !== 0)
    ops.push({
      kind: "gate",
      name: "gphase",
      qubits: [],
      params: [phase],
      controls: [],
    });
  return ops;
}

/** pow(k) @ with a non-integer k of several ops: the principal power of their whole matrix, global phase included. */
function powerOfOps(
  c: Compiler,
  ops: readonly Operation[],
  k: number,
  span: Span,
): Operation[] {
  const gates: GateOp[] = [];
  const support = new Set<number>();
  for (const op of ops) {
    if (op.kind === "barrier") continue;
    if (op.kind !== "gate")
      return c.fail(
        QasmCodes.UNSUPPORTED,
        `not supported yet: a power of a ${op.kind} operation`,
        span,
      );
    gates.push(op);
    for (const q of op.qubits) support.add(q);
    for (const q of op.controls) support.add(q);
  }
  const qubits = [...support].sort((a, b) => a - b);
  if (qubits.length > OPS_MATRIX_MAX_QUBITS)
    return c.fail(
      QasmCodes.UNSUPPORTED,
      `not supported yet: a non-integer power of a gate on more than ${OPS_MATRIX_MAX_QUBITS} qubits`,
      span,
    );
  const m = unitaryPower(opsMatrix(gates, qubits), k);
  if (qubits.length === 0)
    return [
      {
        kind: "gate",
        name: "gphase",
        qubits: [],
        params: [Math.atan2(m[1], m[0])],
        controls: [],
      },
    ];
  return [
    {
      kind: "gate",
      name: "unitary",
      qubits,
      params: [],
      controls: [],
      matrix: m,
    },
  ];
}

function applyModifier(
  c: Compiler,
  m: EvaluatedModifier,
  cs: readonly number[],
  ops: Operation[],
): Operation[] {
  switch (m.kind) {
    case "inv":
      return invert(c, ops, m.span);
    case "pow": {
      if (ops.length === 1 && ops[0].kind === "gate")
        return powerGateOps(ops[0], m.k);
      if (!Number.isInteger(m.k)) return powerOfOps(c, ops, m.k, m.span);
      const step = m.k < 0 ? invert(c, ops, m.span) : ops;
      const n = Math.abs(m.k);
      if (n * step.length > c.maxOps)
        c.fail(
          QasmCodes.TOO_MANY_OPS,
          `pow(${m.k}) unrolls to too many operations`,
          m.span,
        );
      const out: Operation[] = [];
      for (let i = 0; i < n; i++) out.push(...step);
      return out;
    }
    case "ctrl":
      return ops.map((op) => control(c, op, cs, m.span));
    case "negctrl": {
      const flips: Operation[] = cs.map((q) => ({
        kind: "gate",
        name: "x",
        qubits: [q],
        params: [],
        controls: [],
      }));
      return [
        ...flips,
        ...ops.map((op) => control(c, op, cs, m.span)),
        ...flips,
      ];
    }
  }
}

function invert(
  c: Compiler,
  ops: readonly Operation[],
  span: Span,
): Operation[] {
  const out: Operation[] = [];
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = ops[i];
    if (op.kind === "gate") out.push(...inverseGateOps(op));
    else if (op.kind === "barrier") out.push(op);
    else
      c.fail(
        QasmCodes.UNSUPPORTED,
        `not supported yet: inverting a ${op.kind} operation`,
        span,
      );
  }
  return out;
}

function control(
  c: Compiler,
  op: Operation,
  cs: readonly number[],
  span: Span,
): Operation {
  if (op.kind === "barrier") return { ...op, qubits: [...cs, ...op.qubits] };
  if (op.kind !== "gate")
    return c.fail(
      QasmCodes.UNSUPPORTED,
      `not supported yet: controlling a ${op.kind} operation`,
      span,
    );
  if (op.name === "gphase") {
    // A controlled global phase is a phase gate on the (last) control.
    const all = [...op.controls, ...cs];
    const g: GateOp = {
      kind: "gate",
      name: "p",
      qubits: [all[all.length - 1]],
      params: op.params,
      controls: all.slice(0, -1),
    };
    return g;
  }
  return { ...op, controls: [...cs, ...op.controls] };
}

/** Inlines a user-defined gate: its body with parameters and qubits substituted. */
function expandCustom(
  c: Compiler,
  g: GateSymbol,
  params: readonly number[],
  qubits: readonly (readonly number[])[],
  span: Span,
): Operation[] {
  if (c.depth >= MAX_DEPTH)
    c.fail(QasmCodes.RECURSION_LIMIT, "gate definitions nest too deeply", span);
  const scope = new Scope(c.global, true);
  g.params.forEach((p, i) =>
    scope.declare(p, {
      kind: "var",
      name: p,
      type: "float",
      value: { t: "float", v: params[i] },
      readonly: true,
    }),
  );
  g.qubits.forEach((q, i) =>
    scope.declare(q, {
      kind: "qarg",
      name: q,
      qubits: qubits[i],
      scalar: !g.registerArgs?.has(q),
    }),
  );
  const out: Operation[] = [];
  const run = (body: readonly Stmt[]): void => {
    for (const s of body) {
      if (s.kind === "barrier") {
        out.push({
          kind: "barrier",
          qubits: s.args.flatMap((a) => qargQubits(c, a)),
        });
        continue;
      }
      if (s.kind === "for") {
        // Unrolled at compile time; the loop variable is an int constant of each copy.
        for (const x of loopValues(c, s.iter)) {
          const inner = new Scope(c.scope);
          inner.declare(s.varName, {
            kind: "var",
            name: s.varName,
            type: "int",
            value: { t: "int", v: x },
            readonly: true,
          });
          c.withScope(inner, () => run(s.body));
        }
        continue;
      }
      if (s.kind !== "gateCall") continue;
      const mods = evalModifiers(c, s.modifiers);
      const inner = checkShape(c, s, mods, s.args.length);
      const ps = s.params.map((p) => evalNumber(c, p));
      const qs = s.args.flatMap((a) => qargQubits(c, a));
      checkDistinct(c, qs, s.span);
      out.push(...applyGate(c, s.name, inner, ps, qs, mods, span));
      if (out.length > c.maxOps)
        c.fail(
          QasmCodes.TOO_MANY_OPS,
          "a gate expands to too many operations",
          span,
        );
    }
  };
  c.depth++;
  try {
    c.withScope(scope, () => run(g.body));
  } finally {
    c.depth--;
  }
  return out;
}

function qargQubits(c: Compiler, a: Expr): readonly number[] {
  const v = evalOperand(c, a);
  if (v.t !== "qubits")
    return c.fail(QasmCodes.TYPE_ERROR, "expected a qubit argument", a.span);
  return v.qubits;
}
