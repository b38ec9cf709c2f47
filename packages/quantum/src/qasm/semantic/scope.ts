import type { ClassicalExpr, Condition } from "../../ir/types.ts";
import type { Stmt, TypeSpec } from "../ast.ts";

/**
 * A compile-time classical value. Booleans are stored as 0/1 with type "bool"; durations in
 * seconds (or in `dt` units: the ideal simulator never needs them).
 */
export interface ConstValue {
  readonly t:
    | "int"
    | "uint"
    | "float"
    | "angle"
    | "bool"
    | "bit"
    | "duration"
    | "stretch";
  readonly v: number;
  /**
   * Written as integer literals only (`3`, `3 + 4`): such a division is exact (`arccos(3 / 5)` is
   * 0.6, as the specification's examples mean), while typed integers divide with truncation.
   */
  readonly lit?: boolean;
}

/** A classical value only known at run time (it depends on measurements): an expression on bits. */
export interface RuntimeValue {
  readonly t: "rt";
  readonly expr: ClassicalExpr;
  /** Its type; an `angle` holds the integer k of k * 2π / 2^width. */
  readonly type: "int" | "uint" | "float" | "angle" | "bool" | "bit";
  readonly width?: number;
}

/** A compile-time array (`array[int[8], 4] a;`): elements row-major. */
export interface ArrayValue {
  readonly t: "array";
  readonly elem: string;
  readonly elemWidth?: number;
  readonly dims: readonly number[];
  readonly data: ConstValue[];
}

/** What an expression evaluates to: a constant, measured bits, qubits, or a condition on bits. */
export type Value =
  | ConstValue
  | {
      readonly t: "bits";
      readonly clbits: readonly number[];
      readonly scalar: boolean;
    }
  | {
      readonly t: "qubits";
      readonly qubits: readonly number[];
      readonly scalar: boolean;
    }
  | { readonly t: "cond"; readonly cond: Condition }
  | RuntimeValue
  | ArrayValue;

/** A quantum or classical register (or a single `qubit`/`bit`), on flat global indices. */
export interface RegisterSymbol {
  readonly kind: "qreg" | "creg";
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  /** Declared without a size (`qubit q;`, `bit b;`): refers to one (qu)bit, not a register. */
  readonly scalar: boolean;
}

/** Qubits bound to a gate or subroutine argument name. */
export interface QubitArgSymbol {
  readonly kind: "qarg";
  readonly name: string;
  readonly qubits: readonly number[];
  readonly scalar: boolean;
}

/** A classical variable or constant. */
export interface VariableSymbol {
  readonly kind: "var";
  readonly name: string;
  readonly type: string;
  readonly width?: number;
  value: ConstValue;
  /** `const`, `input`, loop variables and gate parameters cannot be assigned. */
  readonly readonly: boolean;
  /** Once it holds a run-time value: the classical bits that store it (LSB first). */
  storage?: readonly number[];
  /** Index of the circuit parameter this `input` is (parametric compilation); only gate arguments may read it. */
  readonly parameter?: number;
}

/** An array variable (compile-time values; passed to subroutines by reference). */
export interface ArraySymbol {
  readonly kind: "array";
  readonly name: string;
  value: ArrayValue;
  readonly readonly: boolean;
}

/** An `extern` function declaration. */
export interface ExternSymbol {
  readonly kind: "extern";
  readonly name: string;
  readonly params: readonly TypeSpec[];
  readonly returnType?: TypeSpec;
}

/** A `let` alias of classical bits. */
export interface BitAliasSymbol {
  readonly kind: "calias";
  readonly name: string;
  readonly clbits: readonly number[];
  readonly scalar: boolean;
}

/** A user-defined gate (`gate`) or an `opaque` declaration. */
export interface GateSymbol {
  readonly kind: "gate" | "opaque";
  readonly name: string;
  readonly params: readonly string[];
  readonly qubits: readonly string[];
  readonly body: readonly Stmt[];
  /** The file it was defined in (undefined: main source). */
  readonly file: string | undefined;
  /**
   * Qubit arguments the body indexes (`q[i]`): leniently read as registers that a call passes
   * whole, as a `def` would (the specification's vqe example does this; a warning says so).
   */
  readonly registerArgs?: ReadonlySet<string>;
}

/** A subroutine (`def`). */
export interface DefSymbol {
  readonly kind: "def";
  readonly stmt: Extract<Stmt, { kind: "def" }>;
  readonly file: string | undefined;
}

/** Anything a name can refer to. */
export type SymbolEntry =
  | RegisterSymbol
  | QubitArgSymbol
  | VariableSymbol
  | GateSymbol
  | DefSymbol
  | ArraySymbol
  | ExternSymbol
  | BitAliasSymbol;

/** A lexical scope; lookups fall back to the parent unless the scope is a barrier for variables. */
export class Scope {
  private readonly names = new Map<string, SymbolEntry>();

  constructor(
    readonly parent: Scope | undefined,
    /** Gate and subroutine bodies see only constants, gates and subroutines of outer scopes. */
    readonly isolated = false,
  ) {}

  /** Finds `name` here or outside (respecting isolation). */
  lookup(name: string): SymbolEntry | undefined {
    const own = this.names.get(name);
    if (own !== undefined) return own;
    let s = this.parent;
    let crossed = this.isolated;
    while (s) {
      const e = s.names.get(name);
      if (e !== undefined) {
        if (!crossed || visibleAcrossIsolation(e)) return e;
        return undefined;
      }
      crossed ||= s.isolated;
      s = s.parent;
    }
    return undefined;
  }

  /** The entry declared in this very scope, if any. */
  own(name: string): SymbolEntry | undefined {
    return this.names.get(name);
  }

  /** Declares `name` in this scope. */
  declare(name: string, entry: SymbolEntry): void {
    this.names.set(name, entry);
  }
}

function visibleAcrossIsolation(e: SymbolEntry): boolean {
  return (
    e.kind === "gate" ||
    e.kind === "opaque" ||
    e.kind === "def" ||
    e.kind === "extern" ||
    (e.kind === "var" && e.readonly) ||
    (e.kind === "array" && e.readonly) ||
    e.kind === "qreg" ||
    e.kind === "qarg"
  );
}
