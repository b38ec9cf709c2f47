import type {
  CompileOptions,
  Condition,
  GateOp,
  Operation,
  Register,
  Span,
} from "../../ir/types.ts";
import { lookupGate, type GateSignature } from "../../ir/gates.ts";
import type { Expr, Stmt } from "../ast.ts";
import { QasmCodes, type QasmCode } from "../codes.ts";
import { cleanSpan, type DiagnosticSink } from "../diagnostics.ts";
import { SemanticAbort, type EvalHost } from "./eval.ts";
import {
  Scope,
  type ConstValue,
  type SymbolEntry,
  type Value,
  type VariableSymbol,
} from "./scope.ts";
import { ParamRecorder } from "./params.ts";

/** Thrown when compilation must stop entirely (op limit); never escapes compileQasm. */
export class StopCompilation {
  readonly reason = "stop";
}

/** Thrown by `end;`: the program stops there (not an error). */
export class EndProgram {
  readonly reason = "end";
}

/** Name of the register formed by physical qubits `$0`, `$1`, ... */
export const PHYSICAL_REGISTER = "$";
const MAX_PHYSICAL_QUBITS = 1 << 20;

/** Default `maxOps`. */
export const DEFAULT_MAX_OPS = 10_000_000;
/** Compile-time loop iterations allowed per loop. */
export const MAX_LOOP_ITERATIONS = 1_000_000;
/** Nesting limit for gate expansion and subroutine calls. */
export const MAX_DEPTH = 200;

/** A call of a subroutine, implemented in exec-control.ts and injected to avoid an import cycle. */
export type DefCaller = (
  c: Compiler,
  name: string,
  args: readonly Expr[],
  span: Span,
) => Value | undefined;

/** The mutable state of one compilation: scopes, registers, emitted ops and limits. */
export class Compiler implements EvalHost {
  v3: boolean;
  scope: Scope;
  readonly global: Scope;
  readonly ops: Operation[] = [];
  readonly qregs: Register[] = [];
  readonly cregs: Register[] = [];
  numQubits = 0;
  numClbits = 0;
  globalPhase = 0;
  readonly inputs: { name: string; type: string }[] = [];
  /** Circuit parameters and the gate calls using them (parametric compilation only). */
  readonly params: ParamRecorder | undefined;
  /** The condition applied to emitted ops inside a branch on measured bits. */
  condition: Condition | undefined;
  /** Span given to emitted ops (the top-level statement being compiled). */
  opSpan: Span | undefined;
  qelib1 = false;
  stdgates = false;
  depth = 0;
  /** Enclosing loops in the current subroutine or program (for break/continue). */
  loopDepth = 0;
  /** Inside a subroutine body (for return). */
  inDef = false;
  /** Set after the first syntax error: later statements are parsed but not compiled. */
  syntaxFailed = false;
  includeDepth = 0;
  readonly maxOps: number;
  /** Calls of gates not defined at that point: resolved at the end (later definition or undefined). */
  readonly pendingGates: {
    name: string;
    span: Span;
    file: string | undefined;
  }[] = [];
  /** Names of gates whose definition had errors (calls produce nothing, no repeated errors). */
  readonly brokenGates = new Set<string>();
  /** rtDepth when the innermost subroutine call began (return is compile-time above it). */
  defRtDepth = 0;
  /** Nesting of run-time branches and loops being compiled (their code runs or not per shot). */
  rtDepth = 0;
  /** Enclosing loops, innermost last: compile-time (unrolled) or run-time (labels). */
  readonly loops: (
    | { readonly kind: "ct"; readonly rtDepth: number }
    | { readonly kind: "rt"; readonly head: number; readonly end: number }
  )[] = [];
  /** Label at the end of the program, for `end;` inside run-time branches (made on first use). */
  endLabel: number | undefined;
  /**
   * The subroutine being compiled, for `return` inside run-time branches: they store the value
   * in `result` and jump to `exit`, placed after the body.
   */
  defReturn:
    | {
        readonly exit: number;
        readonly type: string | undefined;
        readonly width: number | undefined;
        result?: VariableSymbol;
        used: boolean;
      }
    | undefined;
  /** The calibration warning was given (once per program). */
  calibrationWarned = false;
  private labels = 0;

  constructor(
    readonly sink: DiagnosticSink,
    readonly options: CompileOptions,
    v3: boolean,
    private readonly defCaller: DefCaller,
  ) {
    this.v3 = v3;
    this.global = new Scope(undefined);
    this.scope = this.global;
    this.maxOps = options.maxOps ?? DEFAULT_MAX_OPS;
    this.params = options.parametric ? new ParamRecorder() : undefined;
  }

  private readonly warned = new Set<string>();
  /** Qubit registers declared by their first use (see declareImplicitRegisters). */
  readonly implicitRegisters = new Set<string>();

  /** A warning given once per source position (gate bodies and loops compile a line many times). */
  warnOnce(code: QasmCode, message: string, span: Span): void {
    const key = `${this.sink.file ?? ""}:${span.line}:${span.col}:${code}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.sink.warning(code, message, span);
  }

  /** Reports an error and abandons the current statement. */
  fail(code: QasmCode, message: string, span: Span): never {
    this.sink.error(code, message, span);
    throw new SemanticAbort();
  }

  /** Statement helpers injected by compile.ts (they live in modules that import this one). */
  hooks!: {
    measureExpr(c: Compiler, target: Expr, span: Span): Value;
    durationOf(c: Compiler, body: readonly Stmt[], span: Span): ConstValue;
    callExtern(
      c: Compiler,
      name: string,
      args: readonly Value[],
      span: Span,
    ): Value;
  };

  measureExpr(target: Expr, span: Span): Value {
    return this.hooks.measureExpr(this, target, span);
  }
  durationOf(body: readonly Stmt[], span: Span): ConstValue {
    return this.hooks.durationOf(this, body, span);
  }
  callExtern(name: string, args: readonly Value[], span: Span): Value {
    return this.hooks.callExtern(this, name, args, span);
  }

  /** Calls a subroutine (see exec-control.ts). */
  callDef(name: string, args: readonly Expr[], span: Span): Value | undefined {
    return this.defCaller(this, name, args, span);
  }

  /** Physical qubits `$0..$n-1` form one register "$" at offset 0 (no declared qubits allowed then). */
  physicalQubit(k: number, span: Span): number {
    const declared = this.qregs.find((r) => r.name !== PHYSICAL_REGISTER);
    if (declared) {
      this.fail(
        QasmCodes.SYNTAX,
        `physical qubit $${k} cannot be mixed with declared qubits ('${declared.name}')`,
        span,
      );
    }
    if (k >= MAX_PHYSICAL_QUBITS)
      this.fail(
        QasmCodes.INDEX_OUT_OF_RANGE,
        `physical qubit $${k} is out of range`,
        span,
      );
    if (k >= this.numQubits) {
      this.numQubits = k + 1;
      this.qregs.length = 0;
      this.qregs.push({ name: PHYSICAL_REGISTER, size: k + 1, offset: 0 });
    }
    return k;
  }

  /** Runs `fn` with `scope` as the current scope. */
  withScope<T>(scope: Scope, fn: () => T): T {
    const saved = this.scope;
    this.scope = scope;
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }

  /** Declares a name in the current scope, reporting a redefinition. */
  declare(name: string, entry: SymbolEntry, span: Span): void {
    const prev = this.scope.own(name);
    const isCallable =
      entry.kind === "gate" || entry.kind === "opaque" || entry.kind === "def";
    if (prev !== undefined || (isCallable && this.isStandardGate(name))) {
      this.fail(QasmCodes.REDEFINITION, `'${name}' is already defined`, span);
    }
    this.scope.declare(name, entry);
  }

  /** The signature of a standard gate available in this program (by version and includes). */
  standardGate(name: string): GateSignature | undefined {
    const sig = lookupGate(name);
    if (sig === undefined) return undefined;
    if (
      this.v3
        ? name === "U" || name === "gphase"
        : name === "U" || name === "CX"
    )
      return sig;
    if (this.qelib1 && sig.qelib1) return sig;
    if (this.v3 && this.stdgates && sig.stdgates) return sig;
    return undefined;
  }

  /**
   * Gates that OpenQASM 3 programs use without defining them and that have one plain meaning:
   * `CX` (OpenQASM 2's built-in, in stdgates.inc since) without the include, and `u`, the
   * lowercase U of Qiskit and qelib1.inc (the specification's dd example calls `u $3;` with no
   * parameters, which can only be a placeholder: read as U(0, 0, 0), the identity). Each use
   * gives a warning; other undefined gates stay errors.
   */
  lenientGate(
    name: string,
    numParams: number,
  ):
    | {
        readonly name: string;
        readonly numQubits: number;
        readonly numParams: number;
        readonly fixedParams?: readonly number[];
      }
    | undefined {
    if (!this.v3) return undefined;
    if (name === "CX" && !this.stdgates)
      return { name: "CX", numQubits: 2, numParams: 0 };
    if (name === "u" && numParams === 3)
      return { name: "U", numQubits: 1, numParams: 3 };
    if (name === "u" && numParams === 0)
      return { name: "U", numQubits: 1, numParams: 0, fixedParams: [0, 0, 0] };
    return undefined;
  }

  private isStandardGate(name: string): boolean {
    return this.standardGate(name) !== undefined;
  }

  /** Appends an op with the current span and condition; top-level uncontrolled `gphase` goes to the global phase. */
  emit(op: Operation): void {
    if (
      op.kind === "gate" &&
      op.name === "gphase" &&
      op.controls.length === 0 &&
      !this.condition
    ) {
      this.globalPhase += op.params[0];
      return;
    }
    if (this.ops.length >= this.maxOps) {
      const at = this.opSpan ?? { line: 1, col: 1, endLine: 1, endCol: 1 };
      this.sink.error(
        QasmCodes.TOO_MANY_OPS,
        `the program unrolls to more than ${this.maxOps} operations (maxOps)`,
        at,
      );
      throw new StopCompilation();
    }
    this.ops.push(withContext(op, this.opSpan, this.condition));
  }

  /** New classical bits outside every register (storage of run-time variables). */
  allocHidden(n: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < n; i++) out.push(this.numClbits + i);
    this.numClbits += n;
    return out;
  }

  /**
   * A top-level variable that holds run-time values is one of the program's outputs (OpenQASM 3:
   * with no `output` declarations every variable is): it shows in counts as a register.
   */
  exposeVariable(sym: VariableSymbol): void {
    const storage = sym.storage;
    if (!storage || storage.length === 0 || this.global.own(sym.name) !== sym)
      return;
    // A float's storage is the 64 bits of a double: no count key to show.
    if (sym.type === "float") return;
    if (this.cregs.some((r) => r.name === sym.name)) return;
    this.cregs.push({
      name: sym.name,
      size: storage.length,
      offset: storage[0],
    });
  }

  /** A new label id for run-time control flow. */
  newLabel(): number {
    return this.labels++;
  }

  /** Sets the span given to the ops of the next top-level statement. */
  setOpSpan(span: Span): void {
    this.opSpan = cleanSpan(span);
  }
}

/** A copy of `op` with its span and condition, built field by field (hot path: no object spread). */
function withContext(
  op: Operation,
  span: Span | undefined,
  condition: Condition | undefined,
): Operation {
  switch (op.kind) {
    case "gate": {
      const g: { -readonly [K in keyof GateOp]: GateOp[K] } = {
        kind: "gate",
        name: op.name,
        qubits: op.qubits,
        params: op.params,
        controls: op.controls,
      };
      if (op.matrix) g.matrix = op.matrix;
      if (condition) g.condition = condition;
      if (span) g.span = span;
      return g;
    }
    case "barrier":
      return span ? { kind: "barrier", qubits: op.qubits, span } : op;
    case "label":
      return span ? { kind: "label", id: op.id, span } : op;
    default:
      if (!condition && !span) return op;
      return {
        ...op,
        ...(condition ? { condition } : {}),
        ...(span ? { span } : {}),
      };
  }
}
