/**
 * Gates whose parameters are only known at run time (`phase(c) q;` with `c` measured): a gate of a
 * one-parameter group (rotations, phases) whose angle is affine in the bits becomes one gate for
 * the constant part plus one conditioned gate per bit; any other gate gets one conditioned copy per
 * value of the bits it depends on (at most 2^MAX_ENUMERATED_BITS).
 */
import type { Stmt } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import { evalClassical } from "../../ir/classical.ts";
import type { Compiler } from "./compiler.ts";
import { compileGateCall } from "./gates.ts";
import {
  affine,
  exprBits,
  numericExpr,
  toRuntime,
  whenHolds,
} from "./runtime.ts";
import type { Value } from "./scope.ts";

/** Most bits a run-time gate parameter may depend on outside the affine case. */
export const MAX_ENUMERATED_BITS = 10;

/** Standard gates G(θ) with G(a)·G(b) = G(a + b) (so are their ctrl/inv/pow forms). */
const ADDITIVE = new Set([
  "rx",
  "ry",
  "rz",
  "p",
  "phase",
  "u1",
  "cp",
  "cphase",
  "cu1",
  "crx",
  "cry",
  "crz",
  "rxx",
  "ryy",
  "rzz",
  "gphase",
]);

type GateCall = Extract<Stmt, { kind: "gateCall" }>;

/** Emits a gate call whose parameters depend on measured values. */
export function runtimeGateCall(
  c: Compiler,
  call: GateCall,
  values: readonly Value[],
): void {
  const exprs = values.map((v, i) =>
    numericExpr(toRuntime(c, v, call.params[i].span)),
  );
  const custom = c.global.lookup(call.name);
  const userGate = custom?.kind === "gate" || custom?.kind === "opaque";
  if (exprs.length === 1 && ADDITIVE.has(call.name) && !userGate) {
    const lin = affine(exprs[0]);
    if (lin) {
      compileGateCall(c, call, [lin.c0]);
      for (const [bit, w] of lin.terms)
        if (w !== 0)
          whenHolds(c, { clbits: [bit], op: "==", value: 1 }, () =>
            compileGateCall(c, call, [w]),
          );
      return;
    }
  }
  const bits = exprBits({ kind: "call", name: "", args: exprs });
  if (bits.length > MAX_ENUMERATED_BITS)
    c.fail(
      QasmCodes.UNSUPPORTED,
      `not supported yet: a gate parameter that depends on more than ${MAX_ENUMERATED_BITS} measured bits`,
      call.span,
    );
  const scratch = new Uint8Array(c.numClbits);
  for (let v = 0; v < 2 ** bits.length; v++) {
    bits.forEach((b, i) => {
      scratch[b] = Math.floor(v / 2 ** i) % 2;
    });
    const params = exprs.map((e) => evalClassical(e, scratch));
    whenHolds(c, { clbits: bits, op: "==", value: v }, () =>
      compileGateCall(c, call, params),
    );
  }
}
