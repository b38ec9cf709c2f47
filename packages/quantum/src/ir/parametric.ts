/**
 * Parametric circuits: a circuit compiled once whose gate parameters depend on named circuit
 * parameters (OpenQASM 3 `input`s), bound to values many times without recompiling.
 *
 * Each gate call whose arguments mention a parameter is a "site": its argument expressions
 * (`ParamExpr`, over parameter indices) and the ops it emitted (indices into `circuit.ops`). The
 * compiler probes the call's expansion (gate definitions, modifiers, standard-gate lowering) and
 * records it as affine in the call arguments when it is (every rotation, phase, `inv @`, `pow(k) @`,
 * `ctrl @` and gate-definition body of linear expressions); otherwise the site keeps a re-expansion
 * function (values only: no gradient through it). Binding evaluates the expressions and writes the
 * ops' parameters; `opParameterJacobian` gives d(op param)/d(circuit parameter) for the chain rule.
 */
import type { Circuit, GateOp, Operation, Span } from "./types.ts";

/** A real function of the circuit parameters (indices into `ParametricCircuit.parameters`). */
export type ParamExpr =
  | { readonly k: "num"; readonly v: number }
  | { readonly k: "in"; readonly i: number }
  | { readonly k: "neg"; readonly a: ParamExpr }
  | {
      readonly k: "bin";
      readonly op: "+" | "-" | "*" | "/" | "**";
      readonly a: ParamExpr;
      readonly b: ParamExpr;
    }
  | { readonly k: "fn"; readonly f: ParamFunction; readonly a: ParamExpr };

/** Functions a parameter expression may apply (OpenQASM 3 built-ins). */
export type ParamFunction =
  | "sin"
  | "cos"
  | "tan"
  | "exp"
  | "ln"
  | "log"
  | "sqrt"
  | "arcsin"
  | "arccos"
  | "arctan";

/** One gate call whose arguments depend on circuit parameters. */
export interface ParamSite {
  /** The call's arguments as functions of the circuit parameters. */
  readonly exprs: readonly ParamExpr[];
  /** Indices into `circuit.ops` of the gate ops the call emitted, in order. */
  readonly ops: readonly number[];
  /**
   * Op parameters as an affine function of the call arguments: for op m and its parameter r,
   * `offset[m][r] + sum_a coef[m][r][a] * arg[a]`. Absent when the expansion is not affine.
   */
  readonly affine?: {
    readonly offset: readonly Float64Array[];
    readonly coef: readonly (readonly Float64Array[])[];
  };
  /** Re-expands the call for given argument values (ops aligned with `ops`); for non-affine sites. */
  readonly expand?: (args: readonly number[]) => readonly GateOp[];
  readonly span?: Span;
}

/** A circuit compiled once with named parameters (see `compileParametric`). */
export interface ParametricCircuit {
  /** The circuit with every parameter at 0 (placeholder values). */
  readonly circuit: Circuit;
  /** Parameter names: the program's `input`s in declaration order. */
  readonly parameters: readonly string[];
  readonly sites: readonly ParamSite[];
}

const FNS: Record<
  ParamFunction,
  [(x: number) => number, (x: number) => number]
> = {
  sin: [Math.sin, Math.cos],
  cos: [Math.cos, (x) => -Math.sin(x)],
  tan: [Math.tan, (x) => 1 / Math.cos(x) ** 2],
  exp: [Math.exp, Math.exp],
  ln: [Math.log, (x) => 1 / x],
  log: [Math.log, (x) => 1 / x],
  sqrt: [Math.sqrt, (x) => 0.5 / Math.sqrt(x)],
  arcsin: [Math.asin, (x) => 1 / Math.sqrt(1 - x * x)],
  arccos: [Math.acos, (x) => -1 / Math.sqrt(1 - x * x)],
  arctan: [Math.atan, (x) => 1 / (1 + x * x)],
};

/** True when `name` is a function parameter expressions support. */
export function isParamFunction(name: string): name is ParamFunction {
  return Object.hasOwn(FNS, name);
}

/** The value of a parameter expression at parameter values x. */
export function evalParamExpr(e: ParamExpr, x: ArrayLike<number>): number {
  switch (e.k) {
    case "num":
      return e.v;
    case "in":
      return x[e.i];
    case "neg":
      return -evalParamExpr(e.a, x);
    case "fn":
      return FNS[e.f][0](evalParamExpr(e.a, x));
    case "bin": {
      const a = evalParamExpr(e.a, x);
      const b = evalParamExpr(e.b, x);
      switch (e.op) {
        case "+":
          return a + b;
        case "-":
          return a - b;
        case "*":
          return a * b;
        case "/":
          return a / b;
        case "**":
          return a ** b;
      }
    }
  }
}

/** d e / d x_j at x (chain rule through the expression). */
export function diffParamExpr(
  e: ParamExpr,
  x: ArrayLike<number>,
  j: number,
): number {
  switch (e.k) {
    case "num":
      return 0;
    case "in":
      return e.i === j ? 1 : 0;
    case "neg":
      return -diffParamExpr(e.a, x, j);
    case "fn": {
      const da = diffParamExpr(e.a, x, j);
      return da === 0 ? 0 : FNS[e.f][1](evalParamExpr(e.a, x)) * da;
    }
    case "bin": {
      const da = diffParamExpr(e.a, x, j);
      const db = diffParamExpr(e.b, x, j);
      if (da === 0 && db === 0) return 0;
      const a = evalParamExpr(e.a, x);
      const b = evalParamExpr(e.b, x);
      switch (e.op) {
        case "+":
          return da + db;
        case "-":
          return da - db;
        case "*":
          return da * b + a * db;
        case "/":
          return (da * b - a * db) / (b * b);
        case "**":
          return (
            (db === 0 ? 0 : a ** b * Math.log(a) * db) +
            (da === 0 ? 0 : b * a ** (b - 1) * da)
          );
      }
    }
  }
}

/** The parameter indices an expression mentions. */
export function paramExprInputs(
  e: ParamExpr,
  out = new Set<number>(),
): Set<number> {
  if (e.k === "in") out.add(e.i);
  else if (e.k === "neg" || e.k === "fn") paramExprInputs(e.a, out);
  else if (e.k === "bin") {
    paramExprInputs(e.a, out);
    paramExprInputs(e.b, out);
  }
  return out;
}

/** The circuit with the parameters bound to x (one value per parameter, in order). */
export function bindParameters(
  pc: ParametricCircuit,
  x: ArrayLike<number>,
): Circuit {
  if (x.length !== pc.parameters.length)
    throw new Error(
      `bindParameters: ${pc.parameters.length} value(s) expected, got ${x.length}`,
    );
  const ops: Operation[] = pc.circuit.ops.slice();
  for (const site of pc.sites) {
    const args = site.exprs.map((e) => evalParamExpr(e, x));
    if (site.affine) {
      const { offset, coef } = site.affine;
      site.ops.forEach((idx, m) => {
        const op = ops[idx] as GateOp;
        const params = new Array<number>(offset[m].length);
        for (let r = 0; r < params.length; r++) {
          let v = offset[m][r];
          const row = coef[m][r];
          for (let a = 0; a < args.length; a++) v += row[a] * args[a];
          params[r] = v;
        }
        ops[idx] = { ...op, params };
      });
    } else if (site.expand) {
      const fresh = site.expand(args);
      site.ops.forEach((idx, m) => {
        const op = ops[idx] as GateOp;
        const f = fresh[m];
        ops[idx] = f.matrix
          ? { ...op, params: f.params, matrix: f.matrix }
          : { ...op, params: f.params };
      });
    }
  }
  return { ...pc.circuit, ops };
}

/** d(op parameter r)/d(circuit parameter j) of one op: `d[r][j]`. */
export interface OpJacobian {
  readonly op: number;
  readonly d: readonly Float64Array[];
}

/**
 * The ops that depend on the parameters, with their Jacobians at x. Throws a `ParamGradientError`
 * naming the call when a site is not affine (a non-rotation gate under a fractional `pow`).
 */
export function opParameterJacobian(
  pc: ParametricCircuit,
  x: ArrayLike<number>,
): OpJacobian[] {
  const nParams = pc.parameters.length;
  const out: OpJacobian[] = [];
  for (const site of pc.sites) {
    if (!site.affine) throw new ParamGradientError(site.span);
    // dArg[a][j]
    const dArg = site.exprs.map((e) => {
      const row = new Float64Array(nParams);
      for (const j of paramExprInputs(e)) row[j] = diffParamExpr(e, x, j);
      return row;
    });
    site.ops.forEach((idx, m) => {
      const d = site.affine!.coef[m].map((coefRow) => {
        const row = new Float64Array(nParams);
        for (let a = 0; a < coefRow.length; a++) {
          if (coefRow[a] === 0) continue;
          for (let j = 0; j < nParams; j++) row[j] += coefRow[a] * dArg[a][j];
        }
        return row;
      });
      if (d.some((row) => row.some((v) => v !== 0))) out.push({ op: idx, d });
    });
  }
  return out.sort((p, q) => p.op - q.op);
}

/** A gradient was asked through a gate call whose expansion is not affine in its arguments. */
export class ParamGradientError extends Error {
  constructor(readonly span: Span | undefined) {
    super(
      `cannot differentiate this gate call${span ? ` (line ${span.line})` : ""}: its expansion is not a rotation in the parameter (a fractional pow of a non-rotation gate)`,
    );
  }
}
