/**
 * Circuit parameters in the compiler (`compileParametric`): `input`s without a value become
 * parameters that only gate arguments may use. A gate call mentioning one becomes a `ParamSite`:
 * its arguments as expressions over the parameters, the ops it emitted, and its expansion probed
 * for an affine map from arguments to op parameters (see ir/parametric.ts).
 */
import type { Expr } from "../ast.ts";
import type { GateOp, Operation, Span } from "../../ir/types.ts";
import {
  type ParamExpr,
  type ParamSite,
  evalParamExpr,
  isParamFunction,
} from "../../ir/parametric.ts";
import { QasmCodes } from "../codes.ts";
import type { Compiler } from "./compiler.ts";
import { SemanticAbort, evalNumber } from "./eval.ts";

/** The value parameters take while the program is compiled (away from 0 so 1/theta stays finite). */
export const PLACEHOLDER_VALUE = 0.5;

/** Parameters and sites collected during one compilation. */
export class ParamRecorder {
  readonly names: string[] = [];
  readonly sites: ParamSite[] = [];

  /** Registers an input as a parameter; returns its index. */
  declare(name: string): number {
    return this.names.push(name) - 1;
  }
}

/** A call's arguments when one mentions a parameter: expressions and their placeholder values. */
export interface SiteArgs {
  readonly exprs: ParamExpr[];
  readonly values: number[];
}

/** The call's arguments as parameter expressions, or undefined when none mentions a parameter. */
export function siteArgs(
  c: Compiler,
  args: readonly Expr[],
): SiteArgs | undefined {
  if (!c.params || !args.some((a) => mentionsParameter(c, a))) return undefined;
  const exprs = args.map((a) => toParamExpr(c, a));
  const x = new Array<number>(c.params.names.length).fill(PLACEHOLDER_VALUE);
  const values = exprs.map((e, i) => {
    const v = evalParamExpr(e, x);
    if (!Number.isFinite(v))
      c.fail(
        QasmCodes.BAD_VALUE,
        `expression is not a finite number with its parameters at ${PLACEHOLDER_VALUE}`,
        args[i].span,
      );
    return v;
  });
  return { exprs, values };
}

function parameterIndex(c: Compiler, name: string): number | undefined {
  const sym = c.scope.lookup(name);
  return sym?.kind === "var" ? sym.parameter : undefined;
}

function mentionsParameter(c: Compiler, e: Expr): boolean {
  switch (e.kind) {
    case "id":
      return parameterIndex(c, e.name) !== undefined;
    case "unary":
      return mentionsParameter(c, e.operand);
    case "binary":
      return mentionsParameter(c, e.left) || mentionsParameter(c, e.right);
    case "call":
      return e.args.some((a) => mentionsParameter(c, a));
    case "cast":
      return mentionsParameter(c, e.arg);
    default:
      return false;
  }
}

const BINARY = new Set(["+", "-", "*", "/", "**"]);

function unsupported(c: Compiler, what: string, span: Span): never {
  return c.fail(
    QasmCodes.PARAMETER_USE,
    `${what} cannot take a circuit parameter (parameters support + - * / **, sin, cos, tan, exp, ln, sqrt, arcsin, arccos, arctan and float/angle casts)`,
    span,
  );
}

function toParamExpr(c: Compiler, e: Expr): ParamExpr {
  if (!mentionsParameter(c, e)) return { k: "num", v: evalNumber(c, e) };
  switch (e.kind) {
    case "id":
      return { k: "in", i: parameterIndex(c, e.name)! };
    case "unary":
      if (e.op === "-") return { k: "neg", a: toParamExpr(c, e.operand) };
      if (e.op === "+") return toParamExpr(c, e.operand);
      return unsupported(c, `operator '${e.op}'`, e.span);
    case "binary":
      if (!BINARY.has(e.op))
        return unsupported(c, `operator '${e.op}'`, e.span);
      return {
        k: "bin",
        op: e.op as "+" | "-" | "*" | "/" | "**",
        a: toParamExpr(c, e.left),
        b: toParamExpr(c, e.right),
      };
    case "call":
      if (e.name === "pow" && e.args.length === 2)
        return {
          k: "bin",
          op: "**",
          a: toParamExpr(c, e.args[0]),
          b: toParamExpr(c, e.args[1]),
        };
      if (isParamFunction(e.name) && e.args.length === 1)
        return { k: "fn", f: e.name, a: toParamExpr(c, e.args[0]) };
      return unsupported(c, `function '${e.name}'`, e.span);
    case "cast":
      if (e.type.name === "float" || e.type.name === "angle")
        return toParamExpr(c, e.arg);
      return unsupported(c, `a cast to ${e.type.name}`, e.span);
    default:
      return unsupported(c, "this expression", e.span);
  }
}

/** The gate ops of an expansion that `Compiler.emit` keeps (it folds bare gphase into the global phase). */
function keptGates(c: Compiler, ops: readonly Operation[]): GateOp[] {
  return ops.filter(
    (op): op is GateOp =>
      op.kind === "gate" &&
      !(op.name === "gphase" && op.controls.length === 0 && !c.condition),
  );
}

/**
 * Records a site after its ops were emitted from index `first`. `expand` re-expands the call for
 * other argument values; it is probed here (diagnostics of failed probes are discarded).
 */
export function recordSite(
  c: Compiler,
  args: SiteArgs,
  first: number,
  expand: (args: readonly number[]) => readonly Operation[],
  span: Span,
): void {
  const rec = c.params!;
  const ops: number[] = [];
  for (let i = first; i < c.ops.length; i++)
    if (c.ops[i].kind === "gate") ops.push(i);
  const condition = c.condition;
  const expandKept = (a: readonly number[]): GateOp[] | undefined => {
    const saved = c.sink.items.length;
    const savedCondition = c.condition;
    c.condition = condition;
    try {
      const out = keptGates(c, expand(a));
      return out.length === ops.length ? out : undefined;
    } catch (e) {
      if (e instanceof SemanticAbort) return undefined;
      throw e;
    } finally {
      c.sink.items.length = saved;
      c.condition = savedCondition;
    }
  };
  const affine = probeAffine(args.values, expandKept);
  rec.sites.push({
    exprs: args.exprs,
    ops,
    ...(affine ? { affine } : { expand: (a) => expandKept(a) ?? [] }),
    span,
  });
}

function sameShape(a: GateOp, b: GateOp): boolean {
  return (
    a.name === b.name &&
    a.name !== "unitary" &&
    a.params.length === b.params.length &&
    a.qubits.length === b.qubits.length &&
    a.qubits.every((q, i) => q === b.qubits[i]) &&
    a.controls.length === b.controls.length &&
    a.controls.every((q, i) => q === b.controls[i])
  );
}

/** Fits op params = offset + coef * args from unit steps, then checks the fit at another point. */
function probeAffine(
  p0: readonly number[],
  f: (a: readonly number[]) => GateOp[] | undefined,
): ParamSite["affine"] {
  const base = f(p0);
  if (!base) return undefined;
  const steps: GateOp[][] = [];
  for (let a = 0; a < p0.length; a++) {
    const s = f(p0.map((v, i) => (i === a ? v + 1 : v)));
    if (!s || !s.every((op, m) => sameShape(op, base[m]))) return undefined;
    steps.push(s);
  }
  const coef = base.map((op, m) =>
    op.params.map((_, r) =>
      Float64Array.from(steps, (s) => s[m].params[r] - op.params[r]),
    ),
  );
  const offset = base.map((op, m) =>
    Float64Array.from(op.params, (v, r) =>
      coef[m][r].reduce((acc, k, a) => acc - k * p0[a], v),
    ),
  );
  const probe = p0.map((v, a) => v + 0.37 * (a + 1) - 0.11);
  const check = f(probe);
  if (!check || !check.every((op, m) => sameShape(op, base[m])))
    return undefined;
  for (let m = 0; m < base.length; m++)
    for (let r = 0; r < base[m].params.length; r++) {
      const want = coef[m][r].reduce(
        (acc, k, a) => acc + k * probe[a],
        offset[m][r],
      );
      const got = check[m].params[r];
      if (Math.abs(want - got) > 1e-9 * (1 + Math.abs(got))) return undefined;
    }
  return { offset, coef };
}
