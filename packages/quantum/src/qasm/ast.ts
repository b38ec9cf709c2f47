import type { Span } from "../ir/types.ts";

/** A classical or quantum type as written, e.g. `int[32]`, `qubit[4]`, `angle`. */
export interface TypeSpec {
  readonly name: string;
  readonly width?: Expr;
  readonly span: Span;
  /** `array[elem, d0, d1, ...]`: the element type and the dimensions (name is "array"). */
  readonly elem?: TypeSpec;
  readonly dims?: readonly Expr[];
  /** `array[elem, #dim = n]` (subroutine parameters): the number of dimensions only. */
  readonly dimCount?: Expr;
  /** `readonly` / `mutable` on array parameters of subroutines. */
  readonly access?: "readonly" | "mutable";
}

/** An expression node. `range` and `set` only appear in index and loop positions. */
export type Expr =
  | {
      readonly kind: "num";
      readonly value: number;
      readonly isInt: boolean;
      readonly span: Span;
    }
  | { readonly kind: "bool"; readonly value: boolean; readonly span: Span }
  | { readonly kind: "string"; readonly value: string; readonly span: Span }
  | { readonly kind: "id"; readonly name: string; readonly span: Span }
  | {
      readonly kind: "unary";
      readonly op: string;
      readonly operand: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: "binary";
      readonly op: string;
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: "call";
      readonly name: string;
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  | {
      readonly kind: "cast";
      readonly type: TypeSpec;
      readonly arg: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: "index";
      readonly target: Expr;
      readonly index: readonly Expr[];
      readonly span: Span;
    }
  | {
      readonly kind: "range";
      readonly start?: Expr;
      readonly step?: Expr;
      readonly end?: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: "set";
      readonly items: readonly Expr[];
      readonly span: Span;
    }
  | { readonly kind: "measure"; readonly target: Expr; readonly span: Span }
  /** A duration literal such as `100ns`, `1.5us`, `20dt`: `value` in `unit`. */
  | {
      readonly kind: "duration";
      readonly value: number;
      readonly unit: string;
      readonly span: Span;
    }
  /** `durationof({ ... })`: the duration of a block (0 on the ideal simulator). */
  | {
      readonly kind: "durationof";
      readonly body: readonly Stmt[];
      readonly span: Span;
    }
  /** `a ++ b`: concatenation of qubit registers (in `let`) or bit registers. */
  | {
      readonly kind: "concat";
      readonly parts: readonly Expr[];
      readonly span: Span;
    };

/** A gate modifier: `inv @`, `pow(k) @`, `ctrl(n) @`, `negctrl(n) @`. */
export interface Modifier {
  readonly kind: "inv" | "pow" | "ctrl" | "negctrl";
  readonly arg?: Expr;
  readonly span: Span;
}

/** A subroutine parameter: a classical type or `qubit`/`qubit[n]`. */
export interface DefParam {
  readonly name: string;
  readonly type: TypeSpec;
  readonly span: Span;
}

/** A statement node. */
export type Stmt =
  | { readonly kind: "version"; readonly version: string; readonly span: Span }
  | { readonly kind: "include"; readonly path: string; readonly span: Span }
  | {
      readonly kind: "qreg" | "creg";
      readonly name: string;
      readonly size?: Expr;
      readonly span: Span;
      readonly nameSpan: Span;
    }
  | {
      readonly kind: "gateDef" | "opaque";
      readonly name: string;
      readonly params: readonly string[];
      readonly qubits: readonly string[];
      readonly body: readonly Stmt[];
      readonly span: Span;
      readonly nameSpan: Span;
    }
  | {
      readonly kind: "gateCall";
      readonly modifiers: readonly Modifier[];
      readonly name: string;
      readonly params: readonly Expr[];
      readonly args: readonly Expr[];
      /** True when written `name(...)` with parentheses (matters for `f();` subroutine calls). */
      readonly hasParens: boolean;
      readonly span: Span;
      readonly nameSpan: Span;
    }
  | {
      readonly kind: "measure";
      readonly source: Expr;
      readonly target?: Expr;
      readonly span: Span;
    }
  | {
      readonly kind: "assign";
      readonly target: Expr;
      readonly op: string;
      readonly value: Expr;
      readonly span: Span;
    }
  | { readonly kind: "reset"; readonly target: Expr; readonly span: Span }
  | {
      /** `#pragma braket noise name(params) args` */
      readonly kind: "noise";
      readonly name: string;
      readonly nameSpan: Span;
      readonly params: readonly NoiseArg[];
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  | {
      readonly kind: "barrier";
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  | {
      readonly kind: "if";
      readonly cond: Expr;
      readonly then: readonly Stmt[];
      readonly else?: readonly Stmt[];
      readonly span: Span;
      /** The QASM 2 form `if (creg == n) op;`. */
      readonly qasm2: boolean;
    }
  | {
      readonly kind: "for";
      readonly varType?: TypeSpec;
      readonly varName: string;
      readonly iter: Expr;
      readonly body: readonly Stmt[];
      readonly span: Span;
    }
  | {
      readonly kind: "while";
      readonly cond: Expr;
      readonly body: readonly Stmt[];
      readonly span: Span;
    }
  | {
      readonly kind: "block";
      readonly body: readonly Stmt[];
      readonly span: Span;
    }
  | {
      readonly kind: "decl";
      readonly type: TypeSpec;
      readonly name: string;
      readonly init?: Expr;
      readonly modifier?: "const" | "input" | "output";
      readonly span: Span;
      readonly nameSpan: Span;
    }
  | {
      readonly kind: "def";
      readonly name: string;
      readonly params: readonly DefParam[];
      readonly returnType?: TypeSpec;
      readonly body: readonly Stmt[];
      readonly span: Span;
      readonly nameSpan: Span;
    }
  | { readonly kind: "return"; readonly value?: Expr; readonly span: Span }
  | { readonly kind: "break" | "continue"; readonly span: Span }
  | { readonly kind: "expr"; readonly expr: Expr; readonly span: Span }
  /** `let name = q[0:2] ++ r;`: an alias of qubits (or bits). */
  | {
      readonly kind: "alias";
      readonly name: string;
      readonly value: Expr;
      readonly span: Span;
      readonly nameSpan: Span;
    }
  /** `extern name(types) -> type;` */
  | {
      readonly kind: "extern";
      readonly name: string;
      readonly params: readonly TypeSpec[];
      readonly returnType?: TypeSpec;
      readonly span: Span;
      readonly nameSpan: Span;
    }
  /** `delay[d] q;` (no operands: all qubits). */
  | {
      readonly kind: "delay";
      readonly duration: Expr;
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  /** `box [d] { ... }`. */
  | {
      readonly kind: "box";
      readonly duration?: Expr;
      readonly body: readonly Stmt[];
      readonly span: Span;
    }
  /** `defcalgrammar`, `cal { }` and `defcal ... { }`: pulse-level text, skipped unparsed. */
  | { readonly kind: "calibration"; readonly what: string; readonly span: Span }
  /** `switch (e) { case 0, 1 { } default { } }` (OpenQASM 3.1). */
  | {
      readonly kind: "switch";
      readonly subject: Expr;
      readonly cases: readonly {
        readonly values: readonly Expr[];
        readonly body: readonly Stmt[];
        readonly span: Span;
      }[];
      readonly default?: readonly Stmt[];
      readonly span: Span;
    }
  /** `end;`: stops the program. */
  | { readonly kind: "end"; readonly span: Span };

/** A parsed file. `version` is "2.0", "3.0", or undefined when the OPENQASM line is missing. */
export interface Program {
  readonly version: "2.0" | "3.0" | undefined;
  readonly stmts: readonly Stmt[];
}

/** An argument of a noise pragma: an expression or a bracketed list (rows of a Kraus matrix, a [re, im] pair). */
export type NoiseArg =
  | { readonly kind: "expr"; readonly expr: Expr }
  | {
      readonly kind: "list";
      readonly items: readonly NoiseArg[];
      readonly span: Span;
    };
