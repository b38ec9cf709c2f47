/**
 * `#pragma braket noise name(params) qubits` -> noise ops, applied where the pragma stands.
 * Parameters follow Amazon Braket: probabilities for the named channels, and for `kraus` the
 * matrices as nested lists with complex entries as `[re, im]`. As in Braket, the first qubit of a
 * two-qubit channel is the most-significant bit of its matrices: `kraus(...) q[0], q[1]` becomes a
 * noise op on [q[1], q[0]] (the IR's first qubit is the least-significant bit).
 */
import {
  CHANNEL_NAMES,
  type ChannelResult,
  krausChannel,
  namedChannel,
} from "../../ir/channels.ts";
import type { Span } from "../../ir/types.ts";
import type { NoiseArg, Stmt } from "../ast.ts";
import { QasmCodes } from "../codes.ts";
import type { Compiler } from "./compiler.ts";
import { evalNumber } from "./eval.ts";
import { qubitsOf } from "./exec.ts";

type NoiseStmt = Extract<Stmt, { kind: "noise" }>;

function argSpan(a: NoiseArg): Span {
  return a.kind === "expr" ? a.expr.span : a.span;
}

/** A Kraus matrix from rows of numbers or [re, im] pairs. */
function matrixOf(c: Compiler, a: NoiseArg): Float64Array {
  const bad = (at: Span): never =>
    c.fail(
      QasmCodes.BAD_NOISE,
      "a Kraus matrix is a list of rows of numbers or [re, im] pairs",
      at,
    );
  if (a.kind !== "list" || a.items.length === 0) return bad(argSpan(a));
  const d = a.items.length;
  const m = new Float64Array(2 * d * d);
  a.items.forEach((row, r) => {
    if (row.kind !== "list" || row.items.length !== d)
      c.fail(
        QasmCodes.BAD_NOISE,
        `row ${r + 1} of a ${d}x${d} Kraus matrix must have ${d} entries`,
        argSpan(row),
      );
    (row as Extract<NoiseArg, { kind: "list" }>).items.forEach((x, col) => {
      const k = 2 * (r * d + col);
      if (x.kind === "expr") m[k] = evalNumber(c, x.expr);
      else {
        const [re, im] = x.items;
        if (x.items.length !== 2 || re.kind !== "expr" || im.kind !== "expr")
          return bad(x.span);
        m[k] = evalNumber(c, re.expr);
        m[k + 1] = evalNumber(c, im.expr);
      }
    });
  });
  return m;
}

/** Emits the noise ops of a pragma. */
export function compileNoisePragma(c: Compiler, s: NoiseStmt): void {
  if (c.condition)
    c.fail(
      QasmCodes.BAD_NOISE,
      "a noise pragma cannot stand inside a classically conditioned block",
      s.span,
    );
  let r: ChannelResult;
  if (s.name === "kraus") {
    if (s.params.length === 0)
      c.fail(
        QasmCodes.BAD_NOISE,
        "kraus needs at least one matrix",
        s.nameSpan,
      );
    r = krausChannel(s.params.map((a) => matrixOf(c, a)));
  } else {
    if (!(s.name in CHANNEL_NAMES)) r = namedChannel(s.name, []);
    else
      r = namedChannel(
        s.name,
        s.params.map((a) =>
          a.kind === "expr"
            ? evalNumber(c, a.expr)
            : c.fail(
                QasmCodes.BAD_NOISE,
                `${s.name} takes numbers, not lists`,
                a.span,
              ),
        ),
      );
  }
  if (!r.ok)
    return c.fail(
      QasmCodes.BAD_NOISE,
      r.message,
      s.name in CHANNEL_NAMES && s.params.length > 0
        ? argSpan(s.params[0])
        : s.nameSpan,
    );
  const ch = r.channel;
  const operands = s.args.map((a) => qubitsOf(c, a));
  if (ch.numQubits === 1) {
    // One-qubit channels broadcast over every qubit named (`q` is each qubit of q).
    const qs = operands.flat();
    if (new Set(qs).size !== qs.length)
      c.fail(
        QasmCodes.BAD_NOISE,
        `${ch.name}: a qubit is listed twice`,
        s.span,
      );
    for (const q of qs) c.emit({ kind: "noise", channel: ch, qubits: [q] });
    return;
  }
  if (operands.length !== 2)
    c.fail(
      QasmCodes.BAD_NOISE,
      `${ch.name} acts on 2 qubits, got ${operands.length} operand(s)`,
      s.span,
    );
  const [a, b] = operands;
  if (a.length !== b.length)
    c.fail(
      QasmCodes.BAD_NOISE,
      `${ch.name}: the two operands have different sizes (${a.length} and ${b.length})`,
      s.span,
    );
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i])
      c.fail(
        QasmCodes.BAD_NOISE,
        `${ch.name} needs two different qubits`,
        s.span,
      );
    c.emit({ kind: "noise", channel: ch, qubits: [b[i], a[i]] });
  }
}
